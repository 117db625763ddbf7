"""Honest comparisons: pairing only where seeds are shared, unpaired tests otherwise, n/a beyond a horizon."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats

from scenarios.analysis.compare import ConfigMismatchWarning, compare, merge_batches
from scenarios.io.load import Results

from .support import make_results, scenario_rows


def rows(seed: int, n: int, horizon: float, shift: float = 0.0):
    rng = np.random.default_rng(seed)
    end = np.minimum(np.round(rng.exponential(40.0, n) + shift, 1), horizon)
    return scenario_rows(end, horizon, war_days=rng.uniform(0, 50, n) + shift, durable_ceasefire=rng.random(n) < 0.4)


def merged(seed_b: int, n_b: int = 60, horizon_b: float = 120.0) -> Results:
    a = make_results({"a": rows(1, 60, 120.0)}, 120.0, seed=1)
    b = make_results({"b": rows(2, n_b, horizon_b, shift=15.0)}, horizon_b, seed=seed_b)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConfigMismatchWarning)
        return merge_batches([a, b])


def test_batches_with_other_seeds_get_unpaired_tests_equal_to_scipy() -> None:
    results = merged(seed_b=2)
    c = compare(results)
    t = c.table.set_index("measure")
    assert not t["paired"].any() and (t["n_pairs"] == 0).all()
    war = t.loc["war_days"]
    assert war["test"] == "Welch t"
    reps = results.replications
    x = reps.loc[reps["scenario"] == "a", "war_days"].to_numpy()
    y = reps.loc[reps["scenario"] == "b", "war_days"].to_numpy()
    assert war["p_value"] == pytest.approx(stats.ttest_ind(y, x, equal_var=False).pvalue)
    assert war["difference"] == pytest.approx(y.mean() - x.mean())
    assert t.loc["durable_ceasefire", "test"] == "two-proportion z"
    assert (t["statistic"] == "mean").all()
    text = c.to_text(all=True)
    assert "UNPAIRED" in text and "Differences of means" in text and "log-rank test" in text


def test_batches_with_the_same_seed_and_n_are_paired() -> None:
    c = compare(merged(seed_b=1))
    assert c.table["paired"].all() and (c.table["test"] == "paired t").all()
    assert "paired by replication (common random numbers, 60 pairs)" in c.to_text()


def test_same_seed_but_other_n_is_not_paired() -> None:
    assert not compare(merged(seed_b=1, n_b=50)).table["paired"].any()


def test_holds_beyond_the_shorter_horizon_is_na_in_compare() -> None:
    c = compare(merged(seed_b=1, horizon_b=60.0))
    t = c.table.set_index("measure")
    assert np.isnan(t.loc["holds_90_days", "difference"]) and np.isnan(t.loc["holds_90_days", "baseline_value"])
    assert not t.loc["holds_90_days", "significant"]
    assert not np.isnan(t.loc["holds_30_days", "difference"])
    assert c.logrank_["horizon"].tolist() == [60.0]
    assert "n/a" in c.to_text(all=True)


def test_comparison_renders_the_figures_of_its_table(two_scenario_batch: Results) -> None:
    c = compare(two_scenario_batch)
    row = c.table.set_index("measure").loc["holds_30_days"]
    text, fragment = c.to_text(all=True), c.to_html()
    for figure in (f"{row['baseline_value']:.1%}", f"{row['scenario_value']:.1%}", f"{row['difference']:.1%}"):
        assert figure in text and figure in fragment
    assert "<table>" in fragment and "Log-rank" in fragment
    assert repr(c).startswith("<Comparison against 'baseline'") and len(repr(c)) < 300
    fig = c.plot("differences")
    assert fig.axes and fig.get_suptitle() == "early-winter vs baseline"
