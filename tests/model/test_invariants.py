"""Invariants of whole replications, over seeds and over parameter values (hypothesis)."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios.config.draw import parameters_at
from scenarios.config.schema import Scenario
from scenarios.model.actors import REGISTRY
from scenarios.model.outcomes import COLLAPSE_CAUSES, OUTCOME_CLASSES
from scenarios.model.simulation import ReplicationResult, run_replication

CASUALTIES = ("military_azerbaijan", "military_armenia", "civilian_azerbaijan", "civilian_armenia")
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
seeds = st.integers(min_value=0, max_value=2**63 - 1)


def check(result: ReplicationResult, scenario: Scenario) -> None:
    horizon = float(scenario.simulation.horizon_days)
    out = result.outcome
    # shares in [0, 1]
    shares = [v for k, v in out.items() if k == "azerbaijani_share" or k.startswith("share_")]
    assert len(shares) == 1 + len(scenario.world.sectors)
    assert all(0.0 <= s <= 1.0 for s in shares), shares
    assert 0.0 <= out["turkish_influence"] <= 1.0 and 0.0 <= out["russian_influence"] <= 1.0
    assert 0 <= out["turkish_level"] <= len(scenario.actors.turkey.ladder)
    assert out["attention"] >= 0.0 and 0.0 <= out["war_days"] <= horizon
    assert out["outcome_class"] in OUTCOME_CLASSES
    assert all(out[c] >= 0 for c in CASUALTIES)
    # ceasefires: ordered, never overlapping, only the last may be in force at the horizon
    rows = result.ceasefires
    assert [r["number"] for r in rows] == list(range(1, len(rows) + 1)) and len(rows) == out["ceasefires"]
    for i, r in enumerate(rows):
        assert 0.0 <= r["start_day"] <= r["end_day"] <= horizon
        assert r["censored"] == (r["cause"] == "in_force_at_horizon")
        assert r["censored"] or r["cause"] in COLLAPSE_CAUSES
        assert r["censored"] == (i == len(rows) - 1 and out["ceasefire_at_horizon"])
        if r["censored"]:
            assert r["end_day"] == horizon
        if i > 0:
            assert r["start_day"] >= rows[i - 1]["end_day"]
        if r["first_violation_day"] is not None:
            assert r["start_day"] <= r["first_violation_day"] <= r["end_day"] and r["violations"] >= 1
        else:
            assert r["violations"] == 0
    war_days = sum(b["start_day"] - a["end_day"] for a, b in itertools.pairwise(rows))
    if not out["ceasefire_at_horizon"]:
        war_days += horizon - rows[-1]["end_day"]
    assert abs(war_days - out["war_days"]) < 1e-9
    # the first ceasefire
    first = rows[0]
    assert out["first_ceasefire_end_day"] == first["end_day"] <= horizon
    assert out["first_ceasefire_censored"] == first["censored"]
    assert out["first_ceasefire_censored"] == (out["first_ceasefire_cause"] == "in_force_at_horizon")
    assert out["first_ceasefire_censored"] == (
        out["first_ceasefire_end_day"] == horizon and len(rows) == 1 and out["ceasefire_at_horizon"]
    )
    # objectives change hands only toward Azerbaijan, within the horizon
    for key, day in out.items():
        if key.startswith("taken_day.") and day is not None:
            assert 0.0 <= day <= horizon
    for actor, spec in REGISTRY.items():
        for option in spec.options:
            day = out[f"first_day.{actor}.{option}"]
            assert day is None or 0.0 <= day <= horizon


def check_trace(result: ReplicationResult, scenario: Scenario) -> None:
    assert result.timeseries is not None and result.events is not None
    series = result.timeseries
    days = [row["day"] for row in series]
    assert days == [float(d) for d in range(int(scenario.simulation.horizon_days))]
    for before, after in itertools.pairwise(series):
        for c in CASUALTIES:
            assert after[c] >= before[c], (c, before["day"])
        assert after["azerbaijani_share"] >= before["azerbaijani_share"]
    for row in series:
        assert all(0.0 <= v <= 1.0 for k, v in row.items() if "share" in k)
        assert row["attention"] >= 0.0
    event_days = [e["day"] for e in result.events]
    assert event_days == sorted(event_days)
    assert all(0.0 <= d <= scenario.simulation.horizon_days for d in event_days)


@SETTINGS
@given(seed=seeds)
def test_baseline_over_seeds(baseline: Scenario, seed: int) -> None:
    result = run_replication(baseline, np.random.SeedSequence(seed), record_trace=True)
    check(result, baseline)
    check_trace(result, baseline)


# Parameters whose extremes push the model toward every outcome: long wars, quick settlements, intervention.
INFLUENTIAL = (
    "season.winter_start",
    "ceasefire.azerbaijani_violation_rate",
    "ceasefire.spiral_threshold",
    "ceasefire.peacekeeper_multiplier",
    "combat.lowland_advance_per_day",
    "combat.mountain_advance_per_day",
    "combat.drone_advance_bonus",
    "combat.russian_backing_advance_factor",
    "attention.per_war_day",
    "mediation.base_logit",
    "mediation.peacekeepers_probability",
    "actors.azerbaijan.gain_weight",
    "actors.azerbaijan.diplomatic_weight",
    "actors.azerbaijan.ceasefire_breach_cost",
    "actors.armenia.concession_pressure_weight",
    "actors.russia.back_armenia_propensity",
    "actors.russia.intervention_cost",
    "actors.turkey.escalation_cost",
)


# Values beyond the configured ranges that push the model to its corners.
EXTREMES = (
    ("actors.russia.intervention_cost", 0.0),  # Russia intervenes readily
    ("actors.azerbaijan.rationality", 0.0),  # Baku chooses at random
    ("actors.armenia.rationality", 0.0),
    ("actors.turkey.rationality", 10.0),
    ("mediation.base_logit", 10.0),  # every offer succeeds
    ("mediation.base_logit", -10.0),  # none does
    ("ceasefire.spiral_threshold", 1.0),  # every violation collapses the ceasefire
    ("combat.lowland_advance_per_day", 50.0),  # a town a day
    ("season.winter_start", 0.0),
)


@SETTINGS
@given(
    seed=seeds,
    quantiles=st.fixed_dictionaries({path: st.floats(0.0, 1.0) for path in INFLUENTIAL}),
    extremes=st.lists(st.sampled_from(EXTREMES), max_size=3),
)
def test_short_runs_over_parameter_values(
    short: Scenario, seed: int, quantiles: dict[str, float], extremes: list[tuple[str, float]]
) -> None:
    flat = {**parameters_at(short.parameter_specs(), quantiles), **dict(extremes)}
    result = run_replication(short, np.random.SeedSequence(seed), record_trace=True, parameters=flat)
    assert result.parameters == flat
    check(result, short)
    check_trace(result, short)
