"""Mediation: a broker puts terms on the table; whether a ceasefire follows is decided by each party's answer.

The broker chooses the terms: a halt to open war (humanitarian, or comprehensive once the attacker's position is
met or the defender has conceded, each with a chance), or, under a humanitarian ceasefire that has held a while,
comprehensive terms for it; a broker that can provide peacekeepers may offer them with comprehensive terms.
"""

from __future__ import annotations

from scenarios.config.mechanisms import MediationValues
from scenarios.model.random import Random
from scenarios.model.state import OfferRecord, WorldState


def terms(
    state: WorldState, p: MediationValues, rng: Random, broker: str, position_met: bool, can_keep_peace: bool
) -> OfferRecord | None:
    """The offer a broker makes today, or None when it has nothing to offer (a comprehensive ceasefire in force, or
    a humanitarian one too young to build on)."""
    cf = state.ceasefire
    if cf is not None:
        if cf.kind == "comprehensive" or state.day - cf.start < p.upgrade_after_days:
            return None
        kind, upgrade = "comprehensive", True
    else:
        chance = p.comprehensive_when_position_met if position_met else p.comprehensive_otherwise
        kind, upgrade = ("comprehensive" if rng.uniform() < chance else "humanitarian"), False
    peacekeepers = kind == "comprehensive" and can_keep_peace and rng.uniform() < p.peacekeepers_offered
    return OfferRecord(len(state.offers) + 1, state.day, broker, kind, upgrade, peacekeepers)
