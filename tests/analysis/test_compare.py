"""Paired comparison of scenarios (common random numbers), log-rank tests and merging batches."""

from __future__ import annotations

import dataclasses
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lifelines.statistics import logrank_test
from scipy import stats

from scenarios.analysis.compare import (
    ConfigMismatchWarning,
    compare,
    holm,
    logrank,
    merge_batches,
    outcome_measures,
    paired_differences,
)
from scenarios.analysis.render import num, pp
from scenarios.exceptions import AnalysisError
from scenarios.model.outcomes import OUTCOME_CLASSES

from .support import make_results, scenario_rows

HORIZON = 120.0
N = 200


def base_rows(rng: np.random.Generator, n: int = N) -> pd.DataFrame:
    """A scenario with varied outcomes (durations partly censored at the horizon)."""
    end = np.minimum(np.round(rng.exponential(50.0, n), 1), HORIZON)
    return scenario_rows(
        end,
        HORIZON,
        outcome=rng.choice(["frozen_status_quo", "limited_gains_truce", "fighting_at_horizon"], n).tolist(),
        military_attacker=np.round(rng.lognormal(6, 1, n)),
        military_defender=np.round(rng.lognormal(6, 1, n)),
        civilian_attacker=np.round(rng.lognormal(3, 1, n)),
        civilian_defender=np.round(rng.lognormal(3, 1, n)),
        war_days=rng.uniform(0, HORIZON, n),
        attention=rng.uniform(0, 5, n),
        attacker_share=rng.uniform(0, 0.6, n),
        durable_ceasefire=rng.random(n) < 0.3,
    )


@pytest.fixture
def same():
    """Two scenario names with identical data replication by replication."""
    rows = base_rows(np.random.default_rng(11))
    return make_results({"a": rows, "a-again": rows.copy()}, HORIZON)


@pytest.fixture
def shifted():
    """Scenario b: every first ceasefire lasts 20 days longer (capped at the horizon), 20 more war days give
    or take noise, and 30% of the pairs flipped from no durable ceasefire to a durable one."""
    rng = np.random.default_rng(5)
    a = base_rows(rng)
    b = a.copy()
    b["first_ceasefire_days"] = np.minimum(a["first_ceasefire_days"] + 20.0, HORIZON)
    b["first_ceasefire_end_day"] = b["first_ceasefire_start_day"] + b["first_ceasefire_days"]
    b["first_ceasefire_censored"] = b["first_ceasefire_days"] >= HORIZON
    b["war_days"] = a["war_days"] + 20.0 + rng.normal(0, 5, N)
    a["durable_ceasefire"] = False
    b["durable_ceasefire"] = False
    flipped = rng.choice(N, size=int(0.3 * N), replace=False)
    b.loc[flipped, "durable_ceasefire"] = True
    # casualties strongly correlated within a pair: b = 1.1 a + small noise
    b["military_defender"] = 1.1 * a["military_defender"] + rng.normal(0, 20, N)
    return make_results({"a": a, "b": b}, HORIZON)


def test_outcome_measures_are_per_replication_indicators_and_amounts(shifted) -> None:
    m = outcome_measures(shifted, days=(7, 30, 130))
    r = shifted.replications
    assert len(m) == 2 * N
    assert m["holds_7_days"].tolist() == (r["first_ceasefire_days"] >= 7).astype(float).tolist()
    assert m["holds_130_days"].isna().all()  # beyond the 120-day horizon: unknown, not "did not hold"
    outcome_cols = [f"outcome:{c}" for c in OUTCOME_CLASSES]
    assert (m[outcome_cols].sum(axis=1) == 1).all()
    fighting = (r["outcome_class"] == "fighting_at_horizon").astype(float)
    assert fighting.any() and m["outcome:fighting_at_horizon"].tolist() == fighting.tolist()
    assert m["war_days"].tolist() == r["war_days"].tolist()


def test_a_scenario_against_itself_shows_no_difference(same) -> None:
    table = paired_differences(same, "a", "a-again")
    assert (table["difference"] == 0).all()
    assert (table["lower"] == 0).all() and (table["upper"] == 0).all()
    assert (table["p_value"] == 1).all()
    assert not table["significant"].any()
    assert (table["n_pairs"] == N).all()
    np.testing.assert_array_equal(table["a"], table["a-again"])
    lr = logrank(same, "a", "a-again")
    assert lr["statistic"] == pytest.approx(0, abs=1e-9)
    assert lr["p_value"] == pytest.approx(1.0)


def test_a_known_shift_is_found_significant_and_covered(shifted) -> None:
    table = paired_differences(shifted, "a", "b").set_index("measure")
    war = table.loc["war_days"]
    assert war["significant"] and war["p_value"] < 1e-6
    assert war["lower"] < 20 < war["upper"]
    assert war["difference"] == pytest.approx(war["b"] - war["a"])
    durable = table.loc["durable_ceasefire"]
    assert durable["difference"] == pytest.approx(0.3)
    assert durable["lower"] < 0.3 < durable["upper"]
    assert durable["significant"] and durable["lower"] > 0
    for d in (7, 30, 90):  # ceasefires lasting 20 days longer hold longer, never shorter
        assert table.loc[f"holds_{d}_days", "difference"] > 0
    assert table.loc["holds_30_days", "significant"]
    # measures that did not change stay insignificant
    for unchanged in ("attention", "attacker_share", "outcome:frozen_status_quo"):
        assert table.loc[unchanged, "difference"] == 0
        assert not table.loc[unchanged, "significant"]


def test_the_direction_of_the_difference_is_b_minus_a(shifted) -> None:
    forward = paired_differences(shifted, "a", "b").set_index("measure")
    backward = paired_differences(shifted, "b", "a").set_index("measure")
    assert backward.loc["war_days", "difference"] == pytest.approx(-forward.loc["war_days", "difference"])
    assert backward.loc["war_days", "upper"] == pytest.approx(-forward.loc["war_days", "lower"])


def test_paired_interval_matches_a_t_interval_and_beats_an_unpaired_one(shifted) -> None:
    table = paired_differences(shifted, "a", "b").set_index("measure")
    r = shifted.replications
    x = r.loc[r["scenario"] == "a", "military_defender"].to_numpy()
    y = r.loc[r["scenario"] == "b", "military_defender"].to_numpy()
    ci = stats.ttest_rel(y, x).confidence_interval(0.95)
    row = table.loc["military_defender"]
    assert (row["lower"], row["upper"]) == pytest.approx((ci.low, ci.high))
    assert row["p_value"] == pytest.approx(stats.ttest_rel(y, x).pvalue)
    unpaired = stats.ttest_ind(y, x, equal_var=False).confidence_interval(0.95)
    assert row["upper"] - row["lower"] < 0.2 * (unpaired.high - unpaired.low)
    assert row["significant"] and not stats.ttest_ind(y, x, equal_var=False).pvalue < 0.05


def test_logrank_is_small_for_a_real_shift_and_large_for_none(shifted) -> None:
    lr = logrank(shifted, "a", "b")
    assert lr["p_value"] < 1e-3
    d = shifted.replications
    a, b = d[d["scenario"] == "a"], d[d["scenario"] == "b"]
    direct = logrank_test(
        a["first_ceasefire_days"],
        b["first_ceasefire_days"],
        event_observed_A=~a["first_ceasefire_censored"],
        event_observed_B=~b["first_ceasefire_censored"],
    )
    assert lr["p_value"] == pytest.approx(direct.p_value)
    assert lr["statistic"] == pytest.approx(direct.test_statistic)
    # two independent samples of the same distribution
    other = make_results(
        {"x": base_rows(np.random.default_rng(21)), "y": base_rows(np.random.default_rng(22))}, HORIZON
    )
    assert logrank(other, "x", "y")["p_value"] > 0.05  # fixed seeds: deterministic


def test_compare_puts_every_scenario_against_the_baseline(shifted) -> None:
    three = make_results(
        {
            "a": shifted.replications[shifted.replications["scenario"] == "a"].drop(columns="scenario"),
            "b": shifted.replications[shifted.replications["scenario"] == "b"].drop(columns="scenario"),
            "c": shifted.replications[shifted.replications["scenario"] == "a"].drop(columns="scenario"),
        },
        HORIZON,
    )
    table = compare(three).table
    assert table["baseline"].unique().tolist() == ["a"]
    assert table["scenario"].unique().tolist() == ["b", "c"]
    measures = paired_differences(three, "a", "b")["measure"].tolist()
    assert table[table["scenario"] == "b"]["measure"].tolist() == measures
    assert {
        "baseline_value",
        "scenario_value",
        "difference",
        "lower",
        "upper",
        "p_value",
        "significant",
        "logrank_p",
        "n_pairs",
    } <= set(table.columns)
    c = table[table["scenario"] == "c"]
    assert not c["significant"].any()
    assert c["logrank_p"].tolist() == pytest.approx([1.0] * len(c))
    b = table[table["scenario"] == "b"].set_index("measure")
    assert b.loc["war_days", "significant"] and b.loc["war_days", "logrank_p"] < 1e-3
    assert b.loc["war_days", "scenario_value"] - b.loc["war_days", "baseline_value"] == pytest.approx(
        b.loc["war_days", "difference"]
    )
    against_b = compare(three, baseline="b").table
    assert against_b["scenario"].unique().tolist() == ["a", "c"]
    assert against_b.set_index(["scenario", "measure"]).loc[("a", "war_days"), "difference"] < 0


def test_compare_refuses_one_scenario_and_an_unknown_baseline(shifted) -> None:
    alone = make_results({"a": scenario_rows([1.0, 2.0], 10.0)}, 10.0)
    with pytest.raises(ValueError, match="at least two scenarios"):
        compare(alone)
    with pytest.raises(ValueError, match=r"'nope'.*a, b"):
        compare(shifted, baseline="nope")


def test_paired_differences_needs_shared_replications() -> None:
    a = scenario_rows([1.0, 2.0], 10.0)
    b = scenario_rows([1.0, 2.0], 10.0).assign(replication=[5, 6])
    with pytest.raises(ValueError, match="share no replication index"):
        paired_differences(make_results({"a": a, "b": b}, 10.0), "a", "b")


def test_unknown_and_too_few_pairs_are_never_significant() -> None:
    # only one shared replication (index 0), holds_90 beyond the horizon of 60
    a = scenario_rows([10.0, 20.0], 60.0, war_days=[1.0, 2.0])
    b = scenario_rows([50.0, 60.0], 60.0, war_days=[30.0, 40.0]).assign(replication=[0, 7])
    table = paired_differences(make_results({"a": a, "b": b}, 60.0), "a", "b").set_index("measure")
    assert (table["n_pairs"].drop("holds_90_days") == 1).all()
    assert table.loc["war_days", "difference"] == 29.0
    assert not table["significant"].any()
    assert table[["lower", "upper", "p_value"]].isna().all().all()
    assert table.loc["holds_90_days", "n_pairs"] == 0


def test_days_beyond_the_horizon_are_unknown_not_equal(shifted) -> None:
    table = paired_differences(shifted, "a", "b", days=(30, 365)).set_index("measure")
    row = table.loc["holds_365_days"]
    assert row["n_pairs"] == 0 and np.isnan(row["difference"]) and not row["significant"]


def batch(name: str, seed: int, n: int = 10, rng_seed: int = 0):
    rows = base_rows(np.random.default_rng(rng_seed), n)
    return make_results({name: rows}, HORIZON, seed=seed)


def test_merge_batches_with_different_seeds_warns_unpaired() -> None:
    with pytest.warns(ConfigMismatchWarning, match="not paired"):
        merged = merge_batches([batch("a", seed=1), batch("b", seed=2, rng_seed=1)])
    assert merged.scenarios == ["a", "b"]
    assert merged.replications["scenario"].cat.categories.tolist() == ["a", "b"]
    assert merged.replications["outcome_class"].cat.categories.tolist() == list(OUTCOME_CLASSES)
    assert merged.ceasefires["scenario"].cat.categories.tolist() == ["a", "b"]
    assert len(merged.replications) == 20


def test_merge_batches_with_different_sizes_warns() -> None:
    with pytest.warns(ConfigMismatchWarning):
        merge_batches([batch("a", seed=1, n=10), batch("b", seed=1, n=12)])


def test_merge_batches_with_the_same_seed_and_size_is_silent_and_paired() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        merged = merge_batches([batch("a", seed=3), batch("b", seed=3)])
    # identical rows under the same seed: the paired comparison finds nothing
    assert not compare(merged).table["significant"].any()


def test_merge_batches_renames_a_scenario_found_in_two_folders_and_warns() -> None:
    first = batch("a", seed=1)
    second = dataclasses.replace(batch("a", seed=1, rng_seed=5), directory=Path("later"))
    first.manifest["scenarios"][0]["config_hash"] = "aaaa"
    second.manifest["scenarios"][0]["config_hash"] = "bbbb"
    with pytest.warns(ConfigMismatchWarning, match=r"different configurations.*'a@later'.*scenarios diff"):
        merged = merge_batches([first, second])
    assert merged.scenarios == ["a", "a@later"]
    assert merged.replications["scenario"].value_counts().to_dict() == {"a": 10, "a@later": 10}
    assert merged.ceasefires["scenario"].cat.categories.tolist() == ["a", "a@later"]
    second.manifest["scenarios"][0]["config_hash"] = "aaaa"
    with pytest.warns(ConfigMismatchWarning, match="with the same configuration"):
        merge_batches([first, second])


def test_merge_batches_warns_about_different_horizons() -> None:
    short = make_results({"b": base_rows(np.random.default_rng(0), 10)}, HORIZON / 2, seed=1)
    with pytest.warns(ConfigMismatchWarning, match="different horizons"):
        merge_batches([batch("a", seed=1), short])
    with pytest.raises(ValueError, match="at least one"):
        merge_batches([])


def test_merge_of_one_batch_is_that_batch() -> None:
    one = batch("a", seed=1)
    assert merge_batches([one]) is one
    assert dataclasses.asdict(merge_batches([one]))["manifest"] == one.manifest


def test_a_table_that_calls_differences_real_controls_for_the_number_of_measures() -> None:
    """Holm's step-down correction over one comparison's measures: of raw p-values 0.01, 0.02, 0.03 and 0.5, three
    pass 0.05 uncorrected, one after the correction (0.04, 0.06, 0.06, 0.5); a measure with no test stays n/a."""
    table = pd.DataFrame({"p_value": [0.02, 0.01, 0.5, 0.03, np.nan]})
    out = holm(table, 0.05)
    assert list(out["significant"]) == [False, True, False, False, False]
    assert np.allclose(out["p_holm"].to_numpy()[:4], [0.06, 0.04, 0.5, 0.06]) and np.isnan(out["p_holm"].iloc[4])


def test_differences_of_probabilities_read_in_percentage_points_and_counts_in_full() -> None:
    assert pp(0.032) == "+3.2 pp" and pp(-0.13) == "-13.0 pp" and pp(float("nan")) == "n/a"
    assert num(1290.4) == "1,290" and num(-2500) == "-2,500" and num(12.345) == "12.3" and num(0.5) == "0.5"


def test_the_comparison_says_its_units_and_its_correction(shifted) -> None:
    text = compare(shifted, baseline="a").to_text(all=True)
    assert "percentage points" in text and "Holm" in text
    durable = next(line for line in text.splitlines() if line.strip().startswith("durable_ceasefire"))
    assert " pp [" in durable and "pp]" in durable  # the difference and its interval, in points
    # territory too, as the plot draws it: a share in percent, its difference in points (not "0.29 -> -0.0563")
    share = next(line for line in text.splitlines() if line.strip().startswith("attacker_share"))
    assert re.search(r"\d%\s+\S+%\s+[+-]\d+\.\d pp ", share), share


def test_a_comparison_draws_on_the_callers_axes_one_unit_at_a_time(shifted) -> None:
    """Issue 32 (notebooks): `compare(r).plot(ax=ax)` raised "pass no ax"; each unit's panel goes on an axes of the
    caller's figure now, the full figure (one panel per unit) without one."""
    from matplotlib.figure import Figure

    result = compare(shifted)
    whole = result.plot()
    units = [a.get_title(loc="left") for a in whole.axes]
    assert len(units) >= 2 and units[0].startswith("probabilities")
    fig = Figure()
    left, right = fig.subplots(1, 2)
    assert result.plot(ax=left) is fig and left.get_title(loc="left").startswith("probabilities")
    ticks = [t.get_text() for t in left.get_yticklabels()]
    assert ticks and all(t.startswith("P(") for t in ticks)  # the measures' labels, not their snake_case ids
    result.plot(ax=right, unit="deaths")
    assert right.get_title(loc="left") == "deaths (people)" and len(right.get_yticks()) > 0
    with pytest.raises(AnalysisError, match="no measure of unit 'tanks'"):
        result.plot(ax=right, unit="tanks")
