"""Plots that say what they show: one panel per unit, no real change drawn as 0, axes and colour scales that fit
their data, and sensitivity runs that say when they are too small."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.image import AxesImage

from scenarios import plots
from scenarios.analysis.compare import paired_differences as differences
from scenarios.io.load import Results
from scenarios.plots.whatif import paired_differences, sweep_heatmap
from scenarios.sensitivity import stability
from scenarios.whatif import HEADLINE


def test_whatif_differences_get_one_panel_per_unit(real: Results) -> None:
    table = differences(real, "baseline", "early-winter")
    fig = paired_differences(table, list(HEADLINE), "what if")
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == [
        "probabilities (percentage points)",
        "territory held (percentage points of the contested value)",
        "deaths (people)",
    ]
    rows = table.set_index("measure")
    share = fig.axes[1]
    lo, hi = share.get_xlim()
    interval = rows.loc["azerbaijani_share", ["lower", "upper"]].to_numpy(dtype=float) * 100
    assert lo <= interval.min() and interval.max() <= hi
    deaths = rows.loc[["military_azerbaijan", "military_armenia"], ["lower", "upper"]].abs().to_numpy().max()
    if deaths > 0:  # a share change is drawn on its own scale, never squeezed to 0 beside hundreds of deaths
        assert hi - lo < deaths
    labels = [t.get_text() for t in share.texts]
    assert labels == [f"{rows.loc['azerbaijani_share', 'difference'] * 100:+.3g}"]


def test_an_unknown_difference_is_marked_not_drawn_as_zero() -> None:
    table = pd.DataFrame(
        {
            "measure": ["holds_7_days", "holds_90_days"],
            "difference": [0.1, np.nan],
            "lower": [0.05, np.nan],
            "upper": [0.15, np.nan],
            "significant": [True, False],
        }
    )
    fig = paired_differences(table, ["holds_7_days", "holds_90_days"], "t")
    assert [t.get_text() for t in fig.axes[0].texts] == ["+10", "n/a"]


def test_the_deaths_axis_starts_at_zero(real: Results) -> None:
    (ax,) = plots.casualties(real.replications).axes
    assert ax.get_yscale() == "symlog" and ax.get_ylim()[0] == 0


def test_the_heat_map_colour_scale_fits_its_range() -> None:
    grid = pd.DataFrame({"a": [0.1, 0.1, 0.2, 0.2], "b": [1, 2, 1, 2], "holds_30": [0.18, 0.19, 0.21, 0.2]})
    fig = sweep_heatmap(grid, "a", "b")
    (image,) = [i for ax in fig.axes for i in ax.get_images() if isinstance(i, AxesImage)]
    vmin, vmax = image.get_clim()
    assert 0.17 <= vmin < 0.18 and 0.21 < vmax <= 0.22
    assert image.norm(0.18) < 0.2 and image.norm(0.21) > 0.8  # 18% and 21% look different (0-1 scale: 0.18, 0.21)


def test_fan_titles_say_how_many_replications_they_show(real: Results) -> None:
    (ax,) = plots.fan(real.timeseries, "azerbaijani_share").axes
    n = real.timeseries.groupby("scenario", observed=True)["replication"].nunique().iloc[0]
    assert f"bands of {n} traced replications per scenario" in ax.get_title()


def test_a_sensitivity_run_too_small_says_so_with_the_n_that_would_do() -> None:
    indices = pd.DataFrame({"ST_lower": [-0.5, 0.0], "ST_upper": [0.9, 0.2]})
    message = stability(indices, "sobol", 8, np.array([0.0, 1.0, 1.0]))
    assert message == (
        "n=8 is too small for stable indices: the 95% intervals of ST are up to +-0.70 wide, so the ranking is not "
        "reliable; about --n 2048 would narrow them to +-0.05"
    )
    assert stability(pd.DataFrame({"ST_lower": [0.1], "ST_upper": [0.15]}), "sobol", 512, np.array([0.0, 1.0])) == ""
    flat = stability(indices, "sobol", 8, np.ones(40))
    assert flat.startswith("the outcome is 1 in every one of the 40 runs")
