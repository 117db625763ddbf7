"""Truces, in name and in fact: violations as a Poisson process whose rate follows the postures and the fighting, the
strain they leave, and each truce's formal life (agreed, in force, formally ended) and effective one (the days fought
and the days of quiet under it).

No counter ends a truce: a truce is formally ended only by a party's decision (an open offensive, or a
denunciation), whose pull the strain raises. A party may fight local operations under a truce that stays formally
in force, at a cost: a truce in name only.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from scenarios.config.mechanisms import AttentionValues, TruceValues
from scenarios.model import attention
from scenarios.model.random import Random
from scenarios.model.state import CeasefireRecord, WorldState


class Violation(NamedTuple):
    """What one violation did."""

    initiator: str  # the attacker or the defender (by name)
    civilians: int
    city_strike: bool
    mass_casualty: bool


def violation_rates(state: WorldState, p: TruceValues) -> tuple[float, float]:
    """(attacker's, defender's) violations per day under the truce in force, given the postures and the fighting,
    before it settles (`settling`)."""
    cf = state.ceasefire
    if cf is None or state.share() >= 1.0:  # no truce, or no line of contact left to violate it across
        return 0.0, 0.0
    attacker = p.attacker_violation_rate
    defender = p.defender_violation_rate
    for effect in state.in_place[state.attacker]:
        if effect.violation_multiplier is not None:
            attacker *= effect.violation_multiplier
    for effect in state.in_place[state.defender]:
        if effect.violation_multiplier is not None:
            defender *= effect.violation_multiplier
    if state.attacker_in_talks():
        attacker *= p.talks_multiplier
    if state.defender_retaliates():  # return fire answers the attacker's: it rises and falls with it (story reading
        # 15: a retaliating defender out-firing an attacker in talks three to one for months)
        defender *= p.retaliation_multiplier * attacker / p.attacker_violation_rate
    both = 1.0
    if state.fighting():
        both *= p.local_operation_multiplier
    if cf.kind == "comprehensive":
        both *= p.comprehensive_multiplier
    if cf.peacekeepers:
        both *= p.peacekeeper_multiplier
    return attacker * both, defender * both


def settling(state: WorldState, p: TruceValues) -> float:
    """How far the truce in force has settled: its violation rates are its first days' times this, falling from 1
    towards `settled_share` with `settling_half_life_days` of its age (a truce that holds quietens; one that does
    not is ended by a decision). The violations are drawn by thinning against it."""
    cf = state.ceasefire
    if cf is None:
        return 1.0
    age = max(state.day - cf.start, 0.0)
    return p.settled_share + (1.0 - p.settled_share) * math.exp(-math.log(2.0) * age / p.settling_half_life_days)


def strain_level(state: WorldState, p: TruceValues) -> float:
    """The truce's strain on the current day, decayed since the last violation (the state is not changed)."""
    dt = state.day - state.strain_day
    if dt <= 0.0:
        return state.strain
    return state.strain * math.exp(-math.log(2.0) * dt / p.strain_half_life_days)


def decay_strain(state: WorldState, p: TruceValues) -> None:
    """Bring the strain, and each party's part of it, up to the current day."""
    if state.day > state.strain_day:
        before = state.strain
        state.strain = strain_level(state, p)
        if before > 0.0:
            kept = state.strain / before
            for party in state.strain_by:
                state.strain_by[party] *= kept
        state.strain_day = state.day


def violate(
    state: WorldState, p: TruceValues, att: AttentionValues, rng: Random, initiator: str, settled: float = 1.0
) -> Violation:
    """One violation by `initiator`: civilian harm, attention and strain (never, by itself, the truce's end). As the
    truce settles (`settling`) its violations are rarer and also less often aimed at towns: fire between dug-in
    positions, as on the line of 1994-2020 (`settled_share`'s reading), not the first days' shelling of cities."""
    cf = state.ceasefire
    assert cf is not None, "a violation needs a truce in force"
    cf.violations += 1
    if cf.first_violation is None:
        cf.first_violation = state.day
    today = int(state.day)
    cf._day_violations[today] = cf._day_violations.get(today, 0) + 1
    city = rng.uniform() < p.city_strike_probability * settled
    if city:
        civilians = rng.poisson(p.civilians_per_city_strike)
    elif rng.uniform() < p.civilian_harm_probability * settled:
        civilians = rng.poisson(p.civilians_per_harmful_violation)
    else:
        civilians = 0
    if initiator == state.attacker:
        state.casualties.civilian_defender += civilians
        state.note_attack()
    else:
        state.casualties.civilian_attacker += civilians
    attention.add_harm(state, att, civilians, int(city))
    decay_strain(state, p)
    state.strain += p.strain_increment
    state.strain_by[initiator] = state.strain_by.get(initiator, 0.0) + p.strain_increment
    if state.defender_retaliates():  # the defender's return fire, whoever fired this time
        state.strain += p.strain_retaliation_bonus
        state.strain_by[state.defender] = state.strain_by.get(state.defender, 0.0) + p.strain_retaliation_bonus
    return Violation(initiator, civilians, city, civilians >= p.mass_casualty_threshold)


def close_day(state: WorldState, day: int, quiet_violations: float, fought: bool) -> None:
    """Account the day that has just passed to the truce in force: fought (an assault under it: `fought`), noisy
    (many violations) or quiet."""
    cf = state.ceasefire
    if cf is None or day < cf.start:
        return
    noisy = cf._day_violations.pop(day, 0) >= quiet_violations
    if fought:
        cf.fighting_days += 1
        if cf.first_fighting is None:
            cf.first_fighting = float(day)
    elif noisy:
        cf.noisy_days += 1
    if fought or noisy:
        if cf.quiet_until is None:
            cf.quiet_until = float(day)
        if cf.quiet_since is not None:  # a quiet spell ends
            cf.longest_quiet = max(cf.longest_quiet, day - cf.quiet_since)
            cf.quiet_since = None
    elif cf.quiet_since is None:
        cf.quiet_since = float(day)  # a quiet day after fighting or noise: a new quiet spell begins


def start(
    state: WorldState,
    kind: str,
    brokers: tuple[str, ...],
    peacekeepers: bool,
    settlement: str = "",
    handover: tuple[str, ...] = (),
) -> CeasefireRecord:
    """A new truce takes effect today; open war (if any) ends, and so does every operation; a settlement's places
    change hands."""
    if state.war_since is not None:
        state.war_days_before += state.day - state.war_since
        state.war_since = None
    for party in state.operations:
        state.operations[party] = None
    handed = tuple(pid for pid in handover if state.places[pid].held_by == state.defender)
    for pid in handed:
        state.change_hands(state.places[pid], state.attacker)
        state.handed_over.append(pid)
        if state.places[pid].core and state.core_handed_day is None:
            state.core_handed_day = state.day
    record = CeasefireRecord(
        len(state.ceasefires) + 1, kind, brokers, peacekeepers, state.day, state.share(), settlement=settlement
    )
    record.handed_over = handed
    state.ceasefires.append(record)
    state.ceasefire = record
    state.strain = 0.0
    state.strain_by.clear()
    state.strain_day = state.day
    return record


def end(state: WorldState, cause: str, broken_by: str | None = None) -> None:
    """A party formally ends the truce in force today; open war resumes."""
    cf = state.ceasefire
    assert cf is not None, "no truce to end"
    cf.end = state.day
    cf.cause = cause
    cf.broken_by = broken_by
    if cf.quiet_until is None:
        cf.quiet_until = state.day
    state.ceasefire = None
    state.war_since = state.day
    state.broken_day = state.day
    for op in state.operations.values():  # what was fought under the truce is open war now
        if op is not None:
            op.local = False


def upgrade(state: WorldState, peacekeepers: bool, settlement: str = "", handover: tuple[str, ...] = ()) -> None:
    """A truce becomes comprehensive (the same truce goes on), with a settlement's places handed over if any."""
    cf = state.ceasefire
    assert cf is not None
    cf.kind = "comprehensive"
    cf.upgraded_day = state.day
    cf.peacekeepers = cf.peacekeepers or peacekeepers
    handed = tuple(pid for pid in handover if state.places[pid].held_by == state.defender)
    for pid in handed:
        state.change_hands(state.places[pid], state.attacker)
        state.handed_over.append(pid)
        if state.places[pid].core and state.core_handed_day is None:
            state.core_handed_day = state.day
    if settlement:
        cf.settlement = settlement
        cf.handed_over = cf.handed_over + handed
    for party in state.operations:
        state.operations[party] = None
