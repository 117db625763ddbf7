"""Figures of what-ifs and sweeps: paired differences with intervals, headline figures against swept values."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from scenarios.plots.figures import _axes, colour

UNITS = (  # (panel label, scale to the unit shown, which measures)
    ("probabilities (percentage points)", 100.0, ("holds_", "outcome:", "durable")),
    ("territory held (percentage points of the contested value)", 100.0, ("attacker_share", "share_")),
    ("deaths (people)", 1.0, ("military_", "civilian_")),
)


def unit_of(measure: str) -> tuple[str, float]:
    """The panel and scale a measure is drawn in: probabilities and shares in points, deaths in people."""
    for label, scale, prefixes in UNITS:
        if measure.startswith(prefixes):
            return label, scale
    return "other (units of the measure)", 1.0


def units(measures: list[str]) -> dict[str, list[str]]:
    """The measures by the panel (unit) they are drawn in, in order."""
    panels: dict[str, list[str]] = {}
    for m in measures:
        panels.setdefault(unit_of(m)[0], []).append(m)
    return panels


def paired_differences(
    table: pd.DataFrame, measures: list[str], title: str, ax: Axes | None = None, unit: str | None = None
) -> Figure:
    """A forest plot per unit: each measure's paired difference (tweak - base) with its 95% interval.

    Measures of different units never share an axis, so a real change in a share is not drawn as 0 beside a
    change of hundreds of deaths; each row is labelled with its value. Filled markers are distinguishable from
    noise. With `ax`, one unit's panel is drawn there (`unit`, a panel label or its first word, e.g.
    "probabilities" or "deaths"; default: the first unit), for a figure of the caller's.
    """
    rows = table.set_index("measure")
    panels = units(measures)
    if ax is not None:
        label = _unit(panels, unit)
        _panel(ax, rows, panels[label], label)
        ax.set_xlabel("paired difference, tweak minus base, 95% interval")
        ax.legend(loc="best", fontsize=8)
        fig = ax.get_figure()
        assert isinstance(fig, Figure)
        return fig
    heights = [len(ms) + 1.2 for ms in panels.values()]
    fig = Figure(figsize=(10.0, 0.42 * sum(heights) + 1.0), layout="constrained")
    axes = fig.subplots(len(panels), 1, gridspec_kw={"height_ratios": heights}, squeeze=False)
    for panel_ax, (label, ms) in zip(axes[:, 0], panels.items(), strict=True):
        _panel(panel_ax, rows, ms, label)
    axes[-1, 0].set_xlabel("paired difference, tweak minus base, 95% interval")
    fig.suptitle(title)
    axes[0, 0].legend(loc="best", fontsize=8)
    return fig


def _unit(panels: dict[str, list[str]], unit: str | None) -> str:
    """The panel label `unit` names (its first word is enough); the first panel without one."""
    if unit is None:
        return next(iter(panels))
    for label in panels:
        if label == unit or label.split()[0] == unit:
            return label
    raise ValueError(f"no measure of unit {unit!r} here; units: {', '.join(repr(p.split()[0]) for p in panels)}")


def _panel(ax: Axes, rows: pd.DataFrame, ms: list[str], label: str) -> None:
    """One unit's rows: intervals, filled markers where distinguishable from noise, each difference written."""
    scale = unit_of(ms[0])[1]
    r = rows.loc[ms]
    y = np.arange(len(ms))
    mid, lo, hi = (r[c].to_numpy(dtype=float) * scale for c in ("difference", "lower", "upper"))
    sig = r["significant"].to_numpy(dtype=bool)
    ax.hlines(y, lo, hi, color=colour(0), linewidth=2)
    ax.scatter(mid[sig], y[sig], color=colour(0), zorder=3, label="distinguishable from noise (p < 0.05)")
    ax.scatter(mid[~sig], y[~sig], facecolor="white", edgecolor=colour(0), zorder=3, label="within noise")
    ax.axvline(0, color="black", linewidth=0.8)
    for yi, v, top in zip(y, mid, hi, strict=True):
        if np.isfinite(v):
            ax.annotate(f"{v:+.3g}", (top, yi), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
        else:  # e.g. P(holds 90 days) with a 60-day horizon: unknown, never drawn as 0
            ax.annotate("n/a", (0, yi), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    labels = r["label"].fillna("").tolist() if "label" in r.columns else []  # the measures' labels, not their ids
    ax.set_yticks(y, [str(lab) or m for lab, m in zip(labels, ms, strict=True)] if labels else ms, fontsize=8)
    ax.set_ylim(len(ms) - 0.4, -0.6)
    ax.set_title(label, loc="left", fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    ax.margins(x=0.15)


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
    ax.set_ylabel("P(ceasefire of 10 October holds)")
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
    values = grid.to_numpy(dtype=float)
    vmin, vmax = colour_range(values)
    image = ax.imshow(values, cmap="viridis", vmin=vmin, vmax=vmax, origin="lower", aspect="auto")
    ax.set_xticks(range(grid.shape[1]), [str(c) for c in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [str(r) for r in grid.index])
    middle = (vmin + vmax) / 2
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, f"{v:.1%}", ha="center", va="center", color="white" if v < middle else "black", fontsize=9)
    ax.set_xlabel(key_x)
    ax.set_ylabel(key_y)
    bar = fig.colorbar(image, ax=ax, label=f"P(ceasefire holds {measure.removeprefix('holds_')} days)")
    bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0))  # the scale spans the data, not 0-100%
    ax.set_title(f"P(holds {measure.removeprefix('holds_')} days) over the sweep")
    return fig


def colour_range(values: np.ndarray) -> tuple[float, float]:
    """A colour scale that spans the data (18% and 21% must look different), padded a little, within [0, 1]."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    pad = max((hi - lo) * 0.05, 0.005)
    return max(0.0, lo - pad), min(1.0, hi + pad)
