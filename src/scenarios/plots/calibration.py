"""Figures of a calibration: implausibility by wave, and the surviving region of the most constrained pairs."""

from __future__ import annotations

import itertools
import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from scenarios.plots.figures import colour, fit_title


def implausibility_by_wave(frame: pd.DataFrame, cut: float) -> Figure:
    """Each design point's largest implausibility, wave by wave, against the cut."""
    fig = Figure(figsize=(6.4, 4.2))  # not pyplot, which keeps every figure open for the life of the process
    ax = fig.add_subplot()
    rng = np.random.default_rng(0)
    for k, (_, group) in enumerate(frame.groupby("wave")):
        y = group["implausibility"].to_numpy()
        ax.scatter(k + rng.uniform(-0.15, 0.15, len(y)), y, s=12, color=colour(k), alpha=0.7)
    waves = sorted(frame["wave"].unique())
    ax.set_xticks(range(len(waves)), [f"wave {w}\n({(frame['wave'] == w).sum()} points)" for w in waves])
    ax.axhline(cut, color="#c0392b", linewidth=1, linestyle="--", label=f"cut ({cut:g})")
    ax.set_ylabel("largest implausibility over the expectations")
    top = float(np.nanpercentile(frame["implausibility"], 98)) if len(frame) else cut
    ax.set_ylim(0, max(cut * 1.5, top * 1.1))
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper right")
    ax.set_title("Implausibility of each design point, by wave")
    fig.tight_layout()
    return fig


def surviving_pairs(survivors: pd.DataFrame, names: list[str], ruled_out: float) -> Figure:
    """The surviving candidates (quantiles of each parameter's own range) for pairs of the most constrained ones."""
    pairs = list(itertools.combinations(names, 2)) or [(names[0], names[0])]
    fig = Figure(figsize=(4.2 * len(pairs), 4.2))
    axes = fig.subplots(1, len(pairs), squeeze=False)
    sample = survivors.sample(min(len(survivors), 3000), random_state=0) if len(survivors) else survivors
    for ax, (a, b) in zip(axes[0], pairs, strict=True):
        ax.scatter(sample[a], sample[b], s=4, alpha=0.35, color=colour(0))
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel(f"{a}\n(quantile of its original range)", fontsize=8)
        ax.set_ylabel(f"{b}\n(quantile)", fontsize=8)
        ax.grid(alpha=0.3)
    title = (
        f"Not ruled out by the report's expectations ({len(survivors):,} candidates; {ruled_out:.0%} of the space "
        "ruled out)"
    )
    chars = int(fig.get_figwidth() * 72 / (0.6 * 10))  # wrapped to the figure's width, not clipped at its edges
    fig.suptitle(textwrap.fill(title, chars), fontsize=10)
    fig.tight_layout()
    return fig


def implausibility_along(curve: pd.DataFrame, design: pd.DataFrame, name: str, cut: float, ruled_out: float) -> Figure:
    """A calibration of one free parameter drawn as what it is, a 1-D problem: the largest implausibility over the
    expectations against the parameter's value, a line per wave (its emulators, `implausibility_curve`) and its
    design points as dots (`design`: `value`, `wave`, `implausibility`), the cut, and shaded where no wave rules the
    value out (the region the calibrated scenario draws from). `name`: the parameter's key."""
    from scenarios.labels import parameter_label

    fig = Figure(figsize=(7.0, 4.4), layout="constrained")  # not pyplot, which keeps every figure open
    ax = fig.add_subplot()
    for k, (wave, line) in enumerate(curve.groupby("wave", sort=True)):
        ax.plot(line["value"], line["implausibility"], color=colour(k), linewidth=1.4, label=f"wave {wave} (emulated)")
        dots = design[design["wave"] == wave]
        ax.scatter(dots["value"], dots["implausibility"], s=16, color=colour(k), zorder=3)
    worst = curve.groupby("quantile", sort=True).agg(value=("value", "first"), implausibility=("implausibility", "max"))
    alive = (worst["implausibility"] <= cut).to_numpy()
    values = worst["value"].to_numpy()
    shaded = False
    for start, stop in _runs(alive):
        ax.axvspan(
            values[start],
            values[stop - 1],
            color="#2ecc71",
            alpha=0.15,
            label=None if shaded else "not ruled out",
            linewidth=0,
        )
        shaded = True
    ax.axhline(cut, color="#c0392b", linewidth=1, linestyle="--", label=f"cut ({cut:g})")
    top = float(np.nanpercentile(curve["implausibility"], 98)) if len(curve) else cut
    ax.set_ylim(0, max(cut * 1.5, top * 1.1))
    ax.set_xlabel(f"{parameter_label(name)}\n({name})", fontsize=9)
    ax.set_ylabel("largest implausibility over the expectations")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    fit_title(
        ax,
        f"Which values of {parameter_label(name)} the report's expectations rule out ({ruled_out:.0%} of "
        "its range ruled out; dots: the waves' design points)",
    )
    return fig


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """The [start, stop) index ranges where `mask` is true."""
    edges = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True))
