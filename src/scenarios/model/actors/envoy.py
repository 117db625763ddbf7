"""An envoy, a mediator without a side: calls the parties to talks when attention is high, alone or jointly with
other brokers (`joint_with`: its offers are made together with theirs, their standing added)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal, NamedTuple

from pydantic import Field

from scenarios.config.blocks import Drawn, Setting, block_of
from scenarios.config.params import NonNegative, Period, Real
from scenarios.config.policies import ActorParams, ActorValues
from scenarios.model.choice import Decision
from scenarios.model.observation import Observation
from scenarios.model.policy import MediatorPolicy, Trigger, Utility, choose
from scenarios.model.random import Random
from scenarios.roles import PolicySchema, Role

OPTIONS = ("stand_by", "call_for_talks")


@dataclass(frozen=True, slots=True)
class Values(ActorValues):
    """The envoy's utility weights."""

    call_base: Annotated[float, Drawn(Real, "Utility of calling for talks with no attention (utility).")]
    attention_weight: Annotated[
        float, Drawn(NonNegative, "Utility of calling for talks per unit of attention (utility/index).")
    ]
    patron_lead_deference: Annotated[
        float, Drawn(NonNegative, "Disutility of acting while a patron leads the mediation (utility).")
    ]
    partisan_patron_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of calling for talks once a patron backs a side and is no longer an even-handed broker (utility).",
        ),
    ]
    mediation_credibility: Annotated[float, Drawn(Real, "Their standing as brokers with the parties (utility).")]
    offer_every_days: Annotated[float, Drawn(Period, "Days between their offers while they call for talks (days).")]
    joint_with: Annotated[
        tuple[str, ...],
        Setting(
            list[str],
            "Brokers its offers are made jointly with (actor ids): one offer, their standing added (e.g. the "
            "co-chairs of one format).",
            default=[],
            convert=tuple,
        ),
    ] = ()
    offers_core: Annotated[
        bool,
        Setting(
            bool,
            "Whether it ever proposes terms that hand over places of the region's core, once the defender has "
            "conceded and lost its centre (false: a format whose principles leave the core's status to a later vote "
            "never does).",
            default=True,
        ),
    ] = True


@block_of(Values)
class Params(ActorParams):
    """The envoy's utility weights."""

    OPTIONS: ClassVar[tuple[str, ...]] = OPTIONS

    policy: Literal["envoy"] = Field(description="The envoy's policy: call the parties to talks, broker offers.")


SCHEMA = PolicySchema("envoy", Role.MEDIATOR, Params, broker=True)


class StandBy(NamedTuple):
    inertia: float


class CallForTalks(NamedTuple):
    inertia: float
    base: float
    attention: float
    patron_lead: float
    patron_takes_sides: float


class Envoy(MediatorPolicy[Values]):
    """The envoy's policy (module docstring)."""

    schema = SCHEMA
    values = Values
    options = OPTIONS
    reviews_on = frozenset({Trigger.CEASEFIRE_COLLAPSED, Trigger.MASS_CASUALTY})
    offers_when = ("call_for_talks",)  # it puts an offer on the table only while calling for talks

    def joint_with(self) -> tuple[str, ...]:
        return tuple(getattr(self.block, "joint_with", ()) or ())

    def offer_interval(self, v: Values) -> float:
        return v.offer_every_days

    def offers_core(self, v: Values) -> bool:
        return v.offers_core

    def credibility(self, v: Values) -> float:
        return v.mediation_credibility

    def decide(self, obs: Observation, v: Values, rng: Random, explain: bool = True) -> tuple[Decision, ...]:
        """Stand by or call for talks, by the logit rule."""
        posture = obs.postures[obs.actor]
        options: dict[str, Utility] = {
            "stand_by": StandBy(v.inertia if posture == "stand_by" else 0.0),
            "call_for_talks": CallForTalks(
                v.inertia if posture == "call_for_talks" else 0.0,
                v.call_base,
                v.attention_weight * obs.attention,
                -v.patron_lead_deference,  # the patron brokers whatever its diplomatic posture
                v.partisan_patron_weight if obs.patron_backs_defender else 0.0,
            ),
        }
        return (choose(obs.actor, options, v.rationality, rng, explain, v.min_choice_probability),)
