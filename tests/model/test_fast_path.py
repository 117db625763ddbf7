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
from scenarios.model import combat
from scenarios.model.choice import Decision
from scenarios.model.observation import OperationView
from scenarios.model.policy import Policy
from scenarios.model.random import child_seed
from scenarios.model.simulation import _Replication, run_replication
from scenarios.model.state import WorldState

from .support import small_world, values

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
        self.actors = {name: _Twin(actor, self) for name, actor in self.actors.items()}  # type: ignore[misc]

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


class _Twin:
    """A policy whose decisions and answers go through `TwoPaths._both`; everything else is the policy's own."""

    def __init__(self, policy: Policy[Any], replication: TwoPaths):
        self._policy = policy
        self.decide = replication._both(policy.decide, single=False)
        self.answer = replication._both(policy.answer, single=True)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._policy, name)


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_every_decision_is_the_same_on_both_paths(scenario: Scenario, seed: int) -> None:
    # the run of the seed's own draw, as run_replication makes it where it agrees with the report's date at once
    start = scenario.world.ceasefire.model_copy(update={"known_in_force": None})
    scenario = scenario.model_copy(update={"world": scenario.world.model_copy(update={"ceasefire": start})})
    seq = np.random.SeedSequence(seed)
    flat = draw_parameters(scenario, np.random.default_rng(child_seed(seq, "parameters")), scenario.parameter_specs())
    rep = TwoPaths(scenario, flat, seq, False)
    result = rep.run()
    assert rep.checked > 50
    assert records(result) == records(run_replication(scenario, seq))


def reference_views(state: WorldState, p: Any, max_route: int, max_days: float) -> tuple[OperationView, ...]:
    """`combat.operation_views` as first written: every objective of every route through `_through_seasons`."""
    total = state.total_value()
    table = combat.season_rates(state, p)
    views = []
    for target, route in combat._routes(state, table).items():
        if not route or len(route) > max_route:
            continue
        t = state.day
        value = attackers = civilians = winter_days = 0.0
        for oid in route:
            o = state.objectives[oid]
            summer, winter = table[oid]
            left = max(o.difficulty - o.progress, 0.0)
            t, out_days, in_days = combat._through_seasons(state, t, left, summer, winter)
            if not np.isfinite(t):
                break
            value += o.value
            attackers += summer.attacker_casualties * out_days + winter.attacker_casualties * in_days
            civilians += summer.civilian_casualties * (out_days + in_days)
            winter_days += in_days
        days = t - state.day
        if not np.isfinite(t) or days > max_days:
            continue
        views.append(OperationView(target, route, value / total, days, attackers, civilians, winter_days))
    return tuple(views)


@pytest.mark.parametrize("winter_advance", [0.0, 0.3, 1.0])
def test_operation_views_match_the_reference_across_the_seasons(winter_advance: float) -> None:
    """Before, across, in and after winter, with efforts part spent: the shortcut within a season gives the same
    views to the bit as walking every objective through the seasons."""
    p = values(combat__winter_mountain_advance_factor=winter_advance).combat
    rng = np.random.default_rng(3)
    for day in [0.0, 10.0, 30.0, 45.5, 49.9, 50.0, 60.0, 100.0, 119.5, 120.0, 130.0, 400.0]:
        state = small_world(supporter_level=2, day=day, winter_day=50.0, winter_end_day=120.0)
        for o in state.objectives.values():
            o.progress = float(rng.uniform(0.0, o.difficulty))
        got = combat.operation_views(state, p, 3, 400.0)
        assert got and pickle.dumps(got) == pickle.dumps(reference_views(state, p, 3, 400.0))
