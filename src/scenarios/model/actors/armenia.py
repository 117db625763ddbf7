"""Armenia: defends the high ground, retaliates beyond the line of contact, asks Russia for help, or concedes."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from scenarios.config.draw import Values
from scenarios.config.params import NonNegative, Positive, Real
from scenarios.model.actors.base import ActorParams
from scenarios.model.choice import Decision, Terms, logit_choice
from scenarios.model.observation import Observation
from scenarios.model.random import Random
from scenarios.model.state import WorldState

NAME = "armenia"
OPTIONS = ("defend", "retaliate", "ask_russia", "concede")
PARTY = True


class Params(ActorParams):
    """Armenia's utility weights."""

    OPTIONS: ClassVar[tuple[str, ...]] = OPTIONS

    retaliation_base: Real = Field(description="Utility of retaliating with no grievance (utility).")
    grievance_window_days: Positive = Field(description="How far back Azerbaijani attacks count as a grievance (days).")
    grievance_weight: NonNegative = Field(
        description="Utility of retaliating per Azerbaijani attack in the last 7 days (utility/attack)."
    )
    f16_deterrence: NonNegative = Field(
        description="Disutility of retaliating while Turkish F-16s are present (utility)."
    )
    ask_russia_base: Real = Field(description="Utility of asking Russia for support with no losses (utility).")
    ask_russia_loss_weight: NonNegative = Field(
        description="Utility of asking Russia per share of the contested value lost (utility/share)."
    )
    concession_base: Real = Field(description="Utility of conceding with no pressure and no losses (utility).")
    concession_pressure_weight: NonNegative = Field(description="Utility of conceding while Russia presses (utility).")
    concession_loss_weight: NonNegative = Field(
        description="Utility of conceding per share of the contested value lost (utility/share)."
    )


def decide(obs: Observation, p: Values, rng: Random) -> Decision:
    """Score the options term by term and choose by the logit rule (`p`: this replication's values of `Params`)."""
    posture = obs.postures[NAME]
    inertia = p.inertia
    losses = obs.armenian_losses
    pressed = obs.postures.get("russia") == "pressure_armenia"
    utilities: dict[str, Terms] = {
        "defend": {"inertia": inertia if posture == "defend" else 0.0},
        "retaliate": {
            "inertia": inertia if posture == "retaliate" else 0.0,
            "base": p.retaliation_base,
            "grievance": p.grievance_weight * obs.recent_azerbaijani_attacks,
            "f16_deterrence": -p.f16_deterrence if obs.f16_present else 0.0,
        },
    }
    if not obs.russia_backs_armenia:  # once Russia backs Armenia there is nothing left to ask
        utilities["ask_russia"] = {
            "inertia": inertia if posture == "ask_russia" else 0.0,
            "base": p.ask_russia_base,
            "losses": p.ask_russia_loss_weight * losses,
        }
    utilities["concede"] = {
        "inertia": inertia if posture == "concede" else 0.0,
        "base": p.concession_base,
        "russian_pressure": p.concession_pressure_weight if pressed else 0.0,
        "military_pressure": p.concession_loss_weight * losses,
    }
    return logit_choice(NAME, utilities, p.rationality, rng)


def apply(state: WorldState, decision: Decision) -> None:
    """Asking Russia and conceding are remembered: they change Russia's calculus and the talks."""
    if decision.option == "ask_russia":
        state.armenia_asked_russia = True
    elif decision.option == "concede":
        state.armenia_conceded = True
