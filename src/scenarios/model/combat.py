"""Open war, one day at a time, and the operations an attacker can plan.

Fighting follows the attacker's operation: each day of open war, the next objective on its route takes progress
and both sides take casualties by terrain and season; what is in place for the attacker (its own capabilities
and its supporter's rungs, by their declared effects) and the patron's backing of the defender change the
rates. Planning values an operation over its whole route with the
calendar ahead in view (winter slows mountain advances and raises their cost), in closed form per season.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

from scenarios.config.mechanisms import AttentionValues, CeasefireValues, CombatValues
from scenarios.model import attention
from scenarios.model.observation import OperationView
from scenarios.model.random import Random
from scenarios.model.state import ObjectiveState, WorldState


class Rates(NamedTuple):
    """Expected daily rates of an offensive against one objective, in one season."""

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


def _rates(state: WorldState, objective: ObjectiveState, p: CombatValues, winter: bool) -> Rates:
    mountain = objective.terrain == "mountain"
    advance = p.mountain_advance_per_day if mountain else p.lowland_advance_per_day
    attacker = p.attacker_casualties_per_day_mountain if mountain else p.attacker_casualties_per_day_lowland
    if mountain and winter:
        advance *= p.winter_mountain_advance_factor
        attacker *= p.winter_mountain_casualty_multiplier
    bonus = 1.0
    defender = p.defender_casualties_per_day
    for effect in state.in_place:
        if effect.advance_bonus is not None:
            bonus += effect.advance_bonus
        if effect.enemy_casualty_multiplier is not None:
            defender *= effect.enemy_casualty_multiplier
    advance *= bonus
    if state.patron_intervened():
        advance *= p.patron_intervention_advance_factor
    elif state.patron_backs():
        advance *= p.patron_backing_advance_factor
    civilians = p.civilian_casualties_per_thousand_residents * objective.population
    return Rates(advance, attacker, defender, civilians)


def season_rates(state: WorldState, p: CombatValues) -> dict[str, tuple[Rates, Rates]]:
    """Every objective's rates (out of winter, in winter) under today's support and backing, computed once per
    such conditions in a replication."""
    key = (state.rungs, state.support_posture())
    table = state.rate_cache.get(key)
    if table is None:
        table = {
            oid: (_rates(state, o, p, winter=False), _rates(state, o, p, winter=True))
            for oid, o in state.objectives.items()
        }
        state.rate_cache[key] = table
    return table


def rates(state: WorldState, objective: ObjectiveState, p: CombatValues, winter: bool | None = None) -> Rates:
    """Daily rates of the attacker's offensive on `objective` (today's season unless `winter` is given)."""
    winter = state.winter if winter is None else winter
    return season_rates(state, p)[objective.id][1 if winter else 0]


def _through_seasons(
    state: WorldState, start: float, effort: float, summer: Rates, winter: Rates
) -> tuple[float, float, float]:
    """Days from `start` until `effort` is spent, split into (days out of winter, days in winter); inf if never."""
    w0, w1 = state.winter_day, state.winter_end_day
    t, left, out_days, in_days = start, effort, 0.0, 0.0
    for _ in range(3):  # at most: before winter, in winter, after winter
        in_winter = w0 <= t < w1
        r = winter if in_winter else summer
        boundary = w1 if in_winter else (w0 if t < w0 else math.inf)
        span = boundary - t
        if r.advance * span >= left:
            d = left / r.advance if r.advance > 0 else math.inf
            if in_winter:
                in_days += d
            else:
                out_days += d
            return t + d, out_days, in_days
        left -= r.advance * span
        if in_winter:
            in_days += span
        else:
            out_days += span
        t = boundary
    return math.inf, out_days, in_days


def _routes(state: WorldState, table: dict[str, tuple[Rates, Rates]]) -> dict[str, tuple[str, ...]]:
    """The quickest route (at today's rates) to every objective the attacker does not hold: ids from the line to the
    target."""
    objectives = state.objectives
    attacker = state.attacker
    season = 1 if state.winter else 0
    best: dict[str, tuple[float, tuple[str, ...]]] = {}

    def route(oid: str) -> tuple[float, tuple[str, ...]]:
        if oid in best:
            return best[oid]
        o = objectives[oid]
        best[oid] = (math.inf, ())  # guards against revisiting while in progress (the graph is acyclic)
        own = max(o.difficulty - o.progress, 0.0) / max(table[oid][season].advance, 1e-9)
        if not o.after or any(objectives[a].held_by == attacker for a in o.after):
            result: tuple[float, tuple[str, ...]] = (own, (oid,))
        else:
            days, path = min((route(a) for a in o.after), key=lambda x: x[0])
            result = (days + own, (*path, oid))
        best[oid] = result
        return result

    return {oid: route(oid)[1] for oid, o in objectives.items() if o.held_by != attacker}


def operation_views(state: WorldState, p: CombatValues, max_route: int, max_days: float) -> tuple[OperationView, ...]:
    """Every operation worth considering: a target, its route, and the expected cost over the calendar ahead."""
    total = state.total_value()
    table = season_rates(state, p)
    key = (state.captures, state.rungs, state.support_posture(), state.winter)
    routes = state.route_cache.get(key)
    if routes is None:  # routes change only with the holdings, support and season (not with daily progress)
        state.route_cache.clear()
        routes = state.route_cache[key] = _routes(state, table)
    objectives, day, isfinite = state.objectives, state.day, math.isfinite
    w0, w1 = state.winter_day, state.winter_end_day
    views = []
    for target, route in routes.items():
        if not route or len(route) > max_route:
            continue
        t = day
        value = attackers = civilians = winter_days = 0.0
        for oid in route:
            o = objectives[oid]
            summer, winter = table[oid]
            left = max(o.difficulty - o.progress, 0.0)
            # taken within the season it starts in: `_through_seasons`' first step, without the call
            if w0 <= t < w1:
                advance = winter.advance
                if advance > 0.0 and advance * (w1 - t) >= left:
                    d = left / advance
                    t, out_days, in_days = t + d, 0.0, 0.0 + d
                else:
                    t, out_days, in_days = _through_seasons(state, t, left, summer, winter)
            else:
                advance = summer.advance
                if advance > 0.0 and (t >= w0 or advance * (w0 - t) >= left):
                    d = left / advance
                    t, out_days, in_days = t + d, 0.0 + d, 0.0
                else:
                    t, out_days, in_days = _through_seasons(state, t, left, summer, winter)
            if not isfinite(t):
                break
            value += o.value
            attackers += summer.attacker_casualties * out_days + winter.attacker_casualties * in_days
            civilians += summer.civilian_casualties * (out_days + in_days)
            winter_days += in_days
        days = t - day
        if not isfinite(t) or days > max_days:
            continue
        views.append(OperationView(target, route, value / total, days, attackers, civilians, winter_days))
    return tuple(views)


def fight_day(state: WorldState, p: CombatValues, cf: CeasefireValues, att: AttentionValues, rng: Random) -> DayOfWar:
    """Resolve one day of open war (the day that has just passed): the operation's next objective, city strikes."""
    result = DayOfWar()
    cas = state.casualties
    op = state.operation
    objective = None
    if op is not None:
        objective = next((state.objectives[o] for o in op.route if state.objectives[o].held_by != state.attacker), None)
    if objective is not None:
        r = rates(state, objective, p)
        sd = p.daily_progress_sd
        noise = math.exp(sd * rng.normal() - 0.5 * sd * sd) if sd > 0.0 else 1.0
        objective.progress += r.advance * noise
        cas.military_attacker += rng.poisson(r.attacker_casualties)
        cas.military_defender += rng.poisson(r.defender_casualties)
        civilians = rng.poisson(r.civilian_casualties)
        cas.civilian_defender += civilians
        result.civilians += civilians
        state.note_attack()
        if objective.progress >= objective.difficulty:
            state.take(objective)
            state.note_attack()
            result.taken.append(objective)
    else:
        cas.military_attacker += rng.poisson(p.positional_casualties_per_day)
        cas.military_defender += rng.poisson(p.positional_casualties_per_day)
    defender_strike = p.city_strike_probability_per_day
    if state.defender_retaliates():
        defender_strike = min(1.0, defender_strike * p.retaliation_city_strike_multiplier)
    # the attacker's strikes on the defender's cities first, then the defender's on the attacker's
    for on_defender, chance in ((True, p.city_strike_probability_per_day), (False, defender_strike)):
        if rng.uniform() < chance:
            civilians = rng.poisson(cf.civilians_per_city_strike)
            if on_defender:
                cas.civilian_defender += civilians
                state.note_attack()
            else:
                cas.civilian_attacker += civilians
            result.civilians += civilians
            result.city_strikes += 1
            result.mass_casualty = result.mass_casualty or civilians >= cf.mass_casualty_threshold
    # an offensive's civilian deaths count once (as deaths); strikes on cities count as strikes
    attention.add_harm(state, att, result.civilians, result.city_strikes)
    return result
