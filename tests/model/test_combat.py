"""Combat: daily rates by terrain, season and support; the operations an attacker can plan over the route graph
and the calendar; one day of war along the operation's route."""

from __future__ import annotations

import math

import pytest

from scenarios.model import combat
from scenarios.model.state import Operation, WorldState

from .support import Scripted, small_world, values

V = values()
C = V.combat
E = V.effects  # what each capability and rung declares it does
DRONES, FIGHTERS, PERSONNEL = (E[k].advance_bonus for k in ("drones", "syrian_fighters", "personnel"))
SUPPORT = 1.0 + DRONES + FIGHTERS  # drones owned, level 3 of the ladder


def world(level: int = 3, day: float = 10.0, winter_day: float = 50.0, winter_end_day: float = 120.0, **kw):
    return small_world(supporter_level=level, day=day, winter_day=winter_day, winter_end_day=winter_end_day, **kw)


def no_noise(**changes: float):
    return values(combat__daily_progress_sd=0.0, **{f"combat__{k}": v for k, v in changes.items()}).combat


# --- the route graph ----------------------------------------------------------------------------------------


def test_attackable_follows_the_route_graph() -> None:
    state = world()
    assert [o.id for o in state.attackable()] == ["fuzuli", "zangilan"]  # line of contact, and after jabrayil
    state.take(state.objectives["zangilan"])
    assert [o.id for o in state.attackable()] == ["fuzuli", "shusha"]  # any route in opens it
    state.take(state.objectives["shusha"])
    assert [o.id for o in state.attackable()] == ["fuzuli", "stepanakert"]


def test_take_moves_value_and_the_front() -> None:
    state = world(day=12.0)
    shusha = state.objectives["shusha"]
    shusha.progress = 3.0
    state.take(shusha)
    assert (shusha.held_by, shusha.taken_day, shusha.progress) == ("azerbaijan", 12.0, 0.0)
    assert state.attacker_value() == 4.0 and state.share() == pytest.approx(0.4)
    assert state.front_moved_day == 12.0


# --- rates --------------------------------------------------------------------------------------------------


def test_lowland_rates_without_support() -> None:
    state = world(level=1, drones=False)  # diplomatic support only, no drones
    fuzuli = state.objectives["fuzuli"]
    assert combat.rates(state, fuzuli, C) == combat.Rates(
        C.lowland_advance_per_day,
        C.attacker_casualties_per_day_lowland,
        C.defender_casualties_per_day,
        C.civilian_casualties_per_thousand_residents * fuzuli.population,
    )


def test_mountains_are_slower_and_costlier() -> None:
    state = world(level=0, drones=False)
    low, mountain = (
        combat.rates(state, state.objectives["fuzuli"], C),
        combat.rates(state, state.objectives["shusha"], C),
    )
    assert mountain.advance == C.mountain_advance_per_day < low.advance
    assert mountain.attacker_casualties == C.attacker_casualties_per_day_mountain > low.attacker_casualties


def test_civilian_rate_scales_with_the_population_under_assault() -> None:
    state = world()
    town, capital = state.objectives["shusha"], state.objectives["stepanakert"]
    r_town, r_capital = combat.rates(state, town, C), combat.rates(state, capital, C)
    assert r_capital.civilian_casualties == pytest.approx(r_town.civilian_casualties * 50.0 / 4.0)


def test_winter_hits_mountains_only_and_ends() -> None:
    summer, winter, spring = world(day=10.0), world(day=60.0), world(day=130.0)
    assert (summer.winter, winter.winter, spring.winter) == (False, True, False)
    m_summer = combat.rates(summer, summer.objectives["shusha"], C)
    m_winter = combat.rates(winter, winter.objectives["shusha"], C)
    assert m_winter.advance == pytest.approx(m_summer.advance * C.winter_mountain_advance_factor)
    assert m_winter.attacker_casualties == pytest.approx(
        m_summer.attacker_casualties * C.winter_mountain_casualty_multiplier
    )
    assert combat.rates(spring, spring.objectives["shusha"], C) == m_summer
    assert combat.rates(winter, winter.objectives["fuzuli"], C) == combat.rates(summer, summer.objectives["fuzuli"], C)
    # the season can be asked for explicitly (planning ahead)
    assert combat.rates(summer, summer.objectives["shusha"], C, winter=True) == m_winter


@pytest.mark.parametrize(
    ("level", "drones", "bonus"),
    [
        (0, False, 0.0),
        (0, True, DRONES),  # drones are Azerbaijan's own: no Turkish rung needed
        (1, True, DRONES),
        (2, True, DRONES + FIGHTERS),
        (4, True, DRONES + FIGHTERS + PERSONNEL),
    ],
)
def test_support_speeds_the_advance(level: int, drones: bool, bonus: float) -> None:
    state = world(level=level, drones=drones)
    r = combat.rates(state, state.objectives["fuzuli"], C)
    assert r.advance == pytest.approx(C.lowland_advance_per_day * (1.0 + bonus))
    factor = E["drones"].enemy_casualty_multiplier if drones else 1.0
    assert r.defender_casualties == pytest.approx(C.defender_casualties_per_day * factor)


@pytest.mark.parametrize(
    ("support", "factor"),
    [
        ("none", 1.0),
        ("back_defender", C.patron_backing_advance_factor),
        ("intervene", C.patron_intervention_advance_factor),
    ],
)
def test_russian_support_slows_the_advance(support: str, factor: float) -> None:
    state = world(level=0, drones=False, postures={"russia.support": support, "russia": "press_attacker"})
    r = combat.rates(state, state.objectives["fuzuli"], C)
    assert r.advance == pytest.approx(C.lowland_advance_per_day * factor)


# --- planning operations ------------------------------------------------------------------------------------


def test_operation_views_take_the_quickest_route_to_every_target() -> None:
    state = world(winter_day=1000.0, winter_end_day=1100.0)
    views = {v.target: v for v in combat.operation_views(state, C, 3, 1000.0)}
    assert set(views) == {"fuzuli", "zangilan", "shusha", "stepanakert"}
    assert views["fuzuli"].route == ("fuzuli",)
    assert views["shusha"].route == ("zangilan", "shusha")  # zangilan (4) is quicker than fuzuli (6)
    assert views["stepanakert"].route == ("zangilan", "shusha", "stepanakert")
    low, mountain = C.lowland_advance_per_day * SUPPORT, C.mountain_advance_per_day * SUPPORT
    shusha = views["shusha"]
    assert shusha.days == pytest.approx(4.0 / low + 20.0 / mountain)
    assert shusha.value_share == pytest.approx((1.0 + 3.0) / 10.0)
    assert shusha.attacker_casualties == pytest.approx(
        C.attacker_casualties_per_day_lowland * 4.0 / low + C.attacker_casualties_per_day_mountain * 20.0 / mountain
    )
    civilians = C.civilian_casualties_per_thousand_residents
    assert shusha.civilian_casualties == pytest.approx(civilians * (1.0 * 4.0 / low + 4.0 * 20.0 / mountain))
    assert shusha.winter_days == 0.0


def test_operation_views_count_progress_already_made() -> None:
    state = world(winter_day=1000.0, winter_end_day=1100.0)
    state.objectives["fuzuli"].progress = 3.0
    views = {v.target: v for v in combat.operation_views(state, C, 3, 1000.0)}
    assert views["fuzuli"].days == pytest.approx(3.0 / (C.lowland_advance_per_day * SUPPORT))
    assert views["shusha"].route == ("fuzuli", "shusha")  # half of fuzuli done: now the quicker way in


def test_operation_views_respect_the_route_and_duration_limits() -> None:
    state = world(winter_day=1000.0, winter_end_day=1100.0)
    assert {v.target for v in combat.operation_views(state, C, 2, 1000.0)} == {"fuzuli", "zangilan", "shusha"}
    assert {v.target for v in combat.operation_views(state, C, 1, 1000.0)} == {"fuzuli", "zangilan"}
    low = C.lowland_advance_per_day * SUPPORT
    short = {v.target for v in combat.operation_views(state, C, 3, 6.0 / low + 1e-6)}
    assert short == {"fuzuli", "zangilan"}


def test_winter_ahead_lengthens_and_costs_mountain_operations() -> None:
    """An operation that runs into winter is slower and bloodier than the same one in an endless summer."""
    summer = world(winter_day=1000.0, winter_end_day=1100.0)
    winter_soon = world(day=10.0, winter_day=20.0, winter_end_day=400.0)
    s = {v.target: v for v in combat.operation_views(summer, C, 3, 1000.0)}["shusha"]
    w = {v.target: v for v in combat.operation_views(winter_soon, C, 3, 1000.0)}["shusha"]
    assert w.days > s.days and w.attacker_casualties > s.attacker_casualties and w.winter_days > 0.0
    # the lowland part is unaffected
    assert {v.target: v for v in combat.operation_views(winter_soon, C, 3, 1000.0)}["zangilan"] == {
        v.target: v for v in combat.operation_views(summer, C, 3, 1000.0)
    }["zangilan"]


def test_an_operation_through_winter_resumes_at_the_summer_rate_when_it_ends() -> None:
    """Shusha alone (fuzuli and zangilan taken), started in winter: winter rate until winter ends, then summer."""
    state = world(day=60.0, winter_day=50.0, winter_end_day=70.0)
    for oid in ("fuzuli", "zangilan"):
        state.take(state.objectives[oid])
    view = {v.target: v for v in combat.operation_views(state, C, 3, 1000.0)}["shusha"]
    summer = C.mountain_advance_per_day * SUPPORT
    winter = summer * C.winter_mountain_advance_factor
    left = 20.0 - winter * 10.0
    assert view.winter_days == pytest.approx(10.0)
    assert view.days == pytest.approx(10.0 + left / summer)
    assert view.attacker_casualties == pytest.approx(
        C.attacker_casualties_per_day_mountain * (C.winter_mountain_casualty_multiplier * 10.0 + left / summer)
    )


def test_no_operation_is_planned_that_cannot_end() -> None:
    state = world(postures={"russia.support": "intervene"})
    p = values(combat__patron_intervention_advance_factor=0.0).combat
    assert combat.operation_views(state, p, 3, 60.0) == ()


# --- one day of war -----------------------------------------------------------------------------------------


def launch(state: WorldState, target: str, route: tuple[str, ...]) -> None:
    state.operation = Operation(target, route, state.day, 10.0, 100.0, state.casualties.military_attacker)


def test_fight_day_attacks_the_next_objective_on_the_route_and_takes_it() -> None:
    p = no_noise()
    state = world(level=1, drones=False)
    launch(state, "shusha", ("zangilan", "shusha"))
    zangilan = state.objectives["zangilan"]
    zangilan.progress = 4.0 - C.lowland_advance_per_day / 2  # a day of attack finishes it
    rng = Scripted(uniforms=[0.99, 0.99], poissons=[14, 16, 1])
    day = combat.fight_day(state, p, V.ceasefire, V.attention, rng)
    assert rng.exhausted()
    assert day.taken == [zangilan] and zangilan.held_by == "azerbaijan" and zangilan.taken_day == 10.0
    assert (state.casualties.military_attacker, state.casualties.military_defender) == (14, 16)
    assert state.casualties.civilian_defender == 1 and day.civilians == 1 and day.city_strikes == 0
    assert rng.poisson_means == pytest.approx(
        [
            C.attacker_casualties_per_day_lowland,
            C.defender_casualties_per_day,
            C.civilian_casualties_per_thousand_residents * zangilan.population,
        ]
    )
    assert state.recent_attack_count(7.0) == 2  # the day's offensive and the objective taken
    # the next day goes on to shusha
    rng = Scripted(uniforms=[0.99, 0.99], poissons=[0, 0, 0])
    state.day = 11.0
    combat.fight_day(state, p, V.ceasefire, V.attention, rng)
    assert state.objectives["shusha"].progress == pytest.approx(C.mountain_advance_per_day)


def test_an_offensive_on_a_town_counts_its_civilians_once_not_as_a_city_strike() -> None:
    """Civilian deaths of an assault raise attention as deaths; only a strike on a city counts as a strike."""
    p = no_noise()
    state = world(attention=1.0)
    launch(state, "shusha", ("fuzuli", "shusha"))
    state.take(state.objectives["fuzuli"])
    rng = Scripted(uniforms=[0.99, 0.99], poissons=[0, 0, 5])
    day = combat.fight_day(state, p, V.ceasefire, V.attention, rng)
    assert (day.civilians, day.city_strikes) == (5, 0)
    assert state.attention == pytest.approx(1.0 + 5 * V.attention.per_civilian_casualty)


def test_daily_progress_noise_is_mean_one_lognormal() -> None:
    sd = C.daily_progress_sd
    state = world(level=1, drones=False)
    launch(state, "fuzuli", ("fuzuli",))
    rng = Scripted(uniforms=[0.99, 0.99], normals=[1.0], poissons=[0, 0, 0])
    combat.fight_day(state, C, V.ceasefire, V.attention, rng)
    assert state.objectives["fuzuli"].progress == pytest.approx(C.lowland_advance_per_day * math.exp(sd - sd * sd / 2))


def test_positional_war_without_an_operation() -> None:
    state = world()
    rng = Scripted(uniforms=[0.99, 0.99], poissons=[3, 4])
    day = combat.fight_day(state, no_noise(), V.ceasefire, V.attention, rng)
    assert rng.exhausted() and day == combat.DayOfWar()
    assert rng.poisson_means == [C.positional_casualties_per_day] * 2
    assert (state.casualties.military_attacker, state.casualties.military_defender) == (3, 4)
    assert state.recent_attack_count(7.0) == 0
    assert all(o.progress == 0.0 for o in state.objectives.values())


@pytest.mark.parametrize("armenia", ["defend", "retaliate"])
def test_city_strikes_and_retaliation(armenia: str) -> None:
    p = no_noise(city_strike_probability_per_day=0.1, retaliation_city_strike_multiplier=2.0)
    state = world(postures={"armenia": armenia})
    # Azerbaijan's strike misses (0.5 > 0.1); Armenia's u = 0.15 hits only when retaliating (chance 0.2).
    rng = Scripted(uniforms=[0.5, 0.15], poissons=[0, 0, *([9] if armenia == "retaliate" else [])])
    day = combat.fight_day(state, p, V.ceasefire, V.attention, rng)
    assert rng.exhausted()
    if armenia == "retaliate":
        assert (day.city_strikes, day.civilians, day.mass_casualty) == (1, 9, True)
        assert state.casualties.civilian_attacker == 9 and state.casualties.civilian_defender == 0
        assert state.attention == pytest.approx(
            1.0 + 9 * V.attention.per_civilian_casualty + V.attention.per_city_strike
        )
    else:
        assert day == combat.DayOfWar() and state.attention == 1.0


def test_azerbaijani_city_strike_counts_as_an_attack() -> None:
    state = world()
    rng = Scripted(uniforms=[0.0, 0.99], poissons=[0, 0, 3])
    day = combat.fight_day(state, no_noise(), V.ceasefire, V.attention, rng)
    assert (day.city_strikes, day.civilians, day.mass_casualty) == (1, 3, False)
    assert state.casualties.civilian_defender == 3 and state.recent_attack_count(7.0) == 1
