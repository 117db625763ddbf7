"""Exact traces of the campaign logic and of mediation, on a tiny map, driving one replication by hand.

Azerbaijan chooses with rationality 0 (a uniform choice over its options, in the order the policy lists them), so
a scripted uniform picks each option; Armenia's answers are set by its `accept_base`; Turkey keeps its rung and
Russia its support throughout, so the rates of advance are known. Only the processes a test needs run: the daily
combat tick and the triggered reviews; every other decision is called at a chosen instant.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from scenarios.config.draw import parameters_at
from scenarios.model import outcomes
from scenarios.model.policy import Trigger
from scenarios.model.simulation import PERIODIC, _Replication

from .support import Scripted, tiny_scenario

SCENARIO = tiny_scenario()


def without_probabilities(text: str) -> str:
    """A logged line without its " (p=...; terms)" part (balanced parentheses), which carries the numbers."""
    start = text.find(" (p=")
    if start < 0:
        return text
    depth = 0
    for i in range(start + 1, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return text[:start] + text[i + 1 :]
    raise AssertionError(f"unbalanced: {text!r}")


def replication(changes: dict[str, float] | None = None) -> _Replication:
    """One replication of the tiny scenario at the medians, fixed as the module docstring says, not yet run."""
    flat = parameters_at(SCENARIO.parameter_specs(), {})
    flat.update(
        {
            "actors.azerbaijan.rationality": 0.0,
            "actors.russia.support_inertia": 1000.0,  # Russia's support stays "none"
            "actors.turkey.min_dwell_days": 1000.0,  # Turkey keeps its rung
            "actors.azerbaijan.loss_tolerance": 2.0,
            "combat.daily_progress_sd": 0.0,
            "combat.lowland_advance_per_day": 1.0,  # with no bonuses: one unit of effort a day in the lowlands
            "combat.mountain_advance_per_day": 0.5,
            "world.capabilities.drones.effects.advance_bonus": 0.0,
            "actors.turkey.ladder.syrian_fighters.effects.advance_bonus": 0.0,
            "actors.turkey.ladder.personnel.effects.advance_bonus": 0.0,
            "world.sectors.front.objectives.town.difficulty": 2.5,  # taken on the third day of attack
            "world.sectors.front.objectives.hill.difficulty": 5.0,  # ten days
            "combat.city_strike_probability_per_day": 0.0,
        }
    )
    for key, value in (changes or {}).items():
        assert key in flat, key
        flat[key] = value
    rep = _Replication(SCENARIO, flat, np.random.SeedSequence(7), True)
    rep.env.process(rep._combat())
    return rep


def at(rep: _Replication, day: float) -> None:
    rep.env.run(until=day)


def story(rep: _Replication, actors: tuple[str, ...] = ("azerbaijan", "")) -> list[tuple[float, str, str]]:
    """(day, kind, what) of the logged events of these actors ("" for the world), without the numbers."""
    return [
        (e["day"], e["kind"], without_probabilities(e["detail"]))
        for e in rep.events
        if e["actor"] in actors or e["kind"] in ("offer", "ceasefire_start", "answer")
    ]


def launch_on_day_one(rep: _Replication, *later: float) -> Scripted:
    """Azerbaijan's stream: on day 1 the third of [hold, talks, operation:town, operation:hill]; then `later`."""
    stream = Scripted([0.6, *later])
    rep.streams["azerbaijan"] = stream
    at(rep, 1.0)
    rep.review("azerbaijan", PERIODIC)
    return stream


def test_an_operation_is_launched_carried_on_reconsidered_at_its_triggers_and_stopped() -> None:
    rep = replication()
    s = rep.state
    # day 4: town taken -> [talks, operation:hill]: hill; day 6: hill again; day 7: talks
    stream = launch_on_day_one(rep, 0.9, 0.9, 0.1)
    at(rep, 6.0)
    rep.review("azerbaijan", PERIODIC)
    at(rep, 6.5)
    s.casualties.military_attacker += 10_000.0  # losses far beyond the operation's plan
    at(rep, 9.5)
    assert story(rep) == [
        (1.0, "decision", "[periodic review] azerbaijan chose operation:town (was hold)"),
        (1.0, "ceasefire_end", "ceasefire 1 collapsed (offensive): azerbaijan chose operation:town"),
        (4.0, "objective_taken", "Town (front) taken"),
        (4.0, "decision", "[objective taken] azerbaijan chose operation:hill (was operation:town)"),
        (6.0, "decision", "[periodic review] azerbaijan chose operation:hill"),
        (7.0, "decision", "[operation behind plan] azerbaijan chose talks (was offensive)"),
    ]
    assert stream.exhausted()
    decisions = [json.loads(e["data"]) for e in rep.events if e["kind"] == "decision" and e["actor"] == "azerbaijan"]
    inertia = rep.actor_values["azerbaijan"].inertia
    assert decisions[1]["utilities"]["operation:hill"]["commitment"] == 0.0  # a new operation
    assert decisions[2]["utilities"]["operation:hill"]["commitment"] == inertia  # carrying it on
    assert "hold" not in decisions[1]["utilities"]  # at war there is no ceasefire to hold
    assert s.operation is None and s.postures["azerbaijan"] == "talks" and s.operations == 2
    cf = s.ceasefires[0]
    assert (cf.end, cf.cause, cf.broken_by) == (1.0, "offensive", "azerbaijan")
    assert s.objectives["town"].taken_day == 4.0 and s.objectives["hill"].held_by == "armenia"
    assert s.posture_changes["azerbaijan"] == 2  # hold -> offensive -> talks; a new target is no change


def test_the_operation_under_way_is_carried_on_by_the_same_operation() -> None:
    rep = replication()
    launch_on_day_one(rep, 0.6)
    op = rep.state.operation
    assert op is not None and (op.target, op.route, op.launched) == ("town", ("town",), 1.0)
    assert op.planned_days == pytest.approx(2.5)
    at(rep, 2.0)
    rep.review("azerbaijan", PERIODIC)  # [talks, operation:town, operation:hill]: town again
    assert rep.state.operation is op and rep.state.operations == 1
    assert story(rep)[-1] == (2.0, "decision", "[periodic review] azerbaijan chose operation:town")


def test_no_offer_at_the_instant_the_fighting_resumed() -> None:
    rep = replication()
    launch_on_day_one(rep)
    rep.streams["mediation"] = Scripted()
    rep._offer("russia")
    assert rep.state.offers == [] and rep.state.at_war


def armenia_accepts(yes: bool = True) -> dict[str, float]:
    """Armenia's answer to any offer, by its base utility of a halt."""
    return {"actors.armenia.accept_base": 100.0 if yes else -100.0}


def offer_on_day_three(rep: _Replication, mediation: list[float], azerbaijan: list[float]) -> None:
    """Launch on day 1, and an offer by Russia on day 3; `azerbaijan`: its answer's uniform, then later ones."""
    rep.streams["mediation"] = Scripted(mediation)
    launch_on_day_one(rep, *azerbaijan)
    at(rep, 3.0)
    rep._offer("russia")


@pytest.mark.parametrize(
    ("mediation", "kind", "peacekeepers", "terms"),
    [
        ([0.999], "humanitarian", False, "a humanitarian ceasefire"),
        ([0.0, 0.0], "comprehensive", True, "a comprehensive ceasefire with its peacekeepers"),
        ([0.0, 0.999], "comprehensive", False, "a comprehensive ceasefire"),
    ],
)
def test_an_offer_both_parties_accept_starts_a_ceasefire_with_its_broker_and_terms(
    mediation: list[float], kind: str, peacekeepers: bool, terms: str
) -> None:
    rep = replication(armenia_accepts())
    offer_on_day_three(rep, mediation, [0.2])  # [accept, refuse]: accept
    s = rep.state
    assert story(rep)[2:] == [
        (3.0, "answer", "[offer by russia] azerbaijan chose accept"),
        (3.0, "answer", "[offer by russia] armenia chose accept"),
        (3.0, "offer", f"russia offers {terms}: azerbaijan accepts, armenia accepts -> agreed"),
        (3.0, "ceasefire_start", f"{kind} ceasefire, peacekeepers={peacekeepers}"),
    ]
    cf = s.ceasefire
    assert cf is not None and cf is s.ceasefires[-1]
    assert (cf.number, cf.kind, cf.broker, cf.peacekeepers, cf.start) == (2, kind, "russia", peacekeepers, 3.0)
    assert s.operation is None and s.postures["azerbaijan"] == "talks"  # having accepted, it stands down
    assert s.war_days() == 2.0
    assert [outcomes.offer_row(o) for o in s.offers] == [
        {
            "number": 1,
            "day": 3.0,
            "broker": "russia",
            "kind": kind,
            "upgrade": False,
            "peacekeepers": peacekeepers,
            "accepted": True,
            "answer.azerbaijan": "accept",
            "answer.armenia": "accept",
        }
    ]
    at(rep, 6.0)  # no more fighting under the ceasefire: one day of attack (day 2), the tick of day 3 came after
    assert s.objectives["town"].held_by == "armenia" and s.objectives["town"].progress == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("azerbaijan", "armenia", "answers"),
    [(0.2, False, "azerbaijan accepts, armenia refuses"), (0.7, True, "azerbaijan refuses, armenia accepts")],
)
def test_an_offer_one_party_refuses_starts_nothing(azerbaijan: float, armenia: bool, answers: str) -> None:
    rep = replication(armenia_accepts(armenia))
    offer_on_day_three(rep, [0.999], [azerbaijan, 0.9])  # then hill once town falls
    s = rep.state
    assert story(rep)[-1] == (3.0, "offer", f"russia offers a humanitarian ceasefire: {answers} -> no deal")
    assert [e for e in rep.events if e["kind"] == "ceasefire_start"] == []
    assert s.at_war and len(s.ceasefires) == 1 and s.operation is not None and s.operation.target == "town"
    (offer,) = s.offers
    assert not offer.accepted and set(offer.answers.values()) == {"accept", "refuse"}
    at(rep, 4.5)
    assert s.objectives["town"].taken_day == 4.0  # the war went on
    assert story(rep)[-1] == (4.0, "decision", "[objective taken] azerbaijan chose operation:hill (was operation:town)")


def test_comprehensive_terms_upgrade_a_humanitarian_ceasefire_both_accept() -> None:
    rep = replication(armenia_accepts())
    days = rep.mediation_values.upgrade_after_days
    rep.streams["mediation"] = Scripted([0.999])  # russia: no peacekeepers this time
    rep.streams["azerbaijan"] = Scripted([0.2])
    at(rep, days)
    rep._offer("russia")
    agreed = "russia offers comprehensive terms for the ceasefire: azerbaijan accepts, armenia accepts -> agreed"
    assert [(e["day"], e["kind"], e["detail"]) for e in rep.events if e["kind"] in ("offer", "ceasefire_upgrade")] == [
        (days, "offer", agreed),
        (days, "ceasefire_upgrade", "comprehensive ceasefire, peacekeepers=False"),
    ]
    (cf,) = rep.state.ceasefires
    assert rep.state.ceasefire is cf and (cf.number, cf.kind, cf.start, cf.upgraded_day) == (
        1,
        "comprehensive",
        0.0,
        days,
    )
    assert rep.state.offers[0].upgrade and rep.state.offers[0].accepted


@pytest.mark.parametrize(
    "trigger",
    [
        Trigger.WINTER_BEGINS,
        Trigger.WINTER_ENDS,
        Trigger.PATRON_SUPPORT_CHANGED,
        Trigger.OBJECTIVE_TAKEN,
        Trigger.MASS_CASUALTY,
    ],
)
def test_a_trigger_brings_to_a_review_exactly_the_actors_that_review_on_it(trigger: Trigger) -> None:
    rep = replication()
    at(rep, 2.0)
    rep._trigger(trigger)
    at(rep, 2.5)
    reason = trigger.text(rep.labels)  # the story names the actors: "Russia's support changed"
    reviewed = {e["actor"] for e in rep.events if e["detail"].startswith(f"[{reason}]")}
    expected = {name for name, a in rep.actors.items() if a.reviews_on is None or trigger in a.reviews_on}
    assert reviewed == expected - {"turkey"}  # Turkey keeps its rung (no logged decision)
    assert "azerbaijan" in expected or trigger is Trigger.MASS_CASUALTY


def test_one_decision_per_actor_per_instant() -> None:
    """A trigger at the instant of a review does not bring a second review."""
    rep = replication()
    rep.streams["azerbaijan"] = Scripted([0.1])  # talks
    at(rep, 2.0)
    rep.review("azerbaijan", PERIODIC)
    rep._trigger(Trigger.WINTER_BEGINS)
    at(rep, 2.5)
    assert [e["detail"] for e in rep.events if e["actor"] == "azerbaijan"] == [
        e["detail"] for e in rep.events if e["actor"] == "azerbaijan" and e["detail"].startswith("[periodic review]")
    ]
    assert rep.streams["azerbaijan"].exhausted()
