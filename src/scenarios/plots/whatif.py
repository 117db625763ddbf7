"""Figures of what-ifs and sweeps: paired differences with intervals, headline figures against swept values."""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, PercentFormatter

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
    ax.scatter(mid[sig], y[sig], color=colour(0), zorder=3, label="distinguishable from noise (Holm-adjusted p < 0.05)")
    ax.scatter(mid[~sig], y[~sig], facecolor="white", edgecolor=colour(0), zorder=3, label="within noise (after Holm)")
    ax.axvline(0, color="black", linewidth=0.8)
    for yi, v, top in zip(y, mid, hi, strict=True):
        if np.isfinite(v):
            ax.annotate(
                _amount(v, signed=True), (top, yi), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8
            )
        else:  # e.g. P(holds 90 days) with a 60-day horizon: unknown, never drawn as 0
            ax.annotate("n/a", (0, yi), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    labels = r["label"].fillna("").tolist() if "label" in r.columns else []  # the measures' labels, not their ids
    ax.set_yticks(y, [str(lab) or m for lab, m in zip(labels, ms, strict=True)] if labels else ms, fontsize=8)
    ax.set_ylim(len(ms) - 0.4, -0.6)
    ax.set_title(label, loc="left", fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    ax.margins(x=0.15)


def sweep_lines(
    table: pd.DataFrame,
    key: str,
    measures: list[str],
    title: str,
    ax: Axes | None = None,
    numeric: pd.Series | None = None,
) -> Figure:
    """Each measure against the swept value with its 95% interval, one panel per measure (its own scale); a filled
    marker is distinguishable from the reference value, a hollow one within noise, the reference a diamond. `table`
    is a sweep's tidy table (`sweep.Sweep.table`); `numeric`, the swept values as numbers (else the x axis is
    categorical). With `ax`, the first measure is drawn there, `title` under its label."""
    if ax is not None:
        note = f"{title}; diamond: the reference, filled: distinguishable from it"
        _sweep_panel(ax, table, key, measures[0], numeric, note)
        fig = ax.get_figure()
        assert isinstance(fig, Figure)
        return fig
    cols = min(3, len(measures))
    rows = math.ceil(len(measures) / cols)
    fig = Figure(figsize=(4.3 * cols, 2.9 * rows + 0.9), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    for panel, measure in zip(axes.flat, measures, strict=False):
        _sweep_panel(panel, table, key, measure, numeric, None)
    for panel in list(axes.flat)[len(measures) :]:
        panel.set_axis_off()
    fig.suptitle(
        f"Against {key}: {title}\nfilled: distinguishable from the reference (diamond) after Holm over the table; "
        "hollow: within noise",
        fontsize=10,
    )
    return fig


def _sweep_panel(
    ax: Axes, table: pd.DataFrame, key: str, measure: str, numeric: pd.Series | None, note: str | None
) -> None:
    rows = table[table["measure"] == measure]
    x = numeric.to_numpy(dtype=float) if numeric is not None else np.arange(len(rows), dtype=float)
    est, lo, hi = (rows[c].to_numpy(dtype=float) for c in ("estimate", "lower", "upper"))
    err = np.vstack([est - lo, hi - est]).clip(min=0)
    sig = rows["significant"].to_numpy(dtype=bool)
    ref = rows["reference"].to_numpy(dtype=bool)
    ax.errorbar(x, est, yerr=np.nan_to_num(err), color=colour(0), capsize=3, linewidth=1, zorder=2)
    ax.scatter(x[sig], est[sig], color=colour(0), zorder=3, s=30)
    ax.scatter(x[~sig & ~ref], est[~sig & ~ref], facecolor="white", edgecolor=colour(0), zorder=3, s=30)
    ax.scatter(x[ref], est[ref], marker="D", color=colour(1), zorder=4, s=40)
    for xi, v in zip(x, est, strict=True):
        if not np.isfinite(v):
            ax.annotate("n/a", (xi, 0.5), xycoords=("data", "axes fraction"), ha="center", fontsize=8)
    ticks = [str(v) for v in rows[key]]
    ax.set_xticks(x, ticks, fontsize=8, rotation=15 if numeric is None and max(map(len, ticks)) > 6 else 0)
    first = rows.iloc[0]
    if first["kind"] == "probability" or first["unit"] == "share":
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _amount(v)))
    ax.tick_params(axis="y", labelsize=8)
    label = str(first["label"]) or measure
    ax.set_title(textwrap.fill(label, 44) + (f"\n{textwrap.fill(note, 52)}" if note else ""), fontsize=9)
    ax.set_xlabel(_wrap_key(key, 44), fontsize=8)
    ax.grid(alpha=0.3)
    ax.margins(x=0.08, y=0.12)


def sweep_heatmaps(
    table: pd.DataFrame, key_x: str, key_y: str, measures: list[str], title: str, ax: Axes | None = None
) -> Figure:
    """A heat map per measure over a two-key sweep (`sweep_heatmap`); with `ax`, the first measure there."""
    if ax is not None:
        return sweep_heatmap(table, key_x, key_y, measures[0], ax=ax, note=title)
    cols = min(3, len(measures))
    rows = math.ceil(len(measures) / cols)
    fig = Figure(figsize=(4.8 * cols, 3.9 * rows + 0.9), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    for panel, measure in zip(axes.flat, measures, strict=False):
        sweep_heatmap(table, key_x, key_y, measure, ax=panel)
    for panel in list(axes.flat)[len(measures) :]:
        panel.set_axis_off()
    fig.suptitle(
        f"{title}\neach cell: the figure, then its paired difference from the reference cell (boxed); "
        "hatched: within noise of the reference (paired t, Holm over the table)",
        fontsize=10,
    )
    return fig


def sweep_heatmap(
    table: pd.DataFrame, key_x: str, key_y: str, measure: str, ax: Axes | None = None, note: str | None = None
) -> Figure:
    """A heat map of one measure over a two-key sweep (`sweep.Sweep.table`): each cell its figure and its paired
    difference from the reference cell (boxed); cells within noise of the reference are hatched."""
    fig, ax = _axes(ax, (6.5, 5.0))
    rows = table[table["measure"] == measure]
    first = rows.iloc[0]
    share = first["kind"] == "probability" or first["unit"] == "share"

    def pivot(column: str) -> pd.DataFrame:
        return rows.pivot(index=key_y, columns=key_x, values=column)

    grid = pivot("estimate")
    values = grid.to_numpy(dtype=float)
    sig, ref, diff = pivot("significant"), pivot("reference"), pivot("difference")
    vmin, vmax = colour_range(values) if share else _span(values)
    image = ax.imshow(values, cmap="viridis", vmin=vmin, vmax=vmax, origin="lower", aspect="auto")
    ax.set_xticks(range(grid.shape[1]), [str(c) for c in grid.columns], fontsize=8)
    ax.set_yticks(range(grid.shape[0]), [str(r) for r in grid.index], fontsize=8)
    middle = (vmin + vmax) / 2
    for (i, j), v in np.ndenumerate(values):
        is_ref = bool(ref.iloc[i, j])
        d = float(diff.to_numpy(dtype=float)[i, j])
        if is_ref:
            second = "reference"
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2))
        elif np.isfinite(d):
            second = f"{100 * d:+.1f} pp" if share else _amount(d, signed=True)
        else:
            second = "n/a"
        if not is_ref and not bool(sig.iloc[i, j]):
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="//", edgecolor="grey", linewidth=0))
        figure = "n/a" if not np.isfinite(v) else (f"{v:.1%}" if share else _amount(v))
        ax.text(
            j, i, f"{figure}\n{second}", ha="center", va="center", fontsize=8,
            color="white" if np.isfinite(v) and v < middle else "black",
        )  # fmt: skip
    ax.set_xlabel(_wrap_key(key_x, 44), fontsize=8)
    ax.set_ylabel(_wrap_key(key_y, 32), fontsize=8)
    bar = fig.colorbar(image, ax=ax)
    if share:
        bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0))  # the scale spans the data, not 0-100%
    bar.ax.tick_params(labelsize=7)
    label = str(first["label"]) or measure
    ax.set_title(textwrap.fill(label, 44) + (f"\n{textwrap.fill(note, 52)}" if note else ""), fontsize=9)
    return fig


def _amount(v: float, signed: bool = False) -> str:
    """An amount as people read it: 1,180 (never 1.18e+03), 13.2, 0.0542; with a sign when `signed`."""
    sign = "+" if signed else ""
    return f"{v:{sign},.0f}" if abs(v) >= 100 else f"{v:{sign},.3g}"


def _wrap_key(key: str, width: int) -> str:
    """A dotted key on lines of at most about `width` characters, broken after a dot, never inside a word."""
    lines = [""]
    for part in key.split("."):
        piece = part if not lines[-1] else f".{part}"
        if lines[-1] and len(lines[-1]) + len(piece) > width:
            lines.append(piece)
        else:
            lines[-1] += piece
    return "\n".join(lines)


def _span(values: np.ndarray) -> tuple[float, float]:
    """A colour scale spanning amounts, padded a little."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    pad = max((hi - lo) * 0.05, abs(hi) * 0.005, 1e-9)
    return lo - pad, hi + pad


def colour_range(values: np.ndarray) -> tuple[float, float]:
    """A colour scale that spans the data (18% and 21% must look different), padded a little, within [0, 1]."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    pad = max((hi - lo) * 0.05, 0.005)
    return max(0.0, lo - pad), min(1.0, hi + pad)
