"""Russia: mediates, presses Armenia to concede, backs Armenia, or intervenes militarily on its side."""

from __future__ import annotations

import math
from typing import ClassVar

from pydantic import Field

from scenarios.config.draw import Values
from scenarios.config.params import NonNegative, Probability, Real, Share
from scenarios.model.actors.base import ActorParams
from scenarios.model.choice import Decision, Terms, logit_choice
from scenarios.model.observation import Observation
from scenarios.model.random import Random
from scenarios.model.state import WorldState

NAME = "russia"
OPTIONS = ("mediate", "pressure_armenia", "back_armenia", "intervene")
MEDIATES = ("mediate", "pressure_armenia")
BACKING = frozenset({"back_armenia", "intervene"})


class Params(ActorParams):
    """Russia's dispositions and utility weights."""

    OPTIONS: ClassVar[tuple[str, ...]] = OPTIONS

    back_armenia_propensity: Probability = Field(
        description="Disposition to back Armenia, entered as log-odds against mediating (probability)."
    )
    pressure_armenia_propensity: Probability = Field(
        description="Disposition to press Armenia into concessions, as log-odds against mediating (probability)."
    )
    mediation_weight: NonNegative = Field(description="Utility of being seen as the broker (utility).")
    alliance_weight: NonNegative = Field(
        description="Utility of backing Armenia per share of the contested value it has lost (utility/share)."
    )
    request_weight: NonNegative = Field(description="Utility of backing Armenia once it has asked (utility).")
    outreach_weight: NonNegative = Field(
        description="Value of its outreach to Azerbaijan, lost by backing Armenia (utility)."
    )
    turkish_influence_weight: NonNegative = Field(
        description="Utility of checking Turkey, at full Turkish support (utility at the top of the ladder)."
    )
    conflict_cost_weight: NonNegative = Field(
        description="Disutility of committing to another low-level conflict by backing a side (utility)."
    )
    intervention_cost: NonNegative = Field(description="Disutility of a military intervention (utility).")
    intervention_loss_threshold: Share = Field(
        description="Armenian losses (share of contested value) beyond which intervention gains weight (share)."
    )
    intervention_loss_weight: NonNegative = Field(
        description="Utility of intervening per share lost beyond the threshold (utility/share)."
    )
    mediation_credibility: Real = Field(description="Log-odds its mediation adds to success (log-odds).")


def _log_odds(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def decide(obs: Observation, p: Values, rng: Random) -> Decision:
    """Score the options term by term and choose by the logit rule (`p`: this replication's values of `Params`)."""
    posture = obs.postures[NAME]
    inertia = p.inertia
    turkey = obs.turkish_level / max(obs.turkish_level_max, 1)
    losses = obs.armenian_losses
    utilities: dict[str, Terms] = {
        "mediate": {
            "inertia": inertia if posture == "mediate" else 0.0,
            "broker_role": p.mediation_weight,
        },
        "pressure_armenia": {
            "inertia": inertia if posture == "pressure_armenia" else 0.0,
            "disposition": _log_odds(p.pressure_armenia_propensity),
            "outreach_to_azerbaijan": p.outreach_weight,
            "turkish_influence": -p.turkish_influence_weight * turkey,
        },
        "back_armenia": {
            "inertia": inertia if posture == "back_armenia" else 0.0,
            "disposition": _log_odds(p.back_armenia_propensity),
            "alliance": p.alliance_weight * losses,
            "armenian_request": p.request_weight if obs.armenia_asked_russia else 0.0,
            "turkish_influence": p.turkish_influence_weight * turkey,
            "outreach_to_azerbaijan": -p.outreach_weight,
            "conflict_cost": -p.conflict_cost_weight,
        },
        "intervene": {
            "inertia": inertia if posture == "intervene" else 0.0,
            "intervention_cost": -p.intervention_cost,
            "alliance": p.intervention_loss_weight * max(0.0, losses - p.intervention_loss_threshold),
            "outreach_to_azerbaijan": -p.outreach_weight,
        },
    }
    return logit_choice(NAME, utilities, p.rationality, rng)


def apply(state: WorldState, decision: Decision) -> None:
    """A military intervention, once made, is not undone."""
    if decision.option == "intervene":
        state.russia_intervened = True
