"""Combat mechanism: daily rates by terrain, season, Turkish support and Russian backing; one day of war."""

from __future__ import annotations

import math

import pytest

from scenarios.model import combat
from scenarios.model.state import WorldState

from .support import Scripted, small_world, values

V = values()
C = V.combat


def war_world(level: int = 0, day: float = 10.0, winter_day: float = 50.0, **postures: str) -> WorldState:
    state = small_world(turkish_level=level, day=day, winter_day=winter_day)
    state.postures.update(postures)
    state.ceasefire = None
    return state


def target(state: WorldState, sector: str):
    return next(s for s in state.sectors if s.id == sector).next_objective()


# --- rates --------------------------------------------------------------------------------------------------


def test_lowland_rates_without_support() -> None:
    state = war_world(level=1)  # diplomatic support only
    obj = target(state, "south")
    r = combat.rates(state, obj, C)
    assert r == combat.Rates(
        C.lowland_advance_per_day,
        C.attacker_casualties_per_day_lowland,
        C.defender_casualties_per_day,
        C.civilian_casualties_per_thousand_residents * obj.population,
    )


def test_mountains_are_slower_and_costlier() -> None:
    state = war_world(level=0)
    low, mountain = (
        combat.rates(state, target(state, "south"), C),
        combat.rates(state, target(state, "centre"), C),
    )
    assert mountain.advance == C.mountain_advance_per_day < low.advance
    assert mountain.attacker_casualties == C.attacker_casualties_per_day_mountain > low.attacker_casualties


def test_winter_hits_mountains_only() -> None:
    summer = war_world(day=10.0, winter_day=50.0)
    winter = war_world(day=60.0, winter_day=50.0)
    assert not summer.winter and winter.winter
    m_summer = combat.rates(summer, target(summer, "centre"), C)
    m_winter = combat.rates(winter, target(winter, "centre"), C)
    assert m_winter.advance == pytest.approx(m_summer.advance * C.winter_mountain_advance_factor)
    assert m_winter.attacker_casualties == pytest.approx(
        m_summer.attacker_casualties * C.winter_mountain_casualty_multiplier
    )
    assert combat.rates(winter, target(winter, "south"), C) == combat.rates(summer, target(summer, "south"), C)


@pytest.mark.parametrize(
    ("level", "bonus"),
    [
        (1, 0.0),
        (2, C.drone_advance_bonus),
        (3, C.drone_advance_bonus + C.syrian_fighters_advance_bonus),
        (5, C.drone_advance_bonus + C.syrian_fighters_advance_bonus + C.personnel_advance_bonus),
    ],
)
def test_turkish_support_speeds_the_advance(level: int, bonus: float) -> None:
    state = war_world(level=level)
    r = combat.rates(state, target(state, "south"), C)
    assert r.advance == pytest.approx(C.lowland_advance_per_day * (1.0 + bonus))
    drones = level >= 2
    assert r.defender_casualties == pytest.approx(
        C.defender_casualties_per_day * (C.drone_defender_casualty_multiplier if drones else 1.0)
    )


@pytest.mark.parametrize(
    ("russia", "intervened", "factor"),
    [
        ("mediate", False, 1.0),
        ("pressure_armenia", False, 1.0),
        ("back_armenia", False, C.russian_backing_advance_factor),
        ("intervene", True, C.russian_intervention_advance_factor),
        ("back_armenia", True, C.russian_intervention_advance_factor),  # an intervention is not undone
    ],
)
def test_russian_backing_slows_the_advance(russia: str, intervened: bool, factor: float) -> None:
    state = war_world(level=0, russia=russia)
    state.russia_intervened = intervened
    r = combat.rates(state, target(state, "south"), C)
    assert r.advance == pytest.approx(C.lowland_advance_per_day * factor)


# --- which sectors are attacked, and the front as Azerbaijan sees it ----------------------------------------


def test_limited_offensive_attacks_lowland_objectives_only() -> None:
    state = war_world()
    assert [(s.id, o.id) for s, o in combat.attacked("limited_offensive", state.sectors)] == [("south", "fuzuli")]
    assert [(s.id, o.id) for s, o in combat.attacked("major_offensive", state.sectors)] == [
        ("south", "fuzuli"),
        ("centre", "shusha"),
    ]
    assert combat.attacked("hold", state.sectors) == []
    assert combat.attacked("talks", state.sectors) == []


def test_front_view() -> None:
    state = war_world(level=2)
    state.sectors[0].progress = 2.5
    views = combat.front_view(state, C, state.total_value())
    south, centre = views
    assert (south.sector, south.objective, south.terrain) == ("south", "fuzuli", "lowland")
    assert south.value_share == pytest.approx(2.0 / 10.0)
    assert south.remaining == pytest.approx(6.0 - 2.5)
    assert south.advance_per_day == pytest.approx(combat.rates(state, target(state, "south"), C).advance)
    assert (centre.objective, centre.value_share) == ("shusha", pytest.approx(0.3))
    for o in state.sectors[1].objectives:
        state.take(o)
    assert combat.front_view(state, C, state.total_value())[1] == combat.FrontView(
        "centre", None, None, 0.0, 0.0, 0.0, 0.0, 0.0
    )


# --- one day of war -----------------------------------------------------------------------------------------


def no_noise(**changes: float):
    return values(combat__daily_progress_sd=0.0, **{f"combat__{k}": v for k, v in changes.items()}).combat


def test_fight_day_takes_an_objective() -> None:
    p = no_noise()
    state = war_world(level=1, azerbaijan="limited_offensive", armenia="defend")
    south = state.sectors[0]
    south.progress = 5.5  # fuzuli needs 6.0; a lowland day adds 1.0
    start_value = state.azerbaijani_value()
    rng = Scripted(uniforms=[0.99, 0.99], poissons=[14, 16, 0])
    day = combat.fight_day(state, p, V.ceasefire, V.attention, rng)
    assert rng.exhausted()
    fuzuli = south.objectives[1]
    assert day.taken == [fuzuli] and fuzuli.held_by == "azerbaijan" and fuzuli.taken_day == 10.0
    assert south.progress == 0.0 and south.next_objective() is south.objectives[2]
    assert state.azerbaijani_value() == start_value + 2.0 and state.front_moved_day == 10.0
    assert (state.casualties.military_azerbaijan, state.casualties.military_armenia) == (14, 16)
    assert rng.poisson_means == pytest.approx(
        [
            C.attacker_casualties_per_day_lowland,
            C.defender_casualties_per_day,
            C.civilian_casualties_per_thousand_residents * fuzuli.population,
        ]
    )
    assert state.recent_attack_count(7.0) == 2  # the objective taken and the day's offensive


def test_fight_day_progress_without_taking() -> None:
    p = no_noise()
    state = war_world(level=1, azerbaijan="major_offensive")
    rng = Scripted(uniforms=[0.99, 0.99], poissons=[1, 1, 0, 1, 1, 0])
    day = combat.fight_day(state, p, V.ceasefire, V.attention, rng)
    assert rng.exhausted() and day.taken == []
    assert state.sectors[0].progress == pytest.approx(C.lowland_advance_per_day)
    assert state.sectors[1].progress == pytest.approx(C.mountain_advance_per_day)


def test_daily_progress_noise_is_mean_one_lognormal() -> None:
    p = values().combat
    sd = p.daily_progress_sd
    state = war_world(level=1, azerbaijan="limited_offensive")
    rng = Scripted(uniforms=[0.99, 0.99], normals=[1.0], poissons=[0, 0, 0])
    combat.fight_day(state, p, V.ceasefire, V.attention, rng)
    assert state.sectors[0].progress == pytest.approx(C.lowland_advance_per_day * math.exp(sd - sd * sd / 2))


def test_positional_war_when_azerbaijan_holds() -> None:
    state = war_world(azerbaijan="hold")
    rng = Scripted(uniforms=[0.99, 0.99], poissons=[3, 4])
    day = combat.fight_day(state, no_noise(), V.ceasefire, V.attention, rng)
    assert rng.exhausted() and day == combat.DayOfWar()
    assert rng.poisson_means == [C.positional_casualties_per_day] * 2
    assert (state.casualties.military_azerbaijan, state.casualties.military_armenia) == (3, 4)
    assert state.recent_attack_count(7.0) == 0


@pytest.mark.parametrize("armenia", ["defend", "retaliate"])
def test_city_strikes_and_retaliation(armenia: str) -> None:
    p = no_noise(city_strike_probability_per_day=0.1, retaliation_city_strike_multiplier=2.0)
    state = war_world(azerbaijan="hold", armenia=armenia)
    # Azerbaijan's strike misses (0.5 > 0.1); Armenia's u = 0.15 hits only when retaliating (chance 0.2).
    rng = Scripted(uniforms=[0.5, 0.15], poissons=[0, 0, *([9] if armenia == "retaliate" else [])])
    day = combat.fight_day(state, p, V.ceasefire, V.attention, rng)
    assert rng.exhausted()
    if armenia == "retaliate":
        assert (day.city_strikes, day.civilians, day.mass_casualty) == (1, 9, True)
        assert state.casualties.civilian_azerbaijan == 9 and state.casualties.civilian_armenia == 0
        assert state.attention == pytest.approx(
            1.0 + 9 * V.attention.per_civilian_casualty + V.attention.per_city_strike
        )
    else:
        assert day == combat.DayOfWar() and state.attention == 1.0


def test_azerbaijani_city_strike_counts_as_an_attack() -> None:
    state = war_world(azerbaijan="hold", armenia="defend")
    rng = Scripted(uniforms=[0.0, 0.99], poissons=[0, 0, 3])
    day = combat.fight_day(state, no_noise(), V.ceasefire, V.attention, rng)
    assert (day.city_strikes, day.civilians, day.mass_casualty) == (1, 3, False)
    assert state.casualties.civilian_armenia == 3 and state.recent_attack_count(7.0) == 1
