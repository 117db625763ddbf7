"""The supporter of the attacker (Turkey in the baseline): climbs a ladder of low-cost support while the patron
holds back, and backs off when it doesn't.

The drones are not a rung: Azerbaijan bought them (¶1), so they are its own capability (`world.capabilities`).
"""

from __future__ import annotations

from typing import ClassVar, Literal, Protocol

from pydantic import Field, model_validator

from scenarios.config.draw import Values
from scenarios.config.params import Frozen, NonNegative, Share, Source
from scenarios.model.actors.base import ActorParams
from scenarios.model.actors.russia import SUPPORT_CHANGED
from scenarios.model.choice import Decision, Terms, logit_choice, logit_totals
from scenarios.model.observation import Observation
from scenarios.model.random import Random

POLICY = "supporter"
ROLE = "supporter"
REVIEWS_ON = frozenset(
    {"ceasefire collapsed", "ceasefire agreed", "objective taken", SUPPORT_CHANGED}
)  # triggers that bring a review besides the periodic one
QUIET_ACTS = ("hold",)  # acts that change nothing (left out of the event log)
OPTIONS = ("escalate", "hold", "back_off")
RungName = Literal["diplomatic", "syrian_fighters", "f16_deterrent", "personnel"]


class Rung(Frozen):
    """One rung of the support ladder."""

    name: RungName = Field(description="What this rung adds; the combat and ceasefire mechanisms key on it.")
    in_place_at_start: bool = Field(description="Whether this support is in place on the start date.")
    withdrawable: bool = Field(
        True,
        description="Whether the supporter may take this support back; false for support that is the relationship "
        "itself (only the lowest rungs, in place at the start).",
    )
    source: Source | None = Field(None, description="The report passage this encodes.")
    assumption: str | None = Field(None, description="The modeller's reason, where the report is silent.")

    @model_validator(mode="after")
    def _provenance(self) -> Rung:
        if self.source is None and self.assumption is None:
            raise ValueError("a rung needs `source:` or `assumption:`")
        return self


class Params(ActorParams):
    """Turkey's support ladder and utility weights."""

    OPTIONS: ClassVar[tuple[str, ...]] = OPTIONS

    policy: Literal["supporter"] = Field(description="The supporter's policy: a ladder of support for the attacker.")
    ladder: list[Rung] = Field(min_length=1, description="Support rungs from the lowest to the highest, in order.")
    influence_weight: NonNegative = Field(
        description="Utility of the influence won at the top of the ladder: climbing weighs the share of it still "
        "to be won, backing off the share already won (utility)."
    )
    escalation_cost: NonNegative = Field(description="Cost of climbing one rung, times the rung's height (utility).")
    russia_backing_cost_multiplier: NonNegative = Field(
        description="Escalation cost x this while Russia backs Armenia (factor)."
    )
    domestic_benefit: NonNegative = Field(description="Utility of support during an open war at home (utility).")
    operation_weight: NonNegative = Field(
        description="Utility of climbing while Azerbaijan is on the offensive (utility)."
    )
    back_off_weight: NonNegative = Field(description="Utility of backing off while Russia backs Armenia (utility).")
    pressure_weight: NonNegative = Field(
        description="Utility of backing off while Russia presses Azerbaijan and Turkey to back down (utility)."
    )
    stronger_position_gain: Share = Field(
        description="Gain since the start (share of the contested value) that makes a ceasefire Azerbaijan's return "
        "to negotiations 'with a stronger position' (share)."
    )
    stronger_position_weight: NonNegative = Field(
        description="Utility of backing off once Azerbaijan is back at the table with its target position (utility)."
    )

    min_dwell_days: NonNegative = Field(
        description="Days a support level is kept before Ankara changes it again (days)."
    )

    @model_validator(mode="after")
    def _ladder(self) -> Params:
        names = [r.name for r in self.ladder]
        if len(set(names)) != len(names):
            raise ValueError(f"ladder rungs must be distinct, got {names}")
        flags = [r.in_place_at_start for r in self.ladder]
        if flags != sorted(flags, reverse=True):
            raise ValueError("rungs in place at the start must be the lowest ones (no gaps in the ladder)")
        kept = [not r.withdrawable for r in self.ladder]
        if kept != sorted(kept, reverse=True) or any(not (r.withdrawable or r.in_place_at_start) for r in self.ladder):
            raise ValueError(
                "rungs with `withdrawable: false` must be the lowest ones and in place at the start (the supporter "
                "backs off no lower than them)"
            )
        return self

    def start_level(self) -> int:
        """Number of rungs in place on the start date."""
        return sum(r.in_place_at_start for r in self.ladder)

    def floor_level(self) -> int:
        """Number of the lowest rungs it never withdraws."""
        return sum(not r.withdrawable for r in self.ladder)


def decide(obs: Observation, p: Values, rng: Random, explain: bool = True) -> tuple[Decision, ...]:
    """Climb, hold or descend one rung (never below the rungs it does not withdraw), by the logit rule; holding
    carries the commitment bonus. Term by term when `explain`; otherwise from totals, the same terms added in the
    same order."""
    level, top = obs.support_level, obs.support_levels
    war = 0.0 if obs.ceasefire else 1.0
    backed = obs.patron_backs_defender
    pressed = obs.postures.get(obs.roles.patron) == "press_azerbaijan"
    on_offensive = obs.postures.get(obs.roles.attacker) == "offensive"
    back_at_table = obs.ceasefire and obs.attacker_share >= obs.start_share + p.stronger_position_gain
    if obs.days_since_support_changed < p.min_dwell_days:
        return ()  # a commitment just made is kept for a while
    if not explain:
        totals = {"hold": 0.0 + p.inertia}
        if level < top:
            cost_factor = p.russia_backing_cost_multiplier if backed else 1.0
            totals["escalate"] = (
                0.0
                + p.influence_weight * (1.0 - level / top)
                + p.domestic_benefit * war
                + (p.operation_weight if on_offensive else 0.0)
                + -p.escalation_cost * (level + 1) * cost_factor
            )
        if level > obs.support_floor:
            totals["back_off"] = (
                0.0
                + -p.influence_weight * level / top
                + (p.back_off_weight if backed else 0.0)
                + (p.pressure_weight if pressed else 0.0)
                + -p.domestic_benefit * war
                + (p.stronger_position_weight if back_at_table else 0.0)
            )
        return (logit_totals(obs.actor, totals, p.rationality, rng, floor=p.min_choice_probability, track=""),)
    utilities: dict[str, Terms] = {"hold": {"commitment": p.inertia}}  # staying on the current rung
    if level < top:
        cost_factor = p.russia_backing_cost_multiplier if backed else 1.0
        utilities["escalate"] = {
            "influence": p.influence_weight * (1.0 - level / top),
            "domestic_support": p.domestic_benefit * war,
            "azerbaijani_offensive": p.operation_weight if on_offensive else 0.0,
            "cost": -p.escalation_cost * (level + 1) * cost_factor,
        }
    if level > obs.support_floor:
        utilities["back_off"] = {
            "influence_at_stake": -p.influence_weight * level / top,
            "russian_backing": p.back_off_weight if backed else 0.0,
            "russian_pressure": p.pressure_weight if pressed else 0.0,
            "domestic_support": -p.domestic_benefit * war,
            "azerbaijan_back_at_the_table": p.stronger_position_weight if back_at_table else 0.0,
        }
    # an act on the ladder, not a posture: its posture is the top rung in place (set by the simulation)
    return (logit_choice(obs.actor, utilities, p.rationality, rng, floor=p.min_choice_probability, track=""),)


def apply(state: SupportState, decision: Decision, obs: Observation) -> None:
    """Climb or descend one rung of the ladder."""
    if decision.option == "escalate":
        state.set_support_level(min(state.support_level + 1, len(state.support_ladder)))
    elif decision.option == "back_off":
        state.set_support_level(max(state.support_level - 1, 0))


class SupportState(Protocol):
    """The part of the world state the supporter's decisions change."""

    support_level: int
    support_ladder: tuple[str, ...]

    def set_support_level(self, level: int) -> None: ...
