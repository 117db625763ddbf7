"""Invariants of whole replications, over seeds and parameter values (hypothesis).

A replication that checks itself (`Checked`) asserts, at the end of every day, after every offer, at every climb of
a ladder and at every formal end of a truce, what no run may do:

- holdings are consistent: the attacker's value is the sum of the values of the contested places it holds, every
  place is held by one of the two parties, and someone's own territory never changes hands;
- an offer changes the map exactly as its terms say: an accepted settlement hands over exactly the places it names
  (those the defender still held), anything else hands over nothing;
- a truce is formally ended only by a party's decision (an open offensive or a denunciation), never by a counter;
- a rung that `requires: treaty` is decided only once its backer's treaty has been triggered;
- once terms that hand over places are agreed, no patron's forces are still on their way to fight;
- every party's stocks stay in [0, 1];
- operations go through the contested region only (never through someone's own territory), and a party assaults
  only a place it can reach (on the line of contact, or next to a place it holds).

The finished record and its trace are then checked against the same rules.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Generator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios.config.schema import Scenario
from scenarios.exceptions import ConfigError
from scenarios.model import combat
from scenarios.model.outcomes import COLLAPSE_CAUSES, OUTCOME_CLASSES
from scenarios.model.simulation import ReplicationResult, _Replication, run_replication

from .support import ATTACKER, BRIEF, DEFENDER, PATRON, day, drawn, joint_envoys, scenario

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HORIZON = 90


def history(data: dict[str, Any]) -> None:
    data["world"]["history"] = [
        {"date": day(20).isoformat(), "kind": "humanitarian", "broker": PATRON, "source": BRIEF}
    ]


# the synthetic world at a truce, at open war, and at war with a truce history knows of on day 20
SCENARIOS = {
    "truce": scenario(f"simulation.horizon_days={HORIZON}"),
    "war": scenario(f"simulation.horizon_days={HORIZON}", start_truce=False),
    "history": scenario(f"simulation.horizon_days={HORIZON}", start_truce=False, edit=history),
    "crowded": scenario(f"simulation.horizon_days={HORIZON}", patrons=2, supporters=2, envoys=2, edit=joint_envoys),
}


class Checked(_Replication):
    """A traced replication that asserts the module's invariants as it runs."""

    def __init__(self, *args: Any):
        super().__init__(*args)
        self.breaks = 0  # truces formally ended by a decision
        self.settled = 0  # places handed over by accepted offers
        self.treaty_rungs = 0  # rungs decided that required a treaty
        self.assaults = 0  # end-of-day checks of an operation under way
        self.contested_value = sum(p.value for p in self.state.places.values() if p.contested)

    def _holdings(self) -> dict[str, str]:
        return {pid: p.held_by for pid, p in self.state.places.items()}

    def _record(self) -> None:
        s = self.state
        parties = {s.attacker, s.defender}
        assert all(p.held_by in parties for p in s.places.values()), f"day {s.day}: a place held by a third party"
        held = sum(p.value for p in s.places.values() if p.contested and p.held_by == s.attacker)
        assert s.attacker_value() == held, f"day {s.day}: attacker's value {s.attacker_value()} != {held}"
        assert s.total_value() == self.contested_value
        assert all(p.held_by == p.start_holder for p in s.places.values() if not p.contested)
        for party, stocks in s.stocks.items():
            for name in ("manpower", "materiel", "money"):
                value = getattr(stocks, name)
                assert 0.0 <= value <= 1.0, f"day {s.day}: {party}'s {name} at {value}"
        for party, op in s.operations.items():
            if op is not None:
                assert all(s.places[p].contested for p in op.route), f"{party}'s route {op.route} leaves the region"
        ended = sum(cf.end is not None for cf in s.ceasefires)
        assert ended == self.breaks, f"day {s.day}: a truce ended without a decision"
        super()._record()

    def _days(self) -> Generator[Any, Any, None]:
        """The end-of-day process, with a check at the start of each day's fighting, once the triggers of the day
        before have brought their reviews (a party re-plans its route then)."""
        days = super()._days()
        event = next(days)
        while True:
            value = yield event
            self._before_fighting()
            event = days.send(value)

    def _before_fighting(self) -> None:
        s = self.state
        for party, op in s.operations.items():
            nxt = combat.next_objective(s, party) if op is not None else None
            if op is not None and nxt is not None:
                self.assaults += 1
                assert nxt in s.open_to(party), f"day {s.day}: {party} assaults {nxt.id}, not open to it ({op.route})"

    def observe(self, spec: Any, offer: Any = None) -> Any:
        obs = super().observe(spec, offer)
        for view in obs.operations:
            assert all(self.state.places[p].contested for p in view.route), f"a planned route leaves the region: {view}"
        return obs

    def _on_break(self, actor: str, why: str) -> None:
        s = self.state
        cf = s.ceasefires[-1]
        assert s.ceasefire is None and cf.end == s.day
        assert cf.cause in COLLAPSE_CAUSES and cf.broken_by == actor and self.actors[actor].party, (cf, why)
        self.breaks += 1
        super()._on_break(actor, why)

    def _climb(self, backer: str, step: int) -> None:
        ladder = self.state.ladders[backer]
        if step > 0 and ladder.level < len(ladder.rungs):
            rung = ladder.rungs[ladder.level]
            if self.prep.rungs[backer][rung].requires == "treaty":
                triggered = self.state.treaty_triggered.get(backer)
                assert triggered is not None and triggered <= self.state.day, f"{rung} before the treaty"
                self.treaty_rungs += 1
        super()._climb(backer, step)

    def _offer(self, broker: str) -> None:
        s = self.state
        before, offers = self._holdings(), len(s.offers)
        super()._offer(broker)
        changed = {pid for pid, holder in self._holdings().items() if holder != before[pid]}
        if len(s.offers) > offers and s.offers[-1].accepted:
            offer = s.offers[-1]
            assert changed == set(offer.handover), (offer, changed)
            assert all(before[p] == s.defender and s.places[p].held_by == s.attacker for p in changed)
            self.settled += len(changed)
            if offer.handover:  # land agreed away: no patron's forces are still on their way to fight for it
                for patron in s.patrons:
                    ladder = s.ladders[patron]
                    coming = [r for r in ladder.decided() if s.effects[r].fights and ladder.arrival[r] > s.day]
                    assert not coming, f"day {s.day}: {patron}'s {coming} still coming after the handover"
        else:
            assert not changed, f"day {s.day}: an offer nobody accepted moved {changed}"


def run_checked(sc: Scenario, seed: np.random.SeedSequence, changes: dict[str, float]) -> tuple[Checked, Any]:
    flat = {**drawn(sc, seed), **changes}
    rep = Checked(sc, flat, seed, True)
    return rep, rep.run()


def check_result(result: ReplicationResult, sc: Scenario, rep: Checked) -> None:
    """The record and the trace of a finished replication, against the same rules."""
    out = result.outcome
    horizon = float(sc.simulation.horizon_days)
    assert out["outcome_class"] in OUTCOME_CLASSES
    assert 0.0 <= out["attacker_share"] <= 1.0 and 0.0 <= out["handed_over_share"] <= 1.0
    for role in ("attacker", "defender"):
        assert 0.0 <= out[f"endurance_{role}"] <= 1.0
        assert out[f"military_{role}"] >= 0.0 and out[f"civilian_{role}"] >= 0.0
    assert 0.0 <= out["war_days"] <= horizon and out["fighting_days"] <= horizon
    began = sc.outcomes.war_began
    before = (sc.simulation.start_date - began).days if began is not None else 0
    assert before <= out["conflict_days"] <= before + out["war_days"] + out["fighting_days"] + 1e-9
    events = result.events or []
    assert [e["day"] for e in events] == sorted(e["day"] for e in events)
    decisions = {(e["day"], e["actor"]) for e in events if e["kind"] == "decision"}
    ends = {(e["day"], e["actor"]) for e in events if e["kind"] == "ceasefire_end"}
    rows = result.ceasefires
    for before, after in itertools.pairwise(rows):
        assert after["start_day"] >= before["end_day"], "two truces in force at once"
    for row in rows:
        if row["censored"]:
            assert (row["cause"], row["broken_by"], row["end_day"]) == ("in_force_at_horizon", "", horizon)
            continue
        assert row["cause"] in COLLAPSE_CAUSES and row["broken_by"] in (ATTACKER, DEFENDER), row
        instant = (row["end_day"], row["broken_by"])
        assert instant in decisions and instant in ends, f"truce {row['number']} ended without a decision: {row}"
    settlements = {sid: set(s.handover) for sid, s in sc.settlements.items()}
    for row in rows:
        handed = set(filter(None, row["handed_over"].split(",")))
        assert handed <= settlements.get(row["settlement"], set()), row
    assert sum(len(list(filter(None, r["handed_over"].split(",")))) for r in rows) == rep.settled
    assert out["settlement"] == (rep.settled > 0)
    if out["core_handed_over"]:  # a withdrawal: a settlement that hands over places of the core
        assert out["outcome_class"] in ("patron_intervention", "defender_withdrawal")
    treaty = [e["day"] for e in events if e["kind"] == "treaty"]
    decided = out["decided_day.guardian.intervention"]
    if decided is not None:
        assert treaty and treaty[0] <= decided
        assert rep.treaty_rungs >= 1
    assert out["treaty_triggered"] == bool(treaty)


INFLUENTIAL = {
    "combat.spillover_strike_probability_per_day": st.floats(0.0, 1.0),
    "actors.guardian.treaty.strikes_to_trigger": st.integers(1, 8).map(float),
    "actors.guardian.intervention_cost": st.floats(0.0, 8.0),
    "actors.guardian.back_defender_propensity": st.floats(0.05, 0.95),
    "actors.guardian.min_dwell_days": st.floats(0.0, 20.0),
    "actors.guardian.ladder.arms.lag_days": st.floats(0.0, 15.0),
    "actors.guardian.ladder.intervention.lag_days": st.floats(0.0, 8.0),
    "mediation.settlement_chance": st.floats(0.0, 1.0),
    "settlements.districts.offered_from_share": st.floats(0.01, 0.6),
    "settlements.withdrawal.offered_from_share": st.floats(0.05, 0.9),
    "actors.red.rationality": st.floats(0.0, 8.0),
    "actors.red.gain_weight": st.floats(0.0, 80.0),
    "actors.red.cover_cost": st.floats(0.0, 3.0),
    "actors.red.ceasefire_breach_cost": st.floats(0.0, 5.0),
    "actors.blue.rationality": st.floats(0.0, 8.0),
    "actors.blue.regain_weight": st.floats(0.0, 80.0),
    "actors.blue.counter_base": st.floats(-3.0, 3.0),
    "actors.blue.accept_base": st.floats(-3.0, 10.0),
    "actors.sponsor.ladder.troops.cost": st.floats(0.0, 5.0),
    "actors.sponsor.min_dwell_days": st.floats(0.0, 20.0),
    "combat.defender_advance_per_day": st.floats(0.1, 2.0),
    "combat.daily_progress_sd": st.floats(0.0, 1.0),
    "endurance.attacker.materiel_days": st.floats(5.0, 200.0),
    "endurance.attacker.manpower": st.floats(100.0, 5000.0),
    "endurance.defender.money_days": st.floats(10.0, 400.0),
    "season.winter_start": st.integers(0, 80).map(float),
}
if "combat.broad_front_effort" in SCENARIOS["war"].parameter_specs():
    INFLUENTIAL["combat.broad_front_effort"] = st.floats(0.0, 1.0)

seeds = st.integers(min_value=0, max_value=2**63 - 1)


@SETTINGS
@given(name=st.sampled_from(sorted(SCENARIOS)), seed=seeds)
def test_every_rule_holds_over_seeds(name: str, seed: int) -> None:
    sc = SCENARIOS[name]
    rep, result = run_checked(sc, np.random.SeedSequence(seed), {})
    check_result(result, sc, rep)


@SETTINGS
@given(
    name=st.sampled_from(sorted(SCENARIOS)),
    seed=seeds,
    changes=st.fixed_dictionaries({}, optional=INFLUENTIAL),
)
def test_every_rule_holds_over_parameter_values(name: str, seed: int, changes: dict[str, float]) -> None:
    sc = SCENARIOS[name]
    if "season.winter_start" in changes:
        changes["season.winter_end"] = changes["season.winter_start"] + 30.0
    rep, result = run_checked(sc, np.random.SeedSequence(seed), changes)
    assert all(result.parameters[k] == v for k, v in changes.items())
    check_result(result, sc, rep)


def test_the_rules_are_exercised() -> None:
    """Over a few fixed seeds of the corners the hypothesis tests explore, each rule meets its case: truces ended
    by decisions, places handed over, intervention rungs decided after a treaty, assaults under way."""
    corners = {
        "combat.spillover_strike_probability_per_day": 1.0,
        "actors.guardian.treaty.strikes_to_trigger": 1.0,
        "actors.guardian.intervention_cost": 0.0,
        "actors.guardian.min_dwell_days": 0.0,
        "mediation.settlement_chance": 1.0,
        "settlements.districts.offered_from_share": 0.01,  # terms on the table from the first gain
        "actors.blue.accept_base": 10.0,  # and Blue takes them
    }
    totals = dict.fromkeys(("breaks", "settled", "treaty_rungs", "assaults"), 0)
    for i in range(8):
        rep, result = run_checked(SCENARIOS["truce"], np.random.SeedSequence([3, i]), corners)
        check_result(result, SCENARIOS["truce"], rep)
        for key in totals:
            totals[key] += getattr(rep, key)
    assert all(v > 0 for v in totals.values()), totals


class Broken(Checked):
    """A replication whose map forgets to count a place it hands to the attacker."""

    def _offer(self, broker: str) -> None:
        s = self.state
        plain = s.places["plain"]
        if plain.held_by == s.defender:
            plain.held_by = s.attacker  # behind change_hands' back: the value is not counted
        super()._offer(broker)


def test_the_checks_can_fail() -> None:
    sc = SCENARIOS["truce"]
    seed = np.random.SeedSequence(1)
    rep = Broken(sc, drawn(sc, seed), seed, True)
    with pytest.raises(AssertionError, match="attacker's value"):
        rep.run()


def test_stocks_run_out_and_stay_at_zero() -> None:
    """Stocks clamp at 0: an attacker with two days' materiel and money spends them and fights on with neither."""
    sc = SCENARIOS["war"]
    seed = np.random.SeedSequence(4)
    changes = {
        "endurance.attacker.materiel_days": 2.0,
        "endurance.attacker.money_days": 2.0,
        "actors.red.endurance_weight": 0.0,
        "actors.red.gain_weight": 200.0,
    }
    rep, result = run_checked(sc, seed, changes)
    check_result(result, sc, rep)
    stocks = rep.state.stocks[ATTACKER]
    assert stocks.money == 0.0 and result.outcome["endurance_attacker"] == 0.0
    assert math.isfinite(result.outcome["attacker_share"])


def test_the_days_of_war_before_the_start_count_in_the_conflicts_length_and_change_nothing_else() -> None:
    """`outcomes.war_began` puts the days the war had run before day 0 into `conflict_days` (a war's length is
    counted from its first day: ¶15 "avoid a protracted, costly conflict"), and changes nothing the run does."""
    plain = scenario(start_truce=False)
    start = plain.simulation.start_date
    began = scenario("outcomes.war_began=" + (start - dt.timedelta(days=13)).isoformat(), start_truce=False)
    seed = np.random.SeedSequence(7)
    a = run_replication(plain, seed).outcome
    b = run_replication(began, seed).outcome
    assert b["conflict_days"] == pytest.approx(a["conflict_days"] + 13.0)
    assert b["protracted"] == (a["conflict_days"] + 13.0 >= began.outcomes.protracted_war_days)
    same = {k for k in a if k not in ("conflict_days", "protracted") and not k.startswith("param.")}
    assert {k: a[k] for k in same} == {k: b[k] for k in same}


def test_a_war_that_began_after_the_start_is_refused_where_it_is_written() -> None:
    start = scenario().simulation.start_date
    with pytest.raises(ConfigError, match=r"outcomes\.war_began: .* is after the start date"):
        scenario("outcomes.war_began=" + (start + dt.timedelta(days=1)).isoformat())
