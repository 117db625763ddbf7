"""The configuration reference (docs/configuration.md), generated from the schema so it cannot drift."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from scenarios.config.params import DateParam, Param
from scenarios.config.schema import Scenario


def _kind(annotation: Any) -> tuple[str, Any]:
    """A short type name, and the model to descend into (if any)."""
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Annotated:
        return _kind(args[0])
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _kind(args[0])
    if origin in (typing.Union, types.UnionType) and all(
        isinstance(a, type) and issubclass(a, BaseModel) for a in args
    ):
        return "mapping, one of: " + ", ".join(f"`{_tag(a)}`" for a in args), ("union", args)
    if isinstance(annotation, type) and issubclass(annotation, Param):
        return f"parameter: {annotation.describe_domain()}", None
    if isinstance(annotation, type) and issubclass(annotation, DateParam):
        return "parameter: a date or a range of dates", None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping", annotation
    if origin is dict:
        inner_name, inner = _kind(args[1])
        return f"mapping of id -> {inner_name}", ("dict", inner)
    if origin is list:
        inner_name, inner = _kind(args[0])
        return f"list of {inner_name}", ("list", inner)
    if origin is typing.Literal:
        return " or ".join(f"`{a}`" for a in typing.get_args(annotation)), None
    name = getattr(annotation, "__name__", str(annotation))
    return {"str": "text", "int": "integer", "float": "number", "bool": "true/false", "date": "date"}.get(
        name, name
    ), None


def _tag(model: type[BaseModel]) -> str:
    """The tag of one member of a tagged union (its `policy` literal)."""
    args = typing.get_args(model.model_fields["policy"].annotation)
    return str(args[0]) if args else model.__name__


def _rows(model: type[BaseModel], prefix: str) -> list[tuple[str, str, str, str]]:
    rows = []
    for name, field in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        kind, inner = _kind(field.annotation)
        if field.is_required():
            default = "required"
        elif field.default_factory is not None:
            default = "(see below)"
        elif field.default is PydanticUndefined or field.default is None:
            default = "-"
        else:
            default = f"`{field.default}`"
        rows.append((path, kind, field.description or "", default))
        if isinstance(inner, tuple) and inner[0] == "dict" and isinstance(inner[1], tuple) and inner[1][0] == "union":
            for member in inner[1][1]:  # a block per policy: its keys under `<id>`, with `policy: <tag>`
                sub = f"{path}.<id> (policy: {_tag(member)})"
                rows.append((sub, "mapping", (member.__doc__ or "").strip().splitlines()[0], "-"))
                rows.extend(_rows(member, sub))
        elif isinstance(inner, tuple):
            placeholder = "<id>" if inner[0] == "dict" else "[i]"
            sub = f"{path}.{placeholder}" if inner[0] == "dict" else f"{path}{placeholder}"
            if isinstance(inner[1], type) and issubclass(inner[1], BaseModel) and not issubclass(inner[1], Param):
                rows.extend(_rows(inner[1], sub))
        elif isinstance(inner, type) and issubclass(inner, BaseModel):
            rows.extend(_rows(inner, path))
    return rows


def markdown_reference() -> str:
    """Every key of a scenario file: path, type, meaning and unit, default."""
    lines = ["| key | type | meaning (unit) | default |", "|---|---|---|---|"]
    for path, kind, desc, default in _rows(Scenario, ""):
        lines.append(f"| `{path}` | {kind} | {desc.replace('|', '/')} | {default} |")
    lines.append("")
    lines.append(
        "Every parameter is a mapping `{value: ..., source: {ref, para, quote} | assumption: ..., note: ...}`; "
        "`value` is a number, a range `[lo, hi]`, an estimative word (probabilities only) or "
        "`{dist: beta|triangular|uniform|normal, ...}`."
    )
    return "\n".join(lines)
