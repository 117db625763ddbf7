"""Seeds: the same SeedSequence reproduces a replication to the bit; different seeds give different runs."""

from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pytest

from scenarios.config.schema import Scenario
from scenarios.model.simulation import run_replication


def as_dict(result: object) -> dict[str, object]:
    return dataclasses.asdict(result)  # type: ignore[call-overload]


@pytest.mark.parametrize("seed", [0, 3, 20201010, [20201010, 17]])
def test_same_seed_same_everything(baseline: Scenario, seed: int | list[int]) -> None:
    a = run_replication(baseline, np.random.SeedSequence(seed), record_trace=True)
    b = run_replication(baseline, np.random.SeedSequence(seed), record_trace=True)
    assert a.events and a.timeseries
    assert as_dict(a) == as_dict(b)
    assert pickle.dumps(a) == pickle.dumps(b)  # to the bit, not just to float equality


def test_trace_recording_does_not_change_the_run(baseline: Scenario) -> None:
    seq = np.random.SeedSequence([5, 5])
    traced, plain = run_replication(baseline, seq, record_trace=True), run_replication(baseline, seq)
    assert (traced.parameters, traced.outcome, traced.ceasefires, traced.offers) == (
        plain.parameters,
        plain.outcome,
        plain.ceasefires,
        plain.offers,
    )
    assert plain.events is None and plain.timeseries is None
    assert pickle.dumps(dataclasses.replace(traced, events=None, timeseries=None)) == pickle.dumps(plain)


def test_spawned_children_are_reproducible(baseline: Scenario) -> None:
    children = np.random.SeedSequence(42).spawn(3)
    again = np.random.SeedSequence(42).spawn(3)
    for a, b in zip(children, again, strict=True):
        assert as_dict(run_replication(baseline, a)) == as_dict(run_replication(baseline, b))


def test_different_seeds_differ(baseline: Scenario) -> None:
    results = [run_replication(baseline, np.random.SeedSequence([1, i]), record_trace=True) for i in range(8)]
    for i, a in enumerate(results):
        for b in results[i + 1 :]:
            assert a.parameters != b.parameters
            assert a.events != b.events
    assert len({r.outcome["first_ceasefire_end_day"] for r in results}) == len(results)


def test_given_parameters_are_used_as_given(baseline: Scenario) -> None:
    seq = np.random.SeedSequence(9)
    drawn = run_replication(baseline, seq)
    again = run_replication(baseline, seq, parameters=drawn.parameters)
    assert as_dict(again) == as_dict(drawn)
    changed = dict(drawn.parameters, **{"ceasefire.spiral_threshold": 1.0})
    assert run_replication(baseline, seq, parameters=changed).outcome != drawn.outcome


def test_a_replication_has_a_story(baseline: Scenario) -> None:
    """Not a degenerate run: the traced baseline has decisions, offers with both answers, and an operation."""
    result = run_replication(baseline, np.random.SeedSequence([20201010, 1]), record_trace=True)
    assert result.events is not None
    kinds = {e["kind"] for e in result.events}
    assert {"ceasefire_start", "decision", "answer", "offer"} <= kinds
    assert result.offers and all({"answer.azerbaijan", "answer.armenia"} <= set(o) for o in result.offers)
    assert len(result.offers) == result.outcome["offers"]


def test_values_tree_nests_a_flat_record(baseline: Scenario) -> None:
    from scenarios.config.draw import Values, values_tree

    def plain(v: object) -> object:
        return {k: plain(x) for k, x in v.__dict__.items()} if isinstance(v, Values) else v

    assert plain(values_tree({"a.b": 1.0, "a.c.d": 2.0, "e": 3.0})) == {"a": {"b": 1.0, "c": {"d": 2.0}}, "e": 3.0}
    flat = run_replication(baseline, np.random.SeedSequence(1)).parameters
    tree = values_tree(flat)
    assert tree.actors.russia.rationality == flat["actors.russia.rationality"]
    assert (
        tree.world.sectors.centre.objectives.shusha.difficulty
        == flat["world.sectors.centre.objectives.shusha.difficulty"]
    )
