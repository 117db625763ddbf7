"""Actor policies: each utility term moves the way the report says, the choice follows, and each act changes the
world as its module says."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from scenarios.model.actors import attacker, defender, supporter
from scenarios.model.choice import Decision
from scenarios.model.observation import Observation
from scenarios.model.policy import Policy
from scenarios.model.state import Operation

from .support import (
    Scripted,
    at_war,
    baseline_prepared,
    load_baseline,
    observation,
    offer,
    operation,
    policy,
    small_world,
    values,
)

ACTORS = values().actors
CAST = baseline_prepared().actors
azerbaijan, armenia, russia, turkey, cochairs = (
    policy(name) for name in ("azerbaijan", "armenia", "russia", "turkey", "cochairs")
)


def params(module: Policy[Any], **changes: Any) -> Any:
    """The actor's baseline medians, on the plain logit unless a test sets `min_choice_probability`: these tests
    read a mechanism's direction in its probabilities, and below the floor both sides of a comparison are 0."""
    name = module.name
    changes = {"min_choice_probability": 0.0, **changes}
    return getattr(values(**{f"actors__{name}__{k}": v for k, v in changes.items()}).actors, name)


def term_dict(utility: Any) -> dict[str, float]:
    """An option's utility term by term."""
    return utility._asdict() if hasattr(utility, "_asdict") else dict(utility)


def decide(module: Any, obs: Observation | None = None, u: float = 0.5, **changes: float) -> tuple[Decision, ...]:
    rng = Scripted([u] * 4)
    obs = (obs if obs is not None else observation())._replace(actor=module.name)
    decisions = module.decide(obs, params(module, **changes), rng)
    assert len(rng.uniforms) == 4 - len(decisions), "one uniform per decision"
    return tuple(decisions)


def one(module: Any, obs: Observation | None = None, track: str | None = None, **changes: float) -> Decision:
    """The decision on one track (the actor's own by default)."""
    want = module.name if track is None else track
    found = [d for d in decide(module, obs, **changes) if d.track == want]
    assert len(found) == 1, [d.track for d in decide(module, obs, **changes)]
    return found[0]


def answer(module: Any, obs: Observation, u: float = 0.5, **changes: float) -> Decision:
    rng = Scripted([u])
    decision = module.answer(obs._replace(actor=module.name), params(module, **changes), rng)
    assert rng.exhausted() and decision.track == "" and set(decision.utilities) == {"accept", "refuse"}
    return decision


def test_every_policy_returns_decisions_on_its_own_tracks() -> None:
    for name, spec in CAST.items():
        rng = Scripted([0.5] * 4)
        decisions = spec.decide(observation(actor=name), getattr(ACTORS, name), rng)
        assert len(rng.uniforms) == 4 - len(decisions), name
        tracks = spec.all_tracks()
        for decision in decisions:
            assert decision.actor == name
            assert decision.track == "" or decision.track in tracks
            if decision.track:
                assert spec.posture_of(decision.option) in tracks[decision.track]
            assert sum(decision.probabilities.values()) == pytest.approx(1.0)


# --- Azerbaijan ---------------------------------------------------------------------------------------------

AZ = ACTORS.azerbaijan
FUZULI = "operation:fuzuli"
SHUSHA = "operation:shusha"


def az(obs: Observation | None = None, **changes: float) -> Decision:
    return one(azerbaijan, obs, **changes)


def test_azerbaijan_options_under_a_ceasefire_and_at_war() -> None:
    assert list(az().utilities) == ["hold", "talks", FUZULI, SHUSHA]
    assert list(az(at_war()).utilities) == ["talks", FUZULI, SHUSHA]  # no ceasefire to hold
    assert list(az(at_war(operations=())).utilities) == ["talks"]


def test_azerbaijan_aims_limited_or_maximalist() -> None:
    limited = params(azerbaijan, aims_draw=0.1, limited_aims_probability=0.5)
    maximalist = params(azerbaijan, aims_draw=0.6, limited_aims_probability=0.5)
    assert attacker.target(limited) == AZ.target_share
    assert attacker.target(maximalist) == AZ.maximalist_target_share
    assert attacker.target(params(azerbaijan, aims_draw=0.999, limited_aims_probability=1.0)) == AZ.target_share
    assert attacker.target(params(azerbaijan, aims_draw=0.0, limited_aims_probability=0.0)) == (
        AZ.maximalist_target_share
    )


def test_azerbaijan_operation_terms() -> None:
    obs = observation()
    p = params(azerbaijan, aims_draw=0.0)  # limited aims
    view = obs.operations[0]
    terms = term_dict(attacker.operation_options(obs, p, {view.target: view}, None)[f"operation:{view.target}"])
    assert terms["territorial_gain"] == pytest.approx(AZ.gain_weight * view.value_share)  # 0.1 + 0.2 < target
    assert terms["military_casualties"] == pytest.approx(-AZ.military_casualty_weight * view.attacker_casualties / 100)
    assert terms["civilian_casualties"] == pytest.approx(-AZ.civilian_casualty_weight * view.civilian_casualties / 100)
    assert terms["diplomatic_cost"] == pytest.approx(
        -AZ.diplomatic_weight * AZ.energy_trade_exposure * obs.attention * view.days / 30
    )
    assert terms["ceasefire_breach"] == -AZ.ceasefire_breach_cost and terms["peacekeepers"] == 0.0
    assert terms["supporter_support"] == pytest.approx(AZ.supporter_weight * 3 / 4)
    assert terms["patron_reaction"] == pytest.approx(-AZ.patron_reaction_weight * AZ.expected_patron_backing)
    assert terms["defender_blinks"] == pytest.approx(AZ.blink_weight * AZ.defender_blinks_belief)


def test_azerbaijan_values_gains_less_beyond_its_target() -> None:
    p = params(azerbaijan, aims_draw=0.0)
    t = attacker.target(p)
    view = operation(value_share=0.2)
    below = term_dict(
        attacker.operation_options(observation(attacker_share=t - 0.2), p, {view.target: view}, None)[
            f"operation:{view.target}"
        ]
    )["territorial_gain"]
    beyond = term_dict(
        attacker.operation_options(observation(attacker_share=t), p, {view.target: view}, None)[
            f"operation:{view.target}"
        ]
    )["territorial_gain"]
    straddle = term_dict(
        attacker.operation_options(observation(attacker_share=t - 0.1), p, {view.target: view}, None)[
            f"operation:{view.target}"
        ]
    )["territorial_gain"]
    assert below == pytest.approx(AZ.gain_weight * 0.2)
    assert beyond == pytest.approx(AZ.gain_weight * AZ.gain_weight_beyond_target * 0.2)
    assert straddle == pytest.approx(AZ.gain_weight * (0.1 + AZ.gain_weight_beyond_target * 0.1))


def test_azerbaijan_breaking_a_ceasefire_costs_more_with_peacekeepers() -> None:
    war = az(at_war()).utilities[FUZULI]
    guarded = az(observation(ceasefire_kind="comprehensive", peacekeepers=True)).utilities[FUZULI]
    assert (war["ceasefire_breach"], war["peacekeepers"]) == (0.0, 0.0)
    assert (guarded["ceasefire_breach"], guarded["peacekeepers"]) == (
        -AZ.ceasefire_breach_cost,
        -AZ.peacekeeper_breach_cost,
    )


def test_azerbaijan_expects_more_of_a_russian_reaction_once_patron_backs() -> None:
    backed = az(observation(patron_backs_defender=True)).utilities[FUZULI]["patron_reaction"]
    assert backed == pytest.approx(-AZ.patron_reaction_weight * AZ.expected_patron_intervention)


def test_azerbaijan_the_operation_under_way_carries_the_commitment_bonus() -> None:
    current = operation("shusha", ("fuzuli", "shusha"), value_share=0.5, days=50.0, attacker_casualties=1200.0)
    obs = at_war(postures={"azerbaijan": "offensive"}, operation=current)
    d = az(obs)
    assert d.utilities[SHUSHA]["commitment"] == AZ.inertia and d.utilities[FUZULI]["commitment"] == 0.0
    assert d.utilities["talks"]["commitment"] == 0.0
    # re-planned from today: the current view replaces the fresh one
    assert d.utilities[SHUSHA]["military_casualties"] == pytest.approx(-AZ.military_casualty_weight * 12.0)
    fresh = az(at_war(postures={"azerbaijan": "offensive"}))
    assert d.probabilities[SHUSHA] > fresh.probabilities[SHUSHA]
    # without an operation under way, the posture's commitment goes to that posture
    assert az(observation(postures={"azerbaijan": "talks"})).utilities["talks"]["commitment"] == AZ.inertia
    assert az().utilities["hold"] == {"commitment": AZ.inertia}


def test_azerbaijan_talks_are_worth_little_short_of_the_target_and_more_once_met() -> None:
    p = params(azerbaijan, aims_draw=0.0)
    t = attacker.target(p)
    short = term_dict(attacker.talks_value(observation(attacker_share=t / 2), p))
    met = term_dict(attacker.talks_value(observation(attacker_share=t), p))
    conceded = term_dict(attacker.talks_value(observation(attacker_share=t / 2, flags={"armenia.conceded": 3.0}), p))
    assert short["position_for_talks"] == pytest.approx(AZ.talks_weight * AZ.talks_value_below_target * 0.5)
    assert met["position_for_talks"] == conceded["position_for_talks"] == AZ.talks_weight
    assert short["attention_pressure"] == pytest.approx(AZ.attention_talks_weight * 1.0)
    pressed = term_dict(attacker.talks_value(observation(postures={"russia": "press_attacker"}), p))
    assert pressed["patron_pressure"] == AZ.patron_pressure_weight and short["patron_pressure"] == 0.0


def test_azerbaijan_winter_ahead_deters_the_mountain_operation() -> None:
    summer = operation("shusha", ("fuzuli", "shusha"), 0.5, 40.0, 1200.0, 1.0, 0.0)
    winter = operation("shusha", ("fuzuli", "shusha"), 0.5, 70.0, 2600.0, 1.0, 40.0)
    s = az(at_war(operations=(summer,)))
    w = az(at_war(operations=(winter,), days_to_winter=5.0))
    assert w.utilities[SHUSHA]["military_casualties"] < s.utilities[SHUSHA]["military_casualties"]
    assert w.utilities[SHUSHA]["diplomatic_cost"] < s.utilities[SHUSHA]["diplomatic_cost"]
    assert w.probabilities[SHUSHA] < s.probabilities[SHUSHA]


def test_azerbaijan_casualty_weight_deters_the_costly_operation() -> None:
    light = az(at_war(), military_casualty_weight=0.1)
    heavy = az(at_war(), military_casualty_weight=1.0)
    assert heavy.probabilities[SHUSHA] < light.probabilities[SHUSHA]


def test_azerbaijan_attention_raises_diplomatic_cost_and_the_pull_of_talks() -> None:
    calm, loud = az(at_war(attention=0.5)), az(at_war(attention=3.0))
    for option in (FUZULI, SHUSHA):
        assert loud.utilities[option]["diplomatic_cost"] < calm.utilities[option]["diplomatic_cost"]
    assert loud.probabilities["talks"] > calm.probabilities["talks"]


def az_answer(obs: Observation, **changes: float) -> Decision:
    return answer(azerbaijan, obs, **changes)


def test_azerbaijan_answers_against_its_best_alternative() -> None:
    at_war_offer = at_war(offer=offer())
    d = az_answer(at_war_offer)
    alternatives = {k: term_dict(u) for k, u in azerbaijan._options(at_war_offer, AZ).items()}
    alternatives.pop("talks")  # at war the talks are what the offer opens, not an alternative
    best = max(alternatives, key=lambda k: sum(alternatives[k].values()))
    assert d.utilities["refuse"] == {f"best_alternative ({best})": pytest.approx(sum(alternatives[best].values()))}
    accept = d.utilities["accept"]
    assert accept["broker_credibility"] == 1.0 and accept["partisan_broker"] == 0.0
    assert accept["settlement"] == 0.0 and accept["peacekeepers"] == 0.0
    # under a ceasefire, holding (the ceasefire as it stands) is an alternative
    truce_obs = observation(offer=offer(upgrade=True, kind="comprehensive"))
    options = {k: term_dict(u) for k, u in azerbaijan._options(truce_obs, AZ).items()}
    assert "hold" in options and "talks" in options
    best = max(options, key=lambda k: sum(options[k].values()))
    assert set(az_answer(truce_obs).utilities["refuse"]) == {f"best_alternative ({best})"}
    # with nothing to launch, the way on is positional war
    nothing = az_answer(at_war(offer=offer(), operations=()))
    assert list(nothing.utilities["refuse"]) == ["best_alternative (positional_war)"]


def test_azerbaijan_refuses_a_halt_while_a_cheap_operation_pays() -> None:
    cheap = (operation("fuzuli", value_share=0.2, days=5.0, attacker_casualties=50.0),)
    dear = (operation("fuzuli", value_share=0.02, days=30.0, attacker_casualties=900.0),)
    assert az_answer(at_war(offer=offer(), operations=cheap)).probabilities["accept"] < 0.5
    assert (
        az_answer(at_war(offer=offer(), operations=dear)).probabilities["accept"]
        > (az_answer(at_war(offer=offer(), operations=cheap)).probabilities["accept"])
    )


def test_azerbaijan_terms_of_an_offer() -> None:
    p = params(azerbaijan, aims_draw=0.0)
    t = attacker.target(p)
    short, met = at_war(attacker_share=t / 2), at_war(attacker_share=t)
    comp = offer(kind="comprehensive", peacekeepers=True)
    assert (
        az_answer(short._replace(offer=comp), aims_draw=0.0).utilities["accept"]["settlement"] == -AZ.settlement_weight
    )
    assert az_answer(met._replace(offer=comp), aims_draw=0.0).utilities["accept"]["settlement"] == AZ.settlement_weight
    assert (
        az_answer(met._replace(offer=comp), aims_draw=0.0).utilities["accept"]["peacekeepers"] == -AZ.peacekeeper_cost
    )
    partisan = at_war(offer=offer("russia"), patron_backs_defender=True)
    assert az_answer(partisan).utilities["accept"]["partisan_broker"] == -AZ.partisan_broker_cost
    other = at_war(offer=offer("cochairs"), patron_backs_defender=True)
    assert az_answer(other).utilities["accept"]["partisan_broker"] == 0.0


def test_azerbaijan_apply_launches_carries_on_and_ends_operations() -> None:
    state = small_world(day=10.0)
    obs = at_war()
    choose = lambda option: Decision("azerbaijan", option, {}, {})  # noqa: E731
    azerbaijan.apply(state, choose(SHUSHA), obs)
    op = state.operation
    view = obs.operations[1]
    assert op == Operation("shusha", view.route, 10.0, view.days, view.attacker_casualties, 0.0)
    assert state.operations == 1
    state.day = 12.0
    azerbaijan.apply(state, choose(SHUSHA), obs)
    assert state.operation is op and state.operations == 1  # carrying on: the same operation
    azerbaijan.apply(state, choose(FUZULI), obs)
    assert state.operation is not None and state.operation.target == "fuzuli" and state.operations == 2
    azerbaijan.apply(state, choose("talks"), obs)
    assert state.operation is None and state.operations == 2


def test_azerbaijan_an_operation_launched_under_a_ceasefire_breaks_it() -> None:
    from scenarios.model import ceasefire

    state = small_world(day=3.0)
    ceasefire.start(state, "humanitarian", "russia", False)
    state.day = 8.0
    azerbaijan.apply(state, Decision("azerbaijan", FUZULI, {}, {}), observation())
    cf = state.ceasefires[-1]
    assert state.ceasefire is None and (cf.end, cf.cause, cf.broken_by) == (8.0, "offensive", "azerbaijan")
    assert state.war_since == 8.0 and state.operation is not None


def test_azerbaijan_every_operation_is_the_offensive_posture() -> None:
    assert azerbaijan.posture_of(SHUSHA) == azerbaijan.posture_of(FUZULI) == "offensive"
    assert azerbaijan.posture_of("talks") == "talks" and azerbaijan.posture_of("hold") == "hold"


# --- Armenia ------------------------------------------------------------------------------------------------

ARM = ACTORS.armenia


def test_armenia_decides_its_posture_and_asks_russia_once() -> None:
    first = decide(armenia)
    assert [d.track for d in first] == ["armenia", ""]
    assert set(first[0].utilities) == set(defender.OPTIONS) and set(first[1].utilities) == {"ask_patron", "not_yet"}
    asked = decide(armenia, observation(flags={"armenia.asked_patron": 2.0}))
    assert [d.track for d in asked] == ["armenia"]
    backed = decide(armenia, observation(patron_backs_defender=True))
    assert [d.track for d in backed] == ["armenia"]
    assert decide(armenia, observation(postures={"armenia": "withdraw"})) == ()  # a withdrawal is final


def test_armenia_grievance_grows_with_azerbaijani_attacks() -> None:
    quiet, angry = one(armenia, observation()), one(armenia, observation(recent_azerbaijani_attacks=10))
    assert angry.utilities["retaliate"]["grievance"] == pytest.approx(10 * ARM.grievance_weight)
    assert angry.probabilities["retaliate"] > quiet.probabilities["retaliate"]


def test_armenia_f16s_deter_retaliation() -> None:
    """The supporter's F-16 rung declares `deters_retaliation`: the defender weighs it while the rung is in place."""
    present, absent = one(armenia, observation()), one(armenia, observation(f16_present=False))
    assert present.utilities["retaliate"]["deterrence"] == -values().effects["f16_deterrent"].deters_retaliation
    assert absent.utilities["retaliate"]["deterrence"] == 0.0
    assert present.probabilities["retaliate"] < absent.probabilities["retaliate"]


def test_armenia_asks_russia_as_it_loses_ground() -> None:
    none = one(armenia, observation(), track="")
    lost = one(armenia, observation(attacker_share=0.3), track="")
    assert lost.utilities["ask_patron"]["losses"] == pytest.approx(ARM.ask_patron_loss_weight * 0.2)
    assert lost.probabilities["ask_patron"] > none.probabilities["ask_patron"]


def test_armenia_concedes_under_russian_pressure_or_military_defeat() -> None:
    base = one(armenia, observation())
    pressed = one(armenia, observation(postures={"russia": "press_defender"}))
    beaten = one(armenia, observation(attacker_share=0.6))
    assert pressed.utilities["concede"]["patron_pressure"] == ARM.concession_pressure_weight
    assert beaten.utilities["concede"]["military_pressure"] == pytest.approx(ARM.concession_loss_weight * 0.5)
    assert base.probabilities["concede"] < min(pressed.probabilities["concede"], beaten.probabilities["concede"])
    # "an Armenian withdrawal ... is extremely unlikely": without pressure or losses, conceding is rare
    assert base.probabilities["concede"] < 0.05 and base.probabilities["withdraw"] < 0.01


def test_armenia_withdrawal_becomes_thinkable_once_the_centre_cannot_be_held() -> None:
    held, lost = one(armenia, observation()), one(armenia, observation(centre_lost=True))
    assert held.utilities["withdraw"]["centre_indefensible"] == 0.0
    assert lost.utilities["withdraw"]["centre_indefensible"] == ARM.collapse_weight
    assert lost.probabilities["withdraw"] > held.probabilities["withdraw"]


def test_armenia_answers_an_offer_by_its_terms() -> None:
    plain = answer(armenia, observation(offer=offer()))
    accept = plain.utilities["accept"]
    assert accept["base"] == ARM.accept_base and accept["broker_credibility"] == 1.0
    assert plain.utilities["refuse"] == {}
    comp = answer(armenia, observation(offer=offer(kind="comprehensive", peacekeepers=True)))
    assert comp.utilities["accept"]["control_at_stake"] == -ARM.control_cost
    assert comp.utilities["accept"]["peacekeepers"] == ARM.peacekeeper_value
    backed = answer(armenia, observation(offer=offer(), patron_backs_defender=True))
    assert backed.utilities["accept"]["patron_backing"] == -ARM.backing_resolve
    assert backed.probabilities["accept"] < plain.probabilities["accept"]
    losing = answer(armenia, observation(offer=offer(), attacker_share=0.4))
    assert losing.probabilities["accept"] > plain.probabilities["accept"]
    conceded = answer(armenia, observation(offer=offer(kind="comprehensive"), postures={"armenia": "concede"}))
    assert conceded.utilities["accept"]["conceded"] == ARM.control_cost


def test_armenia_acts_are_remembered_as_flags() -> None:
    state = small_world(day=4.0)
    armenia.apply(state, Decision("armenia", "ask_patron", {}, {}, ""), observation(actor="armenia"))
    state.day = 6.0
    armenia.apply(state, Decision("armenia", "ask_patron", {}, {}, ""), observation(actor="armenia"))
    assert state.flags == {"armenia.asked_patron": 4.0}  # the first day is kept
    armenia.apply(state, Decision("armenia", "withdraw", {}, {}), observation(actor="armenia"))
    assert state.flags == {"armenia.asked_patron": 4.0, "armenia.withdrew": 6.0, "armenia.conceded": 6.0}


# --- Russia -------------------------------------------------------------------------------------------------

RU = ACTORS.russia


def test_russia_decides_on_two_tracks() -> None:
    diplomacy, support = decide(russia)
    assert (diplomacy.track, support.track) == ("russia", "russia.support")
    assert set(diplomacy.utilities) == {"mediate", "press_defender", "press_attacker"}
    assert set(support.utilities) == {"none", "back_defender"}  # intervention is not open yet


def test_russia_may_intervene_only_once_its_trigger_is_reached_and_never_undoes_it() -> None:
    opened = one(russia, observation(intervention_trigger=True), track="russia.support")
    assert set(opened.utilities) == {"none", "back_defender", "intervene"}
    assert opened.utilities["intervene"]["intervention_cost"] == -RU.intervention_cost
    # "currently unwilling to intervene militarily": even when open, at no losses it is a remote option
    assert opened.probabilities["intervene"] < 0.05
    beaten = one(russia, observation(intervention_trigger=True, attacker_share=0.7), track="russia.support")
    assert beaten.probabilities["intervene"] > opened.probabilities["intervene"]
    done = decide(russia, observation(postures={"russia.support": "intervene"}, patron_backs_defender=True))
    assert [d.track for d in done] == ["russia"]


def test_russia_backs_armenia_more_as_armenia_loses_and_asks() -> None:
    base = one(russia, observation(), track="russia.support")
    lost = one(russia, observation(attacker_share=0.3), track="russia.support")
    asked = one(russia, observation(flags={"armenia.asked_patron": 1.0}), track="russia.support")
    assert lost.utilities["back_defender"]["alliance"] == pytest.approx(RU.alliance_weight * 0.2)
    assert asked.utilities["back_defender"]["defender_request"] == RU.request_weight
    assert lost.probabilities["back_defender"] > base.probabilities["back_defender"]
    assert asked.probabilities["back_defender"] > base.probabilities["back_defender"]


def test_russia_support_is_sticky() -> None:
    none = one(russia, observation(), track="russia.support")
    backing = one(russia, observation(postures={"russia.support": "back_defender"}), track="russia.support")
    assert none.utilities["none"]["commitment"] == RU.support_inertia
    assert backing.utilities["back_defender"]["commitment"] == RU.support_inertia
    assert backing.probabilities["back_defender"] > none.probabilities["back_defender"]


def test_russia_turkish_influence_pushes_it_to_press_baku_and_back_armenia() -> None:
    low = decide(russia, observation(supporter_level=0))
    high = decide(russia, observation(supporter_level=4))
    assert high[0].utilities["press_attacker"]["supporter_influence"] == pytest.approx(RU.supporter_influence_weight)
    assert high[1].utilities["back_defender"]["supporter_influence"] == pytest.approx(RU.supporter_influence_weight)
    assert high[0].probabilities["press_attacker"] > low[0].probabilities["press_attacker"]
    assert high[1].probabilities["back_defender"] > low[1].probabilities["back_defender"]


def test_russia_presses_armenia_to_defuse_an_open_war() -> None:
    truce, war = one(russia, observation()), one(russia, at_war())
    assert war.utilities["press_defender"]["defuse_the_crisis"] == RU.crisis_weight
    assert truce.utilities["press_defender"]["defuse_the_crisis"] == 0.0
    assert war.probabilities["press_defender"] > truce.probabilities["press_defender"]


def guarantees(p: Any, places: tuple[str, ...]) -> Any:
    return dataclasses.replace(p, intervention_triggers=places)


def test_russia_intervention_opens_on_its_triggers_or_losses() -> None:
    state = small_world()
    start = state.share()
    p = params(russia, intervention_loss_threshold=0.45)
    assert not russia.signal(state, guarantees(p, ("shusha",)), start)
    state.take(state.objectives["fuzuli"])  # 0.2 of the value: below the threshold, not a trigger
    assert not russia.signal(state, guarantees(p, ("shusha",)), start)
    state.take(state.objectives["shusha"])
    assert russia.signal(state, guarantees(p, ("shusha",)), start)
    assert russia.signal(state, guarantees(p, ()), start)  # 0.5 lost, past the threshold
    assert not russia.signal(state, guarantees(params(russia, intervention_loss_threshold=0.6), ("nowhere",)), start)


# --- Turkey -------------------------------------------------------------------------------------------------

TR = ACTORS.turkey


def tr(obs: Observation, **changes: float) -> Decision:
    return one(turkey, obs, track="", **changes)


def test_turkey_options_follow_the_ladder() -> None:
    assert set(tr(observation(supporter_level=0)).utilities) == {"hold", "escalate"}
    assert set(tr(observation(supporter_level=4)).utilities) == {"hold", "back_off"}
    assert set(tr(observation(supporter_level=2)).utilities) == {"hold", "escalate", "back_off"}


def test_turkey_keeps_a_commitment_for_its_dwell_time() -> None:
    assert decide(turkey, observation(days_since_support_changed=TR.min_dwell_days - 0.5)) == ()
    assert len(decide(turkey, observation(days_since_support_changed=TR.min_dwell_days))) == 1


def test_turkey_escalation_costs_more_and_back_off_pays_when_patron_backs() -> None:
    free = tr(observation(supporter_level=2))
    backed = tr(observation(supporter_level=2, patron_backs_defender=True))
    assert backed.utilities["escalate"]["cost"] == pytest.approx(
        free.utilities["escalate"]["cost"] * TR.patron_backing_cost_multiplier
    )
    assert backed.utilities["back_off"]["patron_backing"] == TR.back_off_weight
    assert backed.probabilities["escalate"] < free.probabilities["escalate"]
    assert backed.probabilities["back_off"] > free.probabilities["back_off"]


def test_turkey_open_war_and_azerbaijani_operations_bring_support() -> None:
    truce = tr(observation(supporter_level=2))
    war = tr(at_war(supporter_level=2))
    offensive = tr(at_war(supporter_level=2, postures={"azerbaijan": "offensive"}))
    assert war.utilities["escalate"]["domestic_support"] == TR.domestic_benefit
    assert war.utilities["back_off"]["domestic_support"] == -TR.domestic_benefit
    assert offensive.utilities["escalate"]["attacker_offensive"] == TR.operation_weight
    assert truce.probabilities["escalate"] < war.probabilities["escalate"] < offensive.probabilities["escalate"]


def test_turkey_backs_off_under_russian_pressure_or_once_baku_is_back_at_the_table() -> None:
    base = tr(observation(supporter_level=3))
    pressed = tr(observation(supporter_level=3, postures={"russia": "press_attacker"}))
    stronger = tr(observation(supporter_level=3, attacker_share=0.1 + TR.stronger_position_gain))
    assert pressed.utilities["back_off"]["patron_pressure"] == TR.pressure_weight
    assert stronger.utilities["back_off"]["attacker_back_at_the_table"] == TR.stronger_position_weight
    assert base.probabilities["back_off"] < min(pressed.probabilities["back_off"], stronger.probabilities["back_off"])


def test_turkey_escalation_cost_grows_with_the_rung() -> None:
    low, high = tr(observation(supporter_level=1)), tr(observation(supporter_level=3))
    assert low.utilities["escalate"]["cost"] == pytest.approx(-TR.escalation_cost * 2)
    assert high.utilities["escalate"]["cost"] == pytest.approx(-TR.escalation_cost * 4)
    cheap = tr(observation(supporter_level=1), escalation_cost=0.1)
    dear = tr(observation(supporter_level=1), escalation_cost=1.5)
    assert dear.probabilities["escalate"] < cheap.probabilities["escalate"]


def test_turkey_keeps_its_support_while_russia_holds_back() -> None:
    """Report, para 3: "Erdogan likely assesses he has a low cost means to expand Turkish influence through
    support and encouragement to Azerbaijan as long as Russian President Vladimir Putin remains unwilling
    fully to back Armenia"."""
    for level in (1, 2, 3, 4):
        free = tr(observation(supporter_level=level))
        assert free.utilities["back_off"]["influence_at_stake"] == pytest.approx(-TR.influence_weight * level / 4)
        assert free.probabilities["back_off"] < free.probabilities["hold"]


def test_turkey_apply_moves_one_rung_and_never_takes_the_drones() -> None:
    state = small_world(supporter_level=1)
    assert state.rungs == {"drones", "diplomatic"}
    turkey.apply(state, Decision("turkey", "back_off", {}, {}, ""), observation())
    assert state.support_level == 0 and state.rungs == {"drones"}
    turkey.apply(state, Decision("turkey", "back_off", {}, {}, ""), observation())
    assert state.support_level == 0 and state.has_rung("drones")
    for _ in range(6):
        turkey.apply(state, Decision("turkey", "escalate", {}, {}, ""), observation())
    assert state.support_level == 4 and state.rungs == {"drones", *state.support_ladder}


# --- Minsk Group co-chairs ----------------------------------------------------------------------------------

CO = ACTORS.cochairs


def test_cochairs_call_for_talks_when_attention_is_high_and_russia_takes_sides() -> None:
    calm, loud = one(cochairs, observation(attention=0.2)), one(cochairs, observation(attention=4.0))
    assert loud.utilities["call_for_talks"]["attention"] == pytest.approx(CO.attention_weight * 4.0)
    assert loud.probabilities["call_for_talks"] > calm.probabilities["call_for_talks"]
    assert calm.utilities["call_for_talks"]["patron_lead"] == -CO.patron_lead_deference
    partisan = one(cochairs, observation(attention=0.2, patron_backs_defender=True))
    assert partisan.utilities["call_for_talks"]["patron_takes_sides"] == CO.partisan_patron_weight
    assert partisan.probabilities["call_for_talks"] > calm.probabilities["call_for_talks"]


def test_every_policy_keeps_to_its_floor_in_every_choice() -> None:
    """Each choice of every policy, decisions and answers, goes through the floor: no option is rated in (0, floor)
    (with 20 options or fewer the floor is always below the best option's share), where the plain logit has some."""
    situations = [observation(), at_war(), at_war(attention=3.0), observation(offer=offer("russia"))]
    tails = {0.0: 0, 0.05: 0}
    for floor in tails:
        for module in CAST.values():
            for obs in situations:
                made = list(decide(module, obs, min_choice_probability=floor))
                if module.party and obs.offer is not None:
                    made.append(answer(module, obs, min_choice_probability=floor))
                for d in made:
                    assert len(d.probabilities) <= 20
                    tails[floor] += sum(0.0 < p < 0.05 for p in d.probabilities.values())
    assert tails[0.05] == 0
    assert tails[0.0] > 0, "no choice of the plain logit has an option below 0.05 here: the test would be idle"


def test_turkey_backs_off_its_fighters_and_jets_but_not_its_word_for_baku() -> None:
    """Report, para 8: "close ethnic and historical ties ... long-term diplomatic relations": the diplomatic rung
    (`withdrawable: false`) is the floor Ankara backs off to, not past."""
    pressed = {"postures": {"russia": "press_attacker"}, "patron_backs_defender": True}
    at_floor = decide(turkey, observation(support_level=1, support_floor=1, **pressed))[0]
    assert "back_off" not in at_floor.probabilities and at_floor.option in {"hold", "escalate"}
    above = decide(turkey, observation(support_level=2, support_floor=1, **pressed))[0]
    assert above.probabilities["back_off"] > 0.5
    assert "back_off" in decide(turkey, observation(support_level=1, support_floor=0, **pressed))[0].probabilities


def test_only_the_lowest_rungs_in_place_can_be_kept_for_good() -> None:
    base = load_baseline()
    ladder = {name: r.model_dump() for name, r in base.actors["turkey"].ladder.items()}
    ladder["diplomatic"]["withdrawable"], ladder["syrian_fighters"]["withdrawable"] = True, False
    with pytest.raises(ValueError, match="withdrawable: false"):
        supporter.Params.model_validate({**base.actors["turkey"].model_dump(), "ladder": ladder})
