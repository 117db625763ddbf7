"""Figures of sensitivity analysis: ranked indices with intervals (a tornado), and discovered boxes."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from scenarios.labels import parameter_label
from scenarios.plots.figures import _axes, colour, fit_title


def tornado(table: pd.DataFrame, outcome: str, ax: Axes | None = None, top: int = 20) -> Figure:
    """Ranked bars of the indices with their 95% intervals: Sobol (total and first order), Morris or importance.
    `outcome` is the outcome as the title names it: its measure's label (`measures.Measure.label`), not its id."""
    from scenarios.analysis.sobol import inert as inert_rows

    still = inert_rows(table)  # no measurable effect: not ranked, not drawn (listed in the text)
    inert, table = int(still.sum()), table[~still]
    t = table.head(top).iloc[::-1]
    own = ax is None
    fig, ax = _axes(ax, (10.0, 0.32 * len(t) + 1.9))
    y = np.arange(len(t))
    if "ST" in t.columns:
        series = [("ST", "total-order (ST)", 0), ("S1", "first-order (S1)", 1)]
        xlabel = "Sobol index (share of output variance)"
    elif "mu_star" in t.columns:
        series = [("mu_star", "Morris mu*", 0)]
        xlabel = "Morris mu*: mean absolute elementary effect\n(outcome units per step across the parameter's range)"
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
    first = t.columns[0]  # a parameter (a dotted key) or a judgment (its words)
    named = (parameter_label(str(v)) if first == "parameter" else str(v) for v in t[first])
    names = [textwrap.shorten(v, 70, placeholder=" …") for v in named]
    ax.set_yticks(y, names, fontsize=8)
    ax.set_xlabel(xlabel)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.grid(axis="x", alpha=0.3)
    if inert:
        none = "inert in this design" if "mu_star" in table.columns else "with no measurable effect in this design"
        note = f"; {inert} {none}, not shown"
    else:
        note = ""
    ax.legend(loc="best")
    fit_title(ax, f"What matters most for {outcome}\n(95% intervals{note})")
    if own:  # room for a title wrapped over more than two lines
        fig.set_figheight(fig.get_figheight() + 0.17 * max(0, ax.get_title().count("\n") - 1))
    return fig


def morris_plane(table: pd.DataFrame, outcome: str, ax: Axes | None = None, labelled: int = 8) -> Figure:
    """Morris's mu*-sigma plane: how much each factor moves the outcome (mu*) against how unevenly (sigma: its
    interactions or curvature); above the diagonal a factor's effect depends on where the others stand. Only factors
    with a sigma (SALib gives none for a group of several parameters) and mu* > 0 are drawn. `outcome`: its label."""
    t = table[(table["mu_star"] > 0) & table["sigma"].notna()]
    if len(t) < 2:
        raise ValueError(
            "the mu*-sigma plane needs two factors with a sigma: SALib defines none for a group of several "
            "parameters (use --by parameter), and none for a factor that never moved the outcome"
        )
    fig, ax = _axes(ax, (7.5, 5.5))
    ax.scatter(t["mu_star"], t["sigma"], color=colour(0), s=22, zorder=3)
    top = float(max(t["mu_star"].max(), t["sigma"].max())) * 1.08
    ax.plot([0, top], [0, top], linestyle="--", color="#7f7f7f", linewidth=0.8, label="sigma = mu*")
    label = t.columns[0]
    for (mu_star, sigma), at in t.groupby(["mu_star", "sigma"], sort=False):  # coincident points: one label
        if at["rank"].min() > labelled:
            continue
        first = str(at[label].iloc[0])  # a parameter (named in words, as the tornado names it) or a judgment
        name = textwrap.shorten(parameter_label(first) if label == "parameter" else first, 40, placeholder=" …")
        if len(at) > 1:
            name += f" (and {len(at) - 1} more)"
        ax.annotate(name, (mu_star, sigma), fontsize=7, xytext=(4, 3), textcoords="offset points")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel("mu* (mean absolute elementary effect)")
    ax.set_ylabel("sigma (spread of the elementary effects)")
    fit_title(ax, f"Morris screening of {outcome}: effect against interaction")
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def peeling_trajectory(
    trajectory: pd.DataFrame,
    outcome: str,
    box: int = 1,
    reported: tuple[float, float] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """PRIM's trade-off: coverage against density of every peel, coloured by how many parameters it restricts and
    numbered (every few, and the chosen one), the peel chosen ringed and (`reported`: coverage, density) the box as
    reported after simplification. `outcome`: its measure's label."""
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
    step = max(1, len(trajectory) // 8)  # the peels numbered, for `discover --peel K`
    for k, row in trajectory.iterrows():
        if int(k) % step == 0 or bool(row["chosen"]):  # type: ignore[call-overload]
            ax.annotate(
                str(k), (row["coverage"], row["density"]), xytext=(4, 4), textcoords="offset points", fontsize=7
            )
    ax.set_xlabel("coverage (share of all cases inside the box)")
    ax.set_ylabel("density (share of the box that are cases)")
    ax.set_xlim(0, 1.02)
    low = float(trajectory["density"].min())
    high = max(float(trajectory["density"].max()), reported[1] if reported else 0.0)
    low = min(low, reported[1] if reported else 1.0)
    ax.set_ylim(max(0.0, low - 0.05), min(1.02, high + 0.05))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left")
    ax.set_title(textwrap.fill(f"PRIM peeling trajectory, box {box}: {outcome}", 60), fontsize=10)
    return fig
