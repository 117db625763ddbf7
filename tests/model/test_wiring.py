"""Exact event traces of the SimPy wiring, one mechanism at a time (as SimPy's own tests: ``assert log == [...]``).

Each test drives one replication of the synthetic world by hand (`support.Hand`): only the processes it needs run,
the random streams it reads are scripted or made irrelevant (no noise, no deaths), decisions are applied at chosen
instants, and reviews that triggers bring are recorded rather than decided, so what a test sees is the wiring alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from scenarios.config.schema import Scenario
from scenarios.model import combat
from scenarios.model.policy import Trigger

from .support import (
    ATTACKER,
    BRIEF,
    DEFENDER,
    ENVOY,
    PATRON,
    SUPPORTER,
    TOTAL_VALUE,
    WINTER_DAY,
    WINTER_END_DAY,
    Hand,
    Scripted,
    day,
    deterministic,
    medians,
    scenario,
)

TRUCE = scenario()
WAR = scenario(start_truce=False)  # open war on day 0
# who reviews on what (each policy's `reviews_on`), in the order of the actors
ON_TAKEN = [ATTACKER, DEFENDER, PATRON, SUPPORTER]
ON_AGREED = [ATTACKER, DEFENDER, PATRON, SUPPORTER]
ON_COLLAPSED = [ATTACKER, DEFENDER, PATRON, SUPPORTER, ENVOY]


def reviewed(hand: Hand, at: float) -> list[tuple[str, str]]:
    return [(name, reason) for t, name, reason in hand.reviews if t == at]


# --- violations under a truce -------------------------------------------------------------------------------


def test_violations_arrive_by_the_postures_rates_and_never_end_the_truce() -> None:
    """Three violations at scripted waits: who fired (by the two rates), what each did, the strain it left; a mass-
    casualty strike brings exactly the actors that review on it; the truce stays in force throughout."""
    flat = medians(TRUCE, **{"ceasefire.strain_half_life_days": 1000.0})  # strain ~ a count of violations
    hand = Hand(TRUCE, flat)
    stream = hand.streams["violations"] = Scripted(
        exponentials=[0.25, 0.5, 0.25, 100.0],
        # initiator (u x 3.5 < 2: red), city strike (< 0.02), civilian harm (< 0.05): per violation
        uniforms=[0.1, 0.5, 0.5, 0.9, 0.5, 0.01, 0.1, 0.01],
        poissons=[2, 9],
    )
    hand.start("violations").through(1.0)
    assert hand.story() == [
        (0.25, "violation", ATTACKER, "violation by red: 0 civilians killed; strain 1.00"),
        (0.75, "violation", DEFENDER, "violation by blue: 2 civilians killed; strain 2.00"),
        (1.0, "violation", ATTACKER, "violation by red: 9 civilians killed, strike on a city; strain 3.00"),
    ]
    assert stream.exhausted()
    assert [arg for call, arg in stream.calls if call != "uniform"] == [3.5, 3.5, 2.0, 3.5, 3.0, 3.5]
    assert reviewed(hand, 1.0) == [(n, "mass-casualty strike") for n in (ATTACKER, DEFENDER, ENVOY)]
    s = hand.state
    cf = s.ceasefire
    assert cf is not None and cf is s.ceasefires[0] and cf.end is None and len(s.ceasefires) == 1
    assert (cf.violations, cf.first_violation, cf._day_violations) == (3, 0.25, {0: 2, 1: 1})
    assert (s.casualties.civilian_defender, s.casualties.civilian_attacker) == (9, 2)
    assert s.recent_attack_count(7.0) == 2  # the attacker's violations count as its attacks


def test_a_change_of_posture_redraws_the_wait_at_the_new_rates() -> None:
    """Blue turning to retaliation interrupts the wait and draws the next one at the raised rate; under it each
    violation strains the truce more."""
    flat = medians(TRUCE, **{"ceasefire.strain_half_life_days": 1000.0})
    hand = Hand(TRUCE, flat)
    stream = hand.streams["violations"] = Scripted(
        exponentials=[0.25, 5.0, 0.5, 100.0], uniforms=[0.1, 0.5, 0.5, 0.9, 0.5, 0.5]
    )
    hand.start("violations").until(0.5)
    hand.decide(DEFENDER, "retaliate")
    hand.through(1.0)
    assert hand.story("violation") == [
        (0.25, "violation", ATTACKER, "violation by red: 0 civilians killed; strain 1.00"),
        (1.0, "violation", DEFENDER, "violation by blue: 0 civilians killed; strain 2.50"),
    ]
    retaliating = 2.0 + 1.5 * 1.5  # the defender's rate x the retaliation multiplier
    assert [arg for call, arg in stream.calls if call == "exponential"] == [3.5, 3.5, retaliating, retaliating]
    assert stream.exhausted()


def test_no_violations_at_war() -> None:
    hand = Hand(WAR, medians(WAR))
    hand.streams["violations"] = Scripted()  # any draw would fail
    hand.start("violations").through(30.0)
    assert hand.story("violation") == []


# --- the end of the day: fighting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "planned", "taken"),
    [
        ("plain", 3.0, [(3.0, "plain")]),  # lowland, open: 3 days at 1 a day
        ("ford", 7.5, [(8.0, "ford")]),  # lowland, fortification 2 (x 2.5): 7.5 days, taken at the end of the 8th
        ("ridge", 15.0, [(3.0, "plain"), (15.0, "ridge")]),  # the plain, then the mountain (0.5 a day, fortified x 1.5)
    ],
)
def test_a_place_is_taken_at_the_end_of_the_day_its_effort_is_spent(
    target: str, planned: float, taken: list[tuple[float, str]]
) -> None:
    hand = Hand(WAR, deterministic(WAR))
    hand.decide(ATTACKER, f"operation:{target}")
    op = hand.state.operation
    assert op is not None and op.target == target and op.route == tuple(p for _, p in taken)
    assert op.planned_days == planned
    hand.start("days")
    first_day, first = taken[0]
    hand.until(first_day - 0.5)
    assert hand.state.places[first].held_by == DEFENDER
    assert hand.state.places[first].progress == pytest.approx(first_day - 1.0)
    hand.through(taken[-1][0])
    labels = {"plain": "Plain (west)", "ford": "Ford (east)", "ridge": "Ridge (west)"}
    assert hand.story("objective_taken") == [
        (t, "objective_taken", ATTACKER, f"{labels[p]} taken by Red") for t, p in taken
    ]
    for t, pid in taken:
        place = hand.state.places[pid]
        assert (place.held_by, place.taken_day, place.lost_day, place.progress) == (ATTACKER, t, t, 0.0)
        assert reviewed(hand, t) == [(n, "objective taken") for n in ON_TAKEN]
    s = hand.state
    assert s.operation is None  # its target taken: the operation is complete
    assert s.captures == len(taken) and s.front_moved_day == taken[-1][0]
    value = 0.5 + sum(s.places[p].value for _, p in taken)
    assert s.attacker_value() == value and s.share() == value / TOTAL_VALUE
    assert s.fighting_days == int(taken[-1][0])


def test_a_counter_attack_retakes_a_place_at_the_defenders_rate() -> None:
    """Red takes the plain on day 3; Blue counter-attacks at half the attacker's rate: back in its hands on day 9."""
    hand = Hand(WAR, deterministic(WAR))
    hand.decide(ATTACKER, "operation:plain")
    hand.start("days").through(3.0)
    hand.decide(DEFENDER, "counter:plain")
    op = hand.state.operations[DEFENDER]
    assert op is not None and (op.target, op.route, op.local, op.planned_days) == ("plain", ("plain",), False, 6.0)
    hand.through(9.0)
    assert hand.story("objective_taken") == [
        (3.0, "objective_taken", ATTACKER, "Plain (west) taken by Red"),
        (9.0, "objective_taken", DEFENDER, "Plain (west) taken by Blue"),
    ]
    plain = hand.state.places["plain"]
    assert (plain.held_by, plain.taken_day, plain.retaken_day, plain.lost_day) == (DEFENDER, 3.0, 9.0, 9.0)
    assert hand.state.operations[DEFENDER] is None and hand.state.share() == 0.5 / TOTAL_VALUE


def test_a_place_of_the_region_the_attacker_held_on_the_start_date_is_retaken_too() -> None:
    """What the attacker holds of the contested region, it took (before the start date or after): the defender's
    counter-attack takes it back, and the record says so (a war's start date is not its first day)."""
    hand = Hand(WAR, deterministic(WAR))
    hand.decide(DEFENDER, "counter:outpost")
    hand.start("days").through(6.0)
    outpost = hand.state.places["outpost"]
    assert outpost.held_by == DEFENDER and outpost.start_holder == ATTACKER
    assert outpost.retaken_day is not None and outpost.taken_day is None


# --- support: decided at once, in place after its lag -------------------------------------------------------


def test_a_rung_acts_on_expectations_at_once_and_on_the_battlefield_after_its_lag() -> None:
    """Guardian commits backing on day 2 (no lag) and arms on day 4 (lag 7): the parties see both at once; the
    arms slow Red only from day 11."""
    hand = Hand(TRUCE, deterministic(TRUCE)).start("arrivals")
    s = hand.state
    hand.until(2.0)
    hand.decide(PATRON, "escalate", track="")
    hand.until(4.0)
    hand.decide(PATRON, "escalate", track="")
    assert hand.story() == [
        (2.0, "act", PATRON, "[test] guardian chose escalate (p=1.00; no terms) (now backing)"),
        (4.0, "support", PATRON, "Guardian commits arms: on the battlefield from day 11"),
        (4.0, "act", PATRON, "[test] guardian chose escalate (p=1.00; no terms) (now arms)"),
    ]
    assert reviewed(hand, 2.0) == [(n, "Guardian's support changed") for n in (ATTACKER, DEFENDER, SUPPORTER)]
    plain = s.places["plain"]
    before = combat.rates(s, ATTACKER, plain, hand.combat_values, hand.ground).advance
    hand.until(10.5)
    red = hand.observe(hand.actors[ATTACKER])
    assert red.patron_backs_defender and red.defender_support == 2.0  # both rungs weigh at once
    assert s.postures[f"{PATRON}.support"] == "arms"
    assert combat.rates(s, ATTACKER, plain, hand.combat_values, hand.ground).advance == before
    hand.through(11.0)
    assert (11.0, "support_arrived", PATRON, "Guardian's arms arrives") in hand.story("support_arrived")
    assert reviewed(hand, 11.0) == [(n, "support arrived") for n in (ATTACKER, PATRON, SUPPORTER)]
    assert combat.rates(s, ATTACKER, plain, hand.combat_values, hand.ground).advance == pytest.approx(before * 0.6)
    ladder = s.ladders[PATRON]
    assert ladder.first_decided == {"backing": 2.0, "arms": 4.0}
    assert ladder.first_arrived["arms"] == 11.0


def test_several_backers_climb_their_own_ladders_and_add_up() -> None:
    """Two supporters of Red and two patrons of Blue: each climbs its own ladder; what Red expects is the weights of
    every rung decided for it, at once; what is on the battlefield, each rung after its own lag."""
    sc = scenario(patrons=2, supporters=2)
    hand = Hand(sc, deterministic(sc)).start("arrivals")
    s = hand.state
    assert s.patrons == (PATRON, "guardian2") and s.supporters == (SUPPORTER, "sponsor2")
    assert (s.supporter_level(), s.supporter_levels()) == (1, 5)  # Sponsor's pledge, of 3 + 2 rungs
    hand.until(1.0)
    hand.decide("sponsor2", "escalate", track="")  # funds, at once
    hand.decide("guardian2", "escalate", track="")  # loans, at once
    assert s.supporter_level() == 2 and s.patron_backs() and not s.backs(PATRON)
    hand.until(2.0)
    hand.decide("sponsor2", "escalate", track="")  # drones, lag 4
    red = hand.observe(hand.actors[ATTACKER])
    assert (red.support_in_place, red.support_total, red.defender_support) == (3.0, 5.0, 1.0)
    assert s.postures["sponsor2"] == "drones" and s.postures["guardian2.support"] == "loans"
    plain = s.places["plain"]
    assert combat.rates(s, ATTACKER, plain, hand.combat_values, hand.ground).advance == 1.0
    hand.through(6.0)
    assert (6.0, "support_arrived", "sponsor2", "Sponsor 2's drones arrives") in hand.story("support_arrived")
    assert hand.story("support") == [
        (2.0, "support", "sponsor2", "Sponsor 2 commits drones: on the battlefield from day 6")
    ]
    assert combat.rates(s, ATTACKER, plain, hand.combat_values, hand.ground).advance == pytest.approx(1.2)


def test_a_rung_without_lag_arrives_the_day_it_is_decided() -> None:
    hand = Hand(TRUCE, deterministic(TRUCE)).start("arrivals")
    hand.until(2.0)
    hand.decide(PATRON, "escalate", track="")
    hand.until(4.0)
    hand.decide(PATRON, "escalate", track="")
    hand.through(12.0)
    assert hand.state.ladders[PATRON].first_arrived == {"backing": 2.0, "arms": 11.0}
    assert hand.story("support_arrived") == [(11.0, "support_arrived", PATRON, "Guardian's arms arrives")]


def test_forces_sent_without_lag_count_as_fought() -> None:
    def no_lags(data: dict[str, Any]) -> None:
        for rung in data["actors"][PATRON]["ladder"].values():
            rung.pop("lag_days", None)

    sc = scenario(start_truce=False, edit=no_lags)
    hand = Hand(sc, deterministic(sc, **{"combat.spillover_strike_probability_per_day": 1.0}))
    hand.decide(PATRON, "escalate", track="")
    hand.decide(PATRON, "escalate", track="")
    hand.start("days", "arrivals").through(3.0)
    hand.until(3.5)
    hand.decide(PATRON, "escalate", track="")  # the intervention, open since the third strike
    assert hand.state.patron_intervened()  # its forces fight at once
    result = hand.run()
    assert result.outcome["arrived_day.guardian.intervention"] == 3.5
    assert result.outcome["patron_fought"] and result.outcome["outcome_class"] == "patron_intervention"


def test_a_rung_arrives_after_its_own_lag_whatever_else_is_on_its_way() -> None:
    """Arms (lag 7) decided on day 1 are due on day 8; the intervention (lag 3), decided on day 3.5 once the treaty is
    triggered, is due on day 6.5 and must be in place then, not with the arms."""
    hand = Hand(WAR, deterministic(WAR, **{"combat.spillover_strike_probability_per_day": 1.0}))
    hand.start("days", "arrivals")
    hand.decide(PATRON, "escalate", track="")
    hand.until(1.0)
    hand.decide(PATRON, "escalate", track="")
    hand.until(3.5)
    hand.decide(PATRON, "escalate", track="")
    hand.through(7.0)
    s = hand.state
    assert s.patron_intervened()
    assert (6.5, "support_arrived", PATRON, "Guardian's intervention arrives") in hand.story("support_arrived")
    assert combat.rates(s, ATTACKER, s.places["plain"], hand.combat_values, hand.ground).advance == pytest.approx(0.05)


# --- red lines: the treaty ----------------------------------------------------------------------------------


def test_the_treaty_is_triggered_by_the_nth_strike_and_opens_the_intervention_rung() -> None:
    """A strike on Blue's own territory every day of war: the third triggers Guardian's treaty (at the end of day 3),
    Guardian alone reviews on it, and only then is the intervention rung (`requires: treaty`) open to it; decided on
    day 4 it arrives on day 7 (lag 3), when Guardian's forces fight."""
    hand = Hand(WAR, deterministic(WAR, **{"combat.spillover_strike_probability_per_day": 1.0}))
    hand.decide(PATRON, "escalate", track="")
    hand.decide(PATRON, "escalate", track="")  # backing, then arms: the top below the intervention
    hand.start("days", "arrivals").until(3.0)
    assert hand._next_rung(PATRON) is None  # the next rung requires the treaty
    hand.through(3.0)
    strike = "strike on Border, Blue's own territory"
    assert hand.story("spillover", "treaty") == [
        (1.0, "spillover", ATTACKER, strike),
        (2.0, "spillover", ATTACKER, strike),
        (3.0, "spillover", ATTACKER, strike),
        (3.0, "treaty", PATRON, "Guardian's treaty obligation is triggered"),
    ]
    assert reviewed(hand, 3.0) == [(PATRON, "Guardian's treaty obligation triggered")]
    s = hand.state
    assert s.treaty_triggered == {PATRON: 3.0} and s.spillover_strikes == {DEFENDER: 3}
    rung = hand._next_rung(PATRON)
    assert rung is not None and (rung.name, rung.height, rung.fights, rung.weight) == ("intervention", 3, True, 2.0)
    assert hand.observe(hand.actors[PATRON]).treaty_triggered
    hand.until(4.0)
    hand.decide(PATRON, "escalate", track="")
    hand.until(6.5)
    assert not s.patron_intervened() and hand.observe(hand.actors[ATTACKER]).patron_backs_defender
    hand.through(7.0)
    assert s.patron_intervened() and s.ladders[PATRON].first_decided["intervention"] == 4.0


def with_application(strikes: float) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        data["actors"][PATRON]["treaty"]["strikes_to_trigger_on_application"] = {"value": strikes, "assumption": "t"}

    return edit


WAR_APPLICATION = scenario(start_truce=False, edit=with_application(2))


@pytest.mark.parametrize("asks", [False, True])
def test_an_application_for_help_lowers_the_strikes_that_trigger_the_treaty(asks: bool) -> None:
    """A strike on Blue's own territory every day; the treaty counts three as an attack, two once Blue has asked its
    patrons for help (`strikes_to_trigger_on_application`, the treaty's assistance "on application"). Blue asks on
    day 1.5: the second strike, at the end of day 2, triggers it; without the request, the third, as before."""
    hand = Hand(WAR_APPLICATION, deterministic(WAR_APPLICATION, **{"combat.spillover_strike_probability_per_day": 1.0}))
    hand.start("days").until(1.5)
    if asks:
        hand.decide(DEFENDER, "ask_patron", track="")
    hand.through(3.0)
    assert hand.state.spillover_strikes == {DEFENDER: 3}
    triggered = 2.0 if asks else 3.0
    assert hand.state.treaty_triggered == {PATRON: triggered}
    assert hand.story("treaty") == [(triggered, "treaty", PATRON, "Guardian's treaty obligation is triggered")]


def test_strikes_on_territory_only_at_war() -> None:
    hand = Hand(TRUCE, deterministic(TRUCE, **{"combat.spillover_strike_probability_per_day": 1.0}))
    hand.start("days").through(10.0)
    assert hand.story("spillover", "treaty") == [] and hand.state.treaty_triggered == {}


# --- history, seasons ---------------------------------------------------------------------------------------


def with_history(*truces: tuple[int, str, str]) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        data["world"]["history"] = [
            {"date": day(d).isoformat(), "kind": kind, "broker": broker, "source": dict(BRIEF)}
            for d, kind, broker in truces
        ]

    return edit


def test_a_history_truce_takes_effect_on_its_date_whatever_the_policies() -> None:
    """At war from day 0, Red's operation under way; the truce history knows takes effect on day 5: the operation
    ends, Red stands down, the war days stop; a second one on day 8 finds the first in force and adds nothing."""
    sc = scenario(start_truce=False, edit=with_history((5, "humanitarian", PATRON), (8, "comprehensive", ENVOY)))
    hand = Hand(sc, deterministic(sc))
    hand.decide(ATTACKER, "operation:ridge")
    hand.start("days", "history").through(10.0)
    assert hand.story("objective_taken", "ceasefire_start") == [
        (3.0, "objective_taken", ATTACKER, "Plain (west) taken by Red"),
        (5.0, "ceasefire_start", PATRON, "humanitarian truce in force (as history has it)"),
    ]
    assert reviewed(hand, 5.0) == [(n, "ceasefire agreed") for n in ON_AGREED]
    s = hand.state
    (cf,) = s.ceasefires
    assert (cf.start, cf.kind, cf.brokers, cf.end) == (5.0, "humanitarian", (PATRON,), None)
    assert s.operation is None and s.postures[ATTACKER] == "talks"
    assert s.war_days() == 5.0


def test_the_day_before_a_history_truce_is_fought() -> None:
    sc = scenario(start_truce=False, edit=with_history((5, "humanitarian", PATRON)))
    hand = Hand(sc, deterministic(sc))
    hand.decide(ATTACKER, "operation:ridge")
    hand.start("days", "history").through(5.0)
    s = hand.state
    assert s.war_days() == 5.0 and s.fighting_days == 5  # every day of open war fought
    assert s.places["ridge"].progress == pytest.approx(1.0)  # days 3 and 4, at 0.5 a day


def test_seasons_turn_on_their_days() -> None:
    hand = Hand(TRUCE, deterministic(TRUCE)).start("seasons")
    s = hand.state
    ridge = s.places["ridge"]
    summer = combat.rates(s, ATTACKER, ridge, hand.combat_values, hand.ground)
    hand.until(WINTER_DAY)
    assert not s.winter
    hand.through(WINTER_DAY)
    assert s.winter
    winter = combat.rates(s, ATTACKER, ridge, hand.combat_values, hand.ground)
    assert winter.advance == pytest.approx(summer.advance * 0.5)  # mountain: winter_advance
    hand.through(WINTER_END_DAY)
    assert not s.winter
    assert hand.story() == [
        (float(WINTER_DAY), "season", "", "winter begins"),
        (float(WINTER_END_DAY), "season", "", "winter ends"),
    ]
    assert hand.reviews == [(WINTER_DAY, ATTACKER, "winter begins"), (WINTER_END_DAY, ATTACKER, "winter ends")]


# --- a truce in name and in fact ----------------------------------------------------------------------------


def test_a_local_operation_under_a_truce_keeps_it_formally_in_force() -> None:
    hand = Hand(TRUCE, deterministic(TRUCE)).start("days")
    hand.until(0.5)
    rates_before = hand._rates
    hand.decide(ATTACKER, "local:plain")
    assert hand._rates == tuple(2.0 * r for r in rates_before)  # local_operation_multiplier, while it is fought
    hand.through(3.0)
    assert hand.story() == [
        (0.5, "decision", ATTACKER, "[test] red chose local:plain (p=1.00; no terms) (was hold)"),
        (0.5, "truce_fighting", ATTACKER, "Red fights under the truce"),
        (3.0, "objective_taken", ATTACKER, "Plain (west) taken by Red"),
    ]
    assert reviewed(hand, 0.5) == [(DEFENDER, "fighting under the truce"), (PATRON, "fighting under the truce")]
    s = hand.state
    cf = s.ceasefire
    assert cf is not None and cf is s.ceasefires[0] and (cf.end, cf.cause, cf.broken_by) == (None, None, None)
    assert cf.first_fighting == 0.0 and cf.quiet_until == 0.0
    assert s.places["plain"].held_by == ATTACKER and s.war_days() == 0.0
    assert hand._rates == rates_before  # the operation over, the truce's rates are back


def test_every_day_fought_under_a_truce_is_counted() -> None:
    hand = Hand(TRUCE, deterministic(TRUCE)).start("days")
    hand.until(0.5)
    hand.decide(ATTACKER, "local:plain")
    hand.through(4.0)
    cf = hand.state.ceasefire
    assert cf is not None and hand.state.fighting_days == 3
    assert cf.fighting_days == 3  # days 0, 1 and 2 (the plain taken at its end)


@pytest.mark.parametrize("local_first", [False, True])
def test_an_open_offensive_formally_ends_the_truce(local_first: bool) -> None:
    hand = Hand(TRUCE, deterministic(TRUCE))
    hand.until(0.5)
    if local_first:  # an open offensive on the place already fought over locally
        hand.decide(ATTACKER, "local:plain")
    hand.until(1.5)
    hand.decide(ATTACKER, "operation:plain")
    hand.through(1.5)
    was = "was the operation on plain" if local_first else "was hold"  # a new operation; or a new posture
    assert hand.story("decision", "ceasefire_end")[-2:] == [
        (1.5, "decision", ATTACKER, f"[test] red chose operation:plain (p=1.00; no terms) ({was})"),
        (1.5, "ceasefire_end", ATTACKER, "truce 1 formally ended (offensive): red chose operation:plain"),
    ]
    s = hand.state
    (cf,) = s.ceasefires
    assert s.ceasefire is None and (cf.end, cf.cause, cf.broken_by) == (1.5, "offensive", ATTACKER)
    assert s.war_since == 1.5 and s.broken_day == 1.5
    op = s.operation
    assert op is not None and (op.target, op.local, op.launched) == ("plain", False, 1.5)
    assert reviewed(hand, 1.5) == [(n, "ceasefire collapsed") for n in ON_COLLAPSED if n != ATTACKER]


def test_a_counter_attack_under_a_truce_is_local_and_ends_nothing() -> None:
    """Under a truce Blue may counter-attack only while Red fights; its counter-attack is local and the truce goes on
    (only Red's open offensive ends it, and then the counter-attack is open war too)."""
    hand = Hand(TRUCE, deterministic(TRUCE))
    blue = hand.actors[DEFENDER]
    assert blue._counters(hand.observe(blue), hand.actor_values[DEFENDER]) == {}  # type: ignore[attr-defined]
    hand.decide(ATTACKER, "local:plain")
    hand.decide(DEFENDER, "counter:outpost")
    s = hand.state
    op = s.operations[DEFENDER]
    assert op is not None and op.local and s.ceasefire is not None
    hand.until(1.0)
    hand.decide(ATTACKER, "operation:ridge")
    assert s.ceasefire is None and not op.local


# --- settlements ----------------------------------------------------------------------------------------------


def settling(sc: Scenario, red: float, blue: float, **changes: float) -> Hand:
    """A hand-driven replication where the districts settlement is on the table from the start and each party's
    answer is a uniform choice read from a script (`red`, `blue`: below 0.5 accepts)."""
    flat = medians(
        sc,
        **{
            "settlements.districts.offered_from_share": 0.05,
            "actors.red.rationality": 0.0,
            "actors.blue.rationality": 0.0,
            **changes,
        },
    )
    hand = Hand(sc, flat)
    hand.streams[ATTACKER] = Scripted([red])
    hand.streams[DEFENDER] = Scripted([blue])
    return hand


def holders(hand: Hand) -> dict[str, str]:
    return {pid: p.held_by for pid, p in hand.state.places.items()}


def test_an_accepted_settlement_hands_over_exactly_its_places() -> None:
    hand = settling(TRUCE, 0.1, 0.1)
    hand.streams["mediation"] = Scripted([0.1])  # it carries the settlement (< settlement_chance)
    before = holders(hand)
    hand.until(2.0)
    hand._offer(PATRON)
    assert [e[1:3] for e in hand.story()[:2]] == [("answer", ATTACKER), ("answer", DEFENDER)]
    assert hand.story("offer", "ceasefire_upgrade") == [
        (
            2.0,
            "offer",
            PATRON,
            "Guardian offers comprehensive terms for the truce handing over Plain, Ford, Ridge with peacekeepers: "
            "red accepts, blue accepts -> agreed",
        ),
        (
            2.0,
            "ceasefire_upgrade",
            PATRON,
            "comprehensive terms handing over Plain, Ford, Ridge to Red agreed, peacekeepers on the line",
        ),
    ]
    s = hand.state
    changed = {pid for pid, holder in holders(hand).items() if holder != before[pid]}
    assert changed == {"plain", "ford", "ridge"} and all(s.places[p].held_by == ATTACKER for p in changed)
    assert s.handed_over == ["plain", "ford", "ridge"]
    (cf,) = s.ceasefires
    assert (cf.kind, cf.upgraded_day, cf.peacekeepers, cf.settlement, cf.handed_over) == (
        "comprehensive",
        2.0,
        True,
        "districts",
        ("plain", "ford", "ridge"),
    )
    assert s.share() == (0.5 + 1.0 + 1.0 + 1.5) / TOTAL_VALUE
    assert reviewed(hand, 2.0) == []  # an upgrade is no new truce (the reviews it brings run after this instant)


def test_a_settlement_names_only_the_places_the_defender_still_holds() -> None:
    hand = settling(WAR, 0.1, 0.1)
    hand.streams["mediation"] = Scripted([0.1])
    s = hand.state
    s.change_hands(s.places["plain"], ATTACKER)
    before = holders(hand)
    hand.until(2.0)
    hand._offer(PATRON)  # at war: the settlement starts a new truce
    (offer,) = s.offers
    assert (offer.settlement, offer.handover, offer.upgrade, offer.accepted) == (
        "districts",
        ("ford", "ridge"),
        False,
        True,
    )
    assert {pid for pid, h in holders(hand).items() if h != before[pid]} == {"ford", "ridge"}
    cf = s.ceasefire
    assert cf is not None and (cf.number, cf.start, cf.handed_over, cf.settlement) == (
        1,
        2.0,
        ("ford", "ridge"),
        "districts",
    )
    assert hand.story("ceasefire_start") == [
        (
            2.0,
            "ceasefire_start",
            PATRON,
            "a comprehensive truce handing over Ford, Ridge to Red agreed, peacekeepers on the line",
        )
    ]


@pytest.mark.parametrize(("red", "blue"), [(0.9, 0.1), (0.1, 0.9)])
def test_a_refused_settlement_hands_over_nothing(red: float, blue: float) -> None:
    hand = settling(TRUCE, red, blue)
    hand.streams["mediation"] = Scripted([0.1])
    before = holders(hand)
    hand._offer(PATRON)
    (offer,) = hand.state.offers
    assert offer.settlement == "districts" and not offer.accepted
    assert holders(hand) == before and hand.state.handed_over == []
    assert hand.story("ceasefire_upgrade", "ceasefire_start") == []


@pytest.mark.parametrize("offers_core", [True, False])
def test_a_broker_that_never_offers_the_core_keeps_it_off_the_table(offers_core: bool) -> None:
    """With the defender conceded and its centre lost, a broker may put its withdrawal from the core on the table,
    unless it is one that never does (`offers_core: false`): then it offers nothing that hands over the core."""

    def keeper(data: dict[str, Any]) -> None:
        data["actors"][ENVOY]["offers_core"] = offers_core

    sc = scenario(start_truce=False, edit=keeper)
    hand = Hand(sc, medians(sc))
    s = hand.state
    for pid in ("plain", "ford", "ridge", "town"):
        s.change_hands(s.places[pid], ATTACKER)
    s.flags[f"{DEFENDER}.conceded"] = 0.0
    hand.streams["mediation"] = Scripted([0.1])  # it carries the settlement on the table (< settlement_chance)
    hand.until(1.0)
    hand._offer(ENVOY)
    (offer,) = s.offers
    if offers_core:
        assert offer.settlement == "withdrawal" and offer.handover == ("capital",)
    else:
        assert offer.settlement == "" and offer.handover == ()


# --- offers and triggers ------------------------------------------------------------------------------------


def test_joint_brokers_make_one_offer_with_their_standing_added() -> None:
    def joint(data: dict[str, Any]) -> None:
        data["actors"][ENVOY]["joint_with"] = ["envoy2"]
        data["actors"]["envoy2"]["mediation_credibility"]["value"] = 0.75

    sc = scenario(start_truce=False, envoys=2, edit=joint)
    hand = Hand(sc, medians(sc, **{"actors.envoy.mediation_credibility": 0.5}))
    assert hand.prep.offer_groups == {PATRON: (PATRON,), ENVOY: (ENVOY, "envoy2")}
    hand.streams["mediation"] = Scripted([0.99])  # humanitarian terms
    hand.until(1.0)
    hand._offer(ENVOY)
    (offer,) = hand.state.offers
    assert offer.brokers == (ENVOY, "envoy2") and offer.kind == "humanitarian"
    assert hand.story("offer")[0][3].startswith("Envoy and Envoy 2 offer a humanitarian truce: ")
    obs = hand.observe(hand.actors[ATTACKER])
    assert obs.offer is None  # the offer is gone once answered
    answers = [e for e in hand.events if e["kind"] == "answer"]
    assert [e["detail"].split("]")[0] for e in answers] == ["[offer by envoy and envoy2"] * 2


@pytest.mark.parametrize("trigger", list(Trigger))
def test_a_trigger_brings_exactly_the_actors_that_review_on_it(trigger: Trigger) -> None:
    hand = Hand(TRUCE, medians(TRUCE))
    hand.until(2.0)
    hand._trigger(trigger)
    hand.through(2.0)
    expected = [name for name, a in hand.actors.items() if a.reviews_on is None or trigger in a.reviews_on]
    assert [name for _, name, _ in hand.reviews] == expected
    assert {reason for _, _, reason in hand.reviews} <= {trigger.text(hand.labels)}


def test_one_decision_per_actor_per_instant() -> None:
    """Two triggers at one instant bring one review; an actor that has just decided is not brought again."""
    hand = Hand(TRUCE, medians(TRUCE))
    hand.until(2.0)
    hand.decide(ATTACKER, "talks")
    hand._trigger(Trigger.WINTER_BEGINS)
    hand._trigger(Trigger.OBJECTIVE_TAKEN)
    hand.through(2.0)
    assert [name for _, name, _ in hand.reviews] == [DEFENDER, PATRON, SUPPORTER]
    assert hand.reviews[0][2] == "objective taken"
