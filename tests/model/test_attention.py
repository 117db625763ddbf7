"""International attention: closed-form decay and growth between events, jumps for harm."""

from __future__ import annotations

import math

import pytest

from scenarios.model import attention, ceasefire

from .support import small_world, values

A = values().attention
K = math.log(2.0) / A.half_life_days


def test_halves_in_one_half_life_under_a_ceasefire() -> None:
    state = small_world(attention=2.0)
    ceasefire.start(state, "humanitarian", "russia", False)
    state.day = A.half_life_days
    attention.advance(state, A)
    assert state.attention == pytest.approx(1.0)
    assert state.attention_day == state.day


@pytest.mark.parametrize("t", [0.5, 3.0, 40.0])
def test_closed_form_during_open_war(t: float) -> None:
    state = small_world(attention=1.5)
    assert state.at_war
    state.day = t
    attention.advance(state, A)
    expected = 1.5 * math.exp(-K * t) + A.per_war_day / K * (1.0 - math.exp(-K * t))
    assert state.attention == pytest.approx(expected, rel=1e-12)


def test_steps_compose() -> None:
    one, two = small_world(attention=0.3), small_world(attention=0.3)
    one.day = 9.0
    attention.advance(one, A)
    for day in (2.0, 5.5, 9.0):
        two.day = day
        attention.advance(two, A)
    assert two.attention == pytest.approx(one.attention, rel=1e-12)


def test_war_approaches_its_steady_state() -> None:
    state = small_world(attention=0.0)
    state.day = 50 * A.half_life_days
    attention.advance(state, A)
    assert state.attention == pytest.approx(A.per_war_day / K)


def test_no_time_no_change() -> None:
    state = small_world(attention=0.7, day=3.0)
    attention.advance(state, A)
    assert state.attention == 0.7


def test_harm_adds_attention() -> None:
    state = small_world(attention=0.5)
    attention.add_harm(state, A, civilians=10, city_strikes=2)
    assert state.attention == pytest.approx(0.5 + 10 * A.per_civilian_casualty + 2 * A.per_city_strike)
