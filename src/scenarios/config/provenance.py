"""Source documents and the quotes that tie parameters to them.

A source is a YAML file with the document's metadata and its text as a list of paragraphs; a parameter's
``source: {ref, para, quote}`` must quote that paragraph verbatim (whitespace and typographic quotes normalised).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from scenarios.config.params import DateParam, Frozen, Param, Source
from scenarios.config.yamlio import Origin, Path_, load_yaml
from scenarios.exceptions import ConfigError, Problem

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


class SourceDocument(Frozen):
    """A source document: what it is and its text, paragraph by paragraph."""

    title: str = Field(description="Title as published.")
    author: str = Field(description="Author or institution.")
    date: dt.date = Field(description="Publication date.")
    url: str = Field(description="Where it was published.")
    note: str = Field("", description="How this copy was made.")
    paragraphs: list[str] = Field(min_length=1, description="The body, one paragraph per item (numbered from 1).")


def normalise(text: str) -> str:
    """Fold whitespace and typographic quotes so a quote matches however it was wrapped."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip().lower()


@lru_cache(maxsize=16)
def load_source(path: str) -> SourceDocument:
    """Read and validate a source document file."""
    located = load_yaml(Path(path))
    try:
        return SourceDocument.model_validate(located.data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(
            [Problem(path, None, None, ".".join(map(str, first["loc"])), first["msg"], "see configs/sources/")]
        ) from None


def iter_sources(node: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Source]]:
    """Every `source:` in a scenario, with the path of the node that carries it."""
    if isinstance(node, Source):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from iter_sources(getattr(node, name), (*path, name))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from iter_sources(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from iter_sources(value, (*path, i))


def iter_parameters(node: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Param | DateParam]]:
    """Every parameter in a scenario, with its path."""
    if isinstance(node, Param | DateParam):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from iter_parameters(getattr(node, name), (*path, name))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from iter_parameters(value, (*path, key))


def check_quotes(scenario: Any, origins: dict[Path_, Origin]) -> list[Problem]:
    """Problems with every `source:`: unknown source id, paragraph out of range, quote not in the paragraph."""
    problems: list[Problem] = []
    for path, src in iter_sources(scenario):
        origin = origins.get((*path, "quote")) or origins.get(path) or Origin("?")
        key = ".".join(map(str, path))
        if src.ref not in scenario.sources:
            problems.append(
                Problem(origin.file, origin.line, origin.column, key + ".ref",
                        f"unknown source {src.ref!r}", f"registered sources: {', '.join(scenario.sources)}")
            )
            continue
        try:
            doc = load_source(scenario.sources[src.ref])
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        if src.para > len(doc.paragraphs):
            problems.append(
                Problem(origin.file, origin.line, origin.column, key + ".para",
                        f"paragraph {src.para} does not exist", f"{src.ref} has {len(doc.paragraphs)} paragraphs")
            )
            continue
        if normalise(src.quote) not in normalise(doc.paragraphs[src.para - 1]):
            elsewhere = [i + 1 for i, p in enumerate(doc.paragraphs) if normalise(src.quote) in normalise(p)]
            hint = (
                f"it is in paragraph {elsewhere[0]}" if elsewhere
                else "copy the words exactly as the source writes them"
            )
            problems.append(
                Problem(origin.file, origin.line, origin.column, key + ".quote",
                        f"quote not found in {src.ref} paragraph {src.para}: {src.quote!r}", hint)
            )
    return problems
