"""Kaplan-Meier survival of ceasefires against cases worked out by hand and against lifelines itself."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from lifelines.utils import median_survival_times
from scipy import stats

from scenarios.analysis.survival import durations, hold_probability, median_survival, survival_curves

from .support import make_results, scenario_rows

HORIZON = 12.0
# Five first ceasefires: ended on days 2, 5, 5 and 9; the fifth still in force at the 12-day horizon.
#   S(2) = 4/5 = 0.8,  S(5) = 0.8 * (1 - 2/4) = 0.4,  S(9) = 0.4 * (1 - 1/2) = 0.2,  S(12) = 0.2 (censored)
HAND = [2.0, 5.0, 5.0, 9.0, 12.0]
HAND_S = {0.0: 1.0, 2.0: 0.8, 5.0: 0.4, 9.0: 0.2, 12.0: 0.2}


@pytest.fixture
def hand():
    return make_results({"hand": scenario_rows(HAND, HORIZON)}, HORIZON)


def greenwood_band(s: float, terms: list[tuple[int, int]], alpha: float = 0.05) -> tuple[float, float]:
    """Exponential-Greenwood interval of S from its (deaths, at-risk) terms: S**exp(+-z*sqrt(V))."""
    var = sum(d / (n * (n - d)) for d, n in terms) / math.log(s) ** 2
    z = stats.norm.ppf(1 - alpha / 2)
    return s ** math.exp(z * math.sqrt(var)), s ** math.exp(-z * math.sqrt(var))


def test_durations_first_marks_censoring_at_horizon_as_unobserved(hand) -> None:
    d = durations(hand, "first")
    assert d["duration"].tolist() == HAND
    assert d["observed"].tolist() == [True, True, True, True, False]


def test_survival_curve_is_the_hand_computed_product(hand) -> None:
    curve = survival_curves(hand)
    assert curve["scenario"].unique().tolist() == ["hand"]
    assert curve["day"].tolist() == list(HAND_S)
    np.testing.assert_allclose(curve["survival"], list(HAND_S.values()), atol=1e-12)
    assert (curve["lower"] <= curve["survival"] + 1e-12).all()
    assert (curve["survival"] <= curve["upper"] + 1e-12).all()


def test_survival_band_is_exponential_greenwood_by_hand(hand) -> None:
    curve = survival_curves(hand).set_index("day")
    # at day 5: (1 death of 5 at risk) on day 2, (2 of 4) on day 5
    lo, hi = greenwood_band(0.4, [(1, 5), (2, 4)])
    assert curve.loc[5.0, "lower"] == pytest.approx(lo, rel=1e-6)
    assert curve.loc[5.0, "upper"] == pytest.approx(hi, rel=1e-6)
    # a smaller alpha widens the band
    wide = survival_curves(hand, alpha=0.01).set_index("day")
    assert wide.loc[5.0, "lower"] < lo and wide.loc[5.0, "upper"] > hi


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (0.0, 1.0),  # every ceasefire holds 0 days
        (1.0, 1.0),  # before the first collapse
        (2.0, 1.0),  # at an event time: P(T >= 2) = S(2-), the ceasefire ending on day 2 did hold 2 days
        (2.5, 0.8),  # between event times
        (5.0, 0.8),  # S(5-) = 0.8, not S(5) = 0.4
        (6.0, 0.4),
        (9.0, 0.4),
        (10.0, 0.2),
        (12.0, 0.2),  # at the horizon: the censored ceasefire did hold 12 days
    ],
)
def test_hold_probability_reads_s_minus_off_the_curve(hand, d: float, expected: float) -> None:
    h = hold_probability(hand, [d]).iloc[0]
    assert h["p"] == pytest.approx(expected, abs=1e-12)
    assert h["lower"] <= h["p"] <= h["upper"]
    assert h["n"] == 5
    assert h["days"] == d


def test_hold_probability_interval_is_the_band_just_before_d(hand) -> None:
    h = hold_probability(hand, [7.0]).iloc[0]  # S(7-) = S(5) = 0.4
    lo, hi = greenwood_band(0.4, [(1, 5), (2, 4)])
    assert (h["lower"], h["upper"]) == pytest.approx((lo, hi), rel=1e-6)


def test_hold_probability_beyond_the_horizon_is_nan(hand) -> None:
    h = hold_probability(hand, [12.0, 12.5, 90.0]).set_index("days")
    assert h.loc[12.0, "p"] == pytest.approx(0.2)
    for d in (12.5, 90.0):
        assert h.loc[d, ["p", "lower", "upper"]].isna().all()


def test_hold_probability_zero_days_is_one_even_with_a_zero_day_collapse() -> None:
    results = make_results({"a": scenario_rows([0.0, 3.0, 6.0, 6.0], 6.0)}, 6.0)
    h = hold_probability(results, [0.0, 1.0]).set_index("days")
    assert h.loc[0.0, ["p", "lower", "upper"]].tolist() == [1.0, 1.0, 1.0]
    assert h.loc[1.0, "p"] == pytest.approx(0.75)  # the ceasefire that collapsed on day 0 did not hold 1 day


def test_hold_probability_equals_the_empirical_share_when_censoring_is_only_at_the_horizon() -> None:
    rng = np.random.default_rng(7)
    horizon = 60.0
    end = np.minimum(np.round(rng.exponential(30.0, 300), 1), horizon)
    results = make_results({"x": scenario_rows(end, horizon)}, horizon)
    days = [0.5, 1, 7, 10.3, 30, 45, 59.9, 60]
    h = hold_probability(results, days)
    expected = [float((end >= d).mean()) for d in days]
    np.testing.assert_allclose(h["p"], expected, atol=1e-12)


def test_curves_and_holds_match_lifelines_on_all_ceasefires() -> None:
    rng = np.random.default_rng(3)
    horizon = 100.0
    rows = []
    for rep in range(40):
        start = 0.0
        number = 1
        while start < horizon:
            length = float(np.round(rng.exponential(25.0), 1))
            end = min(start + length, horizon)
            rows.append(
                {
                    "scenario": "s",
                    "replication": rep,
                    "start_day": start,
                    "end_day": end,
                    "duration_days": round(end - start, 1),
                    "censored": end >= horizon,
                    "kind": "humanitarian",
                    "peacekeepers": False,
                    "upgraded_day": np.nan,
                    "number": number,
                }
            )
            start, number = end + float(rng.integers(1, 15)), number + 1
    cf = pd.DataFrame(rows)
    first = cf[cf["number"] == 1]
    results = make_results({"s": scenario_rows(first["end_day"].to_numpy(), horizon)}, horizon, ceasefires=cf)
    assert cf["censored"].any() and (~cf["censored"]).any()
    kmf = KaplanMeierFitter().fit(cf["duration_days"], event_observed=~cf["censored"])
    curve = survival_curves(results, "all")
    np.testing.assert_allclose(curve["day"], kmf.survival_function_.index.to_numpy())
    np.testing.assert_allclose(curve["survival"], kmf.survival_function_.iloc[:, 0].to_numpy())
    np.testing.assert_allclose(curve["lower"], kmf.confidence_interval_survival_function_.iloc[:, 0].to_numpy())
    np.testing.assert_allclose(curve["upper"], kmf.confidence_interval_survival_function_.iloc[:, 1].to_numpy())
    days = [1.0, 7.0, 20.0, 33.3]
    h = hold_probability(results, days, which="all")
    np.testing.assert_allclose(h["p"], [kmf.predict(d - 1e-9) for d in days])
    assert (h["n"] == len(cf)).all()


def test_several_scenarios_get_their_own_curves_in_order() -> None:
    results = make_results(
        {"b-first": scenario_rows([1.0, 2.0, 3.0], 10.0), "a-second": scenario_rows([10.0, 10.0, 4.0], 10.0)},
        10.0,
    )
    curves = survival_curves(results)
    assert list(dict.fromkeys(curves["scenario"])) == ["b-first", "a-second"]
    assert curves.loc[curves["scenario"] == "b-first", "survival"].iloc[-1] == 0.0
    assert curves.loc[curves["scenario"] == "a-second", "survival"].iloc[-1] == pytest.approx(2 / 3)
    h = hold_probability(results, [3.5]).set_index("scenario")
    assert h.loc["b-first", "p"] == 0.0
    assert h.loc["a-second", "p"] == 1.0


def test_median_survival_by_hand_and_against_lifelines(hand) -> None:
    med = median_survival(hand).iloc[0]
    assert med["median_days"] == 5.0  # S first falls to 0.5 or below on day 5 (0.4)
    kmf = KaplanMeierFitter().fit(HAND, event_observed=[1, 1, 1, 1, 0])
    ci = median_survival_times(kmf.confidence_interval_survival_function_)
    assert med["lower"] == float(ci.iloc[0, 0])
    assert med["upper"] == float(ci.iloc[0, 1])
    assert med["lower"] <= med["median_days"] <= med["upper"]


def test_median_survival_when_s_hits_one_half_exactly() -> None:
    results = make_results({"a": scenario_rows([1.0, 2.0, 3.0, 4.0], 10.0)}, 10.0)
    assert median_survival(results).iloc[0]["median_days"] == 2.0  # smallest t with S(t) <= 0.5


def test_median_survival_is_inf_when_more_than_half_hold_to_the_horizon() -> None:
    results = make_results(
        {"holds": scenario_rows([3.0, 12.0, 12.0, 12.0, 12.0], 12.0), "breaks": scenario_rows(HAND, 12.0)},
        12.0,
    )
    med = median_survival(results).set_index("scenario")
    assert math.isinf(med.loc["holds", "median_days"]) and med.loc["holds", "median_days"] > 0
    assert math.isinf(med.loc["holds", "upper"])
    assert med.loc["breaks", "median_days"] == 5.0


def test_a_run_that_never_had_a_truce_is_left_out_of_the_first_truces_curve() -> None:
    rows = scenario_rows([*HAND, 0.0], HORIZON)
    never = rows.index[-1]  # a run that started at war and agreed no truce: no first truce, no duration
    rows.loc[never, ["first_ceasefire_days", "first_ceasefire_end_day", "first_ceasefire_start_day"]] = np.nan
    rows.loc[never, ["first_ceasefire_censored", "first_ceasefire_cause"]] = [False, "none"]
    results = make_results({"hand": rows}, HORIZON)
    assert durations(results)["replication"].tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(survival_curves(results)["survival"], list(HAND_S.values()), atol=1e-12)
    assert hold_probability(results, [5.0]).iloc[0][["p", "n"]].tolist() == [0.8, 5]


def test_a_curve_at_one_or_zero_gets_wilsons_interval_not_a_point() -> None:
    """Issue 32: Greenwood's variance is 0 where the curve is at 1 or 0, and its interval a point ("100 % [100 %,
    100 %]"); the interval is then Wilson's on the replications that decide it."""
    from statsmodels.stats.proportion import proportion_confint

    results = make_results({"a": scenario_rows([1.0, 2.0, 3.0, 4.0, 8.0, 9.0], 10.0)}, 10.0)
    h = hold_probability(results, [0.5, 5.0, 9.5]).set_index("days")
    assert h.loc[0.5, "p"] == 1.0
    assert (h.loc[0.5, "lower"], h.loc[0.5, "upper"]) == pytest.approx(proportion_confint(6, 6, 0.05, "wilson"))
    assert 0.0 < h.loc[5.0, "p"] < 1.0  # strictly inside: Greenwood's, as before
    assert h.loc[9.5, "p"] == 0.0  # every ceasefire ended before 9.5 days
    assert (h.loc[9.5, "lower"], h.loc[9.5, "upper"]) == pytest.approx(proportion_confint(0, 6, 0.05, "wilson"))
    assert h.loc[9.5, "upper"] > 0.3


def test_summary_says_known_history_instead_of_an_interval_and_gives_the_median_its_interval() -> None:
    from scenarios.analysis.summary import summarize

    results = make_results({"a": scenario_rows([1.0, 4.0, 5.0, 6.0, 8.0, 12.0], 12.0)}, 12.0)
    results.manifest["scenarios"][0]["config"] = {
        "simulation": {"horizon_days": 12.0, "start_date": "2020-10-10"},
        "world": {"ceasefire": {"broker": "russia", "known_in_force": {"until": "2020-10-12"}}},
    }
    s = summarize(results, days=(2, 3, 4, 7))
    t = s.table_[s.table_["measure"].str.startswith("holds_")].set_index("days")  # formally in force
    assert list(t.loc[[2.0, 3.0], "statistic"]) == ["known history"] * 2  # through the end of 12 October: day 3
    assert t.loc[4.0, "statistic"] == "Kaplan-Meier"
    text = s.to_text()
    assert "2 days 100% (known history)" in text and "[100%, 100%]" not in text
    assert "a fact every run is held to, not an estimate" in text
    median = s.value("a", "first_ceasefire_days")
    assert f"{median['value']:.1f} days [{median['lower']:.1f}, " in text


def test_the_figures_of_a_studys_design_have_no_intervals_and_say_why() -> None:
    """Issue 32: summary read a Morris folder as if its 1,100 runs were independent draws of the scenario (55 runs
    share each seed, and the parameters follow the design), then warned that its intervals were too narrow. No
    interval holds there: the figures are given as points, and the text and the HTML say why in words."""
    from scenarios.analysis.summary import summarize
    from scenarios.measures import builtin_measures

    results = make_results({"a": scenario_rows([1.0, 4.0, 5.0, 12.0, 7.0, 9.0], 12.0)}, 12.0)
    war = builtin_measures().get("war_days")
    sample = summarize(results, days=(3, 6), measures=[war])
    assert "STUDY'S DESIGN" not in sample.to_text() and "[" in sample.to_text()
    results.manifest["design_hash"] = "abc"
    s = summarize(results, days=(3, 6), measures=[war])
    text = s.to_text()
    assert text.startswith("!! A STUDY'S DESIGN, NOT A SAMPLE OF THE SCENARIO")
    assert "given without intervals" in text and "too narrow" in text and "scenarios run CONFIG" in text
    body = text.split(" !!\n", 1)[1]
    assert "[" not in body and "]" not in body  # no interval anywhere: P(holds), in fact, median, outcomes, means
    assert "a  (6 runs of the design, seed 1)" in body and "(no intervals: a design, see above)" in body
    assert f"6 days {sample.value('a', 'holds_6_days', 6)['value']:.0%}" in body  # the same point values
    median = sample.value("a", "first_ceasefire_days")["value"]
    assert f"median days formally in force  {median:.1f} days\n" in body
    # the tidy table: the point values kept, no confidence bounds; the percentiles of amounts are kept (a spread)
    t = s.table_
    bounded = t["measure"].isin(["holds_6_days", "holds_6_days_quiet", "first_ceasefire_days", "war_days"])
    assert t.loc[bounded, ["lower", "upper"]].isna().all().all()
    assert (t.loc[bounded, "value"].to_numpy() == sample.table_.loc[bounded, "value"].to_numpy()).all()
    assert t.loc[t["statistic"] == "median", "lower"].notna().sum() >= 1
    html = s.to_html()
    assert "NOT A SAMPLE OF THE SCENARIO" in html and "no intervals (a study&#x27;s design)" in html.replace(
        "&#39;", "&#x27;"
    )
    for card in s.cards():
        assert all(h["interval"] == "" for h in card["holds"] if h["days"] == "6")
        assert all(h["interval"] == "" for h in card["quiet"])
    bars = s.plot().axes[0].containers
    assert bars and not any(c.has_yerr for c in bars)  # the points alone, no error bars
    assert all(c.has_yerr for c in sample.plot().axes[0].containers)
