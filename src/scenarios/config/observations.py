"""Observations: what was public about the case by a date, as data with its sources, and the parameters they ground.

An observations file is a YAML document (`configs/observations/`) of claims, each with who made it, what it says,
when it was published and its source; a parameter may cite observations (`observed: {ref, ids, reading}`) as its
provenance, beside or instead of a quote of the report. The file declares the date it is the view of (`as_of`): a
claim or a source published after it is refused, so a scenario cannot be grounded in what was not yet known.
"""

from __future__ import annotations

import datetime as dt
import difflib
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field, ValidationError, model_validator

from scenarios.config.params import Frozen, ValueProblem
from scenarios.exceptions import ConfigError, Problem
from scenarios.yamlio import Origin, Path_, load_yaml


class Citation(Frozen):
    """Where a claim was published."""

    publisher: str = Field(description="Who published it (outlet or institution).")
    title: str = Field(description="Its title, or a description of it.")
    date: dt.date = Field(description="Its publication date (date).")
    url: str | None = Field(None, description="Where it was read, if it was.")


class Claim(Frozen):
    """One party's claim about an observation."""

    by: str = Field(description="Who claims it.")
    says: str = Field(description="What it says, in a sentence.")
    value: Any = Field(description="The claim as data: a holder, a count, a range [lo, hi], or a word.")
    published: dt.date = Field(description="When the claim was made public (date).")
    source: Citation = Field(description="Where it was published.")
    uncertain_date: bool = Field(False, description="The publication date could not be pinned more closely.")


class Observation(Frozen):
    """Something observed about the case: a place's control, a count of deaths, a strike, a statement."""

    kind: str = Field(description="control | military_deaths | civilian_deaths | strike_on_city | spillover | ...")
    subject: str = Field(description="The place, side or actor it is about.")
    event_date: dt.date = Field(description="When it happened (date).")
    claims: list[Claim] = Field(min_length=1, description="Each side's claim, with its source.")
    reliability: str = Field(description="How far the claims can be trusted, and why.")


class ObservationsMeta(Frozen):
    """What the file is the view of."""

    as_of: dt.date = Field(description="The date the file is the view of: nothing published later (date).")
    model_config = ConfigDict(frozen=True, extra="allow")


class ObservationsDocument(Frozen):
    """An observations file."""

    meta: ObservationsMeta = Field(description="The date it is the view of, and free notes.")
    observations: dict[str, Observation] = Field(min_length=1, description="Id -> observation.")

    @model_validator(mode="after")
    def _as_of(self) -> ObservationsDocument:
        limit = self.meta.as_of
        for oid, o in self.observations.items():
            if o.event_date > limit:
                raise ValueProblem(
                    f"event date {o.event_date} is after the file's as_of ({limit})",
                    "an observations file holds only what was known by its date",
                    at=("observations", oid, "event_date"),
                )
            for i, claim in enumerate(o.claims):
                for what, date in (("published", claim.published), ("source.date", claim.source.date)):
                    if date > limit:
                        raise ValueProblem(
                            f"{what} {date} is after the file's as_of ({limit})",
                            "an observations file holds only what was known by its date",
                            at=("observations", oid, "claims", i, *what.split(".")),
                        )
        return self


@lru_cache(maxsize=16)
def load_observations(path: str) -> ObservationsDocument:
    """Read and validate an observations file; every problem names its line."""
    located = load_yaml(Path(path))
    try:
        return ObservationsDocument.model_validate(located.data)
    except (ValidationError, ValueProblem) as exc:
        errors = (
            [(tuple(e["loc"]), e["msg"]) for e in exc.errors(include_url=False)]
            if isinstance(exc, ValidationError)
            else [(exc.at, exc.message)]
        )
        problems = []
        for loc, msg in errors:
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
                    msg,
                    "an observations file has meta.as_of and observations (see configs/observations/)",
                )
            )
        raise ConfigError(problems) from None


def check_observed(scenario: Any, origins: dict[Path_, Origin], cited: list[tuple[Path_, Any]]) -> list[Problem]:
    """Every `observed:` problem: unknown observations file, unknown observation id, a file that cannot be used."""
    problems: list[Problem] = []
    files: dict[str, str] = dict(scenario.observations)
    documents: dict[str, ObservationsDocument | None] = {}

    def document(ref: str) -> ObservationsDocument | None:
        if ref not in documents:
            try:
                documents[ref] = load_observations(files[ref])
            except ConfigError as exc:
                documents[ref] = None
                o = origins.get(("observations", ref)) or Origin("?")
                inner = "; ".join(p.render().replace("\n    ", " ") for p in exc.problems)
                problems.append(
                    Problem(
                        o.file, o.line, o.column, f"observations.{ref}", "the observations file cannot be used", inner
                    )
                )
        return documents[ref]

    for ref in files:
        document(ref)
    for path, observed in cited:
        key = ".".join(map(str, path))
        o = origins.get((*path, "ref")) or origins.get(path) or Origin("?")
        if observed.ref not in files:
            problems.append(
                Problem(
                    o.file,
                    o.line,
                    o.column,
                    f"{key}.ref",
                    f"unknown observations file {observed.ref!r}",
                    f"registered under `observations:`: {', '.join(files) or 'none'}",
                )
            )
            continue
        doc = document(observed.ref)
        if doc is None:
            continue
        for i, oid in enumerate(observed.ids):
            if oid not in doc.observations:
                close = difflib.get_close_matches(oid, list(doc.observations), n=1)
                at = origins.get((*path, "ids", i)) or o
                problems.append(
                    Problem(
                        at.file,
                        at.line,
                        at.column,
                        f"{key}.ids.{i}",
                        f"{oid!r} is not an observation of {observed.ref!r}",
                        (f"did you mean {close[0]!r}?" if close else f"see {files[observed.ref]}"),
                    )
                )
    return problems
