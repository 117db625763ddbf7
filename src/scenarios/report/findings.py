"""What a report shows, computed once: `Findings` holds the study objects of one batch (summary, comparison, check,
places, stored analyses), which the CLI prints and the report embeds, the same objects.

A caller that has already computed a study (a what-if's comparison, a calibration's check, the summary `scenarios
run` printed) passes it in, and it is not computed again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from scenarios.analysis.check import Check, check
from scenarios.analysis.compare import Comparison, compare
from scenarios.analysis.places import Places, places
from scenarios.analysis.summary import Summary, summarize
from scenarios.config.loader import scenario_from_dump
from scenarios.config.schema import Scenario
from scenarios.io.load import Results


@dataclass(frozen=True)
class StoredAnalysis:
    """An analysis stored beside a batch (a sensitivity analysis or a permutation importance): its ranked table."""

    method: str
    outcome: str
    table: pd.DataFrame


@dataclass(frozen=True)
class Findings:
    """The studies of one batch, each computed once.

    `comparison` is None for a batch of one scenario; `check` has an empty table when no scenario has expectations;
    `calibration` is the folder's ``calibration.json`` when it is a calibration's check.
    """

    results: Results
    scenarios: Mapping[str, Scenario]
    days: tuple[float, ...]
    summary: Summary
    comparison: Comparison | None
    check: Check
    places: Places
    analyses: Sequence[StoredAnalysis]
    calibration: Mapping[str, Any] | None

    @classmethod
    def of(
        cls,
        results: Results,
        days: Sequence[float] = (7, 30, 90),
        *,
        scenarios: Mapping[str, Scenario] | None = None,
        summary: Summary | None = None,
        comparison: Comparison | None = None,
        check_: Check | None = None,
    ) -> Findings:
        """Compute every study of `results` that is not given (with `summary`, its days are the report's)."""
        from scenarios.sensitivity import stored

        given = dict(scenarios or {})
        specs = {
            s["name"]: given.get(s["name"]) or scenario_from_dump(s["config"], "manifest")
            for s in results.manifest["scenarios"]
        }
        days = summary.days if summary is not None else tuple(float(d) for d in days)
        if comparison is None and len(results.scenarios) > 1:
            comparison = compare(results, days=days)
        path = results.directory / "calibration.json"
        return cls(
            results=results,
            scenarios=specs,
            days=days,
            summary=summary if summary is not None else summarize(results, days),
            comparison=comparison,
            check=check_ if check_ is not None else check(results, specs),
            places=places(results),
            analyses=[StoredAnalysis(*entry) for entry in stored(results.directory)],
            calibration=json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None,
        )
