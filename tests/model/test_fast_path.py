"""The untraced fast path (utilities as totals, caches) against the traced reference (utilities term by term).

Untraced replications skip the named terms of every option and reuse what has not changed since the last epoch;
traced ones build everything. Both must give the same replication to the bit, on every shipped scenario, so that
the optimisations can never drift from the path that explains itself.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from scenarios.config.draw import draw_parameters
from scenarios.config.loader import load_scenario
from scenarios.config.schema import Scenario
from scenarios.model.actors import Actor
from scenarios.model.choice import Decision
from scenarios.model.random import child_seed
from scenarios.model.simulation import _Replication, run_replication

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted([*ROOT.glob("configs/*.yaml"), *ROOT.glob("configs/examples/*.yaml")])
SEEDS = [0, 1, 7, 20201010, 99]


@pytest.fixture(scope="module", params=SHIPPED, ids=lambda p: p.stem)
def scenario(request: pytest.FixtureRequest) -> Scenario:
    return load_scenario(request.param)


def records(result: Any) -> bytes:
    """Everything but the trace, pickled: equal bytes are equal to the bit (NaN and the sign of zero included)."""
    return pickle.dumps(dataclasses.replace(result, events=None, timeseries=None))


def test_shipped_scenarios_are_found() -> None:
    assert {p.stem for p in SHIPPED} >= {"baseline", "two-party-dispute"}


@pytest.mark.parametrize("seed", SEEDS)
def test_fast_and_traced_replications_are_identical(scenario: Scenario, seed: int) -> None:
    seq = np.random.SeedSequence(seed)
    fast = run_replication(scenario, seq)
    traced = run_replication(scenario, seq, record_trace=True)
    assert fast.events is None and traced.events
    assert records(fast) == records(traced)


class TwoPaths(_Replication):
    """An untraced replication that, at every decision and answer, also decides term by term on a copy of the
    actor's random stream, and checks that both paths chose the same option with the same probabilities."""

    checked = 0

    def __init__(self, *args: Any):
        super().__init__(*args)
        for name, actor in self.actors.items():
            spec = actor.spec
            answer = self._both(spec.answer, single=True) if spec.answer is not None else None
            twin = dataclasses.replace(spec, decide=self._both(spec.decide, single=False), answer=answer)
            self.actors[name] = Actor(name, twin)
        self.attacker, self.defender = self.actors[self.roles.attacker], self.actors[self.roles.defender]

    def _both(self, policy: Callable[..., Any], single: bool) -> Callable[..., Any]:
        def checked(obs: Any, p: Any, rng: Any, explain: bool = True) -> Any:
            assert not explain  # this replication is untraced: the simulation asks for the fast path
            reference = policy(obs, p, copy.deepcopy(rng), explain=True)
            fast = policy(obs, p, rng, explain=False)
            pairs = [(reference, fast)] if single else list(zip(reference, fast, strict=True))
            for ref, got in pairs:
                assert isinstance(got, Decision) and got.utilities == {}
                assert (got.option, got.track, got.probabilities) == (ref.option, ref.track, ref.probabilities)
                assert list(got.probabilities) == list(ref.utilities)  # the same options, in the same order
                self.checked += 1
            return fast

        return checked


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_every_decision_is_the_same_on_both_paths(scenario: Scenario, seed: int) -> None:
    seq = np.random.SeedSequence(seed)
    flat = draw_parameters(scenario, np.random.default_rng(child_seed(seq, "parameters")), scenario.parameter_specs())
    rep = TwoPaths(scenario, flat, seq, False)
    result = rep.run()
    assert rep.checked > 50
    assert records(result) == records(run_replication(scenario, seq))
