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


def peeling_trajectory(
    trajectory: pd.DataFrame,
    outcome: str,
    box: int = 1,
    reported: tuple[float, float] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """PRIM's trade-off: coverage against density of every peel, coloured by how many parameters it restricts,
    the peel chosen ringed and (`reported`: coverage, density) the box as reported after simplification."""
    fig, ax = _axes(ax, (6.4, 4.8))
    points = ax.scatter(
        trajectory["coverage"], trajectory["density"], c=trajectory["res_dim"], cmap="viridis", s=18, zorder=2
    )
    fig.colorbar(points, ax=ax, label="parameters restricted")
    chosen = trajectory[trajectory["chosen"]]
    ax.scatter(
        chosen["coverage"],
        chosen["density"],
        s=120,
        facecolors="none",
        edgecolors="#c0392b",
        linewidths=1.6,
        label="peel chosen",
        zorder=3,
    )
    if reported is not None:
        ax.scatter(*reported, marker="*", s=160, color="#c0392b", label="box reported (simplified)", zorder=4)
    ax.set_xlabel("coverage (share of all cases inside the box)")
    ax.set_ylabel("density (share of the box that are cases)")
    ax.set_xlim(0, 1.02)
    low = float(trajectory["density"].min())
    high = max(float(trajectory["density"].max()), reported[1] if reported else 0.0)
    low = min(low, reported[1] if reported else 1.0)
    ax.set_ylim(max(0.0, low - 0.05), min(1.02, high + 0.05))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left")
    ax.set_title(f"PRIM peeling trajectory, box {box}: {outcome}")
    return fig
