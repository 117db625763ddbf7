"""Build a figure of a given kind from loaded results: analysis first, then the plot function."""

from __future__ import annotations

import io

import pandas as pd
from matplotlib.figure import Figure

from scenarios import plots
from scenarios.analysis.outcomes import outcome_probabilities
from scenarios.analysis.survival import survival_curves
from scenarios.exceptions import ScenarioError
from scenarios.io.load import Results

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def day0(results: Results) -> str:
    """Day 0 of the first scenario as axis labels say it ('10 October 2020'), from its start date."""
    import datetime as dt

    start = (results.scenario_config(results.scenarios[0]).get("simulation") or {}).get("start_date")
    try:
        date = dt.date.fromisoformat(str(start))
    except ValueError:
        return "day 0"
    return f"{date.day} {date:%B %Y}"


def make_figure(results: Results, kind: str) -> Figure:
    """One of `plots.KINDS` for these results."""
    start = day0(results)
    if kind == "survival":
        return plots.survival(survival_curves(results, "first"), day0=start)
    if kind == "survival-all":
        return plots.survival(
            survival_curves(results, "all"), title="Survival of all ceasefires (Kaplan-Meier)", day0=start
        )
    if kind == "outcomes":
        return plots.outcomes(outcome_probabilities(results))
    if kind == "timeline":
        return plots.ceasefire_timeline(results.ceasefires, results.horizon, day0=start)
    if kind == "casualties":
        return plots.casualties(results.replications)
    if kind.startswith("fan-"):
        series, traced = time_series(results)
        if series.empty:
            raise ScenarioError(
                f"{results.directory}: no daily series stored (no daily table, and simulation.trace_sample is 0); "
                "run the batch again with this version"
            )
        if kind == "fan-ceasefire":
            return plots.ceasefire_share(series, day0=start, traced=traced)
        if kind == "fan-turkey":
            ladder = (results.scenario_config(results.scenarios[0]).get("actors") or {}).get("turkey", {}).get("ladder")
            rungs = [str(r.get("name", "")) for r in ladder or []]
            return plots.turkish_levels(series, rungs, day0=start, traced=traced)
        column = {
            "fan-territory": "azerbaijani_share",
            "fan-casualties": "military_total",
            "fan-attention": "attention",
        }[kind]
        return plots.fan(series, column, day0=start, traced=traced)
    raise ScenarioError(f"unknown plot kind {kind!r}; choose one of {', '.join(plots.KINDS)}")


def time_series(results: Results) -> tuple[pd.DataFrame, bool]:
    """The series fan charts draw: the daily table of every replication, or, for folders written before it
    existed, the traced replications' timeseries (then True: the figure says so)."""
    if not results.daily.empty:
        return results.daily, False
    return results.timeseries, True


def available_kinds(results: Results) -> list[str]:
    """The kinds that can be drawn from these results (fan charts need a daily table or traced replications)."""
    empty = time_series(results)[0].empty
    return [k for k in plots.KINDS if not (k.startswith("fan-") and empty)]


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 110) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi)
    return buf.getvalue()
