"""Figures of sensitivity analysis: ranked indices with intervals (a tornado), and discovered boxes."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from scenarios.plots.figures import _axes, colour


def tornado(table: pd.DataFrame, outcome: str, ax: Axes | None = None, top: int = 20) -> Figure:
    """Ranked bars of the indices with their 95% intervals: Sobol (total and first order), Morris or importance."""
    t = table.head(top).iloc[::-1]
    fig, ax = _axes(ax, (8.0, 0.32 * len(t) + 1.6))
    y = np.arange(len(t))
    if "ST" in t.columns:
        series = [("ST", "total-order (ST)", 0), ("S1", "first-order (S1)", 1)]
        xlabel = "Sobol index (share of output variance)"
    elif "mu_star" in t.columns:
        series = [("mu_star", "Morris mu*", 0)]
        xlabel = "mean absolute elementary effect (outcome units per full parameter range)"
    else:
        series = [("importance", "permutation importance", 0)]
        xlabel = "drop in held-out score when the parameter is shuffled"
    height = 0.8 / len(series)
    for k, (col, label, c) in enumerate(series):
        mid = t[col].to_numpy()
        err = np.vstack(
            [
                mid - t[f"{col}_lower" if f"{col}_lower" in t else "lower"],
                t[f"{col}_upper" if f"{col}_upper" in t else "upper"] - mid,
            ]
        ).clip(min=0)
        ax.barh(
            y + (k - (len(series) - 1) / 2) * height,
            mid,
            height,
            xerr=err,
            color=colour(c),
            label=label,
            capsize=2,
            error_kw={"linewidth": 0.8},
        )
    names = [textwrap.shorten(str(v), 70, placeholder=" …") for v in t[t.columns[0]]]  # parameter or judgment
    ax.set_yticks(y, names, fontsize=8)
    ax.set_xlabel(xlabel)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"What matters most for {outcome} (95% intervals)")
    ax.legend(loc="lower right")
    return fig
