"""The defender: defends the high ground, retaliates beyond the line of contact, concedes under pressure, or (in
extremis) withdraws; asks its patron for help once, as an act; answers ceasefire offers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal, NamedTuple

from pydantic import Field

from scenarios.config.blocks import Drawn, Setting, block_of
from scenarios.config.params import NonNegative, Positive, Real
from scenarios.config.policies import ActorParams, ActorValues
from scenarios.model.choice import Decision
from scenarios.model.observation import Observation
from scenarios.model.policy import DefenderPolicy, Trigger, Utility, choose
from scenarios.model.random import Random
from scenarios.model.state import WorldState
from scenarios.roles import PolicySchema, Role

OPTIONS = ("defend", "retaliate", "concede", "withdraw")
ASKED, CONCEDED, WITHDREW = "asked_patron", "conceded", "withdrew"


@dataclass(frozen=True, slots=True)
class Values(ActorValues):
    """The defender's utility weights."""

    retaliation_base: Annotated[float, Drawn(Real, "Utility of retaliating with no grievance (utility).")]
    grievance_window_days: Annotated[
        float, Drawn(Positive, "How far back the attacker's attacks count as a grievance (days).")
    ]
    grievance_weight: Annotated[
        float,
        Drawn(
            NonNegative, "Utility of retaliating per attack of the attacker in the grievance window (utility/attack)."
        ),
    ]
    ask_patron_base: Annotated[float, Drawn(Real, "Utility of asking its patron for support with no losses (utility).")]
    ask_patron_loss_weight: Annotated[
        float, Drawn(NonNegative, "Utility of asking its patron per share of the contested value lost (utility/share).")
    ]
    concession_base: Annotated[float, Drawn(Real, "Utility of conceding with no pressure and no losses (utility).")]
    concession_pressure_weight: Annotated[
        float, Drawn(NonNegative, "Utility of conceding while its patron presses it (utility).")
    ]
    concession_loss_weight: Annotated[
        float, Drawn(NonNegative, "Utility of conceding per share of the contested value lost (utility/share).")
    ]
    withdrawal_base: Annotated[
        float, Drawn(Real, "Utility of agreeing to withdraw from the region it holds, with no losses (utility).")
    ]
    withdrawal_loss_weight: Annotated[
        float, Drawn(NonNegative, "Utility of withdrawing per share of the contested value lost (utility/share).")
    ]
    collapse_objectives: Annotated[
        tuple[str, ...],
        Setting(
            list[str],
            "Places without which the region's centre cannot be held (objective ids).",
            default=[],
            convert=tuple,
        ),
    ]
    collapse_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of withdrawing once a place it cannot hold the centre without has fallen "
            "(`collapse_objectives`) (utility).",
        ),
    ]
    accept_base: Annotated[
        float, Drawn(Real, "Utility of accepting a halt to the fighting, before its terms (utility).")
    ]
    accept_loss_weight: Annotated[
        float, Drawn(NonNegative, "Utility of accepting a halt per share of the contested value lost (utility/share).")
    ]
    control_cost: Annotated[
        float,
        Drawn(
            NonNegative,
            "Disutility of comprehensive terms, which put its control of the region on the table (utility).",
        ),
    ]
    peacekeeper_value: Annotated[
        float, Drawn(NonNegative, "Utility of a broker's peacekeepers guarding the line for it (utility).")
    ]
    backing_resolve: Annotated[
        float,
        Drawn(NonNegative, "Disutility of accepting a halt while its patron backs it (it can hold out) (utility)."),
    ]


@block_of(Values)
class Params(ActorParams):
    """The defender's utility weights."""

    OPTIONS: ClassVar[tuple[str, ...]] = OPTIONS

    policy: Literal["defender"] = Field(description="The defender's policy: defend, retaliate, concede, withdraw.")


SCHEMA = PolicySchema("defender", Role.DEFENDER, Params)


class Defend(NamedTuple):
    commitment: float


class Retaliate(NamedTuple):
    commitment: float
    base: float
    grievance: float
    deterrence: float


class Concede(NamedTuple):
    commitment: float
    base: float
    patron_pressure: float
    military_pressure: float


class Withdraw(NamedTuple):
    base: float
    military_pressure: float
    centre_indefensible: float


class AskPatron(NamedTuple):
    base: float
    losses: float


class NotYet(NamedTuple):
    pass


class Accept(NamedTuple):
    base: float
    losses: float
    broker_credibility: float
    patron_pressure: float
    control_at_stake: float
    peacekeepers: float
    patron_backing: float
    conceded: float


class Refuse(NamedTuple):
    pass


class Defender(DefenderPolicy[Values]):
    """The defender's policy (module docstring)."""

    schema = SCHEMA
    values = Values
    options = OPTIONS
    retaliation = "retaliate"
    reviews_on = frozenset(
        {Trigger.CEASEFIRE_COLLAPSED, Trigger.OBJECTIVE_TAKEN, Trigger.MASS_CASUALTY, Trigger.PATRON_SUPPORT_CHANGED}
    )
    quiet_acts = ("not_yet",)
    flags = (ASKED, CONCEDED, WITHDREW)
    conceded_flags = (CONCEDED, WITHDREW)  # acts that put a concession on the table
    help_flag = ASKED
    option_triggers: ClassVar[Mapping[str, Trigger]] = {"ask_patron": Trigger.HELP_REQUESTED}  # brings its patron in

    def grievance_window(self, v: Values) -> float:
        return v.grievance_window_days

    def decide(self, obs: Observation, v: Values, rng: Random, explain: bool = True) -> tuple[Decision, ...]:
        """Its posture, and (until it has) whether to ask its patron for help: an act made once, not a posture."""
        me = obs.actor
        posture = obs.postures[me]
        if posture == "withdraw":  # a withdrawal agreed is not taken back
            return ()
        inertia = v.inertia
        losses = obs.defender_losses
        utilities: dict[str, Utility] = {
            "defend": Defend(inertia if posture == "defend" else 0.0),
            "retaliate": Retaliate(
                inertia if posture == "retaliate" else 0.0,
                v.retaliation_base,
                v.grievance_weight * obs.recent_attacks,
                -obs.deterrence if obs.deterrence else 0.0,
            ),
            "concede": Concede(
                inertia if posture == "concede" else 0.0,
                v.concession_base,
                v.concession_pressure_weight if obs.patron_presses is Role.DEFENDER else 0.0,
                v.concession_loss_weight * losses,
            ),
            "withdraw": Withdraw(
                v.withdrawal_base,
                v.withdrawal_loss_weight * losses,
                v.collapse_weight if obs.centre_lost else 0.0,
            ),
        }
        floor = v.min_choice_probability
        decisions = [choose(me, utilities, v.rationality, rng, explain, floor)]
        if not obs.help_requested and not obs.patron_backs_defender:
            ask: dict[str, Utility] = {
                "ask_patron": AskPatron(v.ask_patron_base, v.ask_patron_loss_weight * losses),
                "not_yet": NotYet(),
            }
            decisions.append(choose(me, ask, v.rationality, rng, explain, floor, track=""))
        return tuple(decisions)

    def answer(self, obs: Observation, v: Values, rng: Random, explain: bool = True) -> Decision:
        """Accept or refuse the offer on the table."""
        offer = obs.offer
        assert offer is not None
        posture = obs.postures[obs.actor]
        accept = Accept(
            base=v.accept_base,
            losses=v.accept_loss_weight * obs.defender_losses,
            broker_credibility=offer.credibility,
            patron_pressure=v.concession_pressure_weight if obs.patron_presses is Role.DEFENDER else 0.0,
            control_at_stake=-v.control_cost if offer.kind == "comprehensive" else 0.0,
            peacekeepers=v.peacekeeper_value if offer.peacekeepers else 0.0,
            patron_backing=-v.backing_resolve if obs.patron_backs_defender else 0.0,
            conceded=v.control_cost if posture in ("concede", "withdraw") else 0.0,
        )
        options: dict[str, Utility] = {"accept": accept, "refuse": Refuse()}
        return choose(obs.actor, options, v.rationality, rng, explain, v.min_choice_probability, "")

    def apply(self, state: WorldState, decision: Decision, obs: Observation) -> None:
        """Asking its patron, conceding and withdrawing are remembered: they change the patron's calculus and the
        talks."""
        me = obs.actor
        if decision.option == "ask_patron":
            state.set_flag(f"{me}.{ASKED}")
        elif decision.option == "concede":
            state.set_flag(f"{me}.{CONCEDED}")
        elif decision.option == "withdraw":
            state.set_flag(f"{me}.{WITHDREW}")
            state.set_flag(f"{me}.{CONCEDED}")

    def signal(self, state: WorldState, v: Values, start_share: float) -> bool:
        """Whether a place it cannot hold the centre without has fallen (`collapse_objectives`)."""
        objectives = state.objectives
        return any(objectives[o].held_by == state.attacker for o in v.collapse_objectives if o in objectives)
