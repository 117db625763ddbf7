"""The attacker (Azerbaijan in the baseline): holds or breaks the ceasefire, launches and carries on operations, or
seeks talks.

An operation is a commitment: a target objective and the route to it, valued over the whole operation with the
seasons ahead in view. Once launched it goes on (its remaining part keeps the commitment bonus `inertia`) until a
review finds something better; the simulation brings reviews at the triggers that matter (objective taken, losses
beyond plan, an offer, Russia backing Armenia, winter).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from scenarios.config.draw import Values
from scenarios.config.params import AtLeastOne, NonNegative, Positive, PositiveShare, Probability, Share
from scenarios.model import ceasefire
from scenarios.model.actors.base import ActorParams
from scenarios.model.choice import Decision, Terms, logit_choice, logit_totals
from scenarios.model.observation import Observation, OfferView, OperationView, Roles
from scenarios.model.random import Random
from scenarios.model.state import Operation, WorldState

POLICY = "attacker"
ROLE = "attacker"
OPTIONS = ("hold", "talks", "offensive")
PARTY = True
READS_FRONT = True
OFFENSIVE = "offensive"
TALKS = "talks"  # the posture a party on the offensive stands down into when it accepts a ceasefire
OPERATION_PREFIX = "operation:"  # utilities key of an operation option: operation:<target>
# Triggers it reviews its course on (besides its periodic review); offers it answers when they come.
REVIEWS_ON = frozenset(
    {
        "ceasefire agreed",
        "ceasefire collapsed",
        "objective taken",
        "operation behind plan",
        "Russian support changed",
        "winter begins",
        "winter ends",
        "mass-casualty strike",
    }
)


class Params(ActorParams):
    """Azerbaijan's aims, utility weights and beliefs."""

    OPTIONS: ClassVar[tuple[str, ...]] = OPTIONS

    policy: Literal["attacker"] = Field(description="The attacker's policy: operations, ceasefires and talks.")

    target_share: PositiveShare = Field(
        description="Share of the contested value it means to hold before negotiating, when its aims are limited "
        "(share)."
    )
    limited_aims_probability: Probability = Field(
        description="Chance that its real aim is the limited one (improve its position) rather than the maximalist "
        "claim (probability)."
    )
    maximalist_target_share: PositiveShare = Field(
        description="The share it means to hold when its aims are maximalist (share)."
    )
    aims_draw: Share = Field(
        description="Which aims this replication has: limited when below `limited_aims_probability` (a uniform "
        "draw in [0, 1])."
    )
    gain_weight: NonNegative = Field(description="Utility of gaining the whole contested value (utility/share).")
    gain_weight_beyond_target: Share = Field(
        description="Fraction of the value of gains kept beyond the target share (fraction)."
    )
    max_operation_days: Positive = Field(description="Longest operation it would plan (days).")
    max_route_objectives: AtLeastOne = Field(description="Most objectives an operation's route may cross (count).")
    military_casualty_weight: NonNegative = Field(description="Disutility of its military deaths (utility/100 people).")
    civilian_casualty_weight: NonNegative = Field(
        description="Disutility of civilian deaths in the region it claims (utility/100 people)."
    )
    diplomatic_weight: NonNegative = Field(
        description="Disutility of a month of offensive at attention 1 and full energy-trade exposure (utility)."
    )
    energy_trade_exposure: Share = Field(description="How much its energy trade suffers from attention (share).")
    ceasefire_breach_cost: NonNegative = Field(description="Disutility of breaking a ceasefire openly (utility).")
    peacekeeper_breach_cost: NonNegative = Field(
        description="Extra disutility of breaking a ceasefire guarded by peacekeepers (utility)."
    )
    turkish_support_weight: NonNegative = Field(
        description="Utility of an offensive at full Turkish support (utility at the top of the ladder)."
    )
    russian_reaction_weight: NonNegative = Field(
        description="Disutility of Russia turning against an offensive: backing Armenia while it does not yet, "
        "intervening once it does (utility)."
    )
    expected_russian_intervention: Probability = Field(
        description="Its belief that a Russia already backing Armenia would intervene against an offensive "
        "(probability)."
    )
    expected_russian_backing: Probability = Field(
        description="Its belief that Russia would back Armenia against an offensive (probability)."
    )
    armenia_blinks_belief: Probability = Field(description="Its belief that Armenia blinks first (probability).")
    blink_weight: NonNegative = Field(
        description="Utility of pressing on while it expects Armenia to blink (utility at belief 1)."
    )
    talks_weight: NonNegative = Field(description="Utility of talks once its target position is held (utility).")
    talks_value_below_target: Share = Field(
        description="Fraction of the value of talks while short of the target, at no gain (fraction)."
    )
    attention_talks_weight: NonNegative = Field(
        description="Pull toward talks per unit of international attention (utility/index)."
    )
    russian_pressure_weight: NonNegative = Field(
        description="Pull toward talks while Russia presses Baku (and Ankara) to back down (utility)."
    )
    settlement_weight: NonNegative = Field(
        description="Utility of comprehensive terms that lock in a met position; the same is lost by locking in a "
        "position short of it (utility)."
    )
    partisan_broker_cost: NonNegative = Field(
        description="Disutility of an offer brokered by a power that backs Armenia (utility)."
    )
    peacekeeper_cost: NonNegative = Field(
        description="Disutility of accepting a third party's peacekeepers on the line (utility)."
    )
    loss_tolerance: AtLeastOne = Field(
        description="Losses beyond this multiple of an operation's plan bring a review (factor)."
    )


def target(p: Values) -> float:
    """The share it means to hold before negotiating: the limited aim, or (in the other runs) the maximalist one."""
    return float(p.target_share if p.aims_draw < p.limited_aims_probability else p.maximalist_target_share)


def position_value(share: float, p: Values) -> float:
    """What holding `share` is worth: full weight up to the target, `gain_weight_beyond_target` beyond it."""
    t = target(p)
    return float(p.gain_weight * (min(share, t) + p.gain_weight_beyond_target * max(0.0, share - t)))


def position_met(obs: Observation, p: Values) -> bool:
    """Its aim for the talks: the target share held, or an Armenian concession or withdrawal to take to the table."""
    defender = obs.roles.defender
    return obs.attacker_share >= target(p) or f"{defender}.conceded" in obs.flags or f"{defender}.withdrew" in obs.flags


def position_met_state(state: WorldState, p: Values, roles: Roles) -> bool:
    """The same read from the world state (for the brokers' terms): the target held or a concession made."""
    return state.share() >= target(p) or state.flag(f"{roles.defender}.conceded")


def talks_value(obs: Observation, p: Values) -> Terms:
    """Talks are worth little while the position is short of what Baku needs (¶9) and more once it is met (¶10)."""
    met = position_met(obs, p)
    progress = 1.0 if met else p.talks_value_below_target * min(1.0, obs.attacker_share / target(p))
    return {
        "position_for_talks": p.talks_weight * progress,
        "attention_pressure": p.attention_talks_weight * obs.attention,
        "russian_pressure": p.russian_pressure_weight
        if obs.postures.get(obs.roles.patron) == "press_azerbaijan"
        else 0.0,
    }


def operation_terms(obs: Observation, p: Values, op: OperationView) -> Terms:
    """An operation valued over its whole route: gain, casualties and diplomatic cost with the seasons ahead."""
    share = obs.attacker_share
    russia = p.expected_russian_intervention if obs.patron_backs_defender else p.expected_russian_backing
    return {
        "territorial_gain": position_value(share + op.value_share, p) - position_value(share, p),
        "military_casualties": -p.military_casualty_weight * op.attacker_casualties / 100.0,
        "civilian_casualties": -p.civilian_casualty_weight * op.civilian_casualties / 100.0,
        "diplomatic_cost": -p.diplomatic_weight * p.energy_trade_exposure * obs.attention * op.days / 30.0,
        "ceasefire_breach": -p.ceasefire_breach_cost if obs.ceasefire else 0.0,
        "peacekeepers": -p.peacekeeper_breach_cost if obs.peacekeepers else 0.0,
        "turkish_support": p.turkish_support_weight * obs.support_level / max(obs.support_levels, 1),
        "russian_reaction": -p.russian_reaction_weight * russia,
        "armenia_blinks": p.blink_weight * p.armenia_blinks_belief,
    }


def options(obs: Observation, p: Values) -> dict[str, Terms]:
    """Every option open now, term by term, with the commitment bonus on the current posture or operation."""
    posture = obs.postures[obs.actor]
    utilities: dict[str, Terms] = {}
    if obs.ceasefire:
        utilities["hold"] = {"commitment": p.inertia if posture == "hold" else 0.0}
    utilities["talks"] = {"commitment": p.inertia if posture == "talks" else 0.0, **talks_value(obs, p)}
    current = obs.operation.target if obs.operation is not None and posture == OFFENSIVE else None
    views = {v.target: v for v in obs.operations}
    if current is not None:
        views[current] = obs.operation  # type: ignore[assignment]  # the operation under way, re-planned
    for target, view in views.items():
        terms = operation_terms(obs, p, view)
        terms["commitment"] = p.inertia if target == current else 0.0
        utilities[OPERATION_PREFIX + target] = terms
    return utilities


def operation_totals(obs: Observation, p: Values) -> dict[str, float]:
    """The operation options of `options` as totals only: the same terms added in the same order (the untraced
    path; a test holds the two paths equal to the bit)."""
    posture = obs.postures[obs.actor]
    current = obs.operation.target if obs.operation is not None and posture == OFFENSIVE else None
    views = {v.target: v for v in obs.operations}
    if current is not None:
        views[current] = obs.operation  # type: ignore[assignment]  # the operation under way, re-planned
    if not views:
        return {}
    share = obs.attacker_share
    t = target(p)
    weight, beyond = p.gain_weight, p.gain_weight_beyond_target
    now = position_value(share, p)
    military = -p.military_casualty_weight
    civilian = -p.civilian_casualty_weight
    diplomatic = -p.diplomatic_weight * p.energy_trade_exposure * obs.attention
    breach = -p.ceasefire_breach_cost if obs.ceasefire else 0.0
    guarded = -p.peacekeeper_breach_cost if obs.peacekeepers else 0.0
    turkish = p.turkish_support_weight * obs.support_level / max(obs.support_levels, 1)
    russia = p.expected_russian_intervention if obs.patron_backs_defender else p.expected_russian_backing
    reaction = -p.russian_reaction_weight * russia
    blinks = p.blink_weight * p.armenia_blinks_belief
    inertia = p.inertia
    totals: dict[str, float] = {}
    for key, op in views.items():
        after = share + op.value_share
        gain = weight * (min(after, t) + beyond * max(0.0, after - t)) - now
        totals[OPERATION_PREFIX + key] = (
            0.0
            + gain
            + military * op.attacker_casualties / 100.0
            + civilian * op.civilian_casualties / 100.0
            + diplomatic * op.days / 30.0
            + breach
            + guarded
            + turkish
            + reaction
            + blinks
            + (inertia if key == current else 0.0)
        )
    return totals


def _talks_terms(obs: Observation, p: Values, met: bool) -> tuple[float, float, float]:
    """The values of `talks_value`'s terms, in its order, without the dict."""
    progress = 1.0 if met else p.talks_value_below_target * min(1.0, obs.attacker_share / target(p))
    russian = p.russian_pressure_weight if obs.postures.get(obs.roles.patron) == "press_azerbaijan" else 0.0
    return p.talks_weight * progress, p.attention_talks_weight * obs.attention, russian


def decide(obs: Observation, p: Values, rng: Random, explain: bool = True) -> tuple[Decision, ...]:
    """Choose a posture (or an operation) by the logit rule (`p`: this replication's values of `Params`);
    term by term when `explain`, from totals otherwise (the same choice)."""
    if explain:
        return (logit_choice(obs.actor, options(obs, p), p.rationality, rng, floor=p.min_choice_probability),)
    posture = obs.postures[obs.actor]
    inertia = p.inertia
    totals: dict[str, float] = {}
    if obs.ceasefire:
        totals["hold"] = 0.0 + (inertia if posture == "hold" else 0.0)
    position, pressure, russian = _talks_terms(obs, p, position_met(obs, p))
    totals["talks"] = 0.0 + (inertia if posture == "talks" else 0.0) + position + pressure + russian
    totals.update(operation_totals(obs, p))
    return (logit_totals(obs.actor, totals, p.rationality, rng, floor=p.min_choice_probability),)


def answer(obs: Observation, p: Values, rng: Random, explain: bool = True) -> Decision:
    """Accept or refuse the offer on the table: the talks it opens against the best way to go on without it.

    At war the way on is an operation (or, with none worth launching, positional war and its diplomatic cost);
    under a ceasefire it is the ceasefire as it stands, or an operation that breaks it. Term by term when
    `explain`, from totals otherwise (the same choice).
    """
    offer = obs.offer
    assert offer is not None
    if not explain:
        return _answer_totals(obs, p, rng, offer)
    alternatives = {k: v for k, v in options(obs, p).items() if k.startswith(OPERATION_PREFIX)}
    if obs.ceasefire:  # the ceasefire as it stands: the same talks, without the new terms
        alternatives["ceasefire_as_it_stands"] = talks_value(obs, p)
    elif not alternatives:
        war = -p.diplomatic_weight * p.energy_trade_exposure * obs.attention
        alternatives["positional_war"] = {"diplomatic_cost": war}
    best = max(alternatives, key=lambda k: sum(alternatives[k].values()))
    met = position_met(obs, p)
    accept: Terms = {
        **talks_value(obs, p),
        "broker_credibility": offer.credibility,
        "partisan_broker": -p.partisan_broker_cost
        if offer.broker == obs.roles.patron and obs.patron_backs_defender
        else 0.0,
        "settlement": (p.settlement_weight if met else -p.settlement_weight) if offer.kind == "comprehensive" else 0.0,
        "peacekeepers": -p.peacekeeper_cost if offer.peacekeepers else 0.0,
    }
    refuse: Terms = {f"best_alternative ({best})": sum(alternatives[best].values())}
    return logit_choice(
        obs.actor, {"accept": accept, "refuse": refuse}, p.rationality, rng, floor=p.min_choice_probability, track=""
    )


def _answer_totals(obs: Observation, p: Values, rng: Random, offer: OfferView) -> Decision:
    """`answer` from totals: the same sums, in the same order."""
    met = position_met(obs, p)
    position, pressure, russian = _talks_terms(obs, p, met)
    alternatives = operation_totals(obs, p)
    if obs.ceasefire:
        alternatives["ceasefire_as_it_stands"] = 0.0 + position + pressure + russian
    elif not alternatives:
        alternatives["positional_war"] = 0.0 + -p.diplomatic_weight * p.energy_trade_exposure * obs.attention
    best = max(alternatives.values())  # the first best, as `max` by key picks it; only its total is used
    accept = (
        0.0
        + position
        + pressure
        + russian
        + offer.credibility
        + (-p.partisan_broker_cost if offer.broker == obs.roles.patron and obs.patron_backs_defender else 0.0)
        + ((p.settlement_weight if met else -p.settlement_weight) if offer.kind == "comprehensive" else 0.0)
        + (-p.peacekeeper_cost if offer.peacekeepers else 0.0)
    )
    return logit_totals(
        obs.actor,
        {"accept": accept, "refuse": 0.0 + best},
        p.rationality,
        rng,
        floor=p.min_choice_probability,
        track="",
    )


def option_posture(option: str) -> str:
    """The posture an option puts it in (every operation is the `offensive` posture)."""
    return OFFENSIVE if option.startswith(OPERATION_PREFIX) else option


def apply(state: WorldState, decision: Decision, obs: Observation) -> None:
    """Launch, carry on or end an operation; an operation launched under a ceasefire breaks it."""
    option = decision.option
    if not option.startswith(OPERATION_PREFIX):
        state.operation = None
        return
    target = option.removeprefix(OPERATION_PREFIX)
    if state.operation is not None and state.operation.target == target:
        return  # carrying on
    view = next(v for v in (*obs.operations, *((obs.operation,) if obs.operation else ())) if v.target == target)
    state.operation = Operation(
        target, view.route, state.day, view.days, view.attacker_casualties, state.casualties.military_attacker
    )
    state.operations += 1
    if state.ceasefire is not None:
        ceasefire.end(state, "offensive", obs.actor)
