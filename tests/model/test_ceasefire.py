"""Ceasefires: violation rates by posture, what a violation does, spiral and collapse, start and end."""

from __future__ import annotations

import math

import pytest

from scenarios.model import ceasefire
from scenarios.model.random import Stream
from scenarios.model.state import Operation

from .support import Scripted, small_world, values

V = values()
P = V.ceasefire
IRREGULARS = V.effects["syrian_fighters"].violation_multiplier  # the rung's declared effect under a ceasefire
BASE_AZ, BASE_ARM = P.attacker_violation_rate, P.defender_violation_rate


def world(level: int = 1, kind: str = "humanitarian", peacekeepers: bool = False, **postures: str):
    state = small_world(supporter_level=level, day=5.0, postures=None)
    state.postures.update(postures)
    ceasefire.start(state, kind, "russia", peacekeepers)
    return state


# --- rates --------------------------------------------------------------------------------------------------


def test_base_rates_without_irregulars() -> None:
    assert ceasefire.violation_rates(world(level=1), P) == (BASE_AZ, BASE_ARM)  # diplomatic support only


def test_no_violations_without_a_ceasefire() -> None:
    state = world()
    ceasefire.end(state, "offensive")
    assert ceasefire.violation_rates(state, P) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("level", "postures", "az_factor", "arm_factor"),
    [
        (2, {}, IRREGULARS, 1.0),  # Syrian fighters present from the second rung
        (1, {"azerbaijan": "talks"}, P.talks_multiplier, 1.0),
        (1, {"armenia": "retaliate"}, 1.0, P.retaliation_multiplier),
        (1, {"azerbaijan": "offensive"}, 1.0, 1.0),
        (
            4,
            {"azerbaijan": "talks", "armenia": "retaliate"},
            IRREGULARS * P.talks_multiplier,
            P.retaliation_multiplier,
        ),
    ],
)
def test_rates_follow_postures_and_irregulars(
    level: int, postures: dict[str, str], az_factor: float, arm_factor: float
) -> None:
    az, arm = ceasefire.violation_rates(world(level=level, **postures), P)
    assert az == pytest.approx(BASE_AZ * az_factor)
    assert arm == pytest.approx(BASE_ARM * arm_factor)


@pytest.mark.parametrize(
    ("kind", "peacekeepers", "factor"),
    [
        ("comprehensive", False, P.comprehensive_multiplier),
        ("humanitarian", True, P.peacekeeper_multiplier),
        ("comprehensive", True, P.comprehensive_multiplier * P.peacekeeper_multiplier),
    ],
)
def test_settlements_and_peacekeepers_lower_both_rates(kind: str, peacekeepers: bool, factor: float) -> None:
    az, arm = ceasefire.violation_rates(world(kind=kind, peacekeepers=peacekeepers), P)
    assert (az, arm) == pytest.approx((BASE_AZ * factor, BASE_ARM * factor))
    assert az < BASE_AZ and arm < BASE_ARM


# --- one violation ------------------------------------------------------------------------------------------


def test_city_strike_by_azerbaijan() -> None:
    state = world()
    rng = Scripted(uniforms=[P.city_strike_probability / 2], poissons=[9])
    v = ceasefire.violate(state, P, V.attention, rng, "azerbaijan")
    assert rng.exhausted() and rng.poisson_means == [P.civilians_per_city_strike]
    assert v == ceasefire.Violation("azerbaijan", 9, True, True, False)
    assert state.casualties.civilian_defender == 9 and state.casualties.civilian_attacker == 0
    assert state.attention == pytest.approx(1.0 + 9 * V.attention.per_civilian_casualty + V.attention.per_city_strike)
    assert state.recent_attack_count(7.0) == 1
    cf = state.ceasefire
    assert cf is not None and cf.violations == 1 and cf.first_violation == 5.0


def test_harmful_violation_by_armenia() -> None:
    state = world()
    rng = Scripted(uniforms=[0.99, P.civilian_harm_probability / 2], poissons=[2])
    v = ceasefire.violate(state, P, V.attention, rng, "armenia")
    assert rng.exhausted() and rng.poisson_means == [P.civilians_per_harmful_violation]
    assert v == ceasefire.Violation("armenia", 2, False, False, False)
    assert state.casualties.civilian_attacker == 2 and state.casualties.civilian_defender == 0
    assert state.attention == pytest.approx(1.0 + 2 * V.attention.per_civilian_casualty)
    assert state.recent_attack_count(7.0) == 0  # Armenian fire is not an Azerbaijani attack


def test_harmless_violation_draws_no_count() -> None:
    state = world()
    rng = Scripted(uniforms=[0.99, 0.99])
    v = ceasefire.violate(state, P, V.attention, rng, "azerbaijan")
    assert rng.exhausted()
    assert v.civilians == 0 and not v.city_strike and not v.mass_casualty
    assert state.attention == 1.0


def test_first_violation_day_is_kept() -> None:
    state = world()
    ceasefire.violate(state, P, V.attention, Scripted([0.99, 0.99]), "azerbaijan")
    state.day = 7.0
    ceasefire.violate(state, P, V.attention, Scripted([0.99, 0.99]), "armenia")
    cf = state.ceasefire
    assert cf is not None and cf.first_violation == 5.0 and cf.violations == 2


@pytest.mark.parametrize(("armenia", "bonus"), [("defend", 0.0), ("retaliate", P.spiral_retaliation_bonus)])
def test_spiral_decays_with_its_half_life_then_grows(armenia: str, bonus: float) -> None:
    state = world(armenia=armenia)
    state.spiral = 4.0
    state.spiral_day = state.day - P.spiral_half_life_days
    ceasefire.violate(state, P, V.attention, Scripted([0.99, 0.99]), "azerbaijan")
    assert state.spiral == pytest.approx(2.0 + P.spiral_increment + bonus)
    assert state.spiral_day == state.day


def test_spiral_past_the_threshold_collapses_the_ceasefire() -> None:
    state = world()
    state.spiral = P.spiral_threshold - P.spiral_increment / 2
    v = ceasefire.violate(state, P, V.attention, Scripted([0.99, 0.99]), "armenia")
    assert v.collapsed
    assert state.ceasefire is None and state.at_war and state.war_since == 5.0
    cf = state.ceasefires[-1]
    assert (cf.end, cf.cause) == (5.0, "escalation_spiral")


def test_spiral_below_the_threshold_does_not() -> None:
    state = world()
    state.spiral = P.spiral_threshold - P.spiral_increment * 1.5
    assert not ceasefire.violate(state, P, V.attention, Scripted([0.99, 0.99]), "armenia").collapsed
    assert state.ceasefire is not None


def test_exact_trace_with_a_seeded_stream() -> None:
    """Each violation reads, in order: city? then (if not) harm? then a Poisson count."""
    state, rng, twin = world(), Stream.from_seed(1), Stream.from_seed(1)
    expected_civilians = 0
    for _ in range(6):
        state.spiral = 0.0
        v = ceasefire.violate(state, P, V.attention, rng, "armenia")
        city = twin.uniform() < P.city_strike_probability
        if city:
            civilians = twin.poisson(P.civilians_per_city_strike)
        elif twin.uniform() < P.civilian_harm_probability:
            civilians = twin.poisson(P.civilians_per_harmful_violation)
        else:
            civilians = 0
        assert (v.city_strike, v.civilians) == (city, civilians)
        expected_civilians += civilians
    assert state.casualties.civilian_attacker == expected_civilians


def test_city_strike_and_harm_frequencies() -> None:
    state, rng, n = world(), Stream.from_seed(2), 20_000
    city = harmed = 0
    for _ in range(n):
        state.spiral = 0.0
        v = ceasefire.violate(state, P, V.attention, rng, "armenia")
        city += v.city_strike
        harmed += v.civilians > 0 and not v.city_strike
    p_city = P.city_strike_probability
    assert city / n == pytest.approx(p_city, abs=4 * math.sqrt(p_city / n))
    p_harm = (1 - p_city) * P.civilian_harm_probability * (1 - math.exp(-P.civilians_per_harmful_violation))
    assert harmed / n == pytest.approx(p_harm, abs=4 * math.sqrt(p_harm / n))


# --- start, end, upgrade ------------------------------------------------------------------------------------


def test_start_and_end_keep_war_days() -> None:
    state = world()
    assert state.war_days() == 0.0
    ceasefire.end(state, "offensive")
    state.day = 12.0
    assert state.war_days() == 7.0
    record = ceasefire.start(state, "humanitarian", "cochairs", False)
    assert (record.number, record.start, record.broker) == (2, 12.0, "cochairs")
    assert state.ceasefire is record and state.spiral == 0.0 and state.spiral_day == 12.0
    state.day = 20.0
    assert state.war_days() == 7.0


def test_upgrade_keeps_the_ceasefire_and_adds_peacekeepers() -> None:
    state = world()
    cf = state.ceasefire
    state.day = 9.0
    ceasefire.upgrade(state, peacekeepers=True)
    assert state.ceasefire is cf and len(state.ceasefires) == 1
    assert (cf.kind, cf.upgraded_day, cf.peacekeepers) == ("comprehensive", 9.0, True)


def test_a_ceasefire_agreed_ends_the_operation_and_records_the_share() -> None:
    state = small_world(day=4.0)
    state.take(state.objectives["fuzuli"])
    state.operation = Operation("shusha", ("shusha",), 4.0, 30.0, 500.0, 0.0)
    record = ceasefire.start(state, "comprehensive", "russia", True)
    assert state.operation is None and state.ceasefire is record
    assert (record.kind, record.broker, record.peacekeepers) == ("comprehensive", "russia", True)
    assert record.share_at_start == pytest.approx(0.3)
    assert ceasefire.violation_rates(state, P) == pytest.approx(
        (
            BASE_AZ * IRREGULARS * P.comprehensive_multiplier * P.peacekeeper_multiplier,
            BASE_ARM * P.comprehensive_multiplier * P.peacekeeper_multiplier,
        )
    )


def test_an_offensive_ends_the_ceasefire_with_its_cause_and_who_broke_it() -> None:
    state = world()
    state.day = 9.0
    ceasefire.end(state, "offensive", "azerbaijan")
    cf = state.ceasefires[-1]
    assert (cf.end, cf.cause, cf.broken_by) == (9.0, "offensive", "azerbaijan")
    assert state.at_war and state.war_since == 9.0
