"""Mediation: the terms a broker puts on the table (kind, upgrade, peacekeepers), and when it has none."""

from __future__ import annotations

import pytest

from scenarios.model import ceasefire, mediation
from scenarios.model.state import WorldState

from .support import Scripted, small_world, values

M = values().mediation


def war(day: float = 20.0) -> WorldState:
    return small_world(day=day)


def test_at_war_a_humanitarian_halt_when_the_position_is_short() -> None:
    rng = Scripted([M.comprehensive_otherwise + 1e-9])
    offer = mediation.terms(war(), M, rng, "russia", position_met=False, can_keep_peace=True)
    assert rng.exhausted() and offer is not None
    assert (offer.number, offer.day, offer.broker, offer.kind, offer.upgrade, offer.peacekeepers) == (
        1,
        20.0,
        "russia",
        "humanitarian",
        False,
        False,
    )
    assert offer.answers == {} and not offer.accepted


@pytest.mark.parametrize(
    ("met", "chance"), [(False, M.comprehensive_otherwise), (True, M.comprehensive_when_position_met)]
)
def test_comprehensive_terms_are_likelier_once_the_position_is_met(met: bool, chance: float) -> None:
    below = mediation.terms(war(), M, Scripted([chance - 1e-9, 0.99]), "russia", met, True)
    above = mediation.terms(war(), M, Scripted([chance + 1e-9]), "russia", met, True)
    assert below is not None and below.kind == "comprehensive"
    assert above is not None and above.kind == "humanitarian"


@pytest.mark.parametrize(("u", "peacekeepers"), [(M.peacekeepers_offered - 1e-9, True), (0.999, False)])
def test_a_broker_that_can_keep_the_peace_may_offer_its_peacekeepers(u: float, peacekeepers: bool) -> None:
    rng = Scripted([0.0, u])
    offer = mediation.terms(war(), M, rng, "russia", position_met=True, can_keep_peace=True)
    assert rng.exhausted() and offer is not None
    assert (offer.kind, offer.peacekeepers) == ("comprehensive", peacekeepers)


def test_a_broker_without_peacekeepers_never_offers_them_and_draws_no_coin_for_it() -> None:
    rng = Scripted([0.0])
    offer = mediation.terms(war(), M, rng, "cochairs", position_met=True, can_keep_peace=False)
    assert rng.exhausted() and offer is not None and (offer.kind, offer.peacekeepers) == ("comprehensive", False)


def test_an_old_enough_humanitarian_ceasefire_is_offered_comprehensive_terms() -> None:
    state = war(day=0.0)
    ceasefire.start(state, "humanitarian", "russia", False)
    state.day = M.upgrade_after_days - 0.5
    assert mediation.terms(state, M, Scripted(), "russia", False, True) is None  # too young: no coin drawn
    state.day = M.upgrade_after_days
    offer = mediation.terms(state, M, Scripted([0.0]), "russia", False, True)
    assert offer is not None and (offer.kind, offer.upgrade, offer.peacekeepers) == ("comprehensive", True, True)


def test_nothing_to_offer_under_a_comprehensive_ceasefire() -> None:
    state = war(day=0.0)
    ceasefire.start(state, "comprehensive", "russia", False)
    state.day = 100.0
    assert mediation.terms(state, M, Scripted(), "russia", True, True) is None


def test_offers_are_numbered_in_the_order_recorded() -> None:
    state = war()
    first = mediation.terms(state, M, Scripted([0.99]), "russia", False, False)
    assert first is not None
    state.offers.append(first)
    second = mediation.terms(state, M, Scripted([0.99]), "cochairs", False, False)
    assert second is not None and (first.number, second.number) == (1, 2)
