"""Ceasefires: violations as a Poisson process whose rate follows the postures, an escalation spiral that
collapses a ceasefire past a threshold, and the start and end of each ceasefire."""

from __future__ import annotations

import math
from typing import NamedTuple

from scenarios.config.mechanisms import AttentionValues, CeasefireValues
from scenarios.model import attention
from scenarios.model.random import Random
from scenarios.model.state import CeasefireRecord, WorldState


class Violation(NamedTuple):
    """What one violation did."""

    initiator: str  # the attacker or the defender (by name)
    civilians: int
    city_strike: bool
    mass_casualty: bool
    collapsed: bool


def violation_rates(state: WorldState, p: CeasefireValues) -> tuple[float, float]:
    """(attacker's, defender's) violations per day under the ceasefire in force, given the postures."""
    cf = state.ceasefire
    if cf is None:
        return 0.0, 0.0
    attacker = p.attacker_violation_rate
    defender = p.defender_violation_rate
    for effect in state.in_place:
        if effect.violation_multiplier is not None:
            attacker *= effect.violation_multiplier
    if state.attacker_in_talks():
        attacker *= p.talks_multiplier
    if state.defender_retaliates():
        defender *= p.retaliation_multiplier
    both = 1.0
    if cf.kind == "comprehensive":
        both *= p.comprehensive_multiplier
    if cf.peacekeepers:
        both *= p.peacekeeper_multiplier
    return attacker * both, defender * both


def spiral_level(state: WorldState, p: CeasefireValues) -> float:
    """The escalation spiral on the current day, decayed since the last violation (the state is not changed)."""
    dt = state.day - state.spiral_day
    if dt <= 0.0:
        return state.spiral
    return state.spiral * math.exp(-math.log(2.0) * dt / p.spiral_half_life_days)


def decay_spiral(state: WorldState, p: CeasefireValues) -> None:
    """Bring the escalation spiral up to the current day."""
    if state.day > state.spiral_day:
        state.spiral = spiral_level(state, p)
        state.spiral_day = state.day


def violate(state: WorldState, p: CeasefireValues, att: AttentionValues, rng: Random, initiator: str) -> Violation:
    """One violation by `initiator`: civilian harm, attention, escalation, and collapse past the threshold."""
    cf = state.ceasefire
    assert cf is not None, "a violation needs a ceasefire in force"
    cf.violations += 1
    if cf.first_violation is None:
        cf.first_violation = state.day
    city = rng.uniform() < p.city_strike_probability
    if city:
        civilians = rng.poisson(p.civilians_per_city_strike)
    elif rng.uniform() < p.civilian_harm_probability:
        civilians = rng.poisson(p.civilians_per_harmful_violation)
    else:
        civilians = 0
    if initiator == state.attacker:
        state.casualties.civilian_defender += civilians
        state.note_attack()
    else:
        state.casualties.civilian_attacker += civilians
    attention.add_harm(state, att, civilians, int(city))
    decay_spiral(state, p)
    state.spiral += p.spiral_increment
    if state.defender_retaliates():
        state.spiral += p.spiral_retaliation_bonus
    collapsed = state.spiral >= p.spiral_threshold
    if collapsed:
        end(state, "escalation_spiral")
    return Violation(initiator, civilians, city, civilians >= p.mass_casualty_threshold, collapsed)


def start(state: WorldState, kind: str, broker: str, peacekeepers: bool) -> CeasefireRecord:
    """A new ceasefire takes effect today; open war (if any) ends, and so does any operation."""
    if state.war_since is not None:
        state.war_days_before += state.day - state.war_since
        state.war_since = None
    state.operation = None
    record = CeasefireRecord(len(state.ceasefires) + 1, kind, broker, peacekeepers, state.day, state.share())
    state.ceasefires.append(record)
    state.ceasefire = record
    state.spiral = 0.0
    state.spiral_day = state.day
    return record


def end(state: WorldState, cause: str, broken_by: str | None = None) -> None:
    """The ceasefire in force collapses today; open war resumes."""
    cf = state.ceasefire
    assert cf is not None, "no ceasefire to end"
    cf.end = state.day
    cf.cause = cause
    cf.broken_by = broken_by
    state.ceasefire = None
    state.war_since = state.day


def upgrade(state: WorldState, peacekeepers: bool) -> None:
    """A humanitarian ceasefire becomes comprehensive (the same ceasefire goes on)."""
    cf = state.ceasefire
    assert cf is not None and cf.kind == "humanitarian"
    cf.kind = "comprehensive"
    cf.upgraded_day = state.day
    cf.peacekeepers = cf.peacekeepers or peacekeepers
