"""`extends:` inheritance and `--set` overrides on located YAML trees.

Merge rules (documented in docs/configuration.md):
- mappings merge key by key, recursively;
- lists and scalars replace what they override;
- ``key: null`` removes the key the base sets (its default applies: e.g. ``world.ceasefire: null`` starts at war);
- a parameter (a mapping with ``value:``) overridden by a number, a word, a range or a ``{dist: ...}`` mapping
  keeps its provenance and has only its ``value`` replaced; override the whole mapping to change the source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scenarios.config.legacy import rename_file, rename_path, warn
from scenarios.config.paths import ALLOW_HINT, is_inside, roots_for
from scenarios.exceptions import ConfigError, Problem
from scenarios.yamlio import MAX_DEPTH, Located, Origin, Path_, dotted, load_yaml, parse_yaml

EXTENDS = "extends"


def load_tree(path: Path) -> Located:
    """Load a file and everything it `extends:`, merged, with the origin of every value.

    Every file it names must lie in the folder tree of `path` or in an allowed folder (config/paths.py).
    """
    path = Path(path)
    return _load(path, (), roots_for(path))


def extends_chain(path: Path) -> list[Path]:
    """The files a scenario is built from, resolved: the file itself, then what it extends, and so on."""
    path = Path(path)
    roots = roots_for(path)
    chain = [path.resolve()]
    while True:
        located = load_yaml(chain[-1], _display(chain[-1]))
        ref = located.data.get(EXTENDS) if isinstance(located.data, dict) else None
        if not isinstance(ref, str):
            return chain
        parent = (chain[-1].parent / ref).resolve()
        if parent in chain or not is_inside(parent, roots) or not parent.is_file():
            return chain  # loading the scenario reports the problem
        chain.append(parent)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # outside the working folder; a link loop
        return str(path)


def _load(path: Path, chain: tuple[Path, ...], roots: list[Path]) -> Located:
    located = load_yaml(path, _display(path))  # first: a file that cannot be read (a link loop) says why
    resolved = path.resolve()
    if not isinstance(located.data, dict):
        o = located.origins.get((), Origin(_display(path)))
        found = type(located.data).__name__
        raise ConfigError(
            [
                Problem(
                    o.file,
                    o.line,
                    o.column,
                    "",
                    f"the top level must be a mapping of keys, got a {found}",
                    "e.g. `name: baseline`",
                )
            ]
        )
    _absolutise_sources(located, path.parent, roots)
    located.legacy = rename_file(located)
    warn(_display(path), located.legacy)
    if EXTENDS not in located.data:
        return located
    parent_ref = located.data.pop(EXTENDS)
    o = located.origins[(EXTENDS,)]

    def fail(message: str, hint: str) -> ConfigError:
        return ConfigError([Problem(o.file, o.line, o.column, EXTENDS, message, hint)])

    if not isinstance(parent_ref, str) or not parent_ref.strip():
        raise fail(f"expected a file name, got {parent_ref!r}", "e.g. `extends: baseline.yaml`")
    try:
        parent_path = path.parent / parent_ref
        inside = is_inside(parent_path, roots)
    except (OSError, ValueError, RuntimeError):  # a NUL byte, a symlink loop
        raise fail(f"{parent_ref!r} is not a usable file name", "e.g. `extends: baseline.yaml`") from None
    if not inside:
        raise fail(f"{parent_ref!r} is outside {roots[0]}, the folder of the scenario loaded", ALLOW_HINT)
    if not parent_path.exists():
        raise fail(
            f"file {parent_ref!r} not found (looked for {_display(parent_path)})",
            "the path is relative to the file that extends it",
        )
    if not parent_path.is_file():
        raise fail(f"{parent_ref!r} is not a file", "name the YAML file to inherit, e.g. `extends: baseline.yaml`")
    if parent_path.resolve() in (*chain, resolved):
        cycle = " -> ".join(_display(p) for p in (*chain, resolved, parent_path.resolve()))
        raise fail(f"`extends:` makes a cycle: {cycle}", "remove one link of the chain")
    base = _load(parent_path, (*chain, resolved), roots)
    merge_into(base, located)
    base.legacy += located.legacy
    return base


def _absolutise_sources(located: Located, folder: Path, roots: list[Path]) -> None:
    """Files a scenario reads (source documents, observations files, a joint sample) are named relative to the file
    that names them; make them absolute at load time.

    A file outside the allowed folders is refused here, before anything reads it.
    """
    sources = located.data.get("sources")
    joint = located.data.get("joint")
    named: list[tuple[dict[str, Any], str, tuple[str, ...]]] = []
    if isinstance(sources, dict):
        named += [(sources, key, ("sources", key)) for key in sources]
    observations = located.data.get("observations")
    if isinstance(observations, dict):
        named += [(observations, key, ("observations", key)) for key in observations]
    if isinstance(joint, dict) and "sample" in joint:
        named.append((joint, "sample", ("joint", "sample")))
    problems = []
    for node, key, where in named:
        value = node[key]
        if not isinstance(value, str):
            continue  # the schema reports it
        try:
            target = (folder / value).resolve()
        except (OSError, ValueError, RuntimeError):
            target = None
        o = located.origins.get(where) or Origin("?")
        dotted = ".".join(where)
        if target is None:
            problems.append(Problem(o.file, o.line, o.column, dotted, f"{value!r} is not a usable file name"))
        elif not is_inside(target, roots):
            message = f"{value!r} is outside {roots[0]}, the folder of the scenario loaded"
            problems.append(Problem(o.file, o.line, o.column, dotted, message, ALLOW_HINT))
        else:
            node[key] = str(target)
    if problems:
        raise ConfigError(problems)


def is_param(node: Any) -> bool:
    return isinstance(node, dict) and "value" in node


def _replaces_value_only(base: Any, new: Any) -> bool:
    return is_param(base) and (not isinstance(new, dict) or "dist" in new)


def merge_into(base: Located, top: Located) -> None:
    """Merge `top` over `base` in place (base becomes the result)."""
    base.data = _merge(base.data, top.data, (), base.origins, top.origins)


def _drop_origins(origins: dict[Path_, Origin], prefix: Path_) -> None:
    n = len(prefix)
    for key in [k for k in origins if k[:n] == prefix and len(k) > n]:
        del origins[key]


def _merge(base: Any, top: Any, path: Path_, base_o: dict[Path_, Origin], top_o: dict[Path_, Origin]) -> Any:
    if isinstance(base, dict) and isinstance(top, dict) and not _replaces_value_only(base, top):
        out = dict(base)
        for key, value in top.items():
            child = (*path, key)
            if value is None:  # `key: null` removes what the base sets: the schema's default applies
                out.pop(key, None)
                _drop_origins(base_o, child)
                base_o.pop(child, None)
                continue
            if key in out:
                out[key] = _merge(out[key], value, child, base_o, top_o)
            else:
                out[key] = value
                _copy_origins(top_o, base_o, child)
        return out
    if _replaces_value_only(base, top):
        out = dict(base)
        out["value"] = top
        _drop_origins(base_o, (*path, "value"))
        _copy_origins(top_o, base_o, path, (*path, "value"))
        return out
    _drop_origins(base_o, path)
    _copy_origins(top_o, base_o, path)
    return top


def _copy_origins(src: dict[Path_, Origin], dst: dict[Path_, Origin], prefix: Path_, to: Path_ | None = None) -> None:
    target = prefix if to is None else to
    n = len(prefix)
    for key, origin in src.items():
        if key[:n] == prefix:
            dst[(*target, *key[n:])] = origin


def parse_override(text: str) -> tuple[Path_, Any]:
    """``a.b.c=value`` -> (("a", "b", "c"), value): the value is read as YAML (number, word, range, dist).

    The value is read exactly like a value in a file: plain data only, no tags. A list index is a number:
    ``actors.<id>.ladder.<rung>.in_place_at_start=false``.
    """
    where = f"--set {text}" if len(text) <= 300 else f"--set {text[:300]}..."
    if "=" not in text:
        raise ConfigError(
            [Problem(where, None, None, "", "expected KEY=VALUE", "e.g. --set actors.<id>.rationality=2")]
        )
    key, raw = text.split("=", 1)
    key = key.strip()
    parts = tuple(key.split("."))
    if not key or any(not p.strip() for p in parts):
        raise ConfigError(
            [
                Problem(
                    where,
                    None,
                    None,
                    key,
                    "expected a dotted key such as a.b.c",
                    "e.g. --set simulation.seed=7",
                )
            ]
        )
    if len(parts) > MAX_DEPTH:
        raise ConfigError(
            [
                Problem(
                    where,
                    None,
                    None,
                    ".".join(parts[:3]) + "...",
                    f"a key of {len(parts)} levels; a scenario has at most {MAX_DEPTH}",
                    "e.g. --set simulation.seed=7",
                )
            ]
        )
    if not raw.strip():
        raise ConfigError([Problem(where, None, None, key, "empty value", "write `null` to clear a value")])
    try:
        value = parse_yaml(raw, where, value=True).data
    except ConfigError as exc:
        raise ConfigError(
            [Problem(where, None, None, key, f"cannot read the value: {p.message}", p.hint) for p in exc.problems]
        ) from None
    path: Path_ = tuple(int(p) if p.isdigit() else p.strip() for p in parts)
    return path, value


def _everywhere(value: Any, origin: Origin, path: Path_ = ()) -> dict[Path_, Origin]:
    """The same origin for a value and every node inside it (a --set value is one place)."""
    out = {path: origin}
    if isinstance(value, dict):
        for key, item in value.items():
            out.update(_everywhere(item, origin, (*path, key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.update(_everywhere(item, origin, (*path, i)))
    return out


def apply_overrides(located: Located, overrides: list[str]) -> None:
    """Apply ``--set`` overrides in order; each value is then validated exactly like a file value.

    Keys that do not exist are created (so the schema reports them as unknown, naming the override); a number
    indexes a list.
    """
    for text in overrides:
        path, value = parse_override(text)
        path = _keys_as_stored(rename_path(path, located.data), located.data)
        origin = Origin(f"--set {text}")
        node = located.data
        for i, part in enumerate(path[:-1]):
            here = path[: i + 1]
            if isinstance(node, list) and isinstance(part, int):
                if not 0 <= part < len(node):
                    raise ConfigError(
                        [
                            Problem(
                                origin.file,
                                None,
                                None,
                                dotted(here),
                                f"no item {part}: the list has {len(node)}",
                            )
                        ]
                    )
                node = node[part]
            elif isinstance(node, dict):
                if part not in node:
                    node[part] = {}
                    located.origins[here] = origin
                node = node[part]
            else:
                raise ConfigError(
                    [
                        Problem(
                            origin.file,
                            None,
                            None,
                            dotted(here),
                            "this key has no sub-keys",
                            "check the key path",
                        )
                    ]
                )
        last = path[-1]
        if isinstance(node, list):
            if not (isinstance(last, int) and 0 <= last < len(node)):
                raise ConfigError(
                    [Problem(origin.file, None, None, dotted(path), f"expected an index below {len(node)}")]
                )
        elif not isinstance(node, dict):
            raise ConfigError(
                [Problem(origin.file, None, None, dotted(path), "the parent of this key is not a mapping")]
            )
        top = Located(value, _everywhere(value, origin))
        n = len(path)
        exists = last in node if isinstance(node, dict) else True
        if exists:
            before = node[last]
            merged = Located(node[last], {k[n:]: o for k, o in located.origins.items() if k[:n] == path})
            merge_into(merged, top)
            node[last] = merged.data
            _drop_origins(located.origins, path)
            for k, o in merged.origins.items():
                located.origins[(*path, *k)] = o
            if is_param(before) and _replaces_value_only(before, value):
                _provenance_of_override(located, path, before, origin)
            elif last == "value" and len(path) > 1 and is_param(_at(located.data, path[:-1])):
                _provenance_of_override(located, path[:-1], {**_at(located.data, path[:-1]), "value": before}, origin)
        else:
            node[last] = value
            for k, o in top.origins.items():
                located.origins[(*path, *k)] = o


def _keys_as_stored(path: Path_, data: Any) -> Path_:
    """A number in a key path names a mapping's key as the file wrote it: `ground.fortification.3` is the level
    the YAML reads as the text "3", not a new key beside it."""
    out: list[Any] = []
    node = data
    for part in path:
        if isinstance(node, dict) and part not in node and isinstance(part, int) and str(part) in node:
            part = str(part)
        out.append(part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(out)


def _at(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def shown_value(value: Any) -> str:
    """A parameter's value as written in YAML: 0.7, [0.5, 0.8], likely, {dist: beta, mean: 0.6, sd: 0.1}."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {shown_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(shown_value(v) for v in value) + "]"
    return str(value)


def was(param: dict[str, Any]) -> str:
    """What a parameter said before an override replaced its value: its value and its quote or assumption."""
    source = param.get("source")
    if isinstance(source, dict) and "quote" in source:
        why = f"\u00b6{source.get('para')} \u201c{source['quote']}\u201d"
    else:
        why = f"assumption: {param.get('assumption')}"
    return f"was: {shown_value(param.get('value'))} ({why})"


def _provenance_of_override(located: Located, path: Path_, before: dict[str, Any], origin: Origin) -> None:
    """A value set on the command line no longer encodes the report's words: it loses the quote, says who set it,
    and keeps what it replaced visible as "was: ..."."""
    param = _at(located.data, path)
    param.pop("source", None)
    param["assumption"] = f"set on the command line ({origin.file})"
    param["note"] = was(before)
    for key in ("source", "assumption", "note"):
        _drop_origins(located.origins, (*path, key))
        located.origins.pop((*path, key), None)
    located.origins[(*path, "assumption")] = origin
    located.origins[(*path, "note")] = origin
