"""Load a scenario: YAML with positions, `extends:`, `--set`, validation, and quotes checked against sources.

Every problem becomes a `ConfigError` that names the file, line and key, and says what would be valid.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from scenarios.config.inherit import apply_overrides, load_tree, merge_into
from scenarios.config.params import EstimativeWords, Param
from scenarios.config.provenance import check_quotes
from scenarios.config.schema import Scenario
from scenarios.config.yamlio import Located, Origin, Path_, dotted, parse_yaml
from scenarios.exceptions import ConfigError, Problem

WORDS_FILE = "estimative_words.yaml"


def packaged_words() -> Located:
    """The shipped ICD 203 table, located, under the key `estimative_words`."""
    text = resources.files("scenarios.data").joinpath(WORDS_FILE).read_text(encoding="utf-8")
    words = parse_yaml(text, f"<scenarios>/data/{WORDS_FILE}")
    return Located(
        {"estimative_words": words.data}, {("estimative_words", *k): o for k, o in words.origins.items()}
    )


def load_located(path: str | Path, overrides: Sequence[str] = ()) -> Located:
    """The merged tree (packaged words <- extends chain <- file <- overrides) with the origin of every value."""
    tree = packaged_words()
    merge_into(tree, load_tree(Path(path)))
    apply_overrides(tree, list(overrides))
    return tree


def load_scenario(path: str | Path, overrides: Sequence[str] = (), check_sources: bool = True) -> Scenario:
    """Load, merge, override and validate a scenario file; raise ConfigError listing every problem."""
    tree = load_located(path, overrides)
    scenario = validate_tree(tree, str(path))
    if check_sources:
        problems = check_quotes(scenario, tree.origins)
        if problems:
            raise ConfigError(problems)
    scenario._origins = dict(tree.origins)
    return scenario


def validate_tree(tree: Located, display: str) -> Scenario:
    """Validate a merged tree against the schema, mapping pydantic's errors to file positions."""
    data = tree.data
    words: EstimativeWords | None = None
    try:
        words = EstimativeWords.model_validate(data.get("estimative_words"))
    except ValidationError as exc:
        raise ConfigError(_problems(exc, tree, display, prefix=("estimative_words",))) from None
    try:
        return Scenario.model_validate(data, context={"words": words})
    except ValidationError as exc:
        raise ConfigError(_problems(exc, tree, display)) from None


def _existing_prefix(data: Any, loc: tuple[Any, ...]) -> Path_:
    """The longest prefix of a pydantic location that names a node of the data."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        else:
            break
    return tuple(path)


def _node(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]  # type: ignore[index]
    return data


def _unwrap(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    return annotation


class _DictOf:
    def __init__(self, item: Any):
        self.item = item


def _class_at(path: Path_) -> Any:
    model: Any = Scenario
    for part in path:
        if isinstance(model, _DictOf):
            model = model.item
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        inner = _unwrap(field.annotation)
        model = _DictOf(_unwrap(typing.get_args(inner)[1])) if typing.get_origin(inner) is dict else inner
    return model


def _position(tree: Located, path: Path_, display: str) -> Origin:
    for n in range(len(path), -1, -1):
        origin = tree.origins.get(path[:n])
        if origin is not None:
            return origin
    return Origin(display)


def _problems(exc: ValidationError, tree: Located, display: str, prefix: Path_ = ()) -> list[Problem]:
    grouped: dict[Path_, list[dict[str, Any]]] = {}
    for err in exc.errors(include_url=False):
        loc = (*prefix, *err["loc"])
        if err["type"] in ("missing", "extra_forbidden"):
            path = tuple(loc)
        else:
            path = _existing_prefix(tree.data, loc)
        grouped.setdefault(path, []).append(err)
    problems = []
    for path, errs in grouped.items():
        problems.append(_problem(tree, path, errs, display))
    return problems


def _clean(msg: str) -> str:
    for head in ("Value error, ", "Assertion failed, "):
        if msg.startswith(head):
            return msg[len(head) :]
    return msg


def _problem(tree: Located, path: Path_, errs: list[dict[str, Any]], display: str) -> Problem:
    kinds = {e["type"] for e in errs}
    parent = path[:-1]
    if kinds == {"extra_forbidden"}:
        origin = _position(tree, path, display)
        model = _class_at(parent)
        names = list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []
        close = difflib.get_close_matches(str(path[-1]), names, n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
        valid = f"valid keys here: {', '.join(names)}" if names else ""
        return Problem(origin.file, origin.line, origin.column, dotted(path), "unknown key", hint + valid)
    if kinds == {"missing"}:
        origin = _position(tree, parent, display)
        model = _class_at(path)
        hint = ""
        if isinstance(model, type) and issubclass(model, Param):
            hint = f"give {model.describe_domain()}, with `source:` or `assumption:`"
        return Problem(origin.file, origin.line, origin.column, dotted(path), "missing required key", hint)
    origin = _position(tree, path, display)
    value = _node(tree.data, path) if path else None
    custom = [_clean(e["msg"]) for e in errs if e["type"] in ("value_error", "assertion_error")]
    if custom:
        return Problem(origin.file, origin.line, origin.column, dotted(path), "; ".join(dict.fromkeys(custom)))
    model = _class_at(path[:-1]) if path and path[-1] == "value" else _class_at(path)
    if isinstance(model, type) and issubclass(model, Param):
        shown = value if not isinstance(value, dict) else value.get("value", value)
        return Problem(
            origin.file, origin.line, origin.column, dotted(path),
            f"expected {model.describe_domain()}, got {shown!r}",
        )
    details = "; ".join(dict.fromkeys(_clean(e["msg"]) for e in errs))
    return Problem(origin.file, origin.line, origin.column, dotted(path), f"{details}, got {value!r}")


def scenario_from_dump(data: dict[str, Any], display: str) -> Scenario:
    """Rebuild a scenario from its resolved dump (as stored in a results manifest)."""
    return validate_tree(Located(data, {}), display)
