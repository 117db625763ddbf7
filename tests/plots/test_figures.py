"""The figures: what each draws (artists per scenario, bands, labels with units, legends, palette) and that
they render to PNG, SVG and PDF, with real batch output and with small hand-made tables."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_hex, to_rgba
from matplotlib.figure import Figure

from scenarios import plots
from scenarios.analysis.outcomes import outcome_probabilities
from scenarios.analysis.survival import survival_curves
from scenarios.io.load import Results
from scenarios.model.outcomes import OUTCOME_CLASSES
from scenarios.plots.figures import PALETTE, colour

NAMES = ["baseline", "early-winter"]
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")


def legend_texts(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None
    return [t.get_text() for t in legend.get_texts()]


def hexes(colours: np.ndarray) -> set[str]:
    return {to_hex(c, keep_alpha=False).upper() for c in colours}


def only_axes(fig: Figure) -> Axes:
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    return ax


FIGURES: dict[str, Callable[[Results, Axes | None], Figure]] = {
    "survival": lambda r, ax: plots.survival(survival_curves(r), ax=ax),
    "survival-all": lambda r, ax: plots.survival(survival_curves(r, "all"), ax=ax, title="all"),
    "outcomes": lambda r, ax: plots.outcomes(outcome_probabilities(r), ax=ax),
    "fan": lambda r, ax: plots.fan(r.timeseries, "attacker_share", ax=ax),
    "timeline": lambda r, ax: plots.ceasefire_timeline(r.ceasefires, r.horizon, ax=ax),
    "casualties": lambda r, ax: plots.casualties(r.replications, ax=ax),
}


def test_palette_is_okabe_ito_and_cycles() -> None:
    assert tuple(c.upper() for c in PALETTE) == OKABE_ITO
    assert [colour(i) for i in range(8)] == list(PALETTE)
    assert colour(8) == colour(0) and colour(11) == colour(3)


# --- survival ---------------------------------------------------------------------------------------------


def test_survival_draws_a_step_and_a_band_per_scenario(real: Results) -> None:
    curves = survival_curves(real)
    ax = only_axes(plots.survival(curves))
    steps = [line for line in ax.lines if line.get_drawstyle() == "steps-post"]
    assert len(steps) == len(ax.lines) == 2
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 2
    for i, (name, line, band) in enumerate(zip(NAMES, steps, bands, strict=True)):
        c = curves[curves["scenario"] == name]
        np.testing.assert_allclose(line.get_xdata(), c["day"])
        np.testing.assert_allclose(line.get_ydata(), c["survival"])
        assert line.get_label() == name
        assert to_hex(line.get_color()).upper() == OKABE_ITO[i]
        assert hexes(band.get_facecolor()) == {OKABE_ITO[i]}
        ys = band.get_paths()[0].vertices[:, 1]
        assert ys.min() == pytest.approx(c["lower"].min()) and ys.max() == pytest.approx(c["upper"].max())
    assert legend_texts(ax) == NAMES
    assert "days" in ax.get_xlabel()
    assert "P(" in ax.get_ylabel()
    bottom, top = ax.get_ylim()
    assert bottom == 0 and 1 <= top <= 1.05
    assert ax.get_xlim()[0] == 0


def test_survival_title_can_be_given() -> None:
    curves = pd.DataFrame(
        {"scenario": "x", "day": [0.0, 5.0], "survival": [1.0, 0.5], "lower": [1.0, 0.2], "upper": [1.0, 0.8]}
    )
    ax = only_axes(plots.survival(curves, title="Survival of all ceasefires"))
    assert ax.get_title() == "Survival of all ceasefires"
    assert "Kaplan-Meier" in only_axes(plots.survival(curves)).get_title()


# --- outcomes ---------------------------------------------------------------------------------------------


def test_outcomes_draws_one_bar_per_scenario_and_class_with_its_interval(real: Results) -> None:
    probs = outcome_probabilities(real)
    ax = only_axes(plots.outcomes(probs, labels=real.labels()))
    assert len(ax.patches) == len(NAMES) * len(OUTCOME_CLASSES)
    bars = [c for c in ax.containers if c.__class__.__name__ == "BarContainer"]
    assert len(bars) == 2
    for i, (name, container) in enumerate(zip(NAMES, bars, strict=True)):
        p = probs[probs["scenario"] == name]
        np.testing.assert_allclose([b.get_height() for b in container.patches], p["p"])
        assert {to_hex(b.get_facecolor()).upper() for b in container.patches} == {OKABE_ITO[i]}
        (segments,) = [c for c in container.errorbar.lines[2] if isinstance(c, LineCollection)]
        ends = np.array([[s[0, 1], s[1, 1]] for s in segments.get_segments()])
        np.testing.assert_allclose(ends[:, 0], p["lower"], atol=1e-12)
        np.testing.assert_allclose(ends[:, 1], p["upper"], atol=1e-12)
    assert legend_texts(ax) == NAMES
    assert ax.get_ylim() == (0, 1)
    assert "probability" in ax.get_ylabel()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[:2] == ["military intervention by Russia", "withdrawal by Armenia"]  # the scenario's labels
    assert labels[2:] == [
        "settlement handing over land",
        "wider escalation",
        "fighting at the horizon",
        "major gains for Azerbaijan, truce",
        "limited gains for Azerbaijan, truce",
        "frozen status quo",
    ]


def test_outcomes_bars_of_scenarios_sit_side_by_side() -> None:
    probs = pd.DataFrame(
        {
            "scenario": ["a", "a", "b", "b", "c", "c"],
            "outcome_class": ["x", "y"] * 3,
            "p": [0.2, 0.8, 0.5, 0.5, 1.0, 0.0],
            "lower": [0.1, 0.7, 0.4, 0.4, 0.9, 0.0],
            "upper": [0.3, 0.9, 0.6, 0.6, 1.0, 0.1],
        }
    )
    ax = only_axes(plots.outcomes(probs))
    assert len(ax.patches) == 6
    centres = sorted(round(p.get_x() + p.get_width() / 2, 9) for p in ax.patches)
    assert centres == pytest.approx(sorted([-0.8 / 3, 0, 0.8 / 3, 1 - 0.8 / 3, 1, 1 + 0.8 / 3]))
    assert legend_texts(ax) == ["a", "b", "c"]


# --- fan -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "unit"),
    [
        ("attacker_share", "(fraction)"),
        ("military_total", "(people)"),
        ("civilian_total", "(people)"),
        ("attention", "(index)"),
    ],
)
def test_fan_draws_a_median_and_two_bands_per_scenario(real: Results, column: str, unit: str) -> None:
    ax = only_axes(plots.fan(real.daily, column))
    assert len(ax.lines) == 2
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 4
    texts = legend_texts(ax)
    for i, name in enumerate(NAMES):
        assert texts[i] == f"{name} (median)"
        assert to_hex(ax.lines[i].get_color()).upper() == OKABE_ITO[i]
    assert unit in ax.get_ylabel() and "days" in ax.get_xlabel()
    assert "(" not in ax.get_title().split(" over time")[0]


def test_fan_median_and_bands_are_the_quantiles_across_replications() -> None:
    # replication r has value r + day on each day: median 2 + day, 5th pct 0.2 + day, 95th pct 3.8 + day
    ts = pd.DataFrame(
        [
            {"scenario": "s", "replication": r, "day": float(d), "attention": float(r + d)}
            for r in range(5)
            for d in range(4)
        ]
    )
    ax = only_axes(plots.fan(ts, "attention"))
    (line,) = ax.lines
    np.testing.assert_allclose(line.get_xdata(), [0, 1, 2, 3])
    np.testing.assert_allclose(line.get_ydata(), [2, 3, 4, 5])
    outer, inner = (c.get_paths()[0].vertices for c in ax.collections)
    assert outer[:, 1].min() == pytest.approx(0.2) and outer[:, 1].max() == pytest.approx(6.8)
    assert inner[:, 1].min() == pytest.approx(1.0) and inner[:, 1].max() == pytest.approx(6.0)
    assert legend_texts(ax) == ["s (median)"]
    assert "(n = 5 replications per scenario)" in ax.get_title()


@settings(max_examples=60, deadline=None)
@given(
    reps=st.integers(1, 12),
    days=st.integers(1, 9),
    seed=st.integers(0, 2**32 - 1),
    layout=st.sampled_from(["daily", "shuffled", "a row missing", "a gap"]),
)
def test_fan_and_level_shares_by_day_match_a_groupby_whatever_the_layout(
    reps: int, days: int, seed: int, layout: str
) -> None:
    """The matrix shortcut (every replication on the same days, in order: the daily table) gives the groupby's
    quantiles and the crosstab's shares to the bit; any other layout takes the groupby and gives them too."""
    from scenarios.plots.figures import _level_shares, _quantiles_by_day

    rng = np.random.default_rng(seed)
    rows = pd.DataFrame(
        {
            "replication": np.repeat(np.arange(reps, dtype=np.int32), days),
            "day": np.tile(np.arange(days, dtype=np.int16) * 2, reps),
            "attention": rng.random(reps * days).astype(np.float32),
            "supporter_level": rng.integers(0, 4, reps * days).astype(np.int16),
        }
    )
    if layout == "shuffled":
        rows = rows.sample(frac=1.0, random_state=seed % 2**31)
    elif layout == "a row missing":
        rows = rows.drop(index=rows.index[len(rows) // 2])
    elif layout == "a gap":
        rows = rows[rows["day"] != 2]
    if rows.empty:
        return
    probs = [0.05, 0.25, 0.5, 0.75, 0.95]
    expected = rows.groupby("day")["attention"].quantile(np.asarray(probs)).unstack()
    got = _quantiles_by_day(rows, "attention", probs)
    np.testing.assert_array_equal(got.index.to_numpy(), expected.index.to_numpy())
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-12, atol=0)
    shares = pd.crosstab(rows["day"], rows["supporter_level"], normalize="index")
    got_shares = _level_shares(rows)
    np.testing.assert_array_equal(got_shares.index.to_numpy(), shares.index.to_numpy())
    np.testing.assert_array_equal(got_shares.reindex(columns=shares.columns).to_numpy(), shares.to_numpy())
    assert (got_shares.drop(columns=shares.columns).to_numpy() == 0).all()  # levels nobody took: share 0


# --- timeline --------------------------------------------------------------------------------------------


def test_timeline_has_one_row_per_sampled_replication(real: Results) -> None:
    ax = only_axes(plots.ceasefire_timeline(real.ceasefires, real.horizon, per_scenario=6))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [f"{name} #{i}" for name in NAMES for i in range(6)]
    assert ax.get_xlim() == (0, 60)
    assert "days" in ax.get_xlabel()
    bars = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bars) == 12
    assert hexes(np.vstack([b.get_facecolor() for b in bars[:6]])) == {OKABE_ITO[0]}
    assert hexes(np.vstack([b.get_facecolor() for b in bars[6:]])) == {OKABE_ITO[1]}
    sampled = real.ceasefires[real.ceasefires["replication"] < 6]
    assert sum(len(b.get_paths()) for b in bars) == len(sampled)


def hand_ceasefires() -> pd.DataFrame:
    rows = [
        # scenario a, replication 0: humanitarian 0-10, then comprehensive 15-60 (upgraded day 20,
        # peacekeepers)
        ("a", 0, 0.0, 10.0, "humanitarian", False, np.nan),
        ("a", 0, 15.0, 60.0, "comprehensive", True, 20.0),
        # scenario a, replications 1..11: one humanitarian ceasefire each
        *[("a", r, 0.0, 5.0 + r, "humanitarian", False, np.nan) for r in range(1, 12)],
        # scenario b, replication 3: a comprehensive ceasefire from the start, no upgrade
        ("b", 3, 0.0, 30.0, "comprehensive", False, np.nan),
    ]
    df = pd.DataFrame(
        rows,
        columns=["scenario", "replication", "start_day", "end_day", "kind", "peacekeepers", "upgraded_day"],
    )
    df["duration_days"] = df["end_day"] - df["start_day"]
    df["scenario"] = pd.Categorical(df["scenario"], categories=["b", "a"])  # category order wins
    return df


def test_timeline_draws_bars_lines_and_markers_where_the_data_say() -> None:
    ax = only_axes(plots.ceasefire_timeline(hand_ceasefires(), 60.0, per_scenario=10))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["b #3", *[f"a #{r}" for r in range(10)]]  # at most 10 per scenario, first replications
    bars = [c for c in ax.collections if isinstance(c, PolyCollection)]
    first_a = bars[1]  # rows: b #3 then a #0
    extents = sorted((p.vertices[:, 0].min(), p.vertices[:, 0].max()) for p in first_a.get_paths())
    assert extents == [(0.0, 10.0), (15.0, 60.0)]
    assert hexes(bars[0].get_facecolor()) == {OKABE_ITO[0]} and hexes(first_a.get_facecolor()) == {OKABE_ITO[1]}
    white = [line for line in ax.lines if line.get_marker() in ("None", "", None)]
    # comprehensive: b #3 from day 0 and a #0 from its upgrade on day 20
    assert sorted(tuple(line.get_xdata()) for line in white) == [(0.0, 30.0), (20.0, 60.0)]
    markers = [line for line in ax.lines if line.get_marker() == "v"]
    assert len(markers) == 1 and markers[0].get_xdata()[0] == pytest.approx(20.5)
    y_a0 = ax.get_yticks()[1]
    assert markers[0].get_ydata()[0] == pytest.approx(y_a0)
    assert ax.yaxis_inverted()


# --- casualties ------------------------------------------------------------------------------------------


def test_casualties_draws_a_box_per_scenario_and_category(real: Results) -> None:
    ax = only_axes(plots.casualties(real.replications, labels=real.labels()))
    assert len(ax.patches) == 2 * 4
    assert legend_texts(ax) == NAMES
    assert hexes(np.array([p.get_facecolor() for p in ax.patches[:4]])) == {OKABE_ITO[0]}
    assert hexes(np.array([p.get_facecolor() for p in ax.patches[4:]])) == {OKABE_ITO[1]}
    assert "(people)" in ax.get_ylabel()
    assert ax.get_yscale() == "symlog"
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "military, Azerbaijan",
        "military, Armenia",
        "civilian, Azerbaijan",
        "civilian, Armenia",
    ]


def test_casualty_boxes_are_quartiles_with_5_95_whiskers() -> None:
    values = np.arange(101, dtype=float)
    reps = pd.DataFrame(
        {
            "scenario": "s",
            "military_attacker": values,
            "military_defender": values,
            "civilian_attacker": values,
            "civilian_defender": values,
        }
    )
    ax = only_axes(plots.casualties(reps))
    horizontal = {round(float(y), 6) for line in ax.lines for y in line.get_ydata()}
    assert {5.0, 25.0, 50.0, 75.0, 95.0} <= horizontal  # whisker ends, box edges, median
    assert 0.0 not in horizontal and 100.0 not in horizontal  # no fliers, no min/max whiskers
    assert legend_texts(ax) == ["s"]


# --- every figure -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(FIGURES))
def test_draws_on_a_given_axes_without_pyplot(real: Results, kind: str) -> None:
    before = plt.get_fignums()
    fig = Figure()
    left, right = fig.subplots(1, 2)
    out = FIGURES[kind](real, right)
    assert out is fig
    assert right.has_data() and not left.has_data()
    assert right.get_legend() is not None or kind == "timeline"
    assert plt.get_fignums() == before


@pytest.mark.parametrize("kind", list(FIGURES))
def test_every_figure_saves_as_png_svg_and_pdf(real: Results, kind: str, tmp_path: Path) -> None:
    fig = FIGURES[kind](real, None)
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=40)
    assert png.getvalue().startswith(b"\x89PNG\r\n\x1a\n")
    svg_path = tmp_path / f"{kind}.svg"
    fig.savefig(svg_path)
    assert b"<svg" in svg_path.read_bytes()[:2000]
    pdf = io.BytesIO()
    fig.savefig(pdf, format="pdf")
    assert pdf.getvalue().startswith(b"%PDF") and pdf.getvalue().rstrip().endswith(b"%%EOF")


def test_scenario_order_follows_the_categories_not_the_rows() -> None:
    curves = pd.DataFrame(
        {
            "scenario": pd.Categorical(["z", "z", "a", "a"], categories=["a", "m", "z"]),
            "day": [0.0, 3.0, 0.0, 4.0],
            "survival": [1.0, 0.4, 1.0, 0.6],
            "lower": [1.0, 0.1, 1.0, 0.3],
            "upper": [1.0, 0.7, 1.0, 0.9],
        }
    )
    ax = only_axes(plots.survival(curves))
    assert legend_texts(ax) == ["a", "z"]  # absent category "m" is skipped
    assert to_rgba(ax.lines[0].get_color()) == to_rgba(OKABE_ITO[0])
    assert ax.lines[0].get_ydata()[-1] == 0.6
