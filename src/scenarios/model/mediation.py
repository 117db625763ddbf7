"""Mediation: whether an offer ends open war (or turns a humanitarian ceasefire into a comprehensive one), by a
logistic model of the battlefield, Azerbaijan's position, Russia's posture, Turkish spoiling and attention."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scenarios.config.draw import Values
from scenarios.model.random import Random
from scenarios.model.state import WorldState


@dataclass(frozen=True, slots=True)
class Offer:
    """A mediation offer and its outcome."""

    broker: str
    upgrade: bool  # True: toward a comprehensive ceasefire; False: to stop open war
    probability: float
    terms: dict[str, float]
    success: bool
    kind: str | None
    peacekeepers: bool


def success_terms(
    state: WorldState, p: Values, credibility: float, target_share: float, upgrade: bool
) -> dict[str, float]:
    """The log-odds of success term by term."""
    share = state.azerbaijani_value() / state.total_value()
    az = state.postures.get("azerbaijan")
    russia = state.postures.get("russia")
    return {
        "base": p.base_logit,
        "broker_credibility": credibility,
        "azerbaijani_position": p.position_weight * min(1.0, share / target_share),
        "stalemate": p.stalemate_weight * min(1.0, (state.day - state.front_moved_day) / p.stalemate_days),
        "russian_pressure_on_armenia": p.russian_pressure_weight if russia == "pressure_armenia" else 0.0,
        "russian_backing_of_armenia": p.russian_backing_weight if state.russia_backs_armenia() else 0.0,
        "turkish_spoiling": -p.turkish_spoiling_weight * state.turkish_level / max(len(state.turkish_ladder), 1),
        "attention": p.attention_weight * state.attention,
        "armenian_concession": p.concession_weight if state.armenia_conceded else 0.0,
        "azerbaijan_in_talks": p.talks_weight if az == "talks" else 0.0,
        "azerbaijani_offensive": -p.offensive_penalty if az in ("limited_offensive", "major_offensive") else 0.0,
        "settlement_harder_than_halt": p.upgrade_logit_offset if upgrade else 0.0,
    }


def attempt(state: WorldState, p: Values, rng: Random, broker: str, credibility: float, target_share: float) -> Offer:
    """Draw the outcome of an offer made today; the caller applies a success."""
    upgrade = state.ceasefire is not None
    terms = success_terms(state, p, credibility, target_share, upgrade)
    logit = min(max(sum(terms.values()), -700.0), 700.0)  # exp() overflows beyond about 709
    probability = 1.0 / (1.0 + math.exp(-logit))
    success = rng.uniform() < probability
    kind: str | None = None
    peacekeepers = False
    if success:
        share = state.azerbaijani_value() / state.total_value()
        met = share >= target_share or state.armenia_conceded
        chance = p.comprehensive_probability_position_met if met else p.comprehensive_probability_otherwise
        kind = "comprehensive" if upgrade or rng.uniform() < chance else "humanitarian"
        peacekeepers = kind == "comprehensive" and rng.uniform() < p.peacekeepers_probability
    return Offer(broker, upgrade, probability, terms, success, kind, peacekeepers)
