"""Azerbaijan: holds the ceasefire, attacks the lowlands or the mountains, or accepts talks."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from scenarios.config.draw import Values
from scenarios.config.params import NonNegative, Probability, Share
from scenarios.model import ceasefire
from scenarios.model.actors.base import ActorParams
from scenarios.model.choice import Decision, Terms, logit_choice
from scenarios.model.observation import FrontView, Observation
from scenarios.model.random import Random
from scenarios.model.state import WorldState

NAME = "azerbaijan"
OPTIONS = ("hold", "limited_offensive", "major_offensive", "talks")
PARTY = True
READS_FRONT = True
OFFENSIVES = frozenset({"limited_offensive", "major_offensive"})
# When a mediated ceasefire is agreed, an Azerbaijan on the offensive has accepted it: it stands down into talks.
STAND_DOWN = {"limited_offensive": "talks", "major_offensive": "talks"}


class Params(ActorParams):
    """Azerbaijan's utility weights and beliefs."""

    OPTIONS: ClassVar[tuple[str, ...]] = OPTIONS

    target_share: Share = Field(description="Share of the contested value it aims to hold before negotiating (share).")
    planning_horizon_days: NonNegative = Field(description="Horizon over which it weighs an offensive (days).")
    gain_weight: NonNegative = Field(description="Utility of gaining the whole contested value (utility/share).")
    gain_weight_beyond_target: Share = Field(
        description="Fraction of the value of gains kept once the target share is held (fraction)."
    )
    military_casualty_weight: NonNegative = Field(description="Disutility of its military deaths (utility/100 people).")
    civilian_casualty_weight: NonNegative = Field(
        description="Disutility of civilian deaths in the region it claims (utility/100 people)."
    )
    diplomatic_weight: NonNegative = Field(
        description="Disutility of attention x energy-trade exposure for an offensive on every sector (utility/index)."
    )
    energy_trade_exposure: Share = Field(description="How much its energy trade suffers from attention (share).")
    ceasefire_breach_cost: NonNegative = Field(
        description="Disutility of breaking a Kremlin-brokered ceasefire openly (utility)."
    )
    peacekeeper_breach_cost: NonNegative = Field(
        description="Extra disutility of breaking a ceasefire guarded by peacekeepers (utility)."
    )
    turkish_support_weight: NonNegative = Field(
        description="Utility of an offensive at full Turkish support (utility at the top of the ladder)."
    )
    russian_reaction_weight: NonNegative = Field(
        description="Disutility of Russia backing Armenia against an offensive on every sector (utility)."
    )
    expected_russian_backing: Probability = Field(
        description="Its belief that Russia would back Armenia against an offensive (probability)."
    )
    armenia_blinks_belief: Probability = Field(description="Its belief that Armenia blinks first (probability).")
    blink_weight: NonNegative = Field(description="Utility of an Armenian climb-down (utility).")
    talks_weight: NonNegative = Field(description="Utility of talks once its target position is held (utility).")
    attention_talks_weight: NonNegative = Field(
        description="Pressure to accept talks per unit of attention (utility/index)."
    )


def attacked_sectors(option: str, front: tuple[FrontView, ...]) -> tuple[FrontView, ...]:
    """Sectors an option attacks: a limited offensive takes lowland objectives only, a major one all."""
    if option == "limited_offensive":
        return tuple(f for f in front if f.objective is not None and f.terrain == "lowland")
    if option == "major_offensive":
        return tuple(f for f in front if f.objective is not None)
    return ()


def decide(obs: Observation, p: Values, rng: Random) -> Decision:
    """Score the options term by term and choose by the logit rule (`p`: this replication's values of `Params`)."""
    posture = obs.postures[NAME]
    inertia = p.inertia
    front = obs.front
    sectors = len(front) or 1
    horizon = p.planning_horizon_days
    below_target = obs.azerbaijani_share < p.target_share
    gain_scale = p.gain_weight * (1.0 if below_target else p.gain_weight_beyond_target)
    russia = 1.0 if obs.russia_backs_armenia else p.expected_russian_backing
    # terms every offensive weighs alike (per sector attacked, where they scale with reach)
    diplomatic = -p.diplomatic_weight * obs.attention * p.energy_trade_exposure
    breach = -p.ceasefire_breach_cost if obs.ceasefire else 0.0
    guarded = -p.peacekeeper_breach_cost if obs.peacekeepers else 0.0
    support = p.turkish_support_weight * obs.turkish_level / max(obs.turkish_level_max, 1)
    reaction = -p.russian_reaction_weight * russia
    blinks = p.blink_weight * p.armenia_blinks_belief

    utilities: dict[str, Terms] = {"hold": {"inertia": inertia if posture == "hold" else 0.0}}
    for option in ("limited_offensive", "major_offensive"):
        hit = attacked_sectors(option, front)
        if not hit:
            continue  # nothing left to attack this way: not an option
        reach = len(hit) / sectors
        gain = attackers = civilians = 0.0
        for f in hit:
            if f.remaining:  # share of the objective's value reachable within the planning horizon
                gain += f.value_share * min(1.0, f.advance_per_day * horizon / f.remaining)
            attackers += f.attacker_casualties_per_day
            civilians += f.civilian_casualties_per_day
        utilities[option] = {
            "inertia": inertia if option == posture else 0.0,
            "territorial_gain": gain_scale * gain,
            "military_casualties": -p.military_casualty_weight * attackers * horizon / 100.0,
            "civilian_casualties": -p.civilian_casualty_weight * civilians * horizon / 100.0,
            "diplomatic_cost": diplomatic * reach,
            "ceasefire_breach": breach,
            "peacekeepers": guarded,
            "turkish_support": support,
            "russian_reaction": reaction * reach,
            "armenia_blinks": blinks,
        }
    utilities["talks"] = {
        "inertia": inertia if posture == "talks" else 0.0,
        "position_for_talks": p.talks_weight * min(1.0, obs.azerbaijani_share / p.target_share),
        "attention_pressure": p.attention_talks_weight * obs.attention,
    }
    return logit_choice(NAME, utilities, p.rationality, rng)


def apply(state: WorldState, decision: Decision) -> None:
    """An offensive chosen under a ceasefire breaks it."""
    if decision.option in OFFENSIVES and state.ceasefire is not None:
        ceasefire.end(state, "azerbaijani_offensive")
