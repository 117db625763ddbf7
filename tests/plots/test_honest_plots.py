"""Plots that say what they show: one panel per unit, no real change drawn as 0, axes and colour scales that fit
their data, and sensitivity runs that say when they are too small."""

from __future__ import annotations

from pathlib import Path

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
    interval = rows.loc["attacker_share", ["lower", "upper"]].to_numpy(dtype=float) * 100
    assert lo <= interval.min() and interval.max() <= hi
    deaths = rows.loc[["military_attacker", "military_defender"], ["lower", "upper"]].abs().to_numpy().max()
    if deaths > 0:  # a share change is drawn on its own scale, never squeezed to 0 beside hundreds of deaths
        assert hi - lo < deaths
    labels = [t.get_text() for t in share.texts]
    assert labels == [f"{rows.loc['attacker_share', 'difference'] * 100:+.3g}"]


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
    grid = pd.DataFrame(
        {
            "a": [0.1, 0.1, 0.2, 0.2],
            "b": [1, 2, 1, 2],
            "measure": "holds_30_days",
            "label": "P(the first ceasefire holds 30 days)",
            "kind": "probability",
            "unit": "probability",
            "estimate": [0.18, 0.19, 0.21, 0.2],
            "difference": [np.nan, 0.01, 0.03, 0.02],
            "significant": [False, False, True, True],
            "reference": [True, False, False, False],
        }
    )
    fig = sweep_heatmap(grid, "a", "b", "holds_30_days")
    (image,) = [i for ax in fig.axes for i in ax.get_images() if isinstance(i, AxesImage)]
    vmin, vmax = image.get_clim()
    assert 0.17 <= vmin < 0.18 and 0.21 < vmax <= 0.22
    assert image.norm(0.18) < 0.2 and image.norm(0.21) > 0.8  # 18% and 21% look different (0-1 scale: 0.18, 0.21)


def test_fan_charts_of_a_batch_use_every_replication(real: Results) -> None:
    """The fan charts of a report draw from the daily table: n in the title is the batch's size, not the sample."""
    from scenarios.report.figures import make_figure

    n = real.manifest["replications"]
    assert real.timeseries["replication"].nunique() < n  # only a few are traced
    for kind in ("fan-territory", "fan-casualties", "fan-attention", "fan-ceasefire", "fan-supporter"):
        fig = make_figure(real, kind)
        title = fig.get_suptitle() if kind == "fan-supporter" else fig.axes[0].get_title()
        assert f"(n = {n} replications per scenario)" in title, (kind, title)
        assert "traced" not in title


def test_the_supporters_rungs_are_named_by_their_labels(real: Results) -> None:
    """Charts show labels, never ids (issue 32): the supporter's rungs by their `label:` (else the id with spaces)."""
    from scenarios.report.figures import make_figure

    legend = make_figure(real, "fan-supporter").axes[0].get_legend()
    names = [t.get_text() for t in legend.get_texts()]
    assert "Syrian fighters" in names and "F-16 deterrent" in names and not any("_" in n for n in names)


def test_fan_of_the_traced_replications_says_so(real: Results) -> None:
    (ax,) = plots.fan(real.timeseries, "attacker_share", traced=True).axes
    n = real.timeseries.groupby("scenario", observed=True)["replication"].nunique().iloc[0]
    title = ax.get_title().replace("\n", " ")
    assert f"only the n = {n} traced replications per scenario: this folder has no daily table" in title


def test_a_folder_without_a_daily_table_falls_back_to_the_traced_replications(real: Results, tmp_path: Path) -> None:
    import shutil

    from scenarios.io.load import load_results
    from scenarios.report.figures import make_figure

    old = tmp_path / "old"
    shutil.copytree(real.directory, old)
    (old / "daily.parquet").unlink()  # as a folder written before the daily table existed
    results = load_results(old)
    assert results.daily.empty
    title = make_figure(results, "fan-attention").axes[0].get_title()
    assert "only the n = 10 traced replications per scenario" in title


def test_the_ceasefire_share_is_the_share_of_runs_in_force_each_day() -> None:
    daily = pd.DataFrame(
        {
            "scenario": "s",
            "replication": [0, 1, 2, 3] * 2,
            "day": [0] * 4 + [1] * 4,
            "ceasefire": [True] * 4 + [True, False, False, False],
        }
    )
    (ax,) = plots.ceasefire_share(daily).axes
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.0, 0.25])
    assert "(n = 4 replications per scenario)" in ax.get_title()


def test_a_sensitivity_run_too_small_says_so_with_the_n_that_would_do() -> None:
    indices = pd.DataFrame({"ST_lower": [-0.5, 0.0], "ST_upper": [0.9, 0.2]})
    message = stability(indices, "sobol", 8, np.array([0.0, 1.0, 1.0]))
    assert message == (
        "n=8 is too small for stable indices: the 95% intervals of ST are up to +-0.70 wide, so the ranking is not "
        "reliable; about n = 2048 would narrow them to +-0.05"
    )
    assert stability(pd.DataFrame({"ST_lower": [0.1], "ST_upper": [0.15]}), "sobol", 512, np.array([0.0, 1.0])) == ""
    flat = stability(indices, "sobol", 8, np.ones(40))
    assert flat.startswith("the outcome is 1 in every one of the 40 runs")


def test_the_tornado_names_parameters_in_words_not_by_their_keys() -> None:
    """Issue 32 item 7: a chart shows labels. A parameter's key becomes what it belongs to and the parameter in
    words; the table keeps the key (what `--set` takes)."""
    import pandas as pd

    from scenarios.labels import parameter_label
    from scenarios.plots.sensitivity import tornado

    keys = ["actors.azerbaijan.gain_weight", "actors.russia.ladder.intervention.effects.enemy_casualty_multiplier"]
    table = pd.DataFrame({"parameter": keys, "importance": [0.2, 0.1], "lower": [0.1, 0.05], "upper": [0.3, 0.15]})
    names = [t.get_text() for t in tornado(table, "war_days").axes[0].get_yticklabels()]
    assert sorted(names) == sorted(parameter_label(k) for k in keys)
    assert "azerbaijan: gain weight" in names and not any("_" in n for n in names)
    assert list(table["parameter"]) == keys
