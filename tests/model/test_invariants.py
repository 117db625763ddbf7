"""Invariants of whole replications, over seeds and over parameter values (hypothesis).

Besides the bookkeeping (shares, ceasefire rows, war days), each run is checked for the rules of the model:
a ceasefire (after the first) starts only on the day of an offer every party accepted; Russia intervenes only
once its trigger is reached, and never undoes it; postures change only at decisions; the drones Azerbaijan owns
never leave its support. The last three are checked at every decision, by a replication that checks itself.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios.config.draw import parameters_at
from scenarios.config.schema import Scenario
from scenarios.model.choice import Decision
from scenarios.model.observation import Observation
from scenarios.model.outcomes import COLLAPSE_CAUSES, OUTCOME_CLASSES
from scenarios.model.policy import Policy as ActorSpec
from scenarios.model.simulation import ReplicationResult, _Replication, prepared

from .support import drawn

CASUALTIES = ("military_attacker", "military_defender", "civilian_attacker", "civilian_defender")
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
seeds = st.integers(min_value=0, max_value=2**63 - 1)


class Checked(_Replication):
    """A replication that checks, after every decision, what no decision may do."""

    interventions: int = 0

    def _apply(self, spec: ActorSpec[Any], decision: Decision, reason: str, obs: Observation) -> None:
        s = self.state
        intervened = s.patron_intervened()
        super()._apply(spec, decision, reason, obs)
        assert s.has_rung("drones"), f"day {s.day}: the drones left ({decision.explain()})"
        assert s.support_level >= s.support_floor, f"day {s.day}: Turkey backed off its word ({decision.explain()})"
        if intervened:
            assert s.patron_intervened(), f"day {s.day}: an intervention was undone ({decision.explain()})"
        elif s.patron_intervened():
            self.interventions += 1
            assert obs.intervention_trigger, f"day {s.day}: intervention before its trigger"
            assert self._signal("intervention_trigger")


def run_checked(
    scenario: Scenario, seed: np.random.SeedSequence, flat: dict[str, float] | None = None
) -> tuple[Checked, ReplicationResult]:
    """A traced replication (drawn parameters unless given) that checks itself at every decision."""
    rep = Checked(scenario, drawn(scenario, seed) if flat is None else flat, seed, True)
    return rep, rep.run()


def check(result: ReplicationResult, scenario: Scenario) -> None:
    horizon = float(scenario.simulation.horizon_days)
    out = result.outcome
    # shares in [0, 1]
    shares = [v for k, v in out.items() if k == "attacker_share" or k.startswith("share_")]
    assert len(shares) == 1 + len(scenario.world.sectors)
    assert all(0.0 <= s <= 1.0 for s in shares), shares
    assert 0.0 <= out["supporter_influence"] <= 1.0 and 0.0 <= out["patron_influence"] <= 1.0
    assert 0 <= out["supporter_level"] <= len(scenario.actors.turkey.ladder)
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
        assert (r["broken_by"] == "azerbaijan") == (r["cause"] == "offensive")
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
    # objectives change hands only toward Azerbaijan, within the horizon, and only when a route leads there
    routes = scenario.world.routes()
    held = {
        oid for s in scenario.world.sectors.values() for oid, o in s.objectives.items() if o.held_by == "azerbaijan"
    }
    for oid, after in routes.items():
        day = out[f"taken_day.{oid}"]
        if day is None:
            continue
        assert oid not in held and 0.0 <= day <= horizon
        opened = not after or any(a in held or (out[f"taken_day.{a}"] or horizon + 1) <= day for a in after)
        assert opened, f"{oid} taken on day {day} before any route into it"
    for actor, spec in prepared(scenario).actors.items():
        for option in spec.options:
            day = out[f"first_day.{actor}.{option}"]
            assert day is None or 0.0 <= day <= horizon


def check_offers(result: ReplicationResult, scenario: Scenario) -> None:
    """No ceasefire after the first without an offer accepted by every party that day; every accepted offer
    started (or upgraded) one; an offer is accepted exactly when every party accepted it."""
    parties = [name for name, spec in prepared(scenario).actors.items() if spec.party]
    offers = result.offers
    assert [o["number"] for o in offers] == list(range(1, len(offers) + 1)) and len(offers) == result.outcome["offers"]
    for o in offers:
        answers = [o[f"answer.{p}"] for p in parties]
        assert set(answers) <= {"accept", "refuse"}
        assert o["accepted"] == all(a == "accept" for a in answers)
        assert o["upgrade"] <= (o["kind"] == "comprehensive") and o["peacekeepers"] <= (o["kind"] == "comprehensive")
    halts = [o for o in offers if o["accepted"] and not o["upgrade"]]
    upgrades = [o for o in offers if o["accepted"] and o["upgrade"]]
    later = result.ceasefires[1:]
    kind_at_start = lambda c: "humanitarian" if c["upgraded_day"] is not None else c["kind"]  # noqa: E731
    assert [(c["start_day"], c["broker"], kind_at_start(c)) for c in later] == [
        (o["day"], o["broker"], o["kind"]) for o in halts
    ]
    upgraded = [c for c in result.ceasefires if c["upgraded_day"] is not None]
    assert [c["upgraded_day"] for c in upgraded] == [o["day"] for o in upgrades]
    # peacekeepers come only as accepted terms (or with the ceasefire in force on the start date)
    at_start = {1: scenario.world.ceasefire.peacekeepers} | {
        c["number"]: o["peacekeepers"] for c, o in zip(later, halts, strict=True)
    }
    by_upgrade = {c["number"]: o["peacekeepers"] for c, o in zip(upgraded, upgrades, strict=True)}
    for c in result.ceasefires:
        assert c["peacekeepers"] == (at_start[c["number"]] or by_upgrade.get(c["number"], False)), c


def check_trace(result: ReplicationResult, scenario: Scenario) -> None:
    assert result.timeseries is not None and result.events is not None
    series = result.timeseries
    days = [row["day"] for row in series]
    assert days == [float(d) for d in range(int(scenario.simulation.horizon_days))]
    for before, after in itertools.pairwise(series):
        for c in CASUALTIES:
            assert after[c] >= before[c], (c, before["day"])
        assert after["attacker_share"] >= before["attacker_share"]
    for row in series:
        assert all(0.0 <= v <= 1.0 for k, v in row.items() if "share" in k)
        assert row["attention"] >= 0.0
    event_days = [e["day"] for e in result.events]
    assert event_days == sorted(event_days)
    assert all(0.0 <= d <= scenario.simulation.horizon_days for d in event_days)
    check_postures(result)


def check_postures(result: ReplicationResult) -> None:
    """Every change of posture between two daily rows has a decision (an act, an answer) of its actor in between;
    Russia's intervention, once in the series, stays."""
    assert result.timeseries is not None and result.events is not None
    decided: dict[str, list[float]] = {}
    for e in result.events:
        if e["kind"] in ("decision", "act", "answer"):
            decided.setdefault(e["actor"], []).append(e["day"])
    tracks = [k.removeprefix("posture_") for k in result.timeseries[0] if k.startswith("posture_")]
    assert tracks, "the daily series names the postures"
    for before, after in itertools.pairwise(result.timeseries):
        for track in tracks:
            key = f"posture_{track}"
            if before[key] != after[key]:
                actor = track.split(".")[0]
                days = decided.get(actor, [])
                assert any(before["day"] <= d <= after["day"] for d in days), (
                    f"{track}: {before[key]} -> {after[key]} between days {before['day']} and {after['day']} "
                    "without a decision"
                )
    support = [row["posture_russia.support"] for row in result.timeseries]
    if "intervene" in support:
        first = support.index("intervene")
        assert set(support[first:]) == {"intervene"}
        assert result.outcome["final_posture.russia.support"] == "intervene"


def check_all(rep: Checked, result: ReplicationResult, scenario: Scenario) -> None:
    check(result, scenario)
    check_trace(result, scenario)
    check_offers(result, scenario)
    assert rep.interventions == (result.outcome["first_day.russia.intervene"] is not None)


@SETTINGS
@given(seed=seeds)
def test_baseline_over_seeds(baseline: Scenario, seed: int) -> None:
    check_all(*run_checked(baseline, np.random.SeedSequence(seed)), baseline)


# Parameters whose extremes push the model toward every outcome: long wars, quick settlements, intervention.
INFLUENTIAL = (
    "season.winter_start",
    "season.winter_end",
    "ceasefire.attacker_violation_rate",
    "ceasefire.spiral_threshold",
    "ceasefire.peacekeeper_multiplier",
    "combat.lowland_advance_per_day",
    "combat.mountain_advance_per_day",
    "world.capabilities.drones.effects.advance_bonus",
    "combat.patron_backing_advance_factor",
    "attention.per_war_day",
    "mediation.peacekeepers_offered",
    "actors.azerbaijan.gain_weight",
    "actors.azerbaijan.aims_draw",
    "actors.azerbaijan.diplomatic_weight",
    "actors.azerbaijan.ceasefire_breach_cost",
    "actors.armenia.accept_base",
    "actors.armenia.concession_pressure_weight",
    "actors.russia.back_defender_propensity",
    "actors.russia.intervention_cost",
    "actors.russia.intervention_loss_threshold",
    "actors.turkey.escalation_cost",
    "actors.turkey.min_dwell_days",
)


# Values beyond the configured ranges that push the model to its corners.
EXTREMES = (
    ("actors.russia.intervention_cost", 0.0),  # Russia intervenes readily once it may
    ("actors.russia.intervention_loss_threshold", 0.0),  # ... and it may from the start
    ("actors.russia.support_inertia", 0.0),
    ("actors.azerbaijan.rationality", 0.0),  # Baku chooses at random
    ("actors.armenia.rationality", 0.0),
    ("actors.turkey.rationality", 0.0),
    ("actors.turkey.min_dwell_days", 0.0),
    ("actors.armenia.accept_base", 10.0),  # Yerevan accepts every offer
    ("actors.azerbaijan.talks_weight", 20.0),  # Baku accepts most
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
    flat["season.winter_end"] = max(flat["season.winter_end"], flat["season.winter_start"])
    rep, result = run_checked(short, np.random.SeedSequence(seed), flat)
    assert result.parameters == flat
    check_all(rep, result, short)


def test_the_checks_can_fail(baseline: Scenario) -> None:
    """The self-checking replication catches a decision that breaks a rule (here: the drones withdrawn)."""

    class Broken(Checked):
        def _apply(self, spec: ActorSpec[Any], decision: Decision, reason: str, obs: Observation) -> None:
            self.state.rungs = self.state.rungs - {"drones"}
            super()._apply(spec, decision, reason, obs)

    seed = np.random.SeedSequence(1)
    rep = Broken(baseline, drawn(baseline, seed), seed, False)
    with pytest.raises(AssertionError, match="the drones left"):
        rep.run()


def test_turkey_never_backs_off_below_the_rungs_it_keeps() -> None:
    """Report, para 8 ("long-term diplomatic relations"): with its diplomatic rung kept (`withdrawable: false`) no
    run sees Ankara at level 0; with it withdrawable, some do (the floor is what holds it)."""
    from scenarios.engine.seeding import replication_seed
    from scenarios.io.records import DAILY_FIELDS
    from scenarios.model.simulation import run_replication

    from .support import load_baseline

    level = DAILY_FIELDS.index("supporter_level")

    def lowest(scenario: Scenario) -> int:
        return min(
            min(row[level] for row in run_replication(scenario, replication_seed(20201010, i)).daily or [])
            for i in range(60)
        )

    assert lowest(load_baseline()) >= 1
    assert lowest(load_baseline("actors.turkey.ladder.diplomatic.withdrawable=true")) == 0, "the test would be idle"
