"""The logit (quantal-response) choice rule."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scenarios.model.choice import logit_choice
from scenarios.model.policy import choose
from scenarios.model.random import Stream

from .support import Scripted

UTILITIES = {
    "hold": {"inertia": 1.0},
    "attack": {"gain": 3.0, "cost": -1.5},
    "talks": {"position": 0.25},
}


def test_rationality_zero_is_uniform() -> None:
    decision = logit_choice("x", UTILITIES, 0.0, Scripted([0.5]))
    assert decision.probabilities == pytest.approx({"hold": 1 / 3, "attack": 1 / 3, "talks": 1 / 3})


@pytest.mark.parametrize(
    ("u", "chosen"),
    [(0.0, "hold"), (0.33, "hold"), (0.34, "attack"), (0.66, "attack"), (0.67, "talks"), (0.999, "talks")],
)
def test_choice_inverts_the_cumulative_probabilities(u: float, chosen: str) -> None:
    assert logit_choice("x", UTILITIES, 0.0, Scripted([u])).option == chosen


def test_probabilities_are_the_softmax_of_total_utilities() -> None:
    totals = np.array([1.0, 1.5, 0.25])
    expected = np.exp(2.0 * totals) / np.exp(2.0 * totals).sum()
    decision = logit_choice("x", UTILITIES, 2.0, Scripted([0.0]))
    assert list(decision.probabilities) == ["hold", "attack", "talks"]
    assert list(decision.probabilities.values()) == pytest.approx(expected.tolist(), rel=1e-12)
    assert math.fsum(decision.probabilities.values()) == pytest.approx(1.0, rel=1e-12)
    assert decision.total("attack") == 1.5
    assert decision.utilities is UTILITIES


@pytest.mark.parametrize("u", [1e-9, 0.5, 0.999999])
def test_large_rationality_takes_the_best_option(u: float) -> None:
    decision = logit_choice("x", UTILITIES, 1e3, Scripted([u]))
    assert decision.option == "attack"
    assert decision.probabilities["attack"] == pytest.approx(1.0)


def test_huge_utilities_do_not_overflow() -> None:
    decision = logit_choice("x", {"a": {"t": 1e6}, "b": {"t": -1e6}}, 50.0, Scripted([0.3]))
    assert decision.option == "a"
    assert decision.probabilities == {"a": 1.0, "b": 0.0}


def test_one_option_is_always_taken() -> None:
    decision = logit_choice("x", {"only": {}}, 1.0, Scripted([0.9]))
    assert decision.option == "only"
    assert decision.probabilities == {"only": 1.0}


def test_frequencies_match_probabilities() -> None:
    rng = Stream.from_seed(1)
    n = 20_000
    counts = dict.fromkeys(UTILITIES, 0)
    for _ in range(n):
        counts[logit_choice("x", UTILITIES, 1.0, rng).option] += 1
    probabilities = logit_choice("x", UTILITIES, 1.0, Scripted([0.0])).probabilities
    for option, p in probabilities.items():
        assert counts[option] / n == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / n))


def test_explain_names_the_choice_and_its_largest_terms() -> None:
    decision = logit_choice("azerbaijan", UTILITIES, 1.0, Scripted([0.9]))
    assert decision.explain().startswith(f"azerbaijan chose {decision.option} (p=")
    attack = logit_choice("azerbaijan", UTILITIES, 1e3, Scripted([0.1]))
    assert attack.explain() == "azerbaijan chose attack (p=1.00; gain +3.00, cost -1.50)"


# --- the floor: an option an actor rates below `floor` is noise of the logit, not policy -----------------------

FLOORED = {"hold": 0.368 / 1.368, "attack": 1.0 / 1.368}  # UTILITIES at rationality 2 without talks (p 0.057)


@pytest.mark.parametrize("u", [0.0, 0.2, 0.26, 0.27, 0.5, 0.9, 0.999999])
def test_an_option_rated_below_the_floor_is_never_taken(u: float) -> None:
    decision = logit_choice("x", UTILITIES, 2.0, Scripted([u]), floor=0.1)
    assert decision.option != "talks"
    assert decision.probabilities["talks"] == 0.0
    assert decision.probabilities["hold"] == pytest.approx(FLOORED["hold"], rel=1e-3)
    assert math.fsum(decision.probabilities.values()) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("u", [0.0, 0.25, 0.5, 0.95, 0.999999])
def test_a_floor_below_every_option_changes_nothing(u: float) -> None:
    plain = logit_choice("x", UTILITIES, 2.0, Scripted([u]))
    floored = logit_choice("x", UTILITIES, 2.0, Scripted([u]), floor=0.05)  # talks is at 0.057
    assert (floored.option, floored.probabilities) == (plain.option, plain.probabilities)


def test_the_best_options_are_kept_whatever_the_floor() -> None:
    equal = {f"o{i}": {"t": 1.0} for i in range(12)}  # each at 1/12, below a floor of 0.2
    decision = logit_choice("x", equal, 5.0, Scripted([0.5]), floor=0.2)
    assert list(decision.probabilities.values()) == pytest.approx([1 / 12] * 12)
    lopsided = {"a": {"t": 0.0}, **{f"o{i}": {"t": -0.01} for i in range(11)}}
    assert logit_choice("x", lopsided, 5.0, Scripted([0.99]), floor=0.2).option == "a"


def test_a_dropped_last_option_is_not_the_fallback_of_rounding() -> None:
    utilities = {"a": {"t": 1.0}, "b": {"t": 1.0}, "c": {"t": -5.0}}
    assert logit_choice("x", utilities, 1.0, Scripted([math.nextafter(1.0, 0.0)]), floor=0.05).option == "b"


@given(
    totals=st.lists(st.floats(-5.0, 5.0), min_size=1, max_size=12),
    rationality=st.floats(0.0, 20.0),
    floor=st.floats(0.0, 0.2),
    u=st.floats(0.0, 1.0, exclude_max=True),
)
def test_the_chosen_option_is_never_rated_below_the_floor(
    totals: list[float], rationality: float, floor: float, u: float
) -> None:
    utilities = {f"o{i}": {"t": t} for i, t in enumerate(totals)}
    plain = logit_choice("x", utilities, rationality, Scripted([u])).probabilities
    decision = logit_choice("x", utilities, rationality, Scripted([u]), floor=floor)
    assert plain[decision.option] >= min(floor, max(plain.values())) * (1 - 1e-9)
    assert math.fsum(decision.probabilities.values()) == pytest.approx(1.0, rel=1e-9)


# --- one utility, two paths: `policy.choose` term by term (traced) or from totals (untraced) ---------------------


class Terms(NamedTuple):
    gain: float
    cost: float
    commitment: float


@given(
    terms=st.lists(st.tuples(*[st.floats(-50.0, 50.0)] * 3), min_size=1, max_size=8),
    mapped=st.booleans(),
    rationality=st.floats(0.0, 20.0),
    floor=st.floats(0.0, 0.2),
    u=st.floats(0.0, 1.0, exclude_max=True),
)
def test_the_explained_and_the_fast_choice_agree_to_the_bit(
    terms: list[tuple[float, float, float]], mapped: bool, rationality: float, floor: float, u: float
) -> None:
    """Utilities written once as named tuples (or a mapping, for terms named at run time): the traced path keeps the
    terms, the untraced one sums them, and both choose the same option with the same probabilities."""
    options: dict[str, Any] = {f"o{i}": Terms(*t) for i, t in enumerate(terms)}
    if mapped:
        options["last"] = {"best_alternative": terms[0][0]}
    explained = choose("x", options, rationality, Scripted([u]), True, floor)
    fast = choose("x", options, rationality, Scripted([u]), False, floor)
    assert (fast.option, fast.probabilities, fast.track) == (explained.option, explained.probabilities, explained.track)
    assert fast.utilities == {} and set(explained.utilities["o0"]) == {"gain", "cost", "commitment"}
