"""The attacker: keeps a truce, fights under it, or ends it; launches and carries on operations; seeks talks.

An operation is a commitment: a target place and the route to it, valued over the whole operation with the seasons
ahead in view. Once launched it goes on (its remaining part keeps the commitment bonus `inertia`) until a review finds
something better; the simulation brings reviews at the triggers that matter (a place taken, losses beyond plan, an
offer, a patron's backing, support arriving, winter). Under a truce it may fight a *local* operation (a short
route) and keep the truce formally in force, at a cost (`cover_cost`), or end the truce openly with an offensive; the
strain of violations pulls toward an open break. Its aims decide what a gain is worth: limited aims value the land
around the region's core above the core, maximalist aims value it all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, NamedTuple

from pydantic import Field

from scenarios.config.blocks import Drawn, block_of
from scenarios.config.params import AtLeastOne, NonNegative, Positive, PositiveShare, Probability, Share
from scenarios.config.policies import ActorParams, ActorValues
from scenarios.model import ceasefire
from scenarios.model.choice import Decision
from scenarios.model.observation import Observation, OfferView, OperationView
from scenarios.model.policy import AttackerPolicy, Trigger, Utility, choose
from scenarios.model.random import Random
from scenarios.model.state import Operation, WorldState
from scenarios.roles import PolicySchema, Role

OPTIONS = ("hold", "talks", "offensive")
OPERATION_PREFIX = "operation:"  # an open offensive on a place: operation:<target>
LOCAL_PREFIX = "local:"  # an operation fought under a truce that stays formally in force: local:<target>


@dataclass(frozen=True, slots=True)
class Values(ActorValues):
    """The attacker's aims, utility weights and beliefs."""

    target_share: Annotated[
        float,
        Drawn(
            PositiveShare,
            "Share of the contested value it means to hold before negotiating, when its aims are limited (share).",
        ),
    ]
    limited_aims_probability: Annotated[
        float,
        Drawn(
            Probability,
            "Chance that its real aim is the limited one (improve its position) rather than the maximalist claim "
            "(probability).",
        ),
    ]
    maximalist_target_share: Annotated[
        float, Drawn(PositiveShare, "The share it means to hold when its aims are maximalist (share).")
    ]
    aims_draw: Annotated[
        float,
        Drawn(
            Share,
            "Which aims this replication has: limited when below `limited_aims_probability` (a uniform draw in "
            "[0, 1]).",
        ),
    ]
    core_value_limited: Annotated[
        float,
        Drawn(
            NonNegative,
            "With limited aims, what a place of the region's core is worth against the land around it (factor).",
        ),
    ]
    core_value_maximalist: Annotated[float, Drawn(NonNegative, "The same with maximalist aims (factor).")]
    gain_weight: Annotated[float, Drawn(NonNegative, "Utility of gaining the whole contested value (utility/share).")]
    gain_weight_beyond_target: Annotated[
        float, Drawn(Share, "Fraction of the value of gains kept beyond the target share (fraction).")
    ]
    max_operation_days: Annotated[float, Drawn(Positive, "Longest operation it would plan (days).")]
    max_route_objectives: Annotated[float, Drawn(AtLeastOne, "Most places an operation's route may cross (count).")]
    military_casualty_weight: Annotated[
        float, Drawn(NonNegative, "Disutility of its military deaths (utility/100 people).")
    ]
    civilian_casualty_weight: Annotated[
        float, Drawn(NonNegative, "Disutility of civilian deaths in the region it claims (utility/100 people).")
    ]
    diplomatic_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Disutility of a month of fighting at attention 1 and full energy-trade exposure (utility).",
        ),
    ]
    energy_trade_exposure: Annotated[float, Drawn(Share, "How much its energy trade suffers from attention (share).")]
    ceasefire_breach_cost: Annotated[float, Drawn(NonNegative, "Disutility of ending a truce openly (utility).")]
    settlement_breach_cost: Annotated[
        float,
        Drawn(
            NonNegative,
            "Extra disutility of breaking comprehensive terms it agreed (lines, a settlement), on top of "
            "`ceasefire_breach_cost` (utility).",
        ),
    ]
    repeat_breach_cost: Annotated[
        float,
        Drawn(NonNegative, "Extra disutility of breaking a truce per truce it has already broken: its word (utility)."),
    ]
    cover_cost: Annotated[
        float,
        Drawn(
            NonNegative,
            "Disutility of a month of fighting under a truce it keeps formally in force: its brokers' displeasure "
            "(utility).",
        ),
    ]
    strain_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Pull toward ending a truce openly per unit of its strain (both sides' violations: the spiral of fire) "
            "(utility).",
        ),
    ]
    peacekeeper_breach_cost: Annotated[
        float, Drawn(NonNegative, "Extra disutility of breaking a truce guarded by peacekeepers (utility).")
    ]
    fresh_breach_cost: Annotated[
        float,
        Drawn(
            NonNegative,
            "Extra disutility of ending openly a truce it has just agreed, halving every `fresh_breach_half_life_days` "
            "of the truce's age: an affront to its broker while the signatures are fresh (utility).",
        ),
    ]
    fresh_breach_half_life_days: Annotated[float, Drawn(Positive, "How fast a truce stops being fresh (days).")]
    supporter_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of an offensive with its supporters' whole ladders decided (utility at full support).",
        ),
    ]
    patron_reaction_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Disutility of the defender's patrons turning against an offensive, at their whole ladders: what they "
            "have decided counts in full, what they may still decide by its expected chance (utility).",
        ),
    ]
    expected_patron_intervention: Annotated[
        float,
        Drawn(
            Probability,
            "Its belief that a patron already backing the defender would intervene against an offensive (probability).",
        ),
    ]
    expected_patron_backing: Annotated[
        float,
        Drawn(Probability, "Its belief that a patron would back the defender against an offensive (probability)."),
    ]
    fight_patron_cost: Annotated[
        float,
        Drawn(
            NonNegative,
            "Disutility of fighting on while a patron's forces fight for the defender, or of an open offensive "
            "through a patron's peacekeepers (utility).",
        ),
    ]
    defender_blinks_belief: Annotated[
        float, Drawn(Probability, "Its belief that the defender blinks first (probability).")
    ]
    blink_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of pressing on as the defender's stocks run down, while it expects the defender to blink "
            "(utility at belief 1 and the defender exhausted).",
        ),
    ]
    endurance_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Pull toward talks as its own stocks run down: the protracted, costly conflict it avoids (utility at "
            "exhausted stocks).",
        ),
    ]
    talks_weight: Annotated[float, Drawn(NonNegative, "Utility of talks once its target position is held (utility).")]
    talks_value_below_target: Annotated[
        float, Drawn(Share, "Fraction of the value of talks while short of the target, at no gain (fraction).")
    ]
    attention_talks_weight: Annotated[
        float, Drawn(NonNegative, "Pull toward talks per unit of international attention (utility/index).")
    ]
    patron_pressure_weight: Annotated[
        float,
        Drawn(NonNegative, "Pull toward talks while a patron presses it (and its supporters) to back down (utility)."),
    ]
    settlement_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of comprehensive terms that lock in a met position; the same is lost by locking in a position "
            "short of it (utility).",
        ),
    ]
    partisan_broker_cost: Annotated[
        float, Drawn(NonNegative, "Disutility of an offer brokered by a power that backs the defender (utility).")
    ]
    peacekeeper_cost: Annotated[
        float, Drawn(NonNegative, "Disutility of accepting a third party's peacekeepers on the line (utility).")
    ]
    loss_tolerance: Annotated[
        float, Drawn(AtLeastOne, "Losses beyond this multiple of an operation's plan bring a review (factor).")
    ]
    unaddressed_claims_weight: Annotated[
        float | None,
        Drawn(
            NonNegative,
            "Pull toward ending a truce openly per set of terms, offered under it, that would hand it places and that "
            "it accepted and the other side refused: its claims left unaddressed in the talks (utility/refusal; left "
            "out: none).",
            optional=True,
        ),
    ] = None


@block_of(Values)
class Params(ActorParams):
    """The attacker's aims, utility weights and beliefs."""

    OPTIONS: ClassVar[tuple[str, ...]] = OPTIONS

    policy: Literal["attacker"] = Field(description="The attacker's policy: operations, truces and talks.")


SCHEMA = PolicySchema("attacker", Role.ATTACKER, Params)


class Hold(NamedTuple):
    commitment: float


class Talks(NamedTuple):
    commitment: float
    position_for_talks: float
    attention_pressure: float
    patron_pressure: float
    own_stocks: float


class TalksValue(NamedTuple):
    """Talks without the commitment bonus: the truce as it stands, when answering an offer."""

    position_for_talks: float
    attention_pressure: float
    patron_pressure: float
    own_stocks: float


class OperationTerms(NamedTuple):
    territorial_gain: float
    military_casualties: float
    civilian_casualties: float
    diplomatic_cost: float
    ceasefire_breach: float  # ending a truce openly
    truce_strain: float  # both sides' violations (the spiral of fire), pulling toward the break
    unaddressed_claims: float  # terms it accepted and the other side refused under the truce, pulling the same way
    truce_cover: float  # fighting under a truce kept in force
    peacekeepers: float
    supporter_support: float
    patron_reaction: float
    fighting_the_patron: float
    defender_blinks: float
    commitment: float


class PositionalWar(NamedTuple):
    diplomatic_cost: float


class Accept(NamedTuple):
    position_for_talks: float
    attention_pressure: float
    patron_pressure: float
    own_stocks: float
    broker_credibility: float
    partisan_broker: float
    settlement: float
    handover: float
    peacekeepers: float


def target(v: Values) -> float:
    """The share it means to hold before negotiating: the limited aim, or (in the other runs) the maximalist one."""
    return v.target_share if v.aims_draw < v.limited_aims_probability else v.maximalist_target_share


def core_value(v: Values) -> float:
    """What a place of the region's core is worth, against the land around it, under this replication's aims."""
    return v.core_value_limited if v.aims_draw < v.limited_aims_probability else v.core_value_maximalist


def position_met(obs: Observation, v: Values) -> bool:
    """Its aim for the talks: the target share held, or a concession of the defender's to take to the table."""
    return obs.attacker_share >= target(v) or obs.defender_conceded


def gain(obs: Observation, v: Values, value_share: float, core_share: float) -> float:
    """What gaining places of this value is worth: full weight up to the target share, `gain_weight_beyond_target`
    beyond it, the core's part weighed by the aims."""
    if value_share <= 0.0:
        return 0.0
    share, t = obs.attacker_share, target(v)
    weight, beyond = v.gain_weight, v.gain_weight_beyond_target
    after = share + value_share
    raw = weight * (min(after, t) + beyond * max(0.0, after - t)) - weight * (
        min(share, t) + beyond * max(0.0, share - t)
    )
    return raw * ((value_share - core_share) + core_value(v) * core_share) / value_share


def talks_value(obs: Observation, v: Values) -> TalksValue:
    """Talks are worth little while the position is short of what it needs (¶9) and more once it is met (¶10); its
    stocks running down pull toward them (¶15)."""
    progress = 1.0 if position_met(obs, v) else v.talks_value_below_target * min(1.0, obs.attacker_share / target(v))
    return TalksValue(
        v.talks_weight * progress,
        v.attention_talks_weight * obs.attention,
        v.patron_pressure_weight if obs.patron_presses is Role.ATTACKER else 0.0,
        v.endurance_weight * (1.0 - obs.own_endurance),
    )


def operation_options(
    obs: Observation, v: Values, views: dict[str, OperationView], current: str | None
) -> dict[str, OperationTerms]:
    """Each operation valued over its whole route: the gain, casualties and diplomatic cost with the seasons ahead.
    Under a truce each can be fought locally (a short route, the truce kept in force at `cover_cost`) or as an open
    offensive that ends the truce; what does not depend on the operation is worked out once per review."""
    military, civilian = -v.military_casualty_weight, -v.civilian_casualty_weight
    diplomatic = -v.diplomatic_weight * v.energy_trade_exposure * obs.attention
    cover = -v.cover_cost
    breach = 0.0
    if obs.ceasefire:  # what ending the truce openly costs: more for terms it agreed, more with each truce it broke
        comprehensive = v.settlement_breach_cost if obs.ceasefire_kind == "comprehensive" else 0.0
        fresh = v.fresh_breach_cost * math.exp(-math.log(2.0) * obs.ceasefire_days / v.fresh_breach_half_life_days)
        breach = -(v.ceasefire_breach_cost + comprehensive + v.repeat_breach_cost * obs.truces_broken + fresh)
    strain = v.strain_weight * obs.strain if obs.ceasefire else 0.0
    claims = (v.unaddressed_claims_weight or 0.0) * obs.claims_refused
    guarded = -v.peacekeeper_breach_cost if obs.peacekeepers else 0.0
    support = v.supporter_weight * obs.support_in_place / max(obs.support_total, 1.0)
    committed = obs.defender_support / obs.defender_support_total if obs.defender_support_total else 0.0
    further = v.expected_patron_intervention if obs.patron_backs_defender else v.expected_patron_backing
    patron = -v.patron_reaction_weight * (committed + (1.0 - committed) * further)  # what is decided, and what may be
    fighting_patron = -v.fight_patron_cost if obs.patron_fights else 0.0
    # an open offensive through a patron's peacekeepers fires on that patron's forces: the same war with it
    through_patron = -v.fight_patron_cost if obs.patron_fights or obs.patron_peacekeepers else 0.0
    blinks = v.blink_weight * v.defender_blinks_belief * (1.0 - obs.enemy_endurance)
    inertia = v.inertia
    out: dict[str, OperationTerms] = {}
    for key, op in views.items():
        common = (
            gain(obs, v, op.value_share, op.core_share),
            military * op.casualties / 100.0,
            civilian * op.civilian_casualties / 100.0,
            diplomatic * op.days / 30.0,
        )
        if obs.ceasefire and op.local:
            name = LOCAL_PREFIX + key
            out[name] = OperationTerms(
                *common,
                0.0,
                0.0,
                0.0,
                cover * op.days / 30.0,
                guarded,
                support,
                patron,
                fighting_patron,
                blinks,
                inertia if name == current else 0.0,
            )
        name = OPERATION_PREFIX + key
        out[name] = OperationTerms(
            *common,
            breach,
            strain,
            claims,
            0.0,
            guarded,
            support,
            patron,
            through_patron,
            blinks,
            inertia if name == current else 0.0,
        )
    return out


class Attacker(AttackerPolicy[Values]):
    """The attacker's policy (module docstring)."""

    schema = SCHEMA
    values = Values
    options = OPTIONS
    offensive = attacking = "offensive"
    talks = stand_down = "talks"
    # Triggers it reviews its course on (besides its periodic review); offers it answers when they come.
    reviews_on = frozenset(
        {
            Trigger.CEASEFIRE_AGREED,
            Trigger.CEASEFIRE_COLLAPSED,
            Trigger.OBJECTIVE_TAKEN,
            Trigger.OPERATION_BEHIND_PLAN,
            Trigger.PATRON_SUPPORT_CHANGED,
            Trigger.SUPPORT_ARRIVED,
            Trigger.WINTER_BEGINS,
            Trigger.WINTER_ENDS,
            Trigger.MASS_CASUALTY,
        }
    )

    def position_met(self, state: WorldState, v: Values) -> bool:
        """The target share held or a concession made (read from the world state, for the brokers' terms)."""
        return state.share() >= target(v) or state.defender_conceded()

    def operation_limits(self, v: Values) -> tuple[int, float]:
        return int(v.max_route_objectives), v.max_operation_days

    def loss_tolerance(self, v: Values) -> float:
        return v.loss_tolerance

    def _current(self, obs: Observation) -> str | None:
        """The option of the operation under way, if it is on the offensive."""
        op = obs.operation
        if op is None or obs.postures[obs.actor] != self.offensive:
            return None
        return (LOCAL_PREFIX if obs.ceasefire and op.local else OPERATION_PREFIX) + op.target

    def _options(self, obs: Observation, v: Values) -> dict[str, Utility]:
        """Every option open now, with the commitment bonus on the current posture or operation."""
        posture = obs.postures[obs.actor]
        inertia = v.inertia
        utilities: dict[str, Utility] = {}
        if obs.ceasefire:
            utilities["hold"] = Hold(inertia if posture == "hold" else 0.0)
        utilities["talks"] = Talks(inertia if posture == "talks" else 0.0, *talks_value(obs, v))
        current = self._current(obs)
        views: dict[str, OperationView] = {view.target: view for view in obs.operations}
        if current is not None and obs.operation is not None:
            views[obs.operation.target] = obs.operation  # the operation under way, re-planned
        if views:
            utilities.update(operation_options(obs, v, views, current))
        return utilities

    def decide(self, obs: Observation, v: Values, rng: Random, explain: bool = True) -> tuple[Decision, ...]:
        """Choose a posture (or an operation) by the logit rule."""
        return (choose(obs.actor, self._options(obs, v), v.rationality, rng, explain, v.min_choice_probability),)

    def answer(self, obs: Observation, v: Values, rng: Random, explain: bool = True) -> Decision:
        """Accept or refuse the offer on the table: the agreement it opens against the best way to go on without it.

        At war the way on is an operation (or, with none worth launching or while it is in talks, positional war and
        its diplomatic cost); under a truce it is the truce as it stands, or (unless it is in talks) an operation
        under it or against it. In talks it refuses only terms worse than going on as it is."""
        offer: OfferView | None = obs.offer
        assert offer is not None
        alternatives: dict[str, Any] = {}
        if obs.postures[obs.actor] != self.talks:  # in talks, it has already put its operations aside
            alternatives = {
                k: u for k, u in self._options(obs, v).items() if k.startswith((OPERATION_PREFIX, LOCAL_PREFIX))
            }
        talks = talks_value(obs, v)
        if obs.ceasefire:  # the truce as it stands: the same talks, without the new terms
            alternatives["ceasefire_as_it_stands"] = talks
        elif not alternatives:
            alternatives["positional_war"] = PositionalWar(
                -v.diplomatic_weight * v.energy_trade_exposure * obs.attention
            )
        totals = {k: sum(u) for k, u in alternatives.items()}
        best = max(totals, key=totals.__getitem__)  # the first best
        met = position_met(obs, v)
        accept = Accept(
            *talks,
            broker_credibility=offer.credibility,
            partisan_broker=-v.partisan_broker_cost if offer.partisan else 0.0,
            settlement=(v.settlement_weight if met else -v.settlement_weight) if offer.kind == "comprehensive" else 0.0,
            handover=gain(obs, v, offer.handover_share, offer.handover_core),
            peacekeepers=-v.peacekeeper_cost if offer.peacekeepers else 0.0,
        )
        refuse = {f"best_alternative ({best})": 0.0 + totals[best]}
        return choose(
            obs.actor, {"accept": accept, "refuse": refuse}, v.rationality, rng, explain, v.min_choice_probability, ""
        )

    def posture_of(self, option: str) -> str:
        """The posture an option puts it in (every operation, local or open, is the offensive posture)."""
        return self.offensive if option.startswith((OPERATION_PREFIX, LOCAL_PREFIX)) else option

    def apply(self, state: WorldState, decision: Decision, obs: Observation) -> None:
        """Launch, carry on or end an operation; an open offensive under a truce ends it formally."""
        option = decision.option
        me = obs.actor
        if not option.startswith((OPERATION_PREFIX, LOCAL_PREFIX)):
            state.operations[me] = None
            return
        local = option.startswith(LOCAL_PREFIX)
        key = option.removeprefix(LOCAL_PREFIX if local else OPERATION_PREFIX)
        op = state.operations.get(me)
        if op is not None and op.target == key and op.local == (local and state.ceasefire is not None):
            return  # carrying on
        view = next(w for w in (*obs.operations, *((obs.operation,) if obs.operation else ())) if w.target == key)
        deaths = state.casualties.military_attacker
        state.operations[me] = Operation(key, view.route, state.day, view.days, view.casualties, deaths, me, local)
        state.launched[me] = state.launched.get(me, 0) + 1
        if state.ceasefire is not None and not local:
            ceasefire.end(state, "offensive", me)
