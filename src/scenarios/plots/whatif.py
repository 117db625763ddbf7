"""Figures of what-ifs and sweeps: paired differences with intervals, headline figures against swept values."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from scenarios.plots.figures import _axes, colour


def paired_differences(table: pd.DataFrame, measures: list[str], title: str, ax: Axes | None = None) -> Figure:
    """A forest plot: each measure's paired difference (tweak - base) with its 95% interval.

    Probabilities are shown in percentage points; filled markers are distinguishable from noise.
    """
    fig, ax = _axes(ax, (7.5, 0.45 * len(measures) + 1.4))
    rows = table.set_index("measure").loc[measures]
    y = np.arange(len(measures))
    if "kind" in rows.columns:
        scale = np.where(rows["kind"].to_numpy() == "probability", 100.0, 1.0)
    else:
        scale = np.array([100.0 if m.startswith(("holds_", "outcome:", "durable")) else 1.0 for m in measures])
    mid = rows["difference"].to_numpy() * scale
    lo = rows["lower"].to_numpy() * scale
    hi = rows["upper"].to_numpy() * scale
    sig = rows["significant"].to_numpy(dtype=bool)
    ax.hlines(y, lo, hi, color=colour(0), linewidth=2)
    ax.scatter(mid[sig], y[sig], color=colour(0), zorder=3, label="distinguishable from noise (p < 0.05)")
    ax.scatter(mid[~sig], y[~sig], facecolor="white", edgecolor=colour(0), zorder=3, label="within noise")
    ax.axvline(0, color="black", linewidth=0.8)
    labels = [f"{m} ({'pp' if s == 100 else 'units'})" for m, s in zip(measures, scale, strict=True)]
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("paired difference, tweak minus base (percentage points for probabilities)")
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    return fig


def sweep_lines(table: pd.DataFrame, key: str, x: pd.Series | None, ax: Axes | None = None) -> Figure:
    """P(holds 7/30/90 days) against the swept value, with 95% intervals (x categorical if not numeric)."""
    fig, ax = _axes(ax)
    positions = x.to_numpy(dtype=float) if x is not None else np.arange(len(table))
    for i, d in enumerate(("7", "30", "90")):
        p = table[f"holds_{d}"].to_numpy()
        err = np.vstack([p - table[f"holds_{d}_lower"], table[f"holds_{d}_upper"] - p]).clip(min=0)
        ax.errorbar(positions, p, yerr=err, marker="o", capsize=3, color=colour(i), label=f"holds {d} days")
    if x is None:
        ax.set_xticks(positions, [str(v) for v in table[key]], rotation=15)
    ax.set_xlabel(key)
    ax.set_ylabel("P(the first ceasefire holds)")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.set_title(f"Ceasefire durability against {key.split('.')[-1]} (95% intervals)")
    ax.legend()
    return fig


def sweep_heatmap(
    table: pd.DataFrame, key_x: str, key_y: str, measure: str = "holds_30", ax: Axes | None = None
) -> Figure:
    """A heat map of one headline figure over a two-key sweep, each cell annotated with its value."""
    fig, ax = _axes(ax, (6.5, 5.0))
    grid = table.pivot(index=key_y, columns=key_x, values=measure)
    image = ax.imshow(grid.to_numpy(dtype=float), cmap="viridis", vmin=0, vmax=1, origin="lower", aspect="auto")
    ax.set_xticks(range(grid.shape[1]), [str(c) for c in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [str(r) for r in grid.index])
    for (i, j), v in np.ndenumerate(grid.to_numpy(dtype=float)):
        ax.text(j, i, f"{v:.0%}", ha="center", va="center", color="white" if v < 0.6 else "black", fontsize=9)
    ax.set_xlabel(key_x)
    ax.set_ylabel(key_y)
    fig.colorbar(image, ax=ax, label=f"P(ceasefire holds {measure.removeprefix('holds_')} days)")
    ax.set_title(f"P(holds {measure.removeprefix('holds_')} days) over the sweep")
    return fig
