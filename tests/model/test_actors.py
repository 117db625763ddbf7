"""Actor policies: each utility term moves the way the report says, and the choice follows."""

from __future__ import annotations

import pytest

from scenarios.model.actors import REGISTRY, armenia, azerbaijan, cochairs, russia, turkey
from scenarios.model.choice import Decision

from .support import Scripted, front, observation, values

ACTORS = values().actors


def decide(module, obs=None, u: float = 0.5, **params: float) -> Decision:
    name = module.NAME
    p = values(**{f"actors__{name}__{k}": v for k, v in params.items()}).actors.__dict__[name]
    return module.decide(obs if obs is not None else observation(), p, Scripted([u]))


def test_every_policy_scores_its_options_and_draws_once() -> None:
    for name, spec in REGISTRY.items():
        rng = Scripted([0.5])
        decision = spec.decide(observation(), ACTORS.__dict__[name], rng)
        assert rng.exhausted(), name
        assert decision.actor == name and decision.option in spec.options
        assert set(decision.utilities) <= set(spec.options)
        assert sum(decision.probabilities.values()) == pytest.approx(1.0)


# --- Azerbaijan ---------------------------------------------------------------------------------------------

AZ = ACTORS.azerbaijan


def az_terms(obs=None, **params: float) -> dict[str, dict[str, float]]:
    return decide(azerbaijan, obs, **params).utilities


def test_azerbaijan_holding_has_only_inertia() -> None:
    assert az_terms()["hold"] == {"inertia": AZ.inertia}
    assert az_terms(observation(postures={"azerbaijan": "talks"}))["hold"] == {"inertia": 0.0}


def test_azerbaijan_major_offensive_reaches_further_than_limited() -> None:
    u = az_terms()
    limited, major = u["limited_offensive"], u["major_offensive"]
    assert major["territorial_gain"] > limited["territorial_gain"] > 0
    assert major["military_casualties"] < limited["military_casualties"] < 0
    assert major["diplomatic_cost"] < limited["diplomatic_cost"] < 0
    assert major["russian_reaction"] < limited["russian_reaction"] < 0


def test_azerbaijan_gain_terms_follow_the_front() -> None:
    # gain = value share x fraction of the objective reachable within the planning horizon (capped at 1)
    horizon = AZ.planning_horizon_days
    view = front(("lowland", "x", 0.1, 6.0, 0.2, 15.0, 0.1))
    u = az_terms(observation(front=view))["limited_offensive"]
    assert u["territorial_gain"] == pytest.approx(AZ.gain_weight * 0.1 * 0.2 * horizon / 6.0)
    assert u["military_casualties"] == pytest.approx(-AZ.military_casualty_weight * 15.0 * horizon / 100)
    assert u["civilian_casualties"] == pytest.approx(-AZ.civilian_casualty_weight * 0.1 * horizon / 100)
    fast = front(("lowland", "x", 0.1, 6.0, 5.0, 15.0, 0.1))
    assert az_terms(observation(front=fast))["limited_offensive"]["territorial_gain"] == pytest.approx(
        AZ.gain_weight * 0.1
    )


def test_azerbaijan_winter_costs_make_the_major_offensive_less_likely() -> None:
    summer = front(("lowland", "a", 0.1, 6.0, 1.5, 15.0, 0.1), ("mountain", "b", 0.2, 20.0, 0.7, 27.0, 0.2))
    winter = front(("lowland", "a", 0.1, 6.0, 1.5, 15.0, 0.1), ("mountain", "b", 0.2, 20.0, 0.3, 66.0, 0.2))
    s, w = (
        decide(azerbaijan, observation(front=summer)),
        decide(azerbaijan, observation(front=winter, winter=True)),
    )
    assert w.utilities["major_offensive"]["military_casualties"] < s.utilities["major_offensive"]["military_casualties"]
    assert w.utilities["major_offensive"]["territorial_gain"] < s.utilities["major_offensive"]["territorial_gain"]
    assert w.utilities["limited_offensive"] == s.utilities["limited_offensive"]
    assert w.probabilities["major_offensive"] < s.probabilities["major_offensive"]


def test_azerbaijan_attention_raises_diplomatic_cost_and_pull_of_talks() -> None:
    calm, loud = (
        decide(azerbaijan, observation(attention=0.5)),
        decide(azerbaijan, observation(attention=3.0)),
    )
    for option in azerbaijan.OFFENSIVES:
        assert loud.utilities[option]["diplomatic_cost"] < calm.utilities[option]["diplomatic_cost"]
        assert loud.probabilities[option] < calm.probabilities[option]
    assert loud.utilities["talks"]["attention_pressure"] == pytest.approx(AZ.attention_talks_weight * 3.0)
    assert loud.probabilities["talks"] > calm.probabilities["talks"]


@pytest.mark.parametrize("param", ["diplomatic_weight", "energy_trade_exposure"])
def test_azerbaijan_diplomatic_cost_scales_with_weight_and_energy_exposure(param: str) -> None:
    low, high = decide(azerbaijan, **{param: 0.2}), decide(azerbaijan, **{param: 0.9})
    assert high.utilities["major_offensive"]["diplomatic_cost"] < low.utilities["major_offensive"]["diplomatic_cost"]
    assert high.probabilities["major_offensive"] < low.probabilities["major_offensive"]


def test_azerbaijan_breaking_a_ceasefire_costs_more_with_peacekeepers() -> None:
    war = az_terms(observation(ceasefire=False, ceasefire_kind=None))["major_offensive"]
    truce = az_terms()["major_offensive"]
    guarded = az_terms(observation(ceasefire_kind="comprehensive", peacekeepers=True))["major_offensive"]
    assert (war["ceasefire_breach"], war["peacekeepers"]) == (0.0, 0.0)
    assert (truce["ceasefire_breach"], truce["peacekeepers"]) == (-AZ.ceasefire_breach_cost, 0.0)
    assert guarded["peacekeepers"] == -AZ.peacekeeper_breach_cost


def test_azerbaijan_expects_more_of_a_russian_reaction_once_russia_backs_armenia() -> None:
    expected = az_terms()["major_offensive"]["russian_reaction"]
    backed = az_terms(observation(russia_backs_armenia=True))["major_offensive"]["russian_reaction"]
    assert expected == pytest.approx(-AZ.russian_reaction_weight * AZ.expected_russian_backing)
    assert backed == -AZ.russian_reaction_weight < expected


def test_azerbaijan_values_gains_less_beyond_its_target() -> None:
    below = az_terms(observation(azerbaijani_share=AZ.target_share - 0.01))
    beyond = az_terms(observation(azerbaijani_share=AZ.target_share))
    assert beyond["major_offensive"]["territorial_gain"] == pytest.approx(
        below["major_offensive"]["territorial_gain"] * AZ.gain_weight_beyond_target
    )
    assert beyond["talks"]["position_for_talks"] == AZ.talks_weight > below["talks"]["position_for_talks"]


def test_azerbaijan_turkish_support_and_blink_belief() -> None:
    full = az_terms(observation(turkish_level=5))["limited_offensive"]
    none = az_terms(observation(turkish_level=0))["limited_offensive"]
    assert full["turkish_support"] == AZ.turkish_support_weight and none["turkish_support"] == 0.0
    assert full["armenia_blinks"] == pytest.approx(AZ.blink_weight * AZ.armenia_blinks_belief)


def test_azerbaijan_nothing_left_to_attack() -> None:
    """An offensive with no objective left is not an option (it would break a ceasefire for nothing)."""
    empty = front(("lowland", None, 0.0, 0.0, 0.0, 0.0, 0.0), ("mountain", None, 0.0, 0.0, 0.0, 0.0, 0.0))
    u = az_terms(observation(front=empty))
    assert set(u) == {"hold", "talks"}


# --- Armenia ------------------------------------------------------------------------------------------------

ARM = ACTORS.armenia


def test_armenia_grievance_grows_with_azerbaijani_attacks() -> None:
    quiet = decide(armenia, observation(recent_azerbaijani_attacks=0))
    angry = decide(armenia, observation(recent_azerbaijani_attacks=10))
    assert angry.utilities["retaliate"]["grievance"] == pytest.approx(10 * ARM.grievance_weight)
    assert angry.probabilities["retaliate"] > quiet.probabilities["retaliate"]


def test_armenia_f16s_deter_retaliation() -> None:
    present, absent = (
        decide(armenia, observation(f16_present=True)),
        decide(armenia, observation(f16_present=False)),
    )
    assert present.utilities["retaliate"]["f16_deterrence"] == -ARM.f16_deterrence
    assert absent.utilities["retaliate"]["f16_deterrence"] == 0.0
    assert present.probabilities["retaliate"] < absent.probabilities["retaliate"]


def test_armenia_asks_russia_as_it_loses_ground_and_not_once_backed() -> None:
    none, lost = decide(armenia), decide(armenia, observation(azerbaijani_share=0.3))
    assert lost.utilities["ask_russia"]["losses"] == pytest.approx(ARM.ask_russia_loss_weight * 0.2)
    assert lost.probabilities["ask_russia"] > none.probabilities["ask_russia"]
    assert "ask_russia" not in decide(armenia, observation(russia_backs_armenia=True)).utilities


def test_armenia_concedes_under_russian_pressure_or_military_defeat() -> None:
    base = decide(armenia)
    pressed = decide(armenia, observation(postures={"russia": "pressure_armenia"}))
    beaten = decide(armenia, observation(azerbaijani_share=0.6))
    assert pressed.utilities["concede"]["russian_pressure"] == ARM.concession_pressure_weight
    assert beaten.utilities["concede"]["military_pressure"] == pytest.approx(ARM.concession_loss_weight * 0.5)
    assert base.probabilities["concede"] < pressed.probabilities["concede"]
    assert base.probabilities["concede"] < beaten.probabilities["concede"]
    # "an Armenian withdrawal ... is extremely unlikely": without pressure or losses, conceding is rare
    assert base.probabilities["concede"] < 0.05


# --- Russia -------------------------------------------------------------------------------------------------

RU = ACTORS.russia


def test_russia_backs_armenia_more_as_armenia_loses_and_asks() -> None:
    base = decide(russia)
    lost = decide(russia, observation(azerbaijani_share=0.3))
    asked = decide(russia, observation(armenia_asked_russia=True))
    assert lost.utilities["back_armenia"]["alliance"] == pytest.approx(RU.alliance_weight * 0.2)
    assert asked.utilities["back_armenia"]["armenian_request"] == RU.request_weight
    assert lost.probabilities["back_armenia"] > base.probabilities["back_armenia"]
    assert asked.probabilities["back_armenia"] > base.probabilities["back_armenia"]


def test_russia_disposition_follows_the_propensities() -> None:
    likely, certain = (
        decide(russia, back_armenia_propensity=0.7),
        decide(russia, back_armenia_propensity=0.95),
    )
    assert certain.utilities["back_armenia"]["disposition"] > likely.utilities["back_armenia"]["disposition"]
    assert certain.probabilities["back_armenia"] > likely.probabilities["back_armenia"]
    even = decide(russia, pressure_armenia_propensity=0.5)
    assert even.utilities["pressure_armenia"]["disposition"] == pytest.approx(0.0)


def test_russia_turkish_influence_pushes_toward_backing_armenia() -> None:
    low, high = decide(russia, observation(turkish_level=0)), decide(russia, observation(turkish_level=5))
    assert high.utilities["back_armenia"]["turkish_influence"] == RU.turkish_influence_weight
    assert high.utilities["pressure_armenia"]["turkish_influence"] == -RU.turkish_influence_weight
    assert high.probabilities["back_armenia"] > low.probabilities["back_armenia"]
    assert high.probabilities["pressure_armenia"] < low.probabilities["pressure_armenia"]


def test_russia_intervenes_only_when_karabakh_itself_is_falling() -> None:
    below = decide(russia, observation(azerbaijani_share=0.1 + RU.intervention_loss_threshold - 0.01))
    beyond = decide(russia, observation(azerbaijani_share=0.1 + RU.intervention_loss_threshold + 0.2))
    assert below.utilities["intervene"]["alliance"] == 0.0
    assert beyond.utilities["intervene"]["alliance"] == pytest.approx(RU.intervention_loss_weight * 0.2)
    assert beyond.probabilities["intervene"] > below.probabilities["intervene"]
    # "currently unwilling to intervene militarily": at the start it is a remote option
    assert decide(russia).probabilities["intervene"] < 0.01


# --- Turkey -------------------------------------------------------------------------------------------------

TR = ACTORS.turkey


def test_turkey_options_follow_the_ladder() -> None:
    assert set(decide(turkey, observation(turkish_level=0)).utilities) == {"hold", "escalate"}
    assert set(decide(turkey, observation(turkish_level=5)).utilities) == {"hold", "back_off"}
    assert set(decide(turkey, observation(turkish_level=2)).utilities) == {"hold", "escalate", "back_off"}


def test_turkey_escalation_costs_more_and_back_off_pays_when_russia_backs_armenia() -> None:
    free, backed = (
        decide(turkey, observation(turkish_level=2)),
        decide(turkey, observation(turkish_level=2, russia_backs_armenia=True)),
    )
    assert backed.utilities["escalate"]["cost"] == pytest.approx(
        free.utilities["escalate"]["cost"] * TR.russia_backing_cost_multiplier
    )
    assert backed.utilities["back_off"]["russian_backing"] == TR.back_off_weight
    assert backed.probabilities["escalate"] < free.probabilities["escalate"]
    assert backed.probabilities["back_off"] > free.probabilities["back_off"]


def test_turkey_open_war_brings_domestic_support() -> None:
    truce = decide(turkey, observation(turkish_level=2))
    war = decide(turkey, observation(turkish_level=2, ceasefire=False, ceasefire_kind=None))
    assert war.utilities["escalate"]["domestic_support"] == TR.domestic_benefit
    assert war.utilities["back_off"]["domestic_support"] == -TR.domestic_benefit
    assert war.probabilities["escalate"] > truce.probabilities["escalate"]


def test_turkey_escalation_cost_grows_with_the_rung() -> None:
    low, high = decide(turkey, observation(turkish_level=1)), decide(turkey, observation(turkish_level=3))
    assert low.utilities["escalate"]["cost"] == pytest.approx(-TR.escalation_cost * 2)
    assert high.utilities["escalate"]["cost"] == pytest.approx(-TR.escalation_cost * 4)
    cheap, dear = decide(turkey, escalation_cost=0.2), decide(turkey, escalation_cost=1.5)
    assert dear.probabilities["escalate"] < cheap.probabilities["escalate"]


# --- Minsk Group co-chairs ----------------------------------------------------------------------------------

CO = ACTORS.cochairs


def test_cochairs_call_for_talks_when_attention_is_high_and_defer_to_russia() -> None:
    calm, loud = decide(cochairs, observation(attention=0.2)), decide(cochairs, observation(attention=4.0))
    assert loud.utilities["call_for_talks"]["attention"] == pytest.approx(CO.attention_weight * 4.0)
    assert loud.probabilities["call_for_talks"] > calm.probabilities["call_for_talks"]
    led = decide(cochairs, observation(postures={"russia": "mediate"}))
    alone = decide(cochairs, observation(postures={"russia": "back_armenia"}))
    assert led.utilities["call_for_talks"]["russian_lead"] == -CO.russian_lead_deference
    assert alone.utilities["call_for_talks"]["russian_lead"] == 0.0
    assert alone.probabilities["call_for_talks"] > led.probabilities["call_for_talks"]


def test_turkey_keeps_its_support_while_russia_holds_back() -> None:
    """Backing off gives up influence already won: without Russian backing Turkey holds its rung.

    Report, para 3: "Erdogan likely assesses he has a low cost means to expand Turkish influence through
    support and encouragement to Azerbaijan as long as Russian President Vladimir Putin remains unwilling
    fully to back Armenia"
    """
    for level in (1, 2, 4, 5):
        free = decide(turkey, observation(turkish_level=level))
        assert free.utilities["back_off"]["influence_at_stake"] == pytest.approx(-TR.influence_weight * level / 5)
        assert free.probabilities["back_off"] < free.probabilities["hold"]
    backed = decide(turkey, observation(turkish_level=4, russia_backs_armenia=True))
    assert backed.probabilities["back_off"] > backed.probabilities["hold"]
