"""A block of parameters declared once: a typed frozen dataclass whose fields carry their kind and meaning.

The model reads a block as that dataclass, built once per replication from the replication's draw (`BlockFactory`),
so a type checker sees ``v.rationality`` as a float. The scenario schema validates the YAML against a pydantic model
generated from the same declaration (`block_of`): each drawn field becomes a parameter of its kind (a `Param`
subclass: a number, a range, a word or a distribution, with its provenance), each setting a plain typed value.

    @dataclass(frozen=True, slots=True)
    class AttentionValues:
        half_life_days: Annotated[float, Drawn(Positive, "Half-life of attention without new inputs (days).")]

    @block_of(AttentionValues)
    class AttentionParams(Frozen):
        ...
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field, create_model

from scenarios.config.params import Param

T = TypeVar("T")


class _NoDefault:
    def __repr__(self) -> str:
        return "<required>"


_NO_DEFAULT: Any = _NoDefault()


@dataclass(frozen=True)
class Drawn:
    """A field drawn per replication: a parameter of this kind (`Param` subclass), described with its unit."""

    kind: type[Param]
    description: str
    optional: bool = False  # may be left out of the YAML (the field is then None)


@dataclass(frozen=True)
class Setting:
    """A field that is not drawn: a plain value of `annotation` (as the YAML writes it), described with its unit.

    `convert` turns the validated value into the dataclass's (e.g. a list into a tuple).
    """

    annotation: Any
    description: str
    default: Any = _NO_DEFAULT
    convert: Callable[[Any], Any] | None = None


def _metadata(values: type) -> dict[str, Drawn | Setting]:
    hints = typing.get_type_hints(values, include_extras=True)
    out: dict[str, Drawn | Setting] = {}
    for f in dataclasses.fields(values):
        hint = hints[f.name]
        found = [m for m in getattr(hint, "__metadata__", ()) if isinstance(m, Drawn | Setting)]
        if len(found) != 1:
            raise TypeError(f"{values.__name__}.{f.name}: annotate with one Drawn(...) or Setting(...)")
        out[f.name] = found[0]
    return out


M = TypeVar("M", bound=BaseModel)


def block_of(values: type, skip: tuple[str, ...] = ()) -> Callable[[type[M]], type[M]]:
    """Class decorator: the pydantic model that validates the YAML of a block declared by the dataclass `values`.

    The decorated class gives the name, the docstring, validators and any field declared by hand (and `skip`
    names fields of `values` it leaves out); the fields of `values` are added to it.
    """

    def decorate(base: type[M]) -> type[M]:
        fields: dict[str, Any] = {}
        for field, meta in _metadata(values).items():
            if field in skip or field in base.model_fields:
                continue
            if isinstance(meta, Drawn):
                if meta.optional:
                    fields[field] = (meta.kind | None, Field(None, description=meta.description))
                else:
                    fields[field] = (meta.kind, Field(description=meta.description))
            elif meta.default is _NO_DEFAULT:
                fields[field] = (meta.annotation, Field(description=meta.description))
            else:
                fields[field] = (meta.annotation, Field(meta.default, description=meta.description))
        model = create_model(base.__name__, __base__=base, __doc__=base.__doc__, __module__=base.__module__, **fields)
        model.__qualname__ = base.__qualname__
        return model

    return decorate


class BlockFactory(Generic[T]):
    """Builds a block's typed values from one replication's flat draw: its settings are read once from the validated
    block, its drawn fields from the draw by their dotted path under `prefix`."""

    def __init__(self, values: type[T], block: BaseModel | None, prefix: str):
        self.values = values
        self.settings: dict[str, Any] = {}
        self.drawn: list[tuple[str, str]] = []  # (field, flat path)
        for field, meta in _metadata(values).items():
            if isinstance(meta, Drawn):
                present = block is not None and getattr(block, field, None) is not None
                if present or not meta.optional:
                    self.drawn.append((field, f"{prefix}.{field}"))
                else:
                    self.settings[field] = None
            else:
                value = getattr(block, field) if block is not None else meta.default
                self.settings[field] = meta.convert(value) if meta.convert is not None else value

    def __call__(self, flat: Mapping[str, float]) -> T:
        return self.values(**self.settings, **{field: flat[path] for field, path in self.drawn})


def drawn_fields(values: type) -> tuple[str, ...]:
    """The names of a block's drawn fields, in declaration order."""
    return tuple(f for f, m in _metadata(values).items() if isinstance(m, Drawn))
