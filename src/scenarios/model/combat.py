"""Fighting, one day at a time, and the operations a party can plan.

Either party may assault a place the other holds, along the roads from places it holds: the attacker's offensives
and the defender's counter-attacks are the same mechanism with each side's own base rates. An assault's progress
and its cost come from the place's ground (`ground.terrain`), its prepared defences (`ground.fortification`), the
season, what each side has in place on the battlefield (capabilities and arrived rungs, by their declared effects)
and the assaulting side's materiel. Planning values an operation over its whole route with the calendar ahead in
view, in closed form per season.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from scenarios.config.mechanisms import (
    AttentionValues,
    CombatValues,
    EffectValues,
    EnduranceValues,
    FortificationValues,
    TerrainValues,
    TruceValues,
)
from scenarios.model import attention
from scenarios.model.observation import OperationView
from scenarios.model.random import Random
from scenarios.model.state import Place, WorldState


@dataclass(frozen=True)
class Ground:
    """This replication's kinds of ground and levels of fortification, by key, and the works a party digs in a place
    it took (`combat.dig_in_days`, `combat.dig_in_level`)."""

    terrain: Mapping[str, TerrainValues]
    fortification: Mapping[int, FortificationValues]
    dig_in_days: float | None = None
    dig_in_level: int = 1

    def effort(self, place: Place, party: str, day: float) -> float:
        """The effort for `party` to take a place on `day`: its difficulty on open ground, times its fortification,
        unless `party` built those defences (it held the place at the start): prepared lines face the other way, and
        a position just lost is retaken through works its old holder knows. A place held long enough by a party
        that took it has that party's field works (`dig_in_days`), whoever assaults it."""
        level = self.works(place, party)
        if self._dug_in(place, party, day):
            dug = self.fortification.get(self.dig_in_level)
            if dug is not None and (level is None or dug.difficulty > level.difficulty):
                level = dug
        return place.difficulty * (level.difficulty if level is not None else 1.0)

    def _dug_in(self, place: Place, party: str, day: float) -> bool:
        """Whether the party holding `place` took it (it is not its builder's) and has held it long enough against
        `party` to have dug in."""
        return (
            self.dig_in_days is not None
            and place.held_by not in (place.start_holder, party)
            and place.lost_day is not None
            and day - place.lost_day >= self.dig_in_days
        )

    def works(self, place: Place, party: str) -> FortificationValues | None:
        """The prepared defences `party` assaults at `place` (none in works of its own); the daily losses of an
        assault come from these (field works dug later lengthen it, through `effort`)."""
        if party == place.start_holder:
            return None
        return self.fortification.get(place.fortification)


class Rates(NamedTuple):
    """Expected daily rates of an assault on one place, in one season (before the assaulting side's materiel)."""

    advance: float
    assault_casualties: float  # of the assaulting side
    holding_casualties: float  # of the side holding the place
    civilian_casualties: float


@dataclass(slots=True)
class DayOfWar:
    """What one day of fighting did."""

    taken: list[tuple[str, Place]] = field(default_factory=list)  # (party, place) that changed hands
    given_up: list[Place] = field(default_factory=list)  # of those, the places given up cut off (`pocket_days`)
    civilians: int = 0
    city_strikes: int = 0
    spillover: list[Place] = field(default_factory=list)  # places of the defender's own territory struck
    assaulted: set[str] = field(default_factory=set)  # the parties that fought an assault
    pressed: set[str] = field(default_factory=set)  # the places assaulted today
    mass_casualty: bool = False


def _weather(effect: EffectValues, value: float | None, winter: bool, p: CombatValues) -> float | None:
    """An effect's value in the season: weather-bound support keeps part of it in winter."""
    if value is None or not (winter and effect.air):
        return value
    return value * p.air_power_winter_factor


def _rates(state: WorldState, party: str, place: Place, p: CombatValues, ground: Ground, winter: bool) -> Rates:
    terrain = ground.terrain[place.terrain]
    level = ground.works(place, party)
    base = p.attacker_advance_per_day if party == state.attacker else p.defender_advance_per_day
    advance = base * terrain.advance
    assault = p.assault_casualties_per_day * terrain.casualties
    if winter:
        advance *= terrain.winter_advance
        assault *= terrain.winter_casualties
    if level is not None:
        assault *= level.casualties
    if p.overlooked_advance_factor is not None and any(state.places[h].held_by == party for h in place.overlooked_from):
        advance *= p.overlooked_advance_factor  # every approach under direct fire from the heights it holds
    holding = p.holding_casualties_per_day
    bonus = 1.0
    for effect in state.in_place[party]:
        value = _weather(effect, effect.advance_bonus, winter, p)
        if value is not None:
            bonus += value
        value = _weather(effect, effect.enemy_casualty_multiplier, winter, p)
        if value is not None:
            holding *= value
    advance *= bonus
    for effect in state.in_place[state.other(party)]:
        value = _weather(effect, effect.enemy_advance_factor, winter, p)
        if value is not None:
            advance *= value
        value = _weather(effect, effect.enemy_casualty_multiplier, winter, p)
        if value is not None:
            assault *= value
    civilians = p.civilian_casualties_per_thousand_residents * place.population
    return Rates(advance, assault, holding, civilians)


def season_rates(state: WorldState, party: str, p: CombatValues, ground: Ground) -> dict[str, tuple[Rates, Rates]]:
    """Every place's rates for an assault by `party` (out of winter, in winter) under what is in place now, worked out
    once per such conditions in a replication (and per holders of the heights that command a place)."""
    key = (party, state.support_version, *(state.places[h].held_by for h in state.heights))
    table = state.rate_cache.get(key)
    if table is None:
        if len(state.rate_cache) > 64:
            state.rate_cache.clear()
        table = {
            pid: (_rates(state, party, o, p, ground, winter=False), _rates(state, party, o, p, ground, winter=True))
            for pid, o in state.places.items()
        }
        state.rate_cache[key] = table
    return table


def materiel_factor(state: WorldState, party: str, e: EnduranceValues) -> float:
    """What a party's progress keeps with the materiel it has left."""
    return e.advance_at_empty + (1.0 - e.advance_at_empty) * state.stocks[party].materiel


def rates(
    state: WorldState, party: str, place: Place, p: CombatValues, ground: Ground, winter: bool | None = None
) -> Rates:
    """Daily rates of `party`'s assault on `place` (today's season unless `winter` is given)."""
    winter = state.winter if winter is None else winter
    return season_rates(state, party, p, ground)[place.id][1 if winter else 0]


def _through_seasons(
    state: WorldState, start: float, effort: float, summer: float, winter: float
) -> tuple[float, float, float]:
    """Days from `start` until `effort` is spent at these daily advances, split into (days out of winter, days in
    winter); inf if never."""
    w0, w1 = state.winter_day, state.winter_end_day
    t, left, out_days, in_days = start, effort, 0.0, 0.0
    for _ in range(3):  # at most: before winter, in winter, after winter
        in_winter = w0 <= t < w1
        advance = winter if in_winter else summer
        boundary = w1 if in_winter else (w0 if t < w0 else math.inf)
        span = boundary - t
        if advance * span >= left:
            d = left / advance if advance > 0 else math.inf
            if in_winter:
                in_days += d
            else:
                out_days += d
            return t + d, out_days, in_days
        left -= advance * span
        if in_winter:
            in_days += span
        else:
            out_days += span
        t = boundary
    return math.inf, out_days, in_days


def _routes(
    state: WorldState, party: str, table: dict[str, tuple[Rates, Rates]], ground: Ground, factor: float
) -> dict[str, tuple[str, ...]]:
    """The quickest route (at today's rates) to every contested place `party` does not hold: ids from its lines to
    the target, through places it does not hold (Dijkstra over the roads). Ground of its own cut off on the way
    (`WorldState.supplied`) is crossed at no cost, once the place before it is taken: it lies on no route."""
    places = state.places
    season = 1 if state.winter else 0

    def days(pid: str) -> float:
        o = places[pid]
        left = max(ground.effort(o, party, state.day) - (o.progress if o.progress_by == party else 0.0), 0.0)
        return left / max(table[pid][season].advance * factor, 1e-9)

    best: dict[str, tuple[float, tuple[str, ...]]] = {}
    frontier: list[tuple[float, str, tuple[str, ...]]] = []
    for o in state.open_to(party):
        heapq.heappush(frontier, (days(o.id), o.id, (o.id,)))
    while frontier:
        cost, pid, path = heapq.heappop(frontier)
        if pid in best:
            continue
        best[pid] = (cost, path)
        beyond, through = list(places[pid].neighbours), {pid}
        while beyond:
            n = beyond.pop()
            nxt = places[n]
            if n in through or not nxt.contested:
                continue
            through.add(n)
            if nxt.held_by == party:  # its own ground, cut off until this place is taken: crossed
                beyond.extend(nxt.neighbours)
            elif n not in best:
                heapq.heappush(frontier, (cost + days(n), n, (*path, n)))
    return {pid: path for pid, (_, path) in best.items()}


def operation_views(
    state: WorldState,
    party: str,
    p: CombatValues,
    ground: Ground,
    e: EnduranceValues,
    max_route: int,
    max_days: float,
    unbounded: frozenset[str] = frozenset(),
) -> tuple[OperationView, ...]:
    """Every operation worth considering for `party`: a target, its route, and the expected cost over the calendar
    ahead (at the materiel it has now); one longer than `max_days` only for a target in `unbounded`."""
    total = state.total_value()
    table = season_rates(state, party, p, ground)
    factor = materiel_factor(state, party, e)
    spent = round(sum(o.progress for o in state.places.values() if o.progress_by == party))  # effort already spent
    key = (party, state.captures, state.support_version, state.winter, round(factor, 3), spent)
    routes = state.route_cache.get(key)
    if routes is None:  # routes change only with the holdings, support, season and materiel
        if len(state.route_cache) > 64:
            state.route_cache.clear()
        routes = state.route_cache[key] = _routes(state, party, table, ground, factor)
    places, day = state.places, state.day
    local_max = int(p.local_route_objectives)
    cf = state.ceasefire  # a local operation goes on under a humanitarian truce only, unguarded by peacekeepers
    local_open = cf is None or (cf.kind == "humanitarian" and not cf.peacekeepers)
    views = []
    for target, route in routes.items():
        if not route or len(route) > max_route:
            continue
        t = day
        value = core = casualties = civilians = winter_days = 0.0
        for pid in route:
            o = places[pid]
            summer, winter = table[pid]
            left = max(ground.effort(o, party, state.day) - (o.progress if o.progress_by == party else 0.0), 0.0)
            t, out_days, in_days = _through_seasons(state, t, left, summer.advance * factor, winter.advance * factor)
            if not math.isfinite(t):
                break
            value += o.value
            if o.core:
                core += o.value
            casualties += summer.assault_casualties * out_days + winter.assault_casualties * in_days
            civilians += summer.civilian_casualties * (out_days + in_days)
            winter_days += in_days
        days = t - day
        if not math.isfinite(t) or (days > max_days and target not in unbounded):
            continue
        views.append(
            OperationView(
                target,
                route,
                value / total,
                days,
                casualties,
                civilians,
                winter_days,
                core / total,
                local_open
                and len(route) <= local_max
                and all(_fought_over(places[pid], party, day, p) for pid in route),
                places[target].changes // 2,  # the other holds it: every second change was this party's loss
            )
        )
    return tuple(views)


def _fought_over(place: Place, party: str, day: float, p: CombatValues) -> bool:
    """Whether `party`'s fight for `place` is under way: it has made progress there and pressed it within the last
    `progress_half_life_days`. A place pressed once, long ago, keeps a trace of progress that only decays; it is not
    a fight a local operation under a truce carries on (story readings 11-13: a corridor or a mountain district taken
    "locally" months after it was last pressed)."""
    return place.progress_by == party and place.progress > 0.0 and day - place.pressed_day <= p.progress_half_life_days


def next_objective(state: WorldState, party: str) -> Place | None:
    """The place `party`'s operation assaults today: the first of its route it does not hold."""
    op = state.operations.get(party)
    if op is None:
        return None
    return next((state.places[o] for o in op.route if state.places[o].held_by != party), None)


def broad_front(state: WorldState, party: str, main: Place, p: CombatValues, ground: Ground) -> list[Place]:
    """The places `party` presses besides its main effort: in every other sector, the open place quickest to take
    at today's rates (the first such, in the scenario's order), none fortified beyond `broad_front_max_fortification`
    (pressure pins the deepest belts; it does not take them), and no town (`city`): a town falls to an operation
    aimed at it, not to pressure along the line (story reading 15: a district town taken in the north during an
    operation aimed at the south)."""
    table = season_rates(state, party, p, ground)
    season = 1 if state.winter else 0
    best: dict[str, tuple[float, Place]] = {}
    for o in state.open_to(party):
        if o.sector == main.sector or o.fortification > p.broad_front_max_fortification or o.city:
            continue  # the deepest belts and the towns fall only to a main effort
        left = max(ground.effort(o, party, state.day) - (o.progress if o.progress_by == party else 0.0), 0.0)
        days = left / max(table[o.id][season].advance, 1e-9)
        if o.sector not in best or days < best[o.sector][0]:
            best[o.sector] = (days, o)
    return [o for _, o in best.values()]


def _assault(
    state: WorldState,
    party: str,
    place: Place,
    effort: float,
    p: CombatValues,
    ground: Ground,
    endurance: Mapping[str, EnduranceValues],
    rng: Random,
    result: DayOfWar,
) -> None:
    """A day of `party`'s assault on `place` at `effort` (1 = a main effort): progress, losses, the place taken."""
    cas = state.casualties
    result.pressed.add(place.id)
    r = rates(state, party, place, p, ground)
    sd = p.daily_progress_sd
    noise = math.exp(sd * rng.normal() - 0.5 * sd * sd) if sd > 0.0 else 1.0
    if place.progress_by != party:
        place.progress, place.progress_by = 0.0, party
    place.pressed_day = state.day
    place.progress += effort * r.advance * materiel_factor(state, party, endurance[party]) * noise
    own, other = rng.poisson(effort * r.assault_casualties), rng.poisson(effort * r.holding_casualties)
    civilians = rng.poisson(effort * r.civilian_casualties)
    if party == state.attacker:
        cas.military_attacker += own
        cas.military_defender += other
        cas.civilian_defender += civilians
        state.note_attack()
    else:
        cas.military_defender += own
        cas.military_attacker += other
        cas.civilian_attacker += civilians
    result.civilians += civilians
    if place.progress >= ground.effort(place, party, state.day):
        state.change_hands(place, party)
        if party == state.attacker:
            state.note_attack()
        result.taken.append((party, place))


def _give_up_pockets(state: WorldState, pocket_days: float, result: DayOfWar) -> None:
    """Ground a party holds that its lines no longer reach (beyond a hub the other side took back) is given up to
    the other side `pocket_days` after a day of fighting first found it cut off (days of truce between count; they
    change nothing by themselves): a garrison with no road to its lines withdraws or surrenders (story reading 21:
    towns held for months behind a hub the defender had retaken, nothing following)."""
    for party in (state.attacker, state.defender):
        supplied = state.supplied(party)
        for place in list(state.places.values()):
            if place.held_by != party or not place.contested:
                continue
            if place.id in supplied:
                place.cut_off_since = None
            elif place.cut_off_since is None:
                place.cut_off_since = state.day
            elif state.day - place.cut_off_since >= pocket_days:
                place.cut_off_since = None
                other = state.other(party)
                state.change_hands(place, other)
                result.taken.append((other, place))
                result.given_up.append(place)


def fight_day(
    state: WorldState,
    p: CombatValues,
    ground: Ground,
    endurance: Mapping[str, EnduranceValues],
    cf: TruceValues,
    att: AttentionValues,
    rng: Random,
) -> DayOfWar:
    """Resolve one day (the day that has just passed): each party's operation on its next place, city strikes and
    spillover on days of open war, and positional losses when nobody assaults."""
    result = DayOfWar()
    cas = state.casualties
    assaulted = False
    for party in (state.attacker, state.defender):  # the attacker's assault first, then the defender's
        place = next_objective(state, party)
        if place is None:
            continue
        assaulted = True
        result.assaulted.add(party)
        _assault(state, party, place, 1.0, p, ground, endurance, rng, result)
        if party == state.attacker and state.at_war and p.broad_front_effort > 0.0:
            others = broad_front(state, party, place, p, ground)  # pressure along the rest of the line
            for other in others:  # one effort, spread over the sectors it presses
                _assault(state, party, other, p.broad_front_effort / len(others), p, ground, endurance, rng, result)
    if p.pocket_days is not None:
        _give_up_pockets(state, p.pocket_days, result)
    if assaulted:
        state.fighting_days += 1
    decay = 0.5 ** (1.0 / p.progress_half_life_days)  # the holder digs back in where nobody presses it
    pressed = {id(place) for _, place in result.taken}
    for place in state.places.values():
        if place.progress > 0.0 and place.id not in result.pressed and id(place) not in pressed:
            place.progress *= decay
    if state.at_war:
        if not assaulted:
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
        territory = [o for o in state.places.values() if o.territory_of == state.defender]
        if territory and rng.uniform() < p.spillover_strike_probability_per_day:
            place = territory[min(int(rng.uniform() * len(territory)), len(territory) - 1)]
            civilians = rng.poisson(p.civilians_per_spillover_strike)
            cas.civilian_defender += civilians
            result.civilians += civilians
            result.spillover.append(place)
            owner = place.territory_of or ""
            state.spillover_strikes[owner] = state.spillover_strikes.get(owner, 0) + 1
            state.attacked_day[owner] = state.day
    # an assault's civilian deaths count once (as deaths); strikes on cities count as strikes
    attention.add_harm(state, att, result.civilians, result.city_strikes + len(result.spillover))
    return result
