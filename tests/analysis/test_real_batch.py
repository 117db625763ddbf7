"""Analysis of a real batch from `run_batch`: headline, render and compare agree with its tables."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scenarios.analysis.compare import compare
from scenarios.analysis.summary import headline, render
from scenarios.analysis.survival import hold_probability, survival_curves
from scenarios.io.load import Results
from scenarios.model.outcomes import OUTCOME_CLASSES

NAMES = ["baseline", "early-winter"]


def test_batch_is_what_the_tests_assume(batch: Results) -> None:
    assert batch.scenarios == NAMES and batch.horizon == 60.0 and batch.complete
    r = batch.replications
    assert r.groupby("scenario", observed=True).size().tolist() == [40, 40]
    # the first ceasefire is censored only at the horizon, so KM is the empirical share
    assert (r.loc[r["first_ceasefire_censored"], "first_ceasefire_end_day"] == 60.0).all()


def test_hold_probability_is_the_share_of_first_ceasefires_that_held(batch: Results) -> None:
    days = [1, 7, 15, 30, 60]
    h = hold_probability(batch, days)
    r = batch.replications
    for name in NAMES:
        end = r.loc[r["scenario"] == name, "first_ceasefire_end_day"].to_numpy()
        got = h.loc[h["scenario"] == name, "p"].to_numpy()
        np.testing.assert_allclose(got, [(end >= d).mean() for d in days], atol=1e-12)
    assert (h["lower"] <= h["p"]).all() and (h["p"] <= h["upper"]).all()
    curves = survival_curves(batch)
    assert curves.groupby("scenario")["day"].max().tolist() == pytest.approx([60.0, 60.0])
    assert (curves.groupby("scenario")["survival"].apply(lambda s: s.is_monotonic_decreasing)).all()


def test_headline_agrees_with_the_tables(batch: Results) -> None:
    head = headline(batch).set_index("scenario")
    assert head.index.tolist() == NAMES
    assert (head["n"] == 40).all()
    r = batch.replications
    for name in NAMES:
        mine = r[r["scenario"] == name]
        assert head.loc[name, "P(holds 7d)"] == pytest.approx((mine["first_ceasefire_end_day"] >= 7).mean())
        assert math.isnan(head.loc[name, "P(holds 90d)"])  # beyond the 60-day horizon
        shares = mine["outcome_class"].value_counts(normalize=True)
        for cls in OUTCOME_CLASSES:
            assert head.loc[name, f"outcome: {cls}"] == pytest.approx(shares[cls])
        assert head.loc[name, "median military_defender"] == pytest.approx(mine["military_defender"].median())
        assert head.loc[name, "P(holds 30d) lower"] <= head.loc[name, "P(holds 30d)"]
        assert head.loc[name, "P(holds 30d)"] <= head.loc[name, "P(holds 30d) upper"]


def test_render_names_each_scenario_with_its_figures(batch: Results) -> None:
    text = render(batch)
    assert "nan" not in text.lower()
    for name in NAMES:
        assert f"{name}  (n = 40, seed 1)" in text
    assert "90 days n/a (beyond the 60-day horizon)" in text
    head = headline(batch).set_index("scenario")
    p7 = head.loc["baseline", "P(holds 7d)"]
    assert f"7 days {p7:.0%} [" in text
    assert "(95% intervals: Kaplan-Meier with Greenwood's log-log" in text and "(90% intervals: " in render(
        batch, alpha=0.1
    )
    assert "(Brookmeyer-Crowley interval)" in text  # every interval names its method
    assert "PARTIAL" not in text


def test_render_flags_a_partial_batch(batch: Results) -> None:
    partial = Results(
        batch.directory,
        {**batch.manifest, "status": "partial", "reason": "interrupted"},
        batch.replications,
        batch.ceasefires,
        batch.events,
        batch.timeseries,
        batch.errors,
    )
    assert render(partial).startswith("!! PARTIAL BATCH (interrupted)")


def test_compare_a_real_batch(batch: Results) -> None:
    table = compare(batch).table
    assert set(table["baseline"]) == {"baseline"} and set(table["scenario"]) == {"early-winter"}
    assert (table.loc[table["measure"] != "holds_90_days", "n_pairs"] == 40).all()
    finite = table.dropna(subset=["lower", "upper"])
    assert (finite["lower"] <= finite["difference"] + 1e-12).all()
    assert (finite["difference"] <= finite["upper"] + 1e-12).all()
    assert finite["p_value"].between(0, 1).all()
    assert (finite["significant"] == (finite["p_holm"] < 0.05)).all()  # Holm-corrected over the measures
    assert (finite["p_holm"] >= finite["p_value"] - 1e-12).all()
    assert table["logrank_p"].nunique() == 1 and 0 <= table["logrank_p"].iloc[0] <= 1
    row = table.set_index("measure").loc["war_days"]
    r = batch.replications
    means = r.groupby("scenario", observed=True)["war_days"].mean()
    assert row["baseline_value"] == pytest.approx(means["baseline"])
    assert row["scenario_value"] == pytest.approx(means["early-winter"])
