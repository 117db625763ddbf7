"""Load a scenario: YAML with positions, `extends:`, `--set`, validation, and quotes checked against sources.

Every problem becomes a `ConfigError` that names the file, line and key, and says what would be valid.
"""

from __future__ import annotations

import difflib
import functools
import os
import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError, create_model

from scenarios.config.inherit import apply_overrides, load_tree, merge_into
from scenarios.config.legacy import move_effects, rename_file, warn
from scenarios.config.observations import check_observed
from scenarios.config.params import DateParam, EstimativeWords, Param, ValueProblem
from scenarios.config.paths import ENV, is_inside, roots_for
from scenarios.config.provenance import check_quotes, check_tree_quotes, iter_observed
from scenarios.config.schema import Scenario
from scenarios.config.words import packaged_words
from scenarios.exceptions import ConfigError, Problem
from scenarios.roles import policy_schemas
from scenarios.yamlio import Located, Origin, Path_, dotted


def load_located(path: str | Path, overrides: Sequence[str] = ()) -> Located:
    """The merged tree (packaged words <- extends chain <- file <- overrides), with every value's origin."""
    tree = packaged_words()
    top = load_tree(Path(path))
    merge_into(tree, top)
    if () in top.origins:  # the top level is the file asked for (a missing top-level key is its problem)
        tree.origins[()] = top.origins[()]
    apply_overrides(tree, list(overrides))
    moved = move_effects(tree, renamed=bool(top.legacy))
    warn(str(path), moved)
    tree.legacy = top.legacy + moved
    return tree


def load_scenario(path: str | Path, overrides: Sequence[str] = (), check_sources: bool = True) -> Scenario:
    """Load, merge, override and validate a scenario file; raise ConfigError listing every problem.

    Schema problems and quotes that are not in their source are reported together.
    """
    tree = load_located(path, overrides)
    try:
        scenario = validate_tree(tree, str(path))
    except ConfigError as exc:
        if check_sources:
            known = {(p.file, p.line, p.column, p.key) for p in exc.problems}
            extra = [
                p for p in check_tree_quotes(tree.data, tree.origins) if (p.file, p.line, p.column, p.key) not in known
            ]
            exc = ConfigError([*exc.problems, *extra])
        raise exc from None
    if check_sources:
        problems = check_quotes(scenario, tree.origins)
        problems += check_observed(scenario, tree.origins, list(iter_observed(scenario)))
        if problems:
            raise ConfigError(problems)
    scenario._origins = dict(tree.origins)
    problem = _output_dir_problem(scenario, tree, Path(path))
    if problem is not None:
        raise ConfigError([problem])
    if scenario.measures or scenario.expectations or scenario.questions or scenario.data:
        from scenarios.config.expectations import measure_problems
        from scenarios.measures import measure_set

        measures = measure_set(scenario)  # every expression checked now, before anything runs
        problems = measure_problems(scenario, measures, str(path))
        if problems:
            raise ConfigError(problems)
    return scenario


OUTPUT_HINT = (
    "a scenario's output_dir must stay in the working folder or the scenario's own folder tree (`results` is "
    f"./results); allow another folder with --allow-path DIR or {ENV}=DIR, or give --out"
)


def _output_dir_problem(scenario: Scenario, tree: Located, top: Path) -> Problem | None:
    """`simulation.output_dir` obeys the folder-tree rule of `extends:`: a file may only send results into the
    working folder (a relative path that does not climb out of it) or its own folder tree, or a folder the user
    allows. A value given with `--set` is the user's own choice."""
    origin = tree.origins.get(("simulation", "output_dir"))
    if origin is None or origin.file.startswith("--set"):
        return None
    value = scenario.simulation.output_dir
    try:
        relative = not os.path.isabs(value) and not os.path.normpath(value).startswith("..")
        inside = relative or is_inside(Path(value), [Path.cwd().resolve(), *roots_for(top)])
    except (OSError, ValueError, RuntimeError):
        inside = False
    if inside:
        return None
    return Problem(
        origin.file,
        origin.line,
        origin.column,
        "simulation.output_dir",
        f"{value!r} is outside the working folder and {roots_for(top)[0]}, the folder of the scenario loaded",
        OUTPUT_HINT,
    )


def validate_tree(tree: Located, display: str) -> Scenario:
    """Validate a merged tree against the schema, mapping pydantic's errors to file positions."""
    data = tree.data
    words: EstimativeWords | None = None
    problems: list[Problem] = []
    try:
        words = EstimativeWords.model_validate(data.get("estimative_words"))
    except ValidationError as exc:
        problems = _problems(exc, tree, display, prefix=("estimative_words",))
    try:
        scenario = Scenario.model_validate(data, context={"words": words})
    except ValidationError as exc:
        found = _problems(exc, tree, display)
        if words is None:  # the table is broken: its own problems are reported, not every word that uses it
            found = [
                p
                for p in found
                if not p.key.startswith("estimative_words") and not p.message.startswith("unknown estimative word")
            ]
        raise ConfigError([*problems, *found]) from None
    if problems:
        raise ConfigError(problems)
    return scenario


def _existing_prefix(data: Any, loc: tuple[Any, ...]) -> Path_:
    """The longest prefix of a pydantic location that names a node of the data."""
    path: list[str | int] = []
    node = data
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_dict or in_list):
            break
        node = node[part]
        path.append(part)
    return tuple(path)


def _node(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def _unwrap(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    return annotation


class _ItemOf:
    """The items of a dict or list field: any key or index leads to `item`."""

    def __init__(self, item: Any):
        self.item = item


def _any_actor() -> type[BaseModel]:
    """Every field of every policy's parameters (the first policy's where they share a name): what an actor's block
    may hold when its policy is unknown (for descriptions and hints)."""
    fields: dict[str, Any] = {}
    for spec in policy_schemas().values():
        for name, field in spec.params.model_fields.items():
            fields.setdefault(name, (field.annotation, field))
    model: type[BaseModel] = create_model("AnyActor", **fields)
    return model


@functools.cache
def _any_actor_cached() -> type[BaseModel]:
    return _any_actor()


def actor_class(name: Any, data: Any) -> type[BaseModel]:
    """The parameters class of actor `name` in the scenario data (by its `policy`), or every policy's fields."""
    actors = data.get("actors") if isinstance(data, dict) else None
    block = actors.get(name) if isinstance(actors, dict) else None
    policy = block.get("policy") if isinstance(block, dict) else None
    spec = policy_schemas().get(policy) if isinstance(policy, str) else None
    return spec.params if spec is not None else _any_actor_cached()


def _strip_policy_tag(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """pydantic puts the policy (the union's tag) after the actor's name: actors.<name>.<policy>.<field>."""
    if len(loc) >= 3 and loc[0] == "actors" and loc[2] in policy_schemas():
        return (*loc[:2], *loc[3:])
    return loc


def schema_class_at(path: Path_, data: Any = None) -> Any:
    """The model class (or annotation) that validates the node at `path`, or None if unknown.

    Under `actors:` the class is the one of the actor's `policy` in `data` (every policy's fields without it).
    """
    model: Any = Scenario
    for i, part in enumerate(path):
        if isinstance(model, _ItemOf):
            model = actor_class(part, data) if i == 1 and path[0] == "actors" else model.item
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        inner = _unwrap(field.annotation)
        if typing.get_origin(inner) is dict:
            model = _ItemOf(_unwrap(typing.get_args(inner)[1]))
        elif typing.get_origin(inner) is list:
            model = _ItemOf(_unwrap(typing.get_args(inner)[0]))
        else:
            model = inner
    return model


def _is_param(model: Any) -> bool:
    return isinstance(model, type) and issubclass(model, Param | DateParam)


def _field_doc(path: Path_, data: Any = None) -> str:
    """The schema's description of the field at `path` (its meaning and unit), if any."""
    model = schema_class_at(path[:-1], data) if path else None
    if isinstance(model, type) and issubclass(model, BaseModel):
        field = model.model_fields.get(str(path[-1]))
        if field is not None and field.description:
            return f"{path[-1]}: {field.description}"
    return ""


def _position(tree: Located, path: Path_, display: str) -> Origin:
    for n in range(len(path), -1, -1):
        origin = tree.origins.get(path[:n])
        if origin is not None:
            return origin
    return Origin(display)


def _problems(exc: ValidationError, tree: Located, display: str, prefix: Path_ = ()) -> list[Problem]:
    grouped: dict[Path_, list[dict[str, Any]]] = {}
    for raw in exc.errors(include_url=False):
        err: dict[str, Any] = dict(raw)
        loc = _strip_policy_tag((*prefix, *err["loc"]))
        if err["type"] in ("union_tag_invalid", "union_tag_not_found") and len(loc) == 2 and loc[0] == "actors":
            grouped.setdefault((*loc, "policy"), []).append({**err, "type": "policy_error"})
            continue
        at = _value_union_at(loc, tree.data)
        if at is not None:
            # An error inside one member of a parameter's `value` union: keep only the member that matches
            # the shape written (a mapping is a distribution), and report it at the value.
            value_path = loc[: at + 1]
            node = _node_or_none(tree.data, value_path)
            if isinstance(node, dict):
                if not str(loc[at + 1]).startswith("tagged-union"):
                    continue
                err = {"type": "dist_error", "msg": _dist_message(err, loc[at + 2 :]), "hint": DIST_HINT}
            path = _existing_prefix(tree.data, value_path)
        elif err["type"] in ("missing", "extra_forbidden"):
            path = tuple(loc)
        else:
            error = (err.get("ctx") or {}).get("error")
            if isinstance(error, ValueProblem):
                loc = (*loc, *error.at)
            path = _existing_prefix(tree.data, loc)
        grouped.setdefault(path, []).append(err)
    problems = []
    for path, errs in grouped.items():
        problems.append(_problem(tree, path, errs, display))
    return problems


DIST_HINT = (
    "a distribution is {dist: beta, mean, sd[, lo, hi]}, {dist: triangular, lo, mode, hi}, "
    "{dist: uniform, lo, hi} or {dist: normal, mean, sd[, lo, hi]}"
)


def _value_union_at(loc: tuple[Any, ...], data: Any = None) -> int | None:
    """The index of `value` if a location lies inside one member of a parameter's value union."""
    for i, part in enumerate(loc):
        if part == "value" and i + 1 < len(loc):
            model = schema_class_at(tuple(loc[:i]), data)
            if isinstance(model, type) and issubclass(model, Param):
                return i
    return None


def _node_or_none(data: Any, path: tuple[Any, ...]) -> Any:
    return _node(data, path) if _existing_prefix(data, path) == tuple(path) else None


def _dist_message(err: dict[str, Any], sub: tuple[Any, ...]) -> str:
    """A distribution's error in the words of the YAML: ``beta: missing key `sd```."""
    kind = err["type"]
    if kind == "union_tag_not_found":
        return "a distribution needs `dist:` (beta, triangular, uniform or normal)"
    if kind == "union_tag_invalid":
        tag = (err.get("ctx") or {}).get("tag")
        return f"unknown distribution {tag!r}: expected beta, triangular, uniform or normal"
    head = f"{sub[0]}: " if sub else ""
    field = ".".join(map(str, sub[1:]))
    if kind == "missing":
        return f"{head}missing key `{field}`"
    if kind == "extra_forbidden":
        return f"{head}unknown key `{field}`"
    if kind in ("value_error", "assertion_error"):
        return _custom(err)[0]
    return f"{head}{field}: {err['msg']}, got {err.get('input')!r}" if field else f"{head}{err['msg']}"


def _clean(msg: str) -> str:
    for head in ("Value error, ", "Assertion failed, "):
        if msg.startswith(head):
            return msg[len(head) :]
    return msg


def _policy_problem(tree: Located, path: Path_, display: str) -> Problem:
    """An actor's block without a known `policy`: say which policies there are and the role each plays."""
    policy = _node_or_none(tree.data, path)
    known = ", ".join(f"{k} ({v.role})" for k, v in policy_schemas().items())
    if policy is None:
        origin = _position(tree, path[:-1], display)
        return Problem(
            origin.file, origin.line, origin.column, dotted(path), "missing required key", f"policies: {known}"
        )
    origin = _position(tree, path, display)
    close = difflib.get_close_matches(str(policy), list(policy_schemas()), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return Problem(
        origin.file, origin.line, origin.column, dotted(path), f"unknown policy {policy!r}", hint + f"policies: {known}"
    )


def _problem(tree: Located, path: Path_, errs: list[dict[str, Any]], display: str) -> Problem:
    kinds = {e["type"] for e in errs}
    parent = path[:-1]
    data = tree.data
    if "policy_error" in kinds:
        return _policy_problem(tree, path, display)
    if kinds == {"extra_forbidden"}:
        origin = _position(tree, path, display)
        model = schema_class_at(parent, data)
        names = list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []
        close = difflib.get_close_matches(str(path[-1]), names, n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
        valid = f"valid keys here: {', '.join(names)}" if names else ""
        return Problem(origin.file, origin.line, origin.column, dotted(path), "unknown key", hint + valid)
    if kinds == {"missing"}:
        origin = _position(tree, parent, display)
        model = schema_class_at(path, data)
        hint = _field_doc(path, data)
        if _is_param(model):
            hint = f"give {model.describe_domain()}, with `source:` or `assumption:`"
        return Problem(origin.file, origin.line, origin.column, dotted(path), "missing required key", hint)
    # A parameter's value problem is reported under the parameter's name, at the line where its value was set
    # (which may be a variant file or a --set, while the parameter's key comes from the base file).
    key = path
    if path and path[-1] == "value" and _is_param(schema_class_at(parent, data)):
        key = parent
    origin = _position(tree, path, display)
    value = _node(tree.data, path) if path else None
    custom = [_custom(e) for e in errs if e["type"] in ("value_error", "assertion_error", "dist_error")]
    if custom:
        message = "; ".join(dict.fromkeys(m for m, _ in custom))
        hint = "; ".join(dict.fromkeys(h for _, h in custom if h))
        return Problem(origin.file, origin.line, origin.column, dotted(key), message, hint)
    model = schema_class_at(key, data)
    if _is_param(model) and issubclass(model, Param):
        shown = value if not isinstance(value, dict) else value.get("value", value)
        return Problem(
            origin.file,
            origin.line,
            origin.column,
            dotted(key),
            f"expected {model.describe_domain()}, got {shown!r}",
        )
    details = "; ".join(dict.fromkeys(_clean(e["msg"]) for e in errs))
    return Problem(
        origin.file, origin.line, origin.column, dotted(key), f"{details}, got {value!r}", _field_doc(key, data)
    )


def _custom(err: dict[str, Any]) -> tuple[str, str]:
    """Message and hint of an error raised by one of our validators."""
    if err["type"] == "dist_error":
        return str(err["msg"]), str(err["hint"])
    error = (err.get("ctx") or {}).get("error")
    if isinstance(error, ValueProblem):
        return error.message, error.hint
    return _clean(err["msg"]), ""


def scenario_from_dump(
    data: dict[str, Any], display: str, origins: dict[str, str] | None = None, first_model: bool = False
) -> Scenario:
    """Rebuild a scenario from its resolved dump (as stored in a results manifest).

    `origins` (the manifest's, by dotted path) keep the file and line each value came from; `first_model`: the dump
    is of a folder of format 1 (already in today's names), whose model this version cannot rebuild.
    """
    tree = Located(data, {})
    tree.legacy = rename_file(tree)
    move_effects(tree, renamed=bool(tree.legacy))
    try:
        scenario = validate_tree(tree, display)
    except ConfigError as exc:
        if not (tree.legacy or first_model):
            raise
        raise ConfigError(
            [
                Problem(
                    display,
                    None,
                    None,
                    "",
                    f"a scenario of the first model (results format 1): this version's model has other mechanisms "
                    f"and cannot read it ({len(exc.problems)} keys differ)",
                    "the folder's tables still load (summary, compare, check, plot); run the scenario's file again "
                    "with this version for what needs the scenario itself",
                )
            ]
        ) from None
    scenario._origins = {_key(path): origin for path, origin in (origins or {}).items()}
    return scenario


def dump_origins(scenario: Scenario) -> dict[str, str]:
    """Where each value of a scenario was set, by dotted path, for its results manifest."""
    return {dotted(path): str(o) for path, o in scenario._origins.items() if path[:1] != ("estimative_words",)}


def _key(path: str) -> Path_:
    return tuple(int(p) if p.isdigit() else p for p in path.split(".")) if path else ()
