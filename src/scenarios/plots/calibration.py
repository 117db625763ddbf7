"""Figures of a calibration: implausibility by wave, and the surviving region of the most constrained pairs."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from scenarios.plots.figures import colour


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
    fig.suptitle(
        f"Not ruled out by the report's expectations ({len(survivors):,} candidates; {ruled_out:.0%} of the space "
        "ruled out)",
        fontsize=10,
    )
    fig.tight_layout()
    return fig
