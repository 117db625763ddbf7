"""The defender: defends the high ground, retaliates beyond the line of contact, counter-attacks to retake what it
lost, or concedes under pressure; asks its patrons for help once, as an act; answers offers. A withdrawal is not an
act of its own: it is a settlement's terms (places handed over) that it accepts, which costs it most for the
region's core."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal, NamedTuple

from pydantic import Field

from scenarios.config.blocks import Drawn, Setting, block_of
from scenarios.config.params import AtLeastOne, NonNegative, Positive, Real
from scenarios.config.policies import ActorParams, ActorValues
from scenarios.model.choice import Decision
from scenarios.model.observation import Observation, OperationView
from scenarios.model.policy import DefenderPolicy, Trigger, Utility, choose
from scenarios.model.random import Random
from scenarios.model.state import Operation, WorldState
from scenarios.roles import PolicySchema, Role

OPTIONS = ("defend", "retaliate", "concede", "counter")
COUNTER_PREFIX = "counter:"  # a counter-attack on a place the attacker holds: counter:<place>
ASKED, CONCEDED = "asked_patron", "conceded"


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
    ask_patron_base: Annotated[
        float, Drawn(Real, "Utility of asking its patrons for support with no losses (utility).")
    ]
    ask_patron_loss_weight: Annotated[
        float,
        Drawn(NonNegative, "Utility of asking its patrons per share of the contested value lost (utility/share)."),
    ]
    concession_base: Annotated[float, Drawn(Real, "Utility of conceding with no pressure and no losses (utility).")]
    concession_pressure_weight: Annotated[
        float, Drawn(NonNegative, "Utility of conceding while a patron presses it (utility).")
    ]
    concession_loss_weight: Annotated[
        float, Drawn(NonNegative, "Utility of conceding per share of the contested value lost (utility/share).")
    ]
    endurance_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Pull toward conceding and accepting terms as its stocks run down: blinking first (utility at exhausted "
            "stocks).",
        ),
    ]
    regain_weight: Annotated[
        float,
        Drawn(NonNegative, "Utility of retaking lost places per share of the contested value (utility/share)."),
    ]
    counter_base: Annotated[
        float, Drawn(Real, "Utility of going over to the attack at all, before what it would retake (utility).")
    ]
    counter_casualty_weight: Annotated[
        float, Drawn(NonNegative, "Disutility of its military deaths in a counter-attack (utility/100 people).")
    ]
    max_counter_objectives: Annotated[
        float, Drawn(AtLeastOne, "Most places a counter-attack's route may cross (count).")
    ]
    max_counter_days: Annotated[float, Drawn(Positive, "Longest counter-attack it would plan (days).")]
    counter_tolerance: Annotated[
        float, Drawn(AtLeastOne, "Losses beyond this multiple of a counter-attack's plan bring a review (factor).")
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
            "What a place it cannot hold the centre without (`collapse_objectives`) weighs once lost: for terms that "
            "hand over the core, and for a counter-attack to retake it, which it launches even under a quiet truce "
            "(utility).",
        ),
    ]
    accept_base: Annotated[
        float, Drawn(Real, "Utility of accepting a halt to the fighting, before its terms (utility).")
    ]
    accept_loss_weight: Annotated[
        float,
        Drawn(NonNegative, "Utility of accepting a halt per share of the contested value lost (utility/share)."),
    ]
    control_cost: Annotated[
        float,
        Drawn(
            NonNegative,
            "Disutility of comprehensive terms, which put its control of the region on the table (utility).",
        ),
    ]
    handover_cost: Annotated[
        float,
        Drawn(NonNegative, "Disutility of handing over land per share of the contested value (utility/share)."),
    ]
    core_handover_cost: Annotated[
        float,
        Drawn(
            NonNegative,
            "Extra disutility of handing over the region's core per share of the contested value: a withdrawal from "
            "the land its population lives on (utility/share).",
        ),
    ]
    peacekeeper_value: Annotated[
        float, Drawn(NonNegative, "Utility of a broker's peacekeepers guarding the line for it (utility).")
    ]
    backing_resolve: Annotated[
        float,
        Drawn(NonNegative, "Disutility of accepting a halt while a patron backs it (it can hold out) (utility)."),
    ]
    ask_patron_strike_weight: Annotated[
        float | None,
        Drawn(
            NonNegative,
            "Utility of asking its patrons per strike on its own territory (utility/strike; left out: none).",
            optional=True,
        ),
    ] = None
    lost_again_cost: Annotated[
        float | None,
        Drawn(
            NonNegative,
            "Disutility of counter-attacking a place it has already taken back once and lost again, per such loss: "
            "the reserves spent there show it cannot be held (utility/loss; left out: none).",
            optional=True,
        ),
    ] = None


@block_of(Values)
class Params(ActorParams):
    """The defender's utility weights."""

    OPTIONS: ClassVar[tuple[str, ...]] = OPTIONS

    policy: Literal["defender"] = Field(
        description="The defender's policy: defend, retaliate, counter-attack, concede."
    )


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
    own_stocks: float


class Counter(NamedTuple):
    base: float
    regained: float
    grievance: float  # a counter-attack answers the attacker's attacks as a retaliation does
    military_casualties: float
    commitment: float
    lifeline: float  # a place it cannot hold the centre without (`collapse_objectives`)
    lost_again: float  # a place it took back before and lost again


class AskPatron(NamedTuple):
    base: float
    losses: float
    strikes_on_own_territory: float


class NotYet(NamedTuple):
    pass


class Accept(NamedTuple):
    base: float
    losses: float
    broker_credibility: float
    patron_pressure: float
    control_at_stake: float
    handover: float
    core_handover: float
    centre_indefensible: float
    own_stocks: float
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
    attacking = "counter"
    stand_down = "defend"
    reviews_on = frozenset(
        {
            Trigger.CEASEFIRE_COLLAPSED,
            Trigger.CEASEFIRE_AGREED,
            Trigger.OBJECTIVE_TAKEN,
            Trigger.MASS_CASUALTY,
            Trigger.PATRON_SUPPORT_CHANGED,
            Trigger.OPERATION_BEHIND_PLAN,
            Trigger.TRUCE_FIGHTING,
        }
    )
    quiet_acts = ("not_yet",)
    flags = (ASKED, CONCEDED)
    conceded_flags = (CONCEDED,)  # acts that put a concession on the table
    help_flag = ASKED
    option_triggers: ClassVar[Mapping[str, Trigger]] = {"ask_patron": Trigger.HELP_REQUESTED}  # brings its patrons in

    def grievance_window(self, v: Values) -> float:
        return v.grievance_window_days

    def operation_limits(self, v: Values) -> tuple[int, float]:
        return int(v.max_counter_objectives), v.max_counter_days

    def unbounded_targets(self, v: Values) -> frozenset[str]:
        """The places it cannot hold the centre without: it fights to reopen them however long it takes, where any
        other counter-attack is called off after `max_counter_days` (story readings 15-17: a supply road
        lost and never counter-attacked, a mountain road out of reach of a weeks-long counter-attack)."""
        return frozenset(v.collapse_objectives)

    def loss_tolerance(self, v: Values) -> float:
        return v.counter_tolerance

    def posture_of(self, option: str) -> str:
        """Every counter-attack is the `counter` posture."""
        return "counter" if option.startswith(COUNTER_PREFIX) else option

    def _counters(self, obs: Observation, v: Values) -> dict[str, Utility]:
        """Counter-attacks on places the attacker holds: what they retake against what they cost, more for a place
        the centre cannot live without; under a truce only while the attacker fights under it, or to reopen such a
        place once it has fallen (its supply road: a truce does not feed a cut-off region)."""
        quiet = obs.ceasefire and not obs.attacker_on_offensive
        if quiet and not obs.centre_lost:
            return {}
        current = obs.operation.target if obs.operation is not None and obs.postures[obs.actor] == "counter" else None
        views: dict[str, OperationView] = {view.target: view for view in obs.operations}
        if current is not None and obs.operation is not None:
            views[current] = obs.operation
        out: dict[str, Utility] = {}
        for key, op in views.items():
            lifeline = key in v.collapse_objectives
            if quiet and not lifeline:
                continue  # under a quiet truce it fights only to reopen what the centre cannot live without
            out[COUNTER_PREFIX + key] = Counter(
                v.counter_base,
                v.regain_weight * op.value_share,
                v.grievance_weight * obs.recent_attacks,
                -v.counter_casualty_weight * op.casualties / 100.0,
                v.inertia if key == current else 0.0,
                v.collapse_weight if lifeline else 0.0,
                -(v.lost_again_cost or 0.0) * op.lost_again,
            )
        return out

    def decide(self, obs: Observation, v: Values, rng: Random, explain: bool = True) -> tuple[Decision, ...]:
        """Its posture (or a counter-attack), and (until it has) whether to ask its patrons for help: an act made
        once, not a posture."""
        me = obs.actor
        posture = obs.postures[me]
        inertia = v.inertia
        losses = obs.defender_losses
        stocks = v.endurance_weight * (1.0 - obs.own_endurance)
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
                stocks,
            ),
        }
        utilities.update(self._counters(obs, v))
        floor = v.min_choice_probability
        decisions = [choose(me, utilities, v.rationality, rng, explain, floor)]
        if not obs.help_requested and not obs.patron_backs_defender and obs.roles.patrons:
            ask: dict[str, Utility] = {
                "ask_patron": AskPatron(
                    v.ask_patron_base,
                    v.ask_patron_loss_weight * losses,
                    (v.ask_patron_strike_weight or 0.0) * obs.own_territory_strikes,
                ),
                "not_yet": NotYet(),
            }
            decisions.append(choose(me, ask, v.rationality, rng, explain, floor, track=""))
        return tuple(decisions)

    def answer(self, obs: Observation, v: Values, rng: Random, explain: bool = True) -> Decision:
        """Accept or refuse the offer on the table: a halt's value against its terms (control of the region on the
        table, land handed over, its core above all)."""
        offer = obs.offer
        assert offer is not None
        posture = obs.postures[obs.actor]
        accept = Accept(
            base=v.accept_base,
            losses=v.accept_loss_weight * obs.defender_losses,
            broker_credibility=offer.credibility,
            patron_pressure=v.concession_pressure_weight if obs.patron_presses is Role.DEFENDER else 0.0,
            control_at_stake=-v.control_cost if offer.kind == "comprehensive" else 0.0,
            handover=-v.handover_cost * offer.handover_share,
            core_handover=-v.core_handover_cost * offer.handover_core,
            centre_indefensible=v.collapse_weight if offer.handover_core and obs.centre_lost else 0.0,
            own_stocks=v.endurance_weight * (1.0 - obs.own_endurance),
            peacekeepers=v.peacekeeper_value if offer.peacekeepers else 0.0,
            patron_backing=-v.backing_resolve if obs.patron_backs_defender else 0.0,
            conceded=v.control_cost if posture == "concede" else 0.0,
        )
        options: dict[str, Utility] = {"accept": accept, "refuse": Refuse()}
        return choose(obs.actor, options, v.rationality, rng, explain, v.min_choice_probability, "")

    def apply(self, state: WorldState, decision: Decision, obs: Observation) -> None:
        """Asking its patrons and conceding are remembered; a counter-attack is launched, carried on or ended."""
        me = obs.actor
        option = decision.option
        if option == "ask_patron":
            state.set_flag(f"{me}.{ASKED}")
            return
        if option == "not_yet":
            return
        if option == "concede":
            state.set_flag(f"{me}.{CONCEDED}")
        if not option.startswith(COUNTER_PREFIX):
            state.operations[me] = None
            return
        key = option.removeprefix(COUNTER_PREFIX)
        op = state.operations.get(me)
        if op is not None and op.target == key:
            return  # carrying on
        view = next(w for w in (*obs.operations, *((obs.operation,) if obs.operation else ())) if w.target == key)
        deaths = state.casualties.military_defender
        local = state.ceasefire is not None
        state.operations[me] = Operation(key, view.route, state.day, view.days, view.casualties, deaths, me, local)
        state.launched[me] = state.launched.get(me, 0) + 1

    def signal(self, state: WorldState, v: Values, start_share: float) -> bool:
        """Whether a place it cannot hold the centre without has fallen (`collapse_objectives`)."""
        places = state.places
        return any(places[o].held_by == state.attacker for o in v.collapse_objectives if o in places)
