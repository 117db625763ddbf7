"""An envoy, a mediator without a side (the Minsk Group co-chairs, France and the United States, in the baseline):
calls the parties to talks when attention is high."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from scenarios.config.draw import Values
from scenarios.config.params import NonNegative, Period, Real
from scenarios.model.actors.base import ActorParams, inertia_term
from scenarios.model.choice import Decision, Terms, logit_choice, logit_totals
from scenarios.model.observation import Observation
from scenarios.model.random import Random

POLICY = "envoy"
ROLE = "mediator"
REVIEWS_ON = frozenset(
    {"ceasefire collapsed", "mass-casualty strike"}
)  # triggers that bring a review besides the periodic one
OPTIONS = ("stand_by", "call_for_talks")
BROKER = True
OFFERS_WHEN = ("call_for_talks",)  # it puts an offer on the table only while calling for talks


class Params(ActorParams):
    """The co-chairs' utility weights."""

    OPTIONS: ClassVar[tuple[str, ...]] = OPTIONS

    policy: Literal["envoy"] = Field(description="The envoy's policy: call the parties to talks, broker offers.")

    call_base: Real = Field(description="Utility of calling for talks with no attention (utility).")
    attention_weight: NonNegative = Field(
        description="Utility of calling for talks per unit of attention (utility/index)."
    )
    russian_lead_deference: NonNegative = Field(
        description="Disutility of acting while Russia leads the mediation (utility)."
    )
    partisan_russia_weight: NonNegative = Field(
        description="Utility of calling for talks once Russia backs a side and is no longer an even-handed broker "
        "(utility)."
    )
    mediation_credibility: Real = Field(description="Their standing as brokers with the parties (utility).")
    offer_every_days: Period = Field(description="Days between their offers while they call for talks (days).")


def decide(obs: Observation, p: Values, rng: Random, explain: bool = True) -> tuple[Decision, ...]:
    """Score the options term by term (from totals unless `explain`) and choose by the logit rule (`p`: this
    replication's values of `Params`)."""
    posture = obs.postures[obs.actor]
    if not explain:
        totals = {
            "stand_by": 0.0 + inertia_term("stand_by", posture, p.inertia),
            "call_for_talks": 0.0
            + inertia_term("call_for_talks", posture, p.inertia)
            + p.call_base
            + p.attention_weight * obs.attention
            + -p.russian_lead_deference
            + (p.partisan_russia_weight if obs.patron_backs_defender else 0.0),
        }
        return (logit_totals(obs.actor, totals, p.rationality, rng, floor=p.min_choice_probability),)
    utilities: dict[str, Terms] = {
        "stand_by": {"inertia": inertia_term("stand_by", posture, p.inertia)},
        "call_for_talks": {
            "inertia": inertia_term("call_for_talks", posture, p.inertia),
            "base": p.call_base,
            "attention": p.attention_weight * obs.attention,
            "russian_lead": -p.russian_lead_deference,  # Russia brokers whatever its diplomatic posture
            "russia_takes_sides": p.partisan_russia_weight if obs.patron_backs_defender else 0.0,
        },
    }
    return (logit_choice(obs.actor, utilities, p.rationality, rng, floor=p.min_choice_probability),)
