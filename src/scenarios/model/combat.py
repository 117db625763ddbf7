"""Open war, one day at a time: progress and casualties by sector, following terrain, season, Turkish support
and Russian backing; strikes on cities on both sides."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

from scenarios.config.draw import Values
from scenarios.model import attention
from scenarios.model.observation import FrontView
from scenarios.model.random import Random
from scenarios.model.state import ObjectiveState, SectorState, WorldState

# Which sectors each Azerbaijani posture attacks: a limited offensive the sectors whose next objective lies in the
# lowlands, a major offensive every sector with an objective left.
LIMITED, MAJOR = "limited_offensive", "major_offensive"


class Rates(NamedTuple):
    """Expected daily rates of an offensive against one objective, under current conditions."""

    advance: float
    attacker_casualties: float
    defender_casualties: float
    civilian_casualties: float


@dataclass(slots=True)
class DayOfWar:
    """What one day of open war did."""

    taken: list[ObjectiveState] = field(default_factory=list)
    civilians: int = 0
    city_strikes: int = 0
    mass_casualty: bool = False


def rates(state: WorldState, objective: ObjectiveState, p: Values) -> Rates:
    """Daily rates of an Azerbaijani offensive on `objective` today."""
    mountain = objective.terrain == "mountain"
    winter_mountain = mountain and state.winter
    advance = p.mountain_advance_per_day if mountain else p.lowland_advance_per_day
    attacker = p.attacker_casualties_per_day_mountain if mountain else p.attacker_casualties_per_day_lowland
    if winter_mountain:
        advance *= p.winter_mountain_advance_factor
        attacker *= p.winter_mountain_casualty_multiplier
    bonus = 1.0
    defender = p.defender_casualties_per_day
    rungs = state.rungs
    if "drones" in rungs:
        bonus += p.drone_advance_bonus
        defender *= p.drone_defender_casualty_multiplier
    if "syrian_fighters" in rungs:
        bonus += p.syrian_fighters_advance_bonus
    if "personnel" in rungs:
        bonus += p.personnel_advance_bonus
    advance *= bonus
    if state.russia_intervened:
        advance *= p.russian_intervention_advance_factor
    elif state.russia_backs_armenia():
        advance *= p.russian_backing_advance_factor
    civilians = p.civilian_casualties_per_thousand_residents * objective.population
    return Rates(advance, attacker, defender, civilians)


def attacked(posture: str, sectors: list[SectorState]) -> list[tuple[SectorState, ObjectiveState]]:
    """The (sector, next objective) pairs an Azerbaijani posture attacks."""
    if posture not in (LIMITED, MAJOR):
        return []
    out = []
    for sector in sectors:
        objective = sector.next_objective()
        if objective is not None and (posture == MAJOR or objective.terrain == "lowland"):
            out.append((sector, objective))
    return out


def front_view(state: WorldState, p: Values, total_value: float) -> tuple[FrontView, ...]:
    """Each sector as an attacker would assess it today."""
    views = []
    for sector in state.sectors:
        objective = sector.next_objective()
        if objective is None:
            views.append(FrontView(sector.id, None, None, 0.0, 0.0, 0.0, 0.0, 0.0))
            continue
        r = rates(state, objective, p)
        views.append(
            FrontView(
                sector.id,
                objective.id,
                objective.terrain,
                objective.value / total_value,
                max(objective.difficulty - sector.progress, 0.0),
                r.advance,
                r.attacker_casualties,
                r.civilian_casualties,
            )
        )
    return tuple(views)


def fight_day(state: WorldState, p: Values, cf: Values, att: Values, rng: Random) -> DayOfWar:
    """Resolve one day of open war (the day that has just passed)."""
    result = DayOfWar()
    cas = state.casualties
    targets = attacked(state.postures.get("azerbaijan", ""), state.sectors)
    sd = p.daily_progress_sd
    for sector, objective in targets:
        r = rates(state, objective, p)
        noise = math.exp(sd * rng.normal() - 0.5 * sd * sd) if sd > 0.0 else 1.0
        sector.progress += r.advance * noise
        cas.military_azerbaijan += rng.poisson(r.attacker_casualties)
        cas.military_armenia += rng.poisson(r.defender_casualties)
        civilians = rng.poisson(r.civilian_casualties)
        cas.civilian_armenia += civilians
        result.civilians += civilians
        if objective.city:  # an offensive on a town is shelling of a city, day after day
            result.city_strikes += 1
        if sector.progress >= objective.difficulty:
            sector.progress = 0.0
            state.take(objective)
            state.note_attack()
            result.taken.append(objective)
    if targets:
        state.note_attack()
    else:
        cas.military_azerbaijan += rng.poisson(p.positional_casualties_per_day)
        cas.military_armenia += rng.poisson(p.positional_casualties_per_day)
    arm_strike = p.city_strike_probability_per_day
    if state.postures.get("armenia") == "retaliate":
        arm_strike = min(1.0, arm_strike * p.retaliation_city_strike_multiplier)
    for side, chance in (("armenia", p.city_strike_probability_per_day), ("azerbaijan", arm_strike)):
        if rng.uniform() < chance:
            civilians = rng.poisson(cf.civilians_per_city_strike)
            if side == "armenia":
                cas.civilian_armenia += civilians
                state.note_attack()
            else:
                cas.civilian_azerbaijan += civilians
            result.civilians += civilians
            result.city_strikes += 1
            result.mass_casualty = result.mass_casualty or civilians >= cf.mass_casualty_threshold
    attention.add_harm(state, att, result.civilians, result.city_strikes)
    return result
