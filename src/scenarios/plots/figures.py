"""The figure functions (see the package docstring)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from scenarios.io.records import OUTCOME_LABELS
from scenarios.plots.kinds import KINDS
from scenarios.roles import fill, role_labels

# Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

__all__ = [
    "KINDS",
    "casualties",
    "ceasefire_share",
    "ceasefire_timeline",
    "colour",
    "fan",
    "outcomes",
    "supporter_levels",
    "survival",
]


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _axes(ax: Axes | None, size: tuple[float, float] = (7.0, 4.2)) -> tuple[Figure, Axes]:
    if ax is not None:
        fig = ax.get_figure()
        assert isinstance(fig, Figure)
        return fig, ax
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def fit_title(ax: Axes, text: str, fontsize: float = 10.0, **kwargs: object) -> None:
    """Set the axes' title, each of its lines wrapped to the width the axes have once the figure is laid out: a title
    is centred over its axes, so one wider than them is clipped at the figure's edge ("by judgmer"). The width of a
    character is taken as 0.6 of the font size (DejaVu Sans averages about 0.55)."""
    fig = ax.get_figure()
    assert isinstance(fig, Figure)
    fig.draw_without_rendering()  # the layout engine (constrained) gives the axes their width
    inches = ax.get_position().width * fig.get_figwidth()
    chars = max(20, int(inches * 72 / (0.6 * fontsize)))
    lines = [textwrap.fill(line, chars) if line else line for line in text.split("\n")]
    ax.set_title("\n".join(lines), fontsize=fontsize, **kwargs)  # type: ignore[arg-type]


def _order(df: pd.DataFrame) -> list[str]:
    col = df["scenario"]
    if isinstance(col.dtype, pd.CategoricalDtype):
        present = {str(c) for c in col.unique()}
        return [str(c) for c in col.cat.categories if str(c) in present]
    return list(dict.fromkeys(col.astype(str)))


def _rows(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """The rows of one scenario; a categorical column is compared as it is (the daily table has a million rows:
    turning it into strings for every figure would cost more than drawing it), and a table of that scenario
    alone is returned as it is, not copied."""
    col = df["scenario"]
    mask = col == name if isinstance(col.dtype, pd.CategoricalDtype) else col.astype(str) == name
    return df if mask.all() else df[mask]


def survival(
    curves: pd.DataFrame, ax: Axes | None = None, title: str | None = None, day0: str = "day 0", band: bool = True
) -> Figure:
    """Kaplan-Meier curves with confidence bands, one per scenario (`analysis.survival.survival_curves`); without
    `band` (the runs of a study's design, where none holds), the curves alone."""
    fig, ax = _axes(ax)
    for i, name in enumerate(_order(curves)):
        c = _rows(curves, name)
        ax.step(c["day"], c["survival"], where="post", color=colour(i), label=name, linewidth=1.8)
        if band:
            ax.fill_between(c["day"], c["lower"], c["upper"], step="post", color=colour(i), alpha=0.2, linewidth=0)
    ax.set_xlabel(f"days since {day0}")
    ax.set_ylabel("P(truce still formally in force)")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.grid(alpha=0.3)
    what = "95% band" if band else "no band: a study's design"
    ax.set_title(title or f"Survival of the ceasefire (Kaplan-Meier, {what})")
    ax.legend(title="scenario")
    return fig


def outcomes(
    probs: pd.DataFrame, ax: Axes | None = None, labels: Mapping[str, str] | None = None, band: bool = True
) -> Figure:
    """Outcome classes side by side with simultaneous intervals (`analysis.outcomes`); `labels` (role -> name)
    names the actors in the class names; without `band` (a study's design), the shares alone."""
    fig, ax = _axes(ax, (8.0, 4.5))
    names = _order(probs)
    classes = list(dict.fromkeys(probs["outcome_class"].astype(str)))
    width = 0.8 / max(len(names), 1)
    x = np.arange(len(classes))
    for i, name in enumerate(names):
        p = _rows(probs, name).set_index("outcome_class").reindex(classes)
        err = np.vstack([p["p"] - p["lower"], p["upper"] - p["p"]]).clip(min=0) if band else None
        ax.bar(
            x + (i - (len(names) - 1) / 2) * width,
            p["p"],
            width,
            yerr=err,
            capsize=2,
            color=colour(i),
            label=name,
            error_kw={"linewidth": 0.8},
        )
    names_ = role_labels(None) if labels is None else labels
    shown = [fill(OUTCOME_LABELS.get(c, c.replace("_", " ")), names_) for c in classes]
    ax.set_xticks(x, shown, rotation=20, ha="right")
    ax.set_ylabel("probability at the horizon")
    ax.set_ylim(0, 1)
    ax.grid(axis="y", alpha=0.3)
    ax.set_title(
        "Outcome classes (95% simultaneous intervals)" if band else "Outcome classes (no intervals: a study's design)"
    )
    ax.legend(title="scenario")
    return fig


FAN_LABELS = {  # texts that speak of roles: filled with the scenario's labels (`config.policies.fill`)
    "attacker_share": "share of the contested value held by {attacker} (fraction)",
    "military_total": "military deaths, both sides (people)",
    "civilian_total": "civilian deaths, both sides (people)",
    "attention": "international attention (index)",
    "supporter_level": "{supporter}'s level on its support ladder (rung)",
}


def _with_totals(series: pd.DataFrame) -> pd.DataFrame:
    """The series with death totals (the traced `timeseries` holds them by side; the daily table as totals)."""
    totals = {
        f"{kind}_total": series[f"{kind}_attacker"] + series[f"{kind}_defender"]
        for kind in ("military", "civilian")
        if f"{kind}_total" not in series.columns and f"{kind}_attacker" in series.columns
    }
    return series.assign(**totals) if totals else series  # the daily table has them: no copy of it


def _runs(series: pd.DataFrame, names: Sequence[str], traced: bool) -> str:
    """The caption's count of replications: "n = 5000 replications per scenario" (or a range)."""
    counts = sorted({int(_rows(series, n)["replication"].nunique()) for n in names})
    of = f"{counts[0]}" if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
    if traced:
        return f"only the n = {of} traced replications per scenario:\nthis folder has no daily table"
    return f"n = {of} replications per scenario"


def _quantiles_by_day(rows: pd.DataFrame, column: str, probs: Sequence[float]) -> pd.DataFrame:
    """Quantiles of `column` across the replications on each day: index day, one column per probability.

    The daily table holds every replication on the same days, in order: a (replications x days) matrix whose
    columns numpy takes the quantiles of at once (at 10^5 replications a groupby took seconds and a GB per
    figure). Any other layout, or gaps, go through a groupby; both interpolate linearly.
    """
    day = rows["day"].to_numpy()
    values = rows[column].to_numpy(dtype=np.float64)
    turns = np.flatnonzero(day[1:] <= day[:-1])  # where a replication's days start again
    width = int(turns[0]) + 1 if len(turns) else len(day)
    if width and len(day) % width == 0 and not np.isnan(values).any():
        days = day.reshape(-1, width)
        if (days == days[0]).all():
            q = np.quantile(values.reshape(-1, width), probs, axis=0)
            return pd.DataFrame(q.T, index=pd.Index(days[0], name="day"), columns=list(probs))
    return rows.groupby("day")[column].quantile(np.asarray(probs)).unstack()


def _level_shares(rows: pd.DataFrame) -> pd.DataFrame:
    """The share of replications at each of the supporter's levels on each day: index day, one column per level.

    Whole days and levels are counted with one bincount (a crosstab of the daily table at 10^5 replications took
    2 s and 1 GB); other days (the traced series) go through the crosstab.
    """
    day, level = rows["day"].to_numpy(), rows["supporter_level"].to_numpy()
    whole = np.issubdtype(day.dtype, np.integer) and np.issubdtype(level.dtype, np.integer)
    if not whole or len(day) == 0 or day.min() < 0 or level.min() < 0:
        return pd.crosstab(rows["day"], rows["supporter_level"], normalize="index")
    width = int(level.max()) + 1
    cells = day.astype(np.int64) * width + level
    counts = np.bincount(cells, minlength=(int(day.max()) + 1) * width).reshape(-1, width)
    seen = counts.sum(axis=1) > 0
    shares = counts[seen] / counts[seen].sum(axis=1, keepdims=True)
    return pd.DataFrame(shares, index=pd.Index(np.flatnonzero(seen), name="day"), columns=range(width))


def fan(
    series: pd.DataFrame,
    column: str,
    ax: Axes | None = None,
    bands: Sequence[tuple[float, float]] = ((0.05, 0.95), (0.25, 0.75)),
    day0: str = "day 0",
    traced: bool = False,
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """Fan chart over time of one daily series: median and 50% / 90% bands across the replications it holds.

    `series` is the daily table of a batch (every replication); `traced=True` says it is the traced
    replications' `timeseries` instead (folders without a daily table), and the title says so. `labels` (role ->
    name) names the actors in the axis label.
    """
    label = fill(FAN_LABELS.get(column, column), role_labels(None) if labels is None else labels)
    fig, ax = _axes(ax)
    ts = _with_totals(series)
    names = _order(ts)
    probs = sorted({p for band in bands for p in band} | {0.5})
    for i, name in enumerate(names):
        q = _quantiles_by_day(_rows(ts, name), column, probs)
        for lo, hi in bands:
            ax.fill_between(q.index, q[lo], q[hi], color=colour(i), alpha=0.15, linewidth=0)
        ax.plot(q.index, q[0.5].to_numpy(), color=colour(i), label=f"{name} (median)")
    ax.set_xlabel(f"days since {day0}")
    ax.set_ylabel(label)
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    what = label.split(" (")[0]
    title = f"{what[0].upper() + what[1:]} over time: median, 50% and 90% bands\n({_runs(ts, names, traced)})"
    ax.set_title(title, fontsize=10)  # the longest label and the fallback note fit the figure's width
    ax.legend(title="scenario")
    return fig


def ceasefire_share(
    series: pd.DataFrame, ax: Axes | None = None, day0: str = "day 0", traced: bool = False, band: bool = True
) -> Figure:
    """Share of the replications with a ceasefire in force on each day, with a 95% Wilson band (not `band`: a study's
    design, none), per scenario."""
    fig, ax = _axes(ax)
    names = _order(series)
    for i, name in enumerate(names):
        g = _rows(series, name).groupby("day")["ceasefire"]
        n, p = g.size().to_numpy(dtype=float), g.mean().to_numpy(dtype=float)
        z = 1.96
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        days = g.size().index.to_numpy()
        if band:
            ax.fill_between(days, centre - half, centre + half, color=colour(i), alpha=0.2, linewidth=0)
        ax.plot(days, p, color=colour(i), label=name)
    ax.set_xlabel(f"days since {day0}")
    ax.set_ylabel("share of replications with a ceasefire in force")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.grid(alpha=0.3)
    what = "95% band" if band else "no band: a study's design"
    ax.set_title(f"Ceasefire in force over time ({what})\n({_runs(series, names, traced)})")
    ax.legend(title="scenario")
    return fig


def supporter_levels(
    series: pd.DataFrame,
    rungs: Sequence[str] = (),
    day0: str = "day 0",
    traced: bool = False,
    supporter: str = "the supporter",
) -> Figure:
    """The supporter's level over time: the share of replications at each rung of its ladder, one panel per
    scenario.

    `rungs` names the rungs from level 1 up (level 0 is "none"); `supporter` is its name for readers.
    """
    names = _order(series)
    fig = Figure(figsize=(7.0, 1.0 + 2.6 * max(len(names), 1)), layout="constrained")
    axes = fig.subplots(max(len(names), 1), 1, sharex=True, squeeze=False)[:, 0]
    top = int(series["supporter_level"].max()) if len(series) else 0
    levels = list(range(max(top, len(rungs)) + 1))
    labels = ["none", *rungs]
    for ax, name in zip(axes, names, strict=False):
        s = _rows(series, name)
        shares = _level_shares(s).reindex(columns=levels, fill_value=0.0)
        ax.stackplot(
            shares.index.to_numpy(),
            shares.to_numpy().T,
            labels=[labels[k] if k < len(labels) else f"level {k}" for k in levels],
            colors=[colour(k) for k in levels],
            alpha=0.8,
        )
        ax.set_ylim(0, 1)
        ax.set_xlim(left=0)
        ax.set_ylabel("share of replications")
        ax.set_title(name, fontsize=9)
        ax.grid(alpha=0.3)
    handles, labels_ = axes[0].get_legend_handles_labels()  # top rung first, as the areas are stacked
    axes[0].legend(
        handles[::-1],
        labels_[::-1],
        title=f"{supporter}'s rung",
        fontsize=7,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
    )
    axes[-1].set_xlabel(f"days since {day0}")
    fig.suptitle(f"{supporter}'s level of support over time\n({_runs(series, names, traced)})")
    return fig


def ceasefire_timeline(
    ceasefires: pd.DataFrame, horizon: float, ax: Axes | None = None, per_scenario: int = 10, day0: str = "day 0"
) -> Figure:
    """Ceasefires of the first replications of each scenario as bars on a time line (gaps are open war)."""
    names = _order(ceasefires)
    fig, ax = _axes(ax, (8.0, 0.9 + 0.28 * per_scenario * max(len(names), 1)))
    y = 0.0
    ticks: list[float] = []
    labels: list[str] = []
    for i, name in enumerate(names):
        c = _rows(ceasefires, name)
        for rep in sorted(c["replication"].unique())[:per_scenario]:
            rows = c[c["replication"] == rep]
            ax.broken_barh(
                list(zip(rows["start_day"], rows["duration_days"], strict=True)),
                (y - 0.35, 0.7),
                facecolors=[colour(i)] * len(rows),
                alpha=None,
                edgecolor="white",
            )
            for _, r in rows.iterrows():
                since = r["upgraded_day"] if pd.notna(r["upgraded_day"]) else r["start_day"]
                if r["kind"] == "comprehensive":
                    ax.plot([since, r["end_day"]], [y, y], color="white", linewidth=1.2)
                if r["peacekeepers"]:
                    ax.plot(since + 0.5, y, marker="v", color="black", markersize=4)
            ticks.append(y)
            labels.append(f"{name} #{rep}")
            y += 1
        y += 0.5
    ax.set_yticks(ticks, labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, horizon)
    ax.set_xlabel(f"days since {day0} (bars: ceasefire in force; white line: comprehensive; \u25bc peacekeepers)")
    ax.set_title("Ceasefires in sampled replications")
    ax.grid(axis="x", alpha=0.3)
    return fig


CASUALTY_LABELS = {  # filled with the scenario's labels (`config.policies.fill`)
    "military_attacker": "military, {attacker}",
    "military_defender": "military, {defender}",
    "civilian_attacker": "civilian, {attacker}",
    "civilian_defender": "civilian, {defender}",
}


def casualties(replications: pd.DataFrame, ax: Axes | None = None, labels: Mapping[str, str] | None = None) -> Figure:
    """Distribution of deaths by category and scenario (box: quartiles; whiskers: 5th-95th percentiles); `labels`
    (role -> name) names the sides."""
    names_ = role_labels(None) if labels is None else labels
    fig, ax = _axes(ax, (8.0, 4.5))
    names = _order(replications)
    cols = list(CASUALTY_LABELS)
    width = 0.8 / max(len(names), 1)
    handles = []
    for i, name in enumerate(names):
        r = _rows(replications, name)
        data = [r[c].astype(float).to_numpy() for c in cols]
        pos = np.arange(len(cols)) + (i - (len(names) - 1) / 2) * width
        box = ax.boxplot(
            data,
            positions=pos,
            widths=width * 0.9,
            whis=(5, 95),
            showfliers=False,
            patch_artist=True,
            manage_ticks=False,
        )
        for patch in box["boxes"]:
            patch.set_facecolor(colour(i))
            patch.set_alpha(0.7)
        handles.append((box["boxes"][0], name))
    ax.set_xticks(np.arange(len(cols)), [fill(CASUALTY_LABELS[c], names_) for c in cols])
    ax.set_ylabel("deaths by the horizon (people)")
    ax.set_yscale("symlog", linthresh=10)
    ax.set_ylim(bottom=0)  # deaths are never negative: the symlog axis must not spend height below zero
    ax.grid(axis="y", alpha=0.3)
    ax.set_title("Deaths by the horizon (box: quartiles; whiskers: 5th-95th percentiles)")
    ax.legend([h for h, _ in handles], [n for _, n in handles], title="scenario")
    return fig
