"""Outcome-class probabilities with simultaneous intervals, and quantiles of outcome columns."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.proportion import multinomial_proportions_confint, proportion_confint

from scenarios.analysis.outcomes import outcome_probabilities, quantiles
from scenarios.model.outcomes import OUTCOME_CLASSES

from .support import make_results, scenario_rows

# 40 replications of "a": 10 limited gains under a truce, 25 frozen, 5 fighting at the horizon; no other class.
A_COUNTS = {"limited_gains_truce": 10, "frozen_status_quo": 25, "fighting_at_horizon": 5}
# 20 replications of "b": every one a Russian intervention.
B_COUNTS = {"patron_intervention": 20}


def classes(counts: dict[str, int]) -> list[str]:
    return [cls for cls, k in counts.items() for _ in range(k)]


@pytest.fixture
def results():
    a = classes(A_COUNTS)
    b = classes(B_COUNTS)
    return make_results(
        {
            "a": scenario_rows([60.0] * len(a), 60.0, outcome=a),
            "b": scenario_rows([60.0] * len(b), 60.0, outcome=b),
        },
        60.0,
    )


def test_counts_and_shares_are_exact_with_every_class_listed(results) -> None:
    probs = outcome_probabilities(results)
    assert len(probs) == 2 * len(OUTCOME_CLASSES)
    for name, counts, n in (("a", A_COUNTS, 40), ("b", B_COUNTS, 20)):
        p = probs[probs["scenario"] == name]
        assert p["outcome_class"].tolist() == list(OUTCOME_CLASSES)
        assert p["count"].tolist() == [counts.get(c, 0) for c in OUTCOME_CLASSES]
        np.testing.assert_allclose(p["p"], [counts.get(c, 0) / n for c in OUTCOME_CLASSES])
        assert (p["n"] == n).all()
        assert p["p"].sum() == pytest.approx(1.0)


def test_intervals_contain_the_estimate_and_stay_in_0_1(results) -> None:
    probs = outcome_probabilities(results)
    assert (probs["lower"] >= 0).all() and (probs["upper"] <= 1).all()
    assert (probs["lower"] <= probs["p"] + 1e-12).all()
    assert (probs["p"] <= probs["upper"] + 1e-12).all()
    zeros = probs[probs["count"] == 0]
    assert (zeros["lower"] == 0).all() and (zeros["upper"] > 0).all()  # a zero count is not certainty
    everything = probs[(probs["scenario"] == "b") & (probs["outcome_class"] == "patron_intervention")].iloc[0]
    assert everything["upper"] == pytest.approx(1.0) and everything["lower"] < 1


def test_intervals_are_goodmans_and_wider_than_one_at_a_time_wilson(results) -> None:
    probs = outcome_probabilities(results)
    a = probs[probs["scenario"] == "a"]
    counts = a["count"].to_numpy()
    goodman = multinomial_proportions_confint(counts, alpha=0.05, method="goodman")
    np.testing.assert_allclose(a[["lower", "upper"]].to_numpy(), goodman)
    for _, row in a.iterrows():
        lo, hi = proportion_confint(row["count"], row["n"], alpha=0.05, method="wilson")
        assert row["upper"] - row["lower"] > hi - lo, row["outcome_class"]
        assert row["lower"] <= lo + 1e-12 and row["upper"] >= hi - 1e-12


def test_a_smaller_alpha_gives_wider_intervals(results) -> None:
    p95 = outcome_probabilities(results, alpha=0.05)
    p99 = outcome_probabilities(results, alpha=0.01)
    assert ((p99["upper"] - p99["lower"]) > (p95["upper"] - p95["lower"])).all()


def test_quantiles_of_a_known_sample() -> None:
    n = 101
    results = make_results(
        {
            "q": scenario_rows(
                [30.0] * n,
                30.0,
                military_defender=np.arange(n, dtype=float)[::-1],
                attacker_share=np.linspace(0, 1, n),
            )
        },
        30.0,
    )
    q = quantiles(results).set_index("column")
    assert list(q.columns) == ["scenario", "mean", "q05", "q25", "q50", "q75", "q95"]
    assert q.loc["military_defender", ["mean", "q05", "q25", "q50", "q75", "q95"]].tolist() == pytest.approx(
        [50, 5, 25, 50, 75, 95]
    )
    assert q.loc["attacker_share", "q95"] == pytest.approx(0.95)
    assert q.loc["civilian_defender", "q95"] == 0.0
    custom = quantiles(results, ["war_days"], probs=[0.1, 0.9])
    assert custom.columns.tolist() == ["scenario", "column", "mean", "q10", "q90"]
