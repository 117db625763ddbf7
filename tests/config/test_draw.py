"""Draws: inside their declared support for any seed and any valid distribution, reproducible, and paired
(changing one parameter never moves the draws of another)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios.config.draw import draw_parameters, parameter_specs, parameters_at, path_quantile, values_tree
from scenarios.config.params import (
    AtLeastOne,
    EstimativeWords,
    NonNegative,
    Param,
    Positive,
    Probability,
    Real,
    Share,
    Spec,
)
from scenarios.config.provenance import iter_parameters
from scenarios.config.schema import Scenario

from .conftest import with_overrides
from .strategies import in_domain, values

CLASSES: list[type[Param]] = [Probability, Share, NonNegative, Positive, AtLeastOne, Real]
SEEDS = st.integers(min_value=0, max_value=2**63 - 1)
QUANTILES = st.one_of(st.sampled_from([0.0, 1.0, 0.5, 1e-300, 1 - 1e-16]), st.floats(0.0, 1.0))


WORDS = EstimativeWords.model_validate(
    {
        "words": {"almost no chance": [0.01, 0.05], "likely": [0.55, 0.8], "almost certain": [0.95, 0.99]},
        "synonyms": {"probably": "likely", "remote": "almost no chance"},
    }
)


def build(value: Any, cls: type[Param]) -> Param:
    return cls.model_validate({"value": value, "assumption": "generated"}, context={"words": WORDS})


def generated() -> st.SearchStrategy[tuple[Any, type[Param]]]:
    return st.sampled_from(CLASSES).flatmap(lambda cls: st.tuples(values(cls, WORDS), st.just(cls)))


@settings(max_examples=400, deadline=None)
@given(generated(), st.lists(QUANTILES, min_size=1, max_size=20))
def test_ppf_stays_in_the_declared_support(case: tuple[Any, type[Param]], us: list[float]) -> None:
    value, cls = case
    spec = build(value, cls).spec
    assert spec.lo <= spec.hi
    xs = [spec.ppf(u) for u in sorted({0.0, 1.0, *us})]
    for x in xs:
        assert spec.lo <= x <= spec.hi, (spec, x)
        assert in_domain(cls, x), (cls.__name__, spec, x)
    # an inverse CDF never decreases
    assert all(x1 <= x2 + 1e-9 * max(1.0, abs(x2)) for x1, x2 in itertools.pairwise(xs))


@settings(max_examples=100, deadline=None)
@given(generated())
def test_ranges_and_words_are_uniform_between_their_ends(case: tuple[Any, type[Param]]) -> None:
    value, cls = case
    spec = build(value, cls).spec
    if spec.kind != "uniform" or not spec.uncertain:
        return
    assert spec.ppf(0.0) == spec.lo
    assert spec.ppf(1.0) == pytest.approx(spec.hi, rel=1e-12)
    mid = spec.ppf(0.5)
    assert mid == pytest.approx((spec.lo + spec.hi) / 2, rel=1e-9, abs=1e-9)


# --- drawing a scenario -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def variety() -> Scenario:
    """The baseline with every kind of value somewhere (and the values the tests read set here, not the
    baseline's, which its calibration moves)."""
    return with_overrides(*VARIETY)


VARIETY = (
    "ceasefire.civilian_harm_probability={dist: beta, mean: 0.3, sd: 0.1}",
    "actors.armenia.retaliation_base={dist: normal, mean: -2.5, sd: 1}",
    "combat.defender_advance_per_day={dist: triangular, lo: 0.2, mode: 0.5, hi: 0.8}",
    "ceasefire.talks_multiplier={dist: uniform, lo: 0.4, hi: 0.8}",
    "attention.half_life_days={dist: normal, mean: 5, sd: 10}",
    "actors.russia.press_defender_propensity=extremely unlikely",
    "actors.armenia.grievance_weight.value=[0.1, 0.3]",
    "simulation.start_date=2020-10-10",
    "season.winter_start.value=[2020-11-15, 2020-12-15]",
)


def test_every_parameter_is_drawn(variety: Scenario) -> None:
    drawn = draw_parameters(variety, np.random.default_rng(0))
    paths = {".".join(map(str, p)) for p, _ in iter_parameters(variety)}
    assert set(drawn) == paths
    assert "season.winter_start" in drawn and "actors.russia.back_defender_propensity" in drawn


@settings(max_examples=60, deadline=None)
@given(SEEDS)
def test_draws_lie_inside_their_declared_range_for_any_seed(variety: Scenario, seed: int) -> None:
    drawn = draw_parameters(variety, np.random.default_rng(seed))
    params = {".".join(map(str, p)): param for p, param in iter_parameters(variety)}
    for path, spec in variety.parameter_specs().items():
        x = drawn[path]
        assert spec.lo <= x <= spec.hi, (path, spec, x)
        param = params[path]
        if isinstance(param, Param):
            assert in_domain(type(param), x), (path, x)
            if not spec.uncertain:
                assert x == spec.lo
        else:  # a date: whole days after the start date, both ends of the range included
            assert x == int(x)
    assert 0.05 <= drawn["actors.russia.press_defender_propensity"] <= 0.20


def test_winter_start_days(variety: Scenario) -> None:
    days = {draw_parameters(variety, np.random.default_rng(s))["season.winter_start"] for s in range(400)}
    # 2020-11-15 .. 2020-12-15 after a 2020-10-10 start: days 36 .. 66, every one reachable
    assert days == set(map(float, range(36, 67)))


@settings(max_examples=25, deadline=None)
@given(SEEDS)
def test_same_seed_same_draws(variety: Scenario, seed: int) -> None:
    first = draw_parameters(variety, np.random.default_rng(seed))
    again = draw_parameters(variety, np.random.default_rng(seed))
    assert first == again
    # and the same from an equal scenario loaded separately (nothing depends on object identity or order)
    assert draw_parameters(variety.model_copy(deep=True), np.random.default_rng(seed)) == first


def test_different_seeds_differ(variety: Scenario) -> None:
    a = draw_parameters(variety, np.random.default_rng(1))
    b = draw_parameters(variety, np.random.default_rng(2))
    uncertain = [p for p, s in variety.parameter_specs().items() if s.uncertain]
    assert sum(a[p] != b[p] for p in uncertain) >= len(uncertain) - 2


def test_quantiles_are_uniform_and_independent_across_paths() -> None:
    us = np.array([path_quantile(k, "a.b") for k in range(4000)])
    vs = np.array([path_quantile(k, "a.c") for k in range(4000)])
    assert us.min() > 0 and us.max() < 1
    assert abs(us.mean() - 0.5) < 0.02 and abs(np.corrcoef(us, vs)[0, 1]) < 0.05


@settings(max_examples=60, deadline=None)
@given(SEEDS, st.data())
def test_changing_one_parameter_leaves_the_others_draws_unchanged(
    variety: Scenario, seed: int, data: st.DataObject
) -> None:
    specs = variety.parameter_specs()
    path = data.draw(st.sampled_from(sorted(specs)))
    lo = data.draw(st.floats(-100, 100))
    width = data.draw(st.floats(0.001, 100))
    changed = {**specs, path: Spec("uniform", lo, lo + width)}
    before = draw_parameters(variety, np.random.default_rng(seed), specs)
    after = draw_parameters(variety, np.random.default_rng(seed), changed)
    assert {p: v for p, v in after.items() if p != path} == {p: v for p, v in before.items() if p != path}
    assert lo <= after[path] <= lo + width
    # adding or removing a parameter does not move the others either
    fewer = {p: s for p, s in specs.items() if p != path}
    assert draw_parameters(variety, np.random.default_rng(seed), fewer) == {
        p: v for p, v in before.items() if p != path
    }
    more = {**specs, "actors.new_actor.weight": Spec("uniform", 0.0, 1.0)}
    assert {p: v for p, v in draw_parameters(variety, np.random.default_rng(seed), more).items() if p in specs} == (
        before
    )


def test_changing_a_range_in_the_config_leaves_the_others_draws_unchanged(variety: Scenario) -> None:
    path = "actors.russia.alliance_weight"
    changed = with_overrides(f"{path}=[20, 30]")
    for seed in range(5):
        before = draw_parameters(variety, np.random.default_rng(seed))
        after = draw_parameters(changed, np.random.default_rng(seed))
        others = [p for p in before if p != path and p not in _overridden_in_variety()]
        assert all(before[p] == after[p] for p in others if p in after)
        # the changed parameter keeps its quantile: same u, new range
        base = variety.parameter_specs()[path]
        u_before = (before[path] - base.lo) / (base.hi - base.lo)
        assert after[path] == pytest.approx(20 + 10 * u_before)


def _overridden_in_variety() -> set[str]:
    return {o.split("=")[0].removesuffix(".value") for o in VARIETY}


def test_parameters_at_quantiles(variety: Scenario) -> None:
    specs = parameter_specs(variety)
    mid = parameters_at(specs, {})
    assert mid["actors.armenia.grievance_weight"] == pytest.approx(0.2)  # median of [0.1, 0.3]
    low = parameters_at(specs, {"actors.armenia.grievance_weight": 0.0})
    assert low["actors.armenia.grievance_weight"] == 0.1
    with pytest.raises(KeyError, match="not parameters of this scenario"):
        parameters_at(specs, {"actors.russia.no_such_thing": 0.5})


def test_values_tree_nests_a_flat_record(variety: Scenario) -> None:
    flat = draw_parameters(variety, np.random.default_rng(3))
    tree = values_tree(flat)
    assert tree.actors.russia.alliance_weight == flat["actors.russia.alliance_weight"]
    with pytest.raises(AttributeError, match="no parameter 'alliance_weigth'"):
        _ = tree.actors.russia.alliance_weigth


def test_specs_are_computed_once(variety: Scenario) -> None:
    assert variety.parameter_specs() is variety.parameter_specs()
    assert replace(variety.parameter_specs()["actors.armenia.retaliation_base"]).kind == "normal"
