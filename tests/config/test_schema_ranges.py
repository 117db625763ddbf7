"""Validation that knows the model: any value the schema accepts must run.

A property test draws parameters of the baseline, sets each to an extreme end of the range its schema type allows,
and runs one short replication. It is generic over `scenario.parameter_specs()`, so it covers whatever parameters
the model has; a failure means the schema type of that parameter is too wide (see config/params.py).
"""

from __future__ import annotations

import fnmatch
import math
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios.config.params import Param
from scenarios.exceptions import ModelError
from scenarios.model.simulation import run_replication

from .conftest import problems_with, settable, with_overrides

SHORT = "simulation.horizon_days=30"
BASE = with_overrides(SHORT)

# Bounds the model needs that live in the actors' own Params (src/scenarios/model/actors/), with the schema type
# each still has: skipped while it has that type. Give them the type on the right and the entry can go.
MODEL_BOUNDS: dict[str, tuple[str, str]] = {}  # path pattern -> (schema type skipped, why): none left


def _skipped(path: str, param: Param) -> bool:
    return any(
        fnmatch.fnmatch(path, pattern) and type(param).__name__ == kind for pattern, (kind, _) in MODEL_BOUNDS.items()
    )


PARAMS = {
    path: param
    for path in BASE.parameter_specs()
    if isinstance(param := BASE.parameter(path), Param) and not _skipped(path, param) and settable(path)
}


def extreme(path: str, end: str) -> float:
    """The lowest or highest value the schema type of `path` accepts (an unbounded top: 10x the baseline's)."""
    cls = type(PARAMS[path])
    spec = BASE.parameter_specs()[path]
    if end == "lo":
        if not math.isfinite(cls.lo):
            return -10 * abs(spec.lo) - 1
        return math.nextafter(cls.lo, math.inf) if cls.lo_open else cls.lo
    return cls.hi if math.isfinite(cls.hi) else 10 * abs(spec.hi) + 1


@contextmanager
def time_limit(seconds: int, what: str) -> Iterator[None]:
    def stop(*_: object) -> None:
        raise AssertionError(f"a replication did not finish in {seconds} s with {what}")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    chosen=st.lists(
        st.tuples(st.sampled_from(sorted(PARAMS)), st.sampled_from(["lo", "hi"])),
        min_size=1,
        max_size=3,
        unique_by=lambda t: t[0],
    ),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_value_the_schema_accepts_runs(chosen: list[tuple[str, str]], seed: int) -> None:
    overrides = [f"{path}={extreme(path, end)!r}" for path, end in chosen]
    scenario = with_overrides(SHORT, *overrides)  # the schema accepts it ...
    with time_limit(30, ", ".join(overrides)):
        try:
            result = run_replication(scenario, np.random.SeedSequence(seed))  # ... so the model must run it
        except ModelError as exc:
            # ... or say that such values contradict what the report knew (e.g. violations ten times the
            # baseline's collapse every ceasefire within a day); without that condition they must run
            assert str(exc).startswith("world.ceasefire.known_in_force: "), exc
            scenario = with_overrides(SHORT, *overrides, "world.ceasefire.known_in_force=null")
            result = run_replication(scenario, np.random.SeedSequence(seed))
    assert result.outcome["outcome_class"]


def test_the_property_test_covers_the_baseline() -> None:
    assert len(PARAMS) >= 0.9 * len(BASE.parameter_specs()) - len(MODEL_BOUNDS) * 5


def test_a_truncated_normal_with_no_mass_inside_is_an_error_that_shows_the_mass() -> None:
    (p,) = problems_with("combat.defender_advance_per_day={dist: normal, mean: -5, sd: 0.001}")
    assert p.key == "combat.defender_advance_per_day"
    assert p.message == (
        "normal: only 0 of its mass lies inside (0, inf] (95% of it is in [-5.00196, -4.99804]), so every draw "
        "would sit at the edge"
    )
    assert p.hint == "move the mean inside a number > 0, or widen sd"
    spec = with_overrides("combat.defender_advance_per_day={dist: normal, mean: 0.1, sd: 0.2}").parameter_specs()
    assert spec["combat.defender_advance_per_day"].kind == "normal"  # a third of its mass inside: fine
