"""Mediation: brokers put terms on the table; whether an agreement follows is decided by each party's answer.

The brokers choose the terms from the battlefield: a halt to the fighting (humanitarian, or comprehensive once the
attacker's position is met or the defender has conceded, each with a chance); under a humanitarian truce that has
held a while, comprehensive terms for it; and, with a chance, a settlement (`settlements:`): places the defender hands
over to the attacker, guaranteed by a broker's peacekeepers, once the attacker holds enough of the contested value
or the defender has conceded. A withdrawal from the region is such a settlement, not a free-standing act.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scenarios.config.mechanisms import MediationValues
from scenarios.model.random import Random
from scenarios.model.state import OfferRecord, WorldState


def spares_core(conceded: bool, centre_lost: bool, patron_backs_defender: bool) -> bool:
    """Whether brokers keep the region's core off the table. No broker puts it there on its own initiative (the
    pre-war plans never did, and a patron does not compel its ally, ¶6): only a defender that has conceded and can no
    longer hold its centre is offered it, and never by a patron that backs it."""
    return patron_backs_defender or not (conceded and centre_lost)


def refused_lately(state: WorldState, refused: tuple[int, float, int] | None, reoffer_after: float | None) -> bool:
    """Whether terms refused (`captures`, day when last refused, refusals on this map) are still off the table:
    refused on this map, and (if brokers come back to terms refused) not long enough ago: `reoffer_after` days after
    the first refusal, twice as long after the second, and so on (brokers tire of terms refused again and again)."""
    if refused is None or refused[0] != state.captures:
        return False
    return reoffer_after is None or state.day - refused[1] < reoffer_after * 2.0 ** (refused[2] - 1)


def refusal(state: WorldState, before: tuple[int, float, int] | None) -> tuple[int, float, int]:
    """The record of terms refused today: the map, the day, and the refusals on this map so far."""
    times = before[2] + 1 if before is not None and before[0] == state.captures else 1
    return (state.captures, state.day, times)


def settlement_on_table(
    state: WorldState,
    thresholds: Mapping[str, float],
    handovers: Mapping[str, tuple[str, ...]],
    conceded: bool,
    reoffer_after: float | None = None,
    spare_core: bool = False,
    keeps: Mapping[str, tuple[str, ...]] | None = None,
) -> str:
    """The largest settlement the battlefield puts on the table (its threshold met, places left to hand over), or "".

    A concession by the defender puts the first step on the table (the settlement of the lowest threshold) when the
    battlefield puts none; terms a party refused are not put again until the map has moved (or, with
    `reoffer_after`, until that many days have passed, twice as many after each refusal). With `spare_core`, no
    settlement that hands over places of the core (brokers do not propose that the defender give up the region
    unless it has conceded and lost what its centre needs). Terms whose premise the map has broken (the attacker holds a
    place they leave to the defender, `keeps`) are not put at all."""
    share = state.share()
    best, best_value = "", 0.0
    open_ = [sid for sid, threshold in thresholds.items() if share >= threshold]
    if not open_ and conceded and thresholds:
        open_ = [min(thresholds, key=thresholds.__getitem__)]
    for sid in open_:
        if refused_lately(state, state.refused_settlements.get(sid), reoffer_after):
            continue  # refused on this map lately: nothing has changed to make it acceptable
        if keeps and any(state.places[pid].held_by != state.defender for pid in keeps.get(sid, ())):
            continue  # the corridor it leaves the defender is lost: the terms would hand over its last road too
        held = [state.places[pid] for pid in handovers[sid] if state.places[pid].held_by == state.defender]
        if spare_core and any(p.core for p in held):
            continue  # a broker that is the defender's patron does not press the core on its ally
        value = sum(p.value for p in held)
        if value > best_value:
            best, best_value = sid, value
    return best


def terms(
    state: WorldState,
    p: MediationValues,
    rng: Random,
    brokers: tuple[str, ...],
    position_met: bool,
    can_keep_peace: bool,
    settlement: str,
    handover: tuple[str, ...],
) -> OfferRecord | None:
    """The offer brokers make today, or None when they have nothing to offer (a comprehensive truce in force with no
    settlement on the table, a humanitarian one too young to build on, or a truce broken too recently).

    `settlement`/`handover`: the settlement on the table (`settlement_on_table`), "" if none."""
    cf = state.ceasefire
    if cf is None and state.broken_day is not None and state.day - state.broken_day < p.cooldown_days:
        return None
    carries = bool(settlement) and rng.uniform() < p.settlement_chance
    if cf is not None:
        if cf.kind == "comprehensive" and not carries:
            return None
        if cf.kind == "humanitarian" and state.day - cf.start < p.upgrade_after_days and not carries:
            return None
        kind, upgrade = "comprehensive", True
    elif carries:
        kind, upgrade = "comprehensive", False
    else:
        chance = p.comprehensive_when_position_met if position_met else p.comprehensive_otherwise
        kind, upgrade = ("comprehensive" if rng.uniform() < chance else "humanitarian"), False
    refused = state.refused_terms.get(terms_key(state, kind, upgrade, settlement if carries else ""))
    if refused_lately(state, refused, p.reoffer_after_days):
        return None  # refused on this map lately, with the parties as they are: nothing to offer that is new
    peacekeepers = kind == "comprehensive" and can_keep_peace and (carries or rng.uniform() < p.peacekeepers_offered)
    if carries:
        handed = tuple(pid for pid in handover if state.places[pid].held_by == state.defender)
        return OfferRecord(len(state.offers) + 1, state.day, brokers, kind, upgrade, peacekeepers, settlement, handed)
    return OfferRecord(len(state.offers) + 1, state.day, brokers, kind, upgrade, peacekeepers)


def terms_key(state: WorldState, kind: str, upgrade: bool, settlement: str) -> tuple[Any, ...]:
    """What makes terms the same offer again: their kind and settlement, and the parties' postures."""
    return (kind, upgrade, settlement, state.postures.get(state.attacker), state.postures.get(state.defender))
