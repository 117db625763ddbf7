"""`extends:` inheritance and `--set` overrides on located YAML trees.

Merge rules (documented in docs/configuration.md):
- mappings merge key by key, recursively;
- lists and scalars replace what they override;
- a parameter (a mapping with ``value:``) overridden by a number, a word, a range or a ``{dist: ...}`` mapping
  keeps its provenance and has only its ``value`` replaced; override the whole mapping to change the source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from scenarios.config.yamlio import Located, Origin, Path_, dotted, load_yaml
from scenarios.exceptions import ConfigError, Problem

EXTENDS = "extends"


def load_tree(path: Path) -> Located:
    """Load a file and everything it `extends:`, merged, with the origin of every value."""
    return _load(Path(path), ())


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _load(path: Path, chain: tuple[Path, ...]) -> Located:
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(_display(p) for p in (*chain, resolved))
        raise ConfigError(
            [Problem(_display(chain[-1]), None, None, EXTENDS, f"`extends:` makes a cycle: {cycle}", "remove one link")]
        )
    located = load_yaml(path, _display(path))
    if not isinstance(located.data, dict):
        o = located.origins.get((), Origin(_display(path)))
        raise ConfigError(
            [Problem(o.file, o.line, o.column, "", "the top level must be a mapping of keys", "e.g. `name: baseline`")]
        )
    _absolutise_sources(located, path.parent)
    parent_ref = located.data.pop(EXTENDS, None)
    if parent_ref is None:
        return located
    o = located.origins[(EXTENDS,)]
    if not isinstance(parent_ref, str) or not parent_ref:
        raise ConfigError([Problem(o.file, o.line, o.column, EXTENDS, "expected a file name", "e.g. `extends: baseline.yaml`")])
    parent_path = path.parent / parent_ref
    if not parent_path.exists():
        raise ConfigError(
            [
                Problem(
                    o.file, o.line, o.column, EXTENDS,
                    f"file {parent_ref!r} not found (looked for {_display(parent_path)})",
                    "the path is relative to the file that extends it",
                )
            ]
        )
    base = _load(parent_path, (*chain, resolved))
    merge_into(base, located)
    return base


def _absolutise_sources(located: Located, folder: Path) -> None:
    """Source files are named relative to the file that registers them; make them absolute at load time."""
    sources = located.data.get("sources")
    if isinstance(sources, dict):
        for key, value in sources.items():
            if isinstance(value, str):
                sources[key] = str((folder / value).resolve())


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
    """``a.b.c=value`` -> (("a", "b", "c"), value), the value read as YAML (number, word, [lo, hi], {dist: ..})."""
    where = f"--set {text}"
    if "=" not in text:
        raise ConfigError([Problem(where, None, None, "", "expected KEY=VALUE", "e.g. --set actors.russia.rationality=2")])
    key, raw = text.split("=", 1)
    key = key.strip()
    parts = tuple(key.split("."))
    if not key or any(not p for p in parts):
        raise ConfigError([Problem(where, None, None, key, "expected a dotted key such as a.b.c")])
    try:
        value = YAML(typ="safe", pure=True).load(raw) if raw.strip() else None
    except YAMLError as exc:
        raise ConfigError([Problem(where, None, None, key, f"cannot read the value as YAML: {exc}")]) from None
    if raw.strip() and value is None and raw.strip() not in {"null", "~"}:
        raise ConfigError([Problem(where, None, None, key, "empty value")])
    return parts, value


def apply_overrides(located: Located, overrides: list[str]) -> None:
    """Apply ``--set`` overrides in order; each value is then validated exactly like a file value."""
    for text in overrides:
        path, value = parse_override(text)
        origin = Origin(f"--set {text}")
        node = located.data
        for i, part in enumerate(path[:-1]):
            if not isinstance(node, dict):
                raise ConfigError(
                    [Problem(origin.file, None, None, dotted(path[: i + 1]), "this key has no sub-keys", "check the key path")]
                )
            node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ConfigError([Problem(origin.file, None, None, dotted(path), "the parent of this key is not a mapping")])
        last = path[-1]
        top = Located(value, {(): origin})
        if last in node:
            merged = Located(node[last], {k[len(path) :]: o for k, o in located.origins.items() if k[: len(path)] == path})
            merge_into(merged, top)
            node[last] = merged.data
            _drop_origins(located.origins, path)
            for k, o in merged.origins.items():
                located.origins[(*path, *k)] = o
        else:
            node[last] = value
            located.origins[path] = origin
