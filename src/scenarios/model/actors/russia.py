"""The patron of the defender (Russia in the baseline), on two tracks at once: diplomacy (mediate, press Armenia, press
Azerbaijan and Turkey) and support for its ally (none, back Armenia, intervene militarily). It brokers ceasefires
whatever its diplomatic posture, and can offer its own peacekeepers. Intervention is open only once something it
guarantees is lost, and is final."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from scenarios.config.draw import Values
from scenarios.config.params import NonNegative, Period, Probability, Real, Share
from scenarios.model.actors.base import ActorParams, log_odds
from scenarios.model.choice import Decision, Terms, logit_choice, logit_totals
from scenarios.model.observation import Observation
from scenarios.model.random import Random
from scenarios.model.state import WorldState

POLICY = "patron"
ROLE = "patron"
REVIEWS_ON = frozenset(
    {"ceasefire collapsed", "ceasefire agreed", "objective taken", "Armenia asked Russia for help"}
)  # triggers that bring a review besides the periodic one
OPTIONS = ("mediate", "press_armenia", "press_azerbaijan")
SUPPORT = "support"  # its second track, kept under <actor>.support
SUPPORT_OPTIONS = ("none", "back_armenia", "intervene")
TRACKS = {SUPPORT: SUPPORT_OPTIONS}
BACKING = ("back_armenia", "intervene")  # support postures that back the defender
INTERVENED = "intervene"  # the support posture of a military intervention (final)
SUPPORT_CHANGED = "Russian support changed"  # the trigger when its backing of the defender changes
BROKER = True
PEACEKEEPERS = True  # it can put its own peacekeepers on the line as a term of a settlement


class Params(ActorParams):
    """Russia's dispositions and utility weights on both tracks."""

    OPTIONS: ClassVar[tuple[str, ...]] = OPTIONS

    policy: Literal["patron"] = Field(description="The patron's policy: diplomacy and support for the defender.")

    start_support: Literal["none", "back_armenia"] = Field(description="Support track on the start date.")
    support_inertia: NonNegative = Field(
        description="Commitment on the support track: utility of keeping its support as it is (utility)."
    )
    back_armenia_propensity: Probability = Field(
        description="Disposition to back Armenia, entered as log-odds (probability)."
    )
    pressure_armenia_propensity: Probability = Field(
        description="Disposition to press Armenia into a concession, entered as log-odds (probability)."
    )
    press_azerbaijan_propensity: Probability = Field(
        description="Desire to press Azerbaijan and Turkey to back down, entered as log-odds (probability)."
    )
    mediation_weight: NonNegative = Field(description="Utility of being seen as the even-handed broker (utility).")
    alliance_weight: NonNegative = Field(
        description="Utility of standing by Armenia per share of the contested value it has lost (utility/share)."
    )
    request_weight: NonNegative = Field(description="Utility of backing Armenia once it has asked (utility).")
    outreach_weight: NonNegative = Field(
        description="Value of its outreach to Azerbaijan, set back by backing Armenia or pressing Baku (utility)."
    )
    turkish_influence_weight: NonNegative = Field(
        description="Utility of checking Turkey, at full Turkish support (utility at the top of the ladder)."
    )
    conflict_cost_weight: NonNegative = Field(
        description="Disutility of committing to another low-level conflict by backing a side (utility)."
    )
    crisis_weight: NonNegative = Field(
        description="Utility of pressing Armenia for a concession to defuse the crisis while war is open (utility)."
    )
    intervention_cost: NonNegative = Field(description="Disutility of a military intervention (utility).")
    intervention_triggers: list[str] = Field(
        description="Objectives whose loss opens intervention (what it guarantees); none: never (objective ids)."
    )
    guarantee_weight: NonNegative = Field(
        description="Utility of intervening once something it guarantees is lost (utility)."
    )
    intervention_loss_weight: NonNegative = Field(
        description="Utility of intervening per share of the contested value Armenia has lost (utility/share)."
    )
    intervention_loss_threshold: Share = Field(
        description="Armenian losses (share of the contested value) that also open intervention (share)."
    )
    mediation_credibility: Real = Field(description="Its standing as a broker with the parties (utility).")
    offer_every_days: Period = Field(description="Days between its ceasefire offers while it has one to make (days).")


def decide(obs: Observation, p: Values, rng: Random, explain: bool = True) -> tuple[Decision, ...]:
    """Both tracks, each by the logit rule with its own commitment bonus; term by term when `explain`, from
    totals otherwise (the same terms added in the same order)."""
    me = obs.actor
    posture = obs.postures[me]
    support = obs.postures[f"{me}.{SUPPORT}"]
    inertia, sticky = p.inertia, p.support_inertia
    turkey = obs.support_level / max(obs.support_levels, 1)
    losses = obs.defender_losses
    at_war = 0.0 if obs.ceasefire else 1.0
    if not explain:
        return _decide_totals(obs, p, rng, posture, support, turkey, losses, at_war)
    diplomacy: dict[str, Terms] = {
        "mediate": {"commitment": inertia if posture == "mediate" else 0.0, "broker_role": p.mediation_weight},
        "press_armenia": {
            "commitment": inertia if posture == "press_armenia" else 0.0,
            "disposition": log_odds(p.pressure_armenia_propensity),
            "defuse_the_crisis": p.crisis_weight * at_war,
            "outreach_to_azerbaijan": p.outreach_weight / 2.0,
        },
        "press_azerbaijan": {
            "commitment": inertia if posture == "press_azerbaijan" else 0.0,
            "disposition": log_odds(p.press_azerbaijan_propensity),
            "outreach_to_azerbaijan": -p.outreach_weight,
            "turkish_influence": p.turkish_influence_weight * turkey,
            "alliance": p.alliance_weight * losses,
        },
    }
    decisions = [logit_choice(me, diplomacy, p.rationality, rng, floor=p.min_choice_probability)]
    if support != "intervene":  # an intervention, once made, is not undone
        track: dict[str, Terms] = {
            "none": {"commitment": sticky if support == "none" else 0.0},
            "back_armenia": {
                "commitment": sticky if support == "back_armenia" else 0.0,
                "disposition": log_odds(p.back_armenia_propensity),
                "alliance": p.alliance_weight * losses,
                "armenian_request": p.request_weight if f"{obs.roles.defender}.asked_russia" in obs.flags else 0.0,
                "turkish_influence": p.turkish_influence_weight * turkey,
                "outreach_to_azerbaijan": -p.outreach_weight,
                "conflict_cost": -p.conflict_cost_weight,
            },
        }
        if obs.intervention_trigger:
            track["intervene"] = {
                "intervention_cost": -p.intervention_cost,
                "guarantee_lost": p.guarantee_weight,
                "alliance": p.intervention_loss_weight * losses,
                "outreach_to_azerbaijan": -p.outreach_weight,
            }
        decisions.append(
            logit_choice(me, track, p.rationality, rng, floor=p.min_choice_probability, track=f"{me}.{SUPPORT}")
        )
    return tuple(decisions)


def _decide_totals(
    obs: Observation, p: Values, rng: Random, posture: str, support: str, turkey: float, losses: float, at_war: float
) -> tuple[Decision, ...]:
    me = obs.actor
    inertia, sticky = p.inertia, p.support_inertia
    diplomacy = {
        "mediate": 0.0 + (inertia if posture == "mediate" else 0.0) + p.mediation_weight,
        "press_armenia": 0.0
        + (inertia if posture == "press_armenia" else 0.0)
        + log_odds(p.pressure_armenia_propensity)
        + p.crisis_weight * at_war
        + p.outreach_weight / 2.0,
        "press_azerbaijan": 0.0
        + (inertia if posture == "press_azerbaijan" else 0.0)
        + log_odds(p.press_azerbaijan_propensity)
        + -p.outreach_weight
        + p.turkish_influence_weight * turkey
        + p.alliance_weight * losses,
    }
    decisions = [logit_totals(me, diplomacy, p.rationality, rng, floor=p.min_choice_probability)]
    if support != "intervene":
        track = {
            "none": 0.0 + (sticky if support == "none" else 0.0),
            "back_armenia": 0.0
            + (sticky if support == "back_armenia" else 0.0)
            + log_odds(p.back_armenia_propensity)
            + p.alliance_weight * losses
            + (p.request_weight if f"{obs.roles.defender}.asked_russia" in obs.flags else 0.0)
            + p.turkish_influence_weight * turkey
            + -p.outreach_weight
            + -p.conflict_cost_weight,
        }
        if obs.intervention_trigger:
            track["intervene"] = (
                0.0
                + -p.intervention_cost
                + p.guarantee_weight
                + p.intervention_loss_weight * losses
                + -p.outreach_weight
            )
        decisions.append(
            logit_totals(me, track, p.rationality, rng, floor=p.min_choice_probability, track=f"{me}.{SUPPORT}")
        )
    return tuple(decisions)


def signal(state: WorldState, p: Values, block: Any, start_share: float) -> bool:
    """Whether something it guarantees has been lost: a trigger objective taken, or the defender's losses past the
    threshold (read by the simulation into the observation as `intervention_trigger`)."""
    if state.share() - start_share >= p.intervention_loss_threshold:
        return True
    objectives = state.objectives
    return any(objectives[o].held_by == state.attacker for o in block.intervention_triggers if o in objectives)
