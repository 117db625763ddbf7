"""The supporter of the attacker: climbs a ladder of low-cost support while the patron holds back, and backs off
when it doesn't.

What each rung does (on the battlefield, under a ceasefire, to the other side's calculus) is declared with the rung
in YAML (`effects:`); capabilities the attacker owns outright are not rungs (`world.capabilities`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, NamedTuple

from pydantic import Field, model_validator

from scenarios.config.blocks import Drawn, Setting, block_of
from scenarios.config.mechanisms import Effects
from scenarios.config.params import Frozen, NonNegative, Share, Source, ValueProblem
from scenarios.config.policies import ActorParams, ActorValues
from scenarios.model.choice import Decision
from scenarios.model.observation import Observation
from scenarios.model.policy import Rung, SupporterPolicy, Trigger, Utility, choose
from scenarios.model.random import Random
from scenarios.model.state import WorldState
from scenarios.roles import PolicySchema, Role

OPTIONS = ("escalate", "hold", "back_off")


class RungParams(Frozen):
    """One rung of the support ladder: what it adds, whether it is in place at the start, and what it does."""

    in_place_at_start: bool = Field(description="Whether this support is in place on the start date.")
    withdrawable: bool = Field(
        True,
        description="Whether the supporter may take this support back; false for support that is the relationship "
        "itself (only the lowest rungs, in place at the start).",
    )
    effects: Effects = Field(description="What this support does while in place (at least one effect).")
    source: Source | None = Field(None, description="The report passage this encodes.")
    assumption: str | None = Field(None, description="The modeller's reason, where the report is silent.")

    @model_validator(mode="after")
    def _provenance(self) -> RungParams:
        if self.source is None and self.assumption is None:
            raise ValueError("a rung needs `source:` or `assumption:`")
        return self


def _rungs(ladder: dict[str, Any]) -> tuple[Rung, ...]:
    return tuple(Rung(name, r.in_place_at_start, r.withdrawable) for name, r in ladder.items())


@dataclass(frozen=True, slots=True)
class Values(ActorValues):
    """The supporter's ladder and utility weights."""

    ladder: Annotated[
        tuple[Rung, ...],
        Setting(
            dict[str, RungParams],
            "Support rungs by name, from the lowest to the highest, in order.",
            convert=_rungs,
        ),
    ]
    influence_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of the influence won at the top of the ladder: climbing weighs the share of it "
            "still to be won, backing off the share already won (utility).",
        ),
    ]
    escalation_cost: Annotated[
        float, Drawn(NonNegative, "Cost of climbing one rung, times the rung's height (utility).")
    ]
    patron_backing_cost_multiplier: Annotated[
        float, Drawn(NonNegative, "Escalation cost x this while the patron backs the defender (factor).")
    ]
    domestic_benefit: Annotated[float, Drawn(NonNegative, "Utility of support during an open war at home (utility).")]
    operation_weight: Annotated[
        float, Drawn(NonNegative, "Utility of climbing while the attacker is on the offensive (utility).")
    ]
    back_off_weight: Annotated[
        float, Drawn(NonNegative, "Utility of backing off while the patron backs the defender (utility).")
    ]
    pressure_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of backing off while the patron presses the attacker and its supporter to back down (utility).",
        ),
    ]
    stronger_position_gain: Annotated[
        float,
        Drawn(
            Share,
            "Gain since the start (share of the contested value) that makes a ceasefire the attacker's "
            "return to negotiations 'with a stronger position' (share).",
        ),
    ]
    stronger_position_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of backing off once the attacker is back at the table with its target position (utility).",
        ),
    ]
    min_dwell_days: Annotated[
        float, Drawn(NonNegative, "Days a support level is kept before it changes it again (days).")
    ]


@block_of(Values)
class Params(ActorParams):
    """The supporter's support ladder and utility weights."""

    OPTIONS: ClassVar[tuple[str, ...]] = OPTIONS

    policy: Literal["supporter"] = Field(description="The supporter's policy: a ladder of support for the attacker.")

    @model_validator(mode="after")
    def _ladder(self) -> Params:
        ladder: dict[str, RungParams] = getattr(self, "ladder")  # noqa: B009  (declared by `Values`)
        if not ladder:
            raise ValueProblem("the ladder has no rungs", "give at least one rung", at=("ladder",))
        flags = [r.in_place_at_start for r in ladder.values()]
        if flags != sorted(flags, reverse=True):
            raise ValueError("rungs in place at the start must be the lowest ones (no gaps in the ladder)")
        kept = [not r.withdrawable for r in ladder.values()]
        if kept != sorted(kept, reverse=True) or any(
            not (r.withdrawable or r.in_place_at_start) for r in ladder.values()
        ):
            raise ValueError(
                "rungs with `withdrawable: false` must be the lowest ones and in place at the start (the supporter "
                "backs off no lower than them)"
            )
        return self

    def start_level(self) -> int:
        """Number of rungs in place on the start date."""
        return sum(r.in_place_at_start for r in getattr(self, "ladder").values())  # noqa: B009

    def floor_level(self) -> int:
        """Number of the lowest rungs it never withdraws."""
        return sum(not r.withdrawable for r in getattr(self, "ladder").values())  # noqa: B009


SCHEMA = PolicySchema("supporter", Role.SUPPORTER, Params)


class Hold(NamedTuple):
    commitment: float


class Escalate(NamedTuple):
    influence: float
    domestic_support: float
    attacker_offensive: float
    cost: float


class BackOff(NamedTuple):
    influence_at_stake: float
    patron_backing: float
    patron_pressure: float
    domestic_support: float
    attacker_back_at_the_table: float


class Supporter(SupporterPolicy[Values]):
    """The supporter's policy (module docstring)."""

    schema = SCHEMA
    values = Values
    options = OPTIONS
    reviews_on = frozenset(
        {
            Trigger.CEASEFIRE_COLLAPSED,
            Trigger.CEASEFIRE_AGREED,
            Trigger.OBJECTIVE_TAKEN,
            Trigger.PATRON_SUPPORT_CHANGED,
        }
    )
    quiet_acts = ("hold",)

    def ladder(self) -> tuple[Rung, ...]:
        return _rungs(getattr(self.block, "ladder"))  # noqa: B009

    def decide(self, obs: Observation, v: Values, rng: Random, explain: bool = True) -> tuple[Decision, ...]:
        """Climb, hold or descend one rung (never below the rungs it does not withdraw), by the logit rule; holding
        carries the commitment bonus."""
        level, top = obs.support_level, obs.support_levels
        war = 0.0 if obs.ceasefire else 1.0
        backed = obs.patron_backs_defender
        back_at_table = obs.ceasefire and obs.attacker_share >= obs.start_share + v.stronger_position_gain
        if obs.days_since_support_changed < v.min_dwell_days:
            return ()  # a commitment just made is kept for a while
        options: dict[str, Utility] = {"hold": Hold(v.inertia)}  # staying on the current rung
        if level < top:
            cost_factor = v.patron_backing_cost_multiplier if backed else 1.0
            options["escalate"] = Escalate(
                v.influence_weight * (1.0 - level / top),
                v.domestic_benefit * war,
                v.operation_weight if obs.attacker_on_offensive else 0.0,
                -v.escalation_cost * (level + 1) * cost_factor,
            )
        if level > obs.support_floor:
            options["back_off"] = BackOff(
                -v.influence_weight * level / top,
                v.back_off_weight if backed else 0.0,
                v.pressure_weight if obs.patron_presses is Role.ATTACKER else 0.0,
                -v.domestic_benefit * war,
                v.stronger_position_weight if back_at_table else 0.0,
            )
        # an act on the ladder, not a posture: its posture is the top rung in place (set by the simulation)
        return (choose(obs.actor, options, v.rationality, rng, explain, v.min_choice_probability, track=""),)

    def apply(self, state: WorldState, decision: Decision, obs: Observation) -> None:
        """Climb or descend one rung of the ladder."""
        if decision.option == "escalate":
            state.set_support_level(min(state.support_level + 1, len(state.support_ladder)))
        elif decision.option == "back_off":
            state.set_support_level(max(state.support_level - 1, 0))
