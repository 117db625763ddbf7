"""What a report shows, computed once: `Findings` holds the study objects of one batch (summary, comparison, check,
places, stored analyses), which the CLI prints and the report embeds, the same objects.

A caller that has already computed a study (a what-if's comparison, a calibration's check, the summary `scenarios
run` printed) passes it in, and it is not computed again.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from scenarios.analysis.check import Check, check
from scenarios.analysis.compare import Comparison, compare
from scenarios.analysis.places import Places, places
from scenarios.analysis.summary import Summary, summarize
from scenarios.config.loader import scenario_from_dump
from scenarios.config.schema import Scenario
from scenarios.exceptions import ScenarioError
from scenarios.io.load import Results
from scenarios.io.safe import read_bytes


@dataclass(frozen=True)
class StoredAnalysis:
    """An analysis stored beside a batch (a sensitivity analysis or a permutation importance): its ranked table, and
    how charts name its outcome (`name`: the measure's label, `sensitivity.chart_name`)."""

    method: str
    outcome: str
    table: pd.DataFrame
    name: str


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
        from scenarios.measures import results_measures
        from scenarios.sensitivity import chart_name, stored

        given = dict(scenarios or {})
        specs = {
            s["name"]: given.get(s["name"])
            or scenario_from_dump(s["config"], f"{results.directory}/manifest.json", first_model=results.first_model)
            for s in results.manifest["scenarios"]
        }
        days = summary.days if summary is not None else tuple(float(d) for d in days)
        if comparison is None and len(results.scenarios) > 1:
            comparison = compare(results, days=days)
        return cls(
            results=results,
            scenarios=specs,
            days=days,
            summary=summary if summary is not None else summarize(results, days),
            comparison=comparison,
            check=check_ if check_ is not None else _judged(results, specs),
            places=places(results),
            analyses=[
                StoredAnalysis(method, outcome, table, chart_name(meta, results_measures(results)))
                for method, outcome, table, meta in stored(results.directory)
            ],
            calibration=calibration_of(results.directory),
        )


def _judged(results: Results, scenarios: Mapping[str, Scenario]) -> Check:
    """The report's judgments against the batch; none against a study's design, whose frequencies are not the
    scenario's (`checking.run_check` refuses such a folder; the report says so)."""
    if results.design:
        return Check(pd.DataFrame())
    return check(results, scenarios)


CALIBRATION_KEYS = ("scenario", "ruled_out", "waves", "points", "replications_per_point", "free")


def calibration_of(directory: Path) -> dict[str, Any] | None:
    """A calibration's check folder's ``calibration.json`` (what calibration changed), or None. One that cannot be
    read or lacks what the report shows is left out with a warning: the rest of the report stands."""
    path = directory / "calibration.json"
    try:
        info = json.loads(read_bytes(path, directory, 1 << 24))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, RecursionError, ScenarioError) as exc:
        warnings.warn(f"{path}: cannot be read ({exc}); the report leaves calibration out", stacklevel=2)
        return None
    if not isinstance(info, dict) or any(k not in info for k in CALIBRATION_KEYS) or not _calibration_shape(info):
        warnings.warn(f"{path}: not what `scenarios calibrate` writes; the report leaves calibration out", stacklevel=2)
        return None
    return info


def _calibration_shape(info: dict[str, Any]) -> bool:
    """Whether the values the report renders are of the kinds it renders."""
    numbers = all(isinstance(info[k], int | float) and not isinstance(info[k], bool) for k in CALIBRATION_KEYS[1:5])
    rows = info.get("parameters", [])
    fine_rows = isinstance(rows, list) and all(
        isinstance(r, dict)
        and (
            not r.get("constrained")
            or (
                all(isinstance(r.get(k), list) and len(r[k]) == 2 for k in ("original", "surviving"))
                and all(isinstance(v, int | float) for k in ("original", "surviving") for v in r[k])
                and isinstance(r.get("spread_left"), int | float)
            )
        )
        for r in rows
    )
    why = info.get("ruled_out_by", {})
    fine_why = isinstance(why, dict) and all(isinstance(v, int | float) for v in why.values())
    return numbers and fine_rows and fine_why and isinstance(info["free"], list)
