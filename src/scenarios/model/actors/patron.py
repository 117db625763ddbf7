"""The patron of the defender, on two tracks at once: diplomacy (mediate, press the defender, press the attacker and
its supporter) and support for its ally (none, back the defender, intervene militarily). It brokers ceasefires
whatever its diplomatic posture, and can offer its own peacekeepers. Intervention is open only once something it
guarantees is lost, and is final."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal, NamedTuple

from pydantic import Field

from scenarios.config.blocks import Drawn, Setting, block_of
from scenarios.config.params import NonNegative, Period, Probability, Real, Share
from scenarios.config.policies import ActorParams, ActorValues
from scenarios.model.choice import Decision, log_odds
from scenarios.model.observation import Observation
from scenarios.model.policy import PatronPolicy, Trigger, Utility, choose
from scenarios.model.random import Random
from scenarios.model.state import WorldState
from scenarios.roles import PolicySchema, Role

OPTIONS = ("mediate", "press_defender", "press_attacker")
SUPPORT = "support"  # its second track, kept under <actor>.support
SUPPORT_OPTIONS = ("none", "back_defender", "intervene")


@dataclass(frozen=True, slots=True)
class Values(ActorValues):
    """The patron's dispositions and utility weights on both tracks."""

    start_support: Annotated[str, Setting(Literal["none", "back_defender"], "Support track on the start date.")]
    support_inertia: Annotated[
        float, Drawn(NonNegative, "Commitment on the support track: utility of keeping its support as it is (utility).")
    ]
    back_defender_propensity: Annotated[
        float, Drawn(Probability, "Disposition to back the defender, entered as log-odds (probability).")
    ]
    press_defender_propensity: Annotated[
        float,
        Drawn(Probability, "Disposition to press the defender into a concession, entered as log-odds (probability)."),
    ]
    press_attacker_propensity: Annotated[
        float,
        Drawn(
            Probability,
            "Desire to press the attacker and its supporter to back down, entered as log-odds (probability).",
        ),
    ]
    mediation_weight: Annotated[float, Drawn(NonNegative, "Utility of being seen as the even-handed broker (utility).")]
    alliance_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of standing by the defender per share of the contested value it has lost (utility/share).",
        ),
    ]
    request_weight: Annotated[float, Drawn(NonNegative, "Utility of backing the defender once it has asked (utility).")]
    outreach_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Value of its outreach to the attacker, set back by backing the defender or pressing the "
            "attacker (utility).",
        ),
    ]
    supporter_influence_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of checking the attacker's supporter, at its full support (utility at the top of its ladder).",
        ),
    ]
    conflict_cost_weight: Annotated[
        float,
        Drawn(NonNegative, "Disutility of committing to another low-level conflict by backing a side (utility)."),
    ]
    crisis_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of pressing the defender for a concession to defuse the crisis while war is open (utility).",
        ),
    ]
    intervention_cost: Annotated[float, Drawn(NonNegative, "Disutility of a military intervention (utility).")]
    intervention_triggers: Annotated[
        tuple[str, ...],
        Setting(
            list[str],
            "Objectives whose loss opens intervention (what it guarantees); none: never (objective ids).",
            convert=tuple,
        ),
    ]
    guarantee_weight: Annotated[
        float, Drawn(NonNegative, "Utility of intervening once something it guarantees is lost (utility).")
    ]
    intervention_loss_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of intervening per share of the contested value the defender has lost (utility/share).",
        ),
    ]
    intervention_loss_threshold: Annotated[
        float,
        Drawn(Share, "The defender's losses (share of the contested value) that also open intervention (share)."),
    ]
    mediation_credibility: Annotated[float, Drawn(Real, "Its standing as a broker with the parties (utility).")]
    offer_every_days: Annotated[
        float, Drawn(Period, "Days between its ceasefire offers while it has one to make (days).")
    ]


@block_of(Values)
class Params(ActorParams):
    """The patron's dispositions and utility weights on both tracks."""

    OPTIONS: ClassVar[tuple[str, ...]] = OPTIONS

    policy: Literal["patron"] = Field(description="The patron's policy: diplomacy and support for the defender.")


SCHEMA = PolicySchema("patron", Role.PATRON, Params, broker=True)


class Mediate(NamedTuple):
    commitment: float
    broker_role: float


class PressDefender(NamedTuple):
    commitment: float
    disposition: float
    defuse_the_crisis: float
    outreach_to_attacker: float


class PressAttacker(NamedTuple):
    commitment: float
    disposition: float
    outreach_to_attacker: float
    supporter_influence: float
    alliance: float


class NoSupport(NamedTuple):
    commitment: float


class BackDefender(NamedTuple):
    commitment: float
    disposition: float
    alliance: float
    defender_request: float
    supporter_influence: float
    outreach_to_attacker: float
    conflict_cost: float


class Intervene(NamedTuple):
    intervention_cost: float
    guarantee_lost: float
    alliance: float
    outreach_to_attacker: float


class Patron(PatronPolicy[Values]):
    """The patron's policy (module docstring)."""

    schema = SCHEMA
    values = Values
    options = OPTIONS
    tracks: ClassVar[Mapping[str, tuple[str, ...]]] = {SUPPORT: SUPPORT_OPTIONS}
    support_track = SUPPORT
    backing = frozenset({"back_defender", "intervene"})
    intervened = "intervene"
    pressing: ClassVar[Mapping[str, Role]] = {"press_defender": Role.DEFENDER, "press_attacker": Role.ATTACKER}
    reviews_on = frozenset(
        {Trigger.CEASEFIRE_COLLAPSED, Trigger.CEASEFIRE_AGREED, Trigger.OBJECTIVE_TAKEN, Trigger.HELP_REQUESTED}
    )
    broker = True
    peacekeepers = True  # it can put its own peacekeepers on the line as a term of a settlement

    def start_postures(self) -> dict[str, str]:
        return {**super().start_postures(), f"{self.name}.{SUPPORT}": str(getattr(self.block, "start_support"))}  # noqa: B009

    def offer_interval(self, v: Values) -> float:
        return v.offer_every_days

    def credibility(self, v: Values) -> float:
        return v.mediation_credibility

    def decide(self, obs: Observation, v: Values, rng: Random, explain: bool = True) -> tuple[Decision, ...]:
        """Both tracks, each by the logit rule with its own commitment bonus."""
        me = obs.actor
        posture = obs.postures[me]
        support = obs.postures[f"{me}.{SUPPORT}"]
        inertia, sticky = v.inertia, v.support_inertia
        supporter = obs.support_level / max(obs.support_levels, 1)
        losses = obs.defender_losses
        at_war = 0.0 if obs.ceasefire else 1.0
        diplomacy: dict[str, Utility] = {
            "mediate": Mediate(inertia if posture == "mediate" else 0.0, v.mediation_weight),
            "press_defender": PressDefender(
                inertia if posture == "press_defender" else 0.0,
                log_odds(v.press_defender_propensity),
                v.crisis_weight * at_war,
                v.outreach_weight / 2.0,
            ),
            "press_attacker": PressAttacker(
                inertia if posture == "press_attacker" else 0.0,
                log_odds(v.press_attacker_propensity),
                -v.outreach_weight,
                v.supporter_influence_weight * supporter,
                v.alliance_weight * losses,
            ),
        }
        floor = v.min_choice_probability
        decisions = [choose(me, diplomacy, v.rationality, rng, explain, floor)]
        if support != self.intervened:  # an intervention, once made, is not undone
            track: dict[str, Utility] = {
                "none": NoSupport(sticky if support == "none" else 0.0),
                "back_defender": BackDefender(
                    sticky if support == "back_defender" else 0.0,
                    log_odds(v.back_defender_propensity),
                    v.alliance_weight * losses,
                    v.request_weight if obs.help_requested else 0.0,
                    v.supporter_influence_weight * supporter,
                    -v.outreach_weight,
                    -v.conflict_cost_weight,
                ),
            }
            if obs.intervention_trigger:
                track["intervene"] = Intervene(
                    -v.intervention_cost,
                    v.guarantee_weight,
                    v.intervention_loss_weight * losses,
                    -v.outreach_weight,
                )
            decisions.append(choose(me, track, v.rationality, rng, explain, floor, track=f"{me}.{SUPPORT}"))
        return tuple(decisions)

    def signal(self, state: WorldState, v: Values, start_share: float) -> bool:
        """Whether something it guarantees has been lost: a trigger objective taken, or the defender's losses past
        the threshold (read by the simulation into the observation as `intervention_trigger`)."""
        if state.share() - start_share >= v.intervention_loss_threshold:
            return True
        objectives = state.objectives
        return any(objectives[o].held_by == state.attacker for o in v.intervention_triggers if o in objectives)
