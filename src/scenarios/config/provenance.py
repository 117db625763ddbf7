"""Source documents and the quotes that tie parameters to them.

A source is a YAML file with the document's metadata and its text as a list of paragraphs; a parameter's
``source: {ref, para, quote}`` must quote that paragraph verbatim (whitespace and typographic quotes
normalised).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from scenarios.config.params import DateParam, Frozen, Observed, Param, Source
from scenarios.exceptions import ConfigError, Problem
from scenarios.yamlio import Origin, Path_, load_yaml

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


def sentence_of(paragraph: str, quote: str) -> str:
    """The sentence (or sentences) of `paragraph` that `quote` comes from, folded as `normalise` folds; the quote
    itself if it is not in the paragraph."""
    text, wanted = normalise(paragraph), normalise(quote)
    at = text.find(wanted)
    if at < 0:
        return wanted
    ends = [m.end() for m in re.finditer(r"[.!?][\"”’)\]]*\s", text)]
    start = max((e for e in ends if e <= at), default=0)
    end = min((e for e in ends if e >= at + len(wanted)), default=len(text))
    return text[start:end].strip()


@lru_cache(maxsize=16)
def load_source(path: str) -> SourceDocument:
    """Read and validate a source document file; every problem names its line."""
    located = load_yaml(Path(path))
    try:
        return SourceDocument.model_validate(located.data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc: Path_ = tuple(err["loc"])
            origin = next(
                (located.origins[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in located.origins),
                Origin(path),
            )
            problems.append(
                Problem(
                    origin.file,
                    origin.line,
                    origin.column,
                    ".".join(map(str, loc)),
                    err["msg"],
                    "a source document has title, author, date, url and paragraphs (see configs/sources/)",
                )
            )
        raise ConfigError(problems) from None


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


def iter_observed(node: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Observed]]:
    """Every `observed:` in a scenario, with the path of the node that carries it."""
    if isinstance(node, Observed):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from iter_observed(getattr(node, name), (*path, name))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from iter_observed(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from iter_observed(value, (*path, i))


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
    """Every `source:` problem: unknown source id, paragraph out of range, quote not in its paragraph."""
    checker = _QuoteChecker(dict(scenario.sources), origins)
    for path, src in iter_sources(scenario):
        checker.check(path, src.ref, src.para, src.quote)
    for ref in scenario.sources:  # a registered source no quote cites must still be a usable document
        checker.document(ref)
    return checker.problems


def check_tree_quotes(data: Any, origins: dict[Path_, Origin]) -> list[Problem]:
    """The same checks on a merged tree that did not validate, so quote problems are reported with the others.

    Only `source:` mappings whose ref, para and quote are well-typed are checked; the others are schema
    problems.
    """
    sources = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(sources, dict) or not all(isinstance(v, str) for v in sources.values()):
        return []
    checker = _QuoteChecker(sources, origins)
    for path, src in _raw_sources(data, ()):
        ref, para, quote = src.get("ref"), src.get("para"), src.get("quote")
        if isinstance(ref, str) and isinstance(para, int) and not isinstance(para, bool) and isinstance(quote, str):
            checker.check(path, ref, para, quote)
    return checker.problems


def _raw_sources(node: Any, path: Path_) -> Iterator[tuple[Path_, dict[str, Any]]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "source" and isinstance(value, dict):
                yield (*path, key), value
            else:
                yield from _raw_sources(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _raw_sources(value, (*path, i))


class _QuoteChecker:
    """Checks quotes against their documents; a document that cannot be read is reported once, where registered."""

    def __init__(self, sources: dict[str, str], origins: dict[Path_, Origin]):
        self.sources = sources
        self.origins = origins
        self.problems: list[Problem] = []
        self.unreadable: set[str] = set()

    def document(self, ref: str) -> SourceDocument | None:
        try:
            return load_source(self.sources[ref])
        except ConfigError as exc:
            if ref not in self.unreadable:  # once per source, at the line that registers it
                self.unreadable.add(ref)
                o = self.origins.get(("sources", ref)) or Origin("?")
                inner = "; ".join(p.render().replace("\n    ", " ") for p in exc.problems)
                self.problems.append(
                    Problem(o.file, o.line, o.column, f"sources.{ref}", "the source document cannot be used", inner)
                )
            return None

    def check(self, path: Path_, ref: str, para: int, quote: str) -> None:
        key = ".".join(map(str, path))

        def problem(field: str, message: str, hint: str) -> None:
            o = self.origins.get((*path, field)) or self.origins.get(path) or Origin("?")
            self.problems.append(Problem(o.file, o.line, o.column, f"{key}.{field}", message, hint))

        if ref not in self.sources:
            problem("ref", f"unknown source {ref!r}", f"registered sources: {', '.join(self.sources) or 'none'}")
            return
        doc = self.document(ref)
        if doc is None:
            return
        if para > len(doc.paragraphs):
            problem("para", f"paragraph {para} does not exist", f"{ref} has {len(doc.paragraphs)} paragraphs")
            return
        wanted = normalise(quote)
        if wanted not in normalise(doc.paragraphs[para - 1]):
            elsewhere = [i + 1 for i, p in enumerate(doc.paragraphs) if wanted in normalise(p)]
            hint = (
                f"it is in paragraph {elsewhere[0]}"
                if elsewhere
                else "copy the words exactly as the source writes them"
            )
            problem("quote", f"quote not found in {ref} paragraph {para}: {quote!r}", hint)
