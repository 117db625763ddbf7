"""A supporter of the attacker: climbs a ladder of commitments while the cost stays low, one rung at a time, and
backs off as the defender's patrons back it (in proportion to how much of their full backing is decided: political
cover is not "fully" backing, ¶3), press it, or fight.

What each rung does (on the battlefield once it arrives, under a truce, in the parties' calculus at once) is declared
with the rung in YAML (`effects:`), with its own cost (`cost:`: a rung the report calls unclear and costly is dear to
climb) and lag (`lag_days:`); capabilities the attacker owns outright are not rungs (`world.capabilities`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal, NamedTuple

from pydantic import Field, model_validator

from scenarios.config.blocks import Drawn, Setting, block_of
from scenarios.config.mechanisms import Rung
from scenarios.config.params import NonNegative, Share, ValueProblem
from scenarios.config.policies import ActorParams, ActorValues
from scenarios.model.choice import Decision
from scenarios.model.observation import Observation
from scenarios.model.policy import SupporterPolicy, Trigger, Utility, choose
from scenarios.model.random import Random
from scenarios.roles import PolicySchema, Role

OPTIONS = ("escalate", "hold", "back_off")


@dataclass(frozen=True, slots=True)
class Values(ActorValues):
    """The supporter's ladder and utility weights."""

    ladder: Annotated[
        tuple[str, ...],
        Setting(
            dict[str, Rung], "Its rungs of support by name, from the lowest to the highest, in order.", convert=tuple
        ),
    ]
    influence_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of the influence won at the top of the ladder: climbing weighs the share of it still to be won, "
            "backing off the share already won (utility).",
        ),
    ]
    escalation_cost: Annotated[
        float,
        Drawn(NonNegative, "Cost of climbing one rung, times the rung's height, where a rung sets none (utility)."),
    ]
    patron_backing_cost_multiplier: Annotated[
        float,
        Drawn(
            NonNegative,
            "Climbing costs x this once the defender's patrons back it fully; in between, in proportion to the share "
            "of their support weights decided (factor).",
        ),
    ]
    domestic_benefit: Annotated[float, Drawn(NonNegative, "Utility of support during the fighting, at home (utility).")]
    operation_weight: Annotated[
        float, Drawn(NonNegative, "Utility of climbing while the attacker is on the offensive (utility).")
    ]
    back_off_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of backing off once the defender's patrons back it fully; in between, in proportion to the share "
            "of their support weights decided (utility).",
        ),
    ]
    pressure_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of backing off while a patron presses the attacker and its supporters to back down (utility).",
        ),
    ]
    patron_forces_weight: Annotated[
        float,
        Drawn(NonNegative, "Utility of backing off once a patron's forces fight for the defender (utility)."),
    ]
    stronger_position_gain: Annotated[
        float,
        Drawn(
            Share,
            "Gain since the start (share of the contested value) that makes a truce the attacker's return to "
            "negotiations 'with a stronger position' (share).",
        ),
    ]
    stronger_position_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of backing off once the attacker is back at the table with its target position (utility).",
        ),
    ]
    quiet_truce_weight: Annotated[
        float,
        Drawn(NonNegative, "Utility of holding still (no climbing) under a quiet truce (utility)."),
    ]
    min_dwell_days: Annotated[
        float, Drawn(NonNegative, "Days a support level is kept before it changes it again (days).")
    ]


@block_of(Values)
class Params(ActorParams):
    """The supporter's support ladder and utility weights."""

    OPTIONS: ClassVar[tuple[str, ...]] = OPTIONS

    policy: Literal["supporter"] = Field(description="The supporter's policy: a ladder of support for the attacker.")
    ladder: dict[str, Rung] = Field(min_length=1, description="Its rungs by name, lowest first (in order).")

    @model_validator(mode="after")
    def _ladder(self) -> Params:
        _check_ladder(self.ladder)
        return self


def _check_ladder(ladder: dict[str, Rung]) -> None:
    """Rungs in place at the start are the lowest ones, and those never withdrawn are among them."""
    if not ladder:
        raise ValueProblem("the ladder has no rungs", "give at least one rung", at=("ladder",))
    flags = [r.in_place_at_start for r in ladder.values()]
    if flags != sorted(flags, reverse=True):
        raise ValueError("rungs in place at the start must be the lowest ones (no gaps in the ladder)")
    kept = [not r.withdrawable for r in ladder.values()]
    if kept != sorted(kept, reverse=True) or any(not (r.withdrawable or r.in_place_at_start) for r in ladder.values()):
        raise ValueError(
            "rungs with `withdrawable: false` must be the lowest ones and in place at the start (the supporter "
            "backs off no lower than them)"
        )


SCHEMA = PolicySchema("supporter", Role.SUPPORTER, Params)


class HoldRung(NamedTuple):
    commitment: float
    quiet_truce: float


class Escalate(NamedTuple):
    influence: float
    domestic_support: float
    attacker_offensive: float
    cost: float


class BackOff(NamedTuple):
    influence_at_stake: float
    patron_backing: float
    patron_pressure: float
    patron_forces: float
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
            Trigger.SUPPORT_ARRIVED,
        }
    )
    quiet_acts = ("hold",)

    def decide(self, obs: Observation, v: Values, rng: Random, explain: bool = True) -> tuple[Decision, ...]:
        """Climb, hold or descend one rung (never below the rungs it does not withdraw), by the logit rule; holding
        carries the commitment bonus."""
        level, top = obs.support_level, obs.support_levels
        war = 1.0 if obs.fighting or not obs.ceasefire else 0.0
        # how fully the defender's patrons back it: their support weights decided, over their whole ladders
        backed = obs.defender_support / obs.defender_support_total if obs.defender_support_total else 0.0
        back_at_table = obs.ceasefire and obs.attacker_share >= obs.start_share + v.stronger_position_gain
        if obs.days_since_support_changed < v.min_dwell_days:
            return ()  # a commitment just made is kept for a while
        quiet = v.quiet_truce_weight if obs.ceasefire and not obs.fighting else 0.0
        options: dict[str, Utility] = {"hold": HoldRung(v.inertia, quiet)}  # staying on the current rung
        rung = obs.next_rung
        if rung is not None and war:  # it climbs in answer to fighting, not under a quiet truce
            cost = rung.cost if rung.cost is not None else v.escalation_cost * rung.height
            options["escalate"] = Escalate(
                v.influence_weight * (1.0 - level / top),
                v.domestic_benefit * war,
                v.operation_weight if obs.attacker_on_offensive else 0.0,
                -cost * (1.0 + (v.patron_backing_cost_multiplier - 1.0) * backed),
            )
        if level > obs.support_floor:
            options["back_off"] = BackOff(
                -v.influence_weight * level / top,
                v.back_off_weight * backed,
                v.pressure_weight if obs.patron_presses is Role.ATTACKER else 0.0,
                v.patron_forces_weight if obs.patron_fights else 0.0,
                -v.domestic_benefit * war,
                v.stronger_position_weight if back_at_table else 0.0,
            )
        # an act on the ladder, not a posture: its posture is the top rung decided (set by the simulation)
        return (choose(obs.actor, options, v.rationality, rng, explain, v.min_choice_probability, track=""),)
