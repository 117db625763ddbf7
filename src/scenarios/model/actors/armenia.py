"""The defender (Armenia in the baseline): defends the high ground, retaliates beyond the line of contact, concedes
under pressure, or (in extremis) withdraws; asks its patron (Russia) for help once, as an act; answers ceasefire
offers."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from scenarios.config.draw import Values
from scenarios.config.params import NonNegative, Positive, Real
from scenarios.model.actors.base import ActorParams
from scenarios.model.actors.russia import SUPPORT_CHANGED
from scenarios.model.choice import Decision, Terms, logit_choice, logit_totals
from scenarios.model.observation import Observation
from scenarios.model.random import Random
from scenarios.model.state import WorldState

POLICY = "defender"
ROLE = "defender"
REVIEWS_ON = frozenset(
    {"ceasefire collapsed", "objective taken", "mass-casualty strike", SUPPORT_CHANGED}
)  # triggers that bring a review besides the periodic one
QUIET_ACTS = ("not_yet",)  # acts that change nothing (left out of the event log)
OPTIONS = ("defend", "retaliate", "concede", "withdraw")
PARTY = True
FLAGS = ("asked_russia", "conceded", "withdrew")  # acts remembered for good (flag_day.<actor>.<act>)
ASKED, CONCEDED, WITHDREW = FLAGS
OPTION_TRIGGERS = {"ask_russia": "Armenia asked Russia for help"}  # the act brings its patron to a review
DETERRENT = "f16_deterrent"  # the supporter's rung that deters its retaliation


class Params(ActorParams):
    """Armenia's utility weights."""

    OPTIONS: ClassVar[tuple[str, ...]] = OPTIONS

    policy: Literal["defender"] = Field(description="The defender's policy: defend, retaliate, concede, withdraw.")

    retaliation_base: Real = Field(description="Utility of retaliating with no grievance (utility).")
    grievance_window_days: Positive = Field(description="How far back Azerbaijani attacks count as a grievance (days).")
    grievance_weight: NonNegative = Field(
        description="Utility of retaliating per Azerbaijani attack in the grievance window (utility/attack)."
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
    withdrawal_base: Real = Field(
        description="Utility of agreeing to withdraw from Armenian-populated Karabakh with no losses (utility)."
    )
    withdrawal_loss_weight: NonNegative = Field(
        description="Utility of withdrawing per share of the contested value lost (utility/share)."
    )
    collapse_objectives: list[str] = Field(
        default_factory=list,
        description="Places without which the Armenian-populated centre cannot be held (objective ids).",
    )
    collapse_weight: NonNegative = Field(
        description="Utility of withdrawing once a place it cannot hold the centre without has fallen "
        "(`collapse_objectives`) (utility)."
    )
    accept_base: Real = Field(description="Utility of accepting a halt to the fighting, before its terms (utility).")
    accept_loss_weight: NonNegative = Field(
        description="Utility of accepting a halt per share of the contested value lost (utility/share)."
    )
    control_cost: NonNegative = Field(
        description="Disutility of comprehensive terms, which put its control of Karabakh on the table (utility)."
    )
    peacekeeper_value: NonNegative = Field(
        description="Utility of a broker's peacekeepers guarding the line for it (utility)."
    )
    backing_resolve: NonNegative = Field(
        description="Disutility of accepting a halt while Russia backs it (it can hold out) (utility)."
    )


def decide(obs: Observation, p: Values, rng: Random, explain: bool = True) -> tuple[Decision, ...]:
    """Its posture, and (until it has) whether to ask Russia for help: an act made once, not a posture.

    Term by term when `explain`; otherwise from totals, the same terms added in the same order.
    """
    me = obs.actor
    posture = obs.postures[me]
    if posture == "withdraw":  # a withdrawal agreed is not taken back
        return ()
    inertia = p.inertia
    losses = obs.defender_losses
    pressed = obs.postures.get(obs.roles.patron) == "press_armenia"
    if not explain:
        return _decide_totals(obs, p, rng, posture, inertia, losses, pressed)
    utilities: dict[str, Terms] = {
        "defend": {"commitment": inertia if posture == "defend" else 0.0},
        "retaliate": {
            "commitment": inertia if posture == "retaliate" else 0.0,
            "base": p.retaliation_base,
            "grievance": p.grievance_weight * obs.recent_attacks,
            "f16_deterrence": -p.f16_deterrence if DETERRENT in obs.rungs else 0.0,
        },
        "concede": {
            "commitment": inertia if posture == "concede" else 0.0,
            "base": p.concession_base,
            "russian_pressure": p.concession_pressure_weight if pressed else 0.0,
            "military_pressure": p.concession_loss_weight * losses,
        },
        "withdraw": {
            "base": p.withdrawal_base,
            "military_pressure": p.withdrawal_loss_weight * losses,
            "centre_indefensible": p.collapse_weight if obs.centre_lost else 0.0,
        },
    }
    decisions = [logit_choice(me, utilities, p.rationality, rng, floor=p.min_choice_probability)]
    if f"{me}.{ASKED}" not in obs.flags and not obs.patron_backs_defender:
        ask = {
            "ask_russia": {"base": p.ask_russia_base, "losses": p.ask_russia_loss_weight * losses},
            "not_yet": {},
        }
        decisions.append(logit_choice(me, ask, p.rationality, rng, floor=p.min_choice_probability, track=""))
    return tuple(decisions)


def _decide_totals(
    obs: Observation, p: Values, rng: Random, posture: str, inertia: float, losses: float, pressed: bool
) -> tuple[Decision, ...]:
    me = obs.actor
    totals = {
        "defend": 0.0 + (inertia if posture == "defend" else 0.0),
        "retaliate": 0.0
        + (inertia if posture == "retaliate" else 0.0)
        + p.retaliation_base
        + p.grievance_weight * obs.recent_attacks
        + (-p.f16_deterrence if DETERRENT in obs.rungs else 0.0),
        "concede": 0.0
        + (inertia if posture == "concede" else 0.0)
        + p.concession_base
        + (p.concession_pressure_weight if pressed else 0.0)
        + p.concession_loss_weight * losses,
        "withdraw": 0.0
        + p.withdrawal_base
        + p.withdrawal_loss_weight * losses
        + (p.collapse_weight if obs.centre_lost else 0.0),
    }
    decisions = [logit_totals(me, totals, p.rationality, rng, floor=p.min_choice_probability)]
    if f"{me}.{ASKED}" not in obs.flags and not obs.patron_backs_defender:
        ask = {"ask_russia": 0.0 + p.ask_russia_base + p.ask_russia_loss_weight * losses, "not_yet": 0.0}
        decisions.append(logit_totals(me, ask, p.rationality, rng, floor=p.min_choice_probability, track=""))
    return tuple(decisions)


def answer(obs: Observation, p: Values, rng: Random, explain: bool = True) -> Decision:
    """Accept or refuse the offer on the table (term by term when `explain`, from totals otherwise)."""
    offer = obs.offer
    assert offer is not None
    losses = obs.defender_losses
    posture = obs.postures[obs.actor]
    if not explain:
        total = (
            0.0
            + p.accept_base
            + p.accept_loss_weight * losses
            + offer.credibility
            + (p.concession_pressure_weight if obs.postures.get(obs.roles.patron) == "press_armenia" else 0.0)
            + (-p.control_cost if offer.kind == "comprehensive" else 0.0)
            + (p.peacekeeper_value if offer.peacekeepers else 0.0)
            + (-p.backing_resolve if obs.patron_backs_defender else 0.0)
            + (p.control_cost if posture in ("concede", "withdraw") else 0.0)
        )
        return logit_totals(
            obs.actor, {"accept": total, "refuse": 0.0}, p.rationality, rng, floor=p.min_choice_probability, track=""
        )
    accept: Terms = {
        "base": p.accept_base,
        "losses": p.accept_loss_weight * losses,
        "broker_credibility": offer.credibility,
        "russian_pressure": p.concession_pressure_weight
        if obs.postures.get(obs.roles.patron) == "press_armenia"
        else 0.0,
        "control_at_stake": -p.control_cost if offer.kind == "comprehensive" else 0.0,
        "peacekeepers": p.peacekeeper_value if offer.peacekeepers else 0.0,
        "russian_backing": -p.backing_resolve if obs.patron_backs_defender else 0.0,
        "conceded": p.control_cost if posture in ("concede", "withdraw") else 0.0,
    }
    return logit_choice(
        obs.actor, {"accept": accept, "refuse": {}}, p.rationality, rng, floor=p.min_choice_probability, track=""
    )


def apply(state: WorldState, decision: Decision, obs: Observation) -> None:
    """Asking Russia, conceding and withdrawing are remembered: they change Russia's calculus and the talks."""
    me = obs.actor
    if decision.option == "ask_russia":
        state.set_flag(f"{me}.{ASKED}")
    elif decision.option == "concede":
        state.set_flag(f"{me}.{CONCEDED}")
    elif decision.option == "withdraw":
        state.set_flag(f"{me}.{WITHDREW}")
        state.set_flag(f"{me}.{CONCEDED}")


def signal(state: WorldState, p: Values, block: Any, start_share: float) -> bool:
    """Whether a place it cannot hold the centre without has fallen (`collapse_objectives`)."""
    objectives = state.objectives
    return any(objectives[o].held_by == state.attacker for o in block.collapse_objectives if o in objectives)
