"""Build a figure of a given kind from loaded results: analysis first, then the plot function."""

from __future__ import annotations

import io

from matplotlib.figure import Figure

from scenarios import plots
from scenarios.analysis.outcomes import outcome_probabilities
from scenarios.analysis.survival import survival_curves
from scenarios.exceptions import ScenarioError
from scenarios.io.load import Results

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def make_figure(results: Results, kind: str) -> Figure:
    """One of `plots.KINDS` for these results."""
    if kind == "survival":
        return plots.survival(survival_curves(results, "first"))
    if kind == "survival-all":
        return plots.survival(survival_curves(results, "all"), title="Survival of all ceasefires (Kaplan-Meier)")
    if kind == "outcomes":
        return plots.outcomes(outcome_probabilities(results))
    if kind == "timeline":
        return plots.ceasefire_timeline(results.ceasefires, results.horizon)
    if kind == "casualties":
        return plots.casualties(results.replications)
    if kind.startswith("fan-"):
        if results.timeseries.empty:
            raise ScenarioError(
                f"{results.directory}: no daily series stored (simulation.trace_sample is 0); re-run with a sample"
            )
        column = {
            "fan-territory": "azerbaijani_share",
            "fan-casualties": "military_total",
            "fan-attention": "attention",
        }[kind]
        return plots.fan(results.timeseries, column)
    raise ScenarioError(f"unknown plot kind {kind!r}; choose one of {', '.join(plots.KINDS)}")


def available_kinds(results: Results) -> list[str]:
    """The kinds that can be drawn from these results (fan charts need traced replications)."""
    return [k for k in plots.KINDS if not (k.startswith("fan-") and results.timeseries.empty)]


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 110) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi)
    return buf.getvalue()
