"""What the report knew on its date holds in every replication: the start ceasefire still formally in force.

Report, para 4: "As of October 12, neither Azerbaijan or Armenia have formally ended the ceasefire despite major
violations with civilian casualties on both sides." A draw that ends it on 10, 11 or 12 October is drawn again
(`world.ceasefire.known_in_force`), with the same parameter values; a draw that agrees at once is the run of the
scenario without the condition.
"""

from __future__ import annotations

import numpy as np
import pytest

from scenarios.config.schema import Scenario
from scenarios.engine.seeding import replication_seed
from scenarios.exceptions import ModelError
from scenarios.model.simulation import ReplicationResult, run_replication

from .support import load_baseline

SEED = 20201010
N = 150
KNOWN_DAY = 3.0  # the end of 12 October (day 0 is 10 October)


@pytest.fixture(scope="module")
def unconditioned() -> Scenario:
    return load_baseline("world.ceasefire.known_in_force=null")


def ends_early(r: ReplicationResult) -> bool:
    return not r.outcome["first_ceasefire_censored"] and r.outcome["first_ceasefire_end_day"] < KNOWN_DAY


def test_no_replication_ends_the_start_ceasefire_before_the_reports_date(
    baseline: Scenario, unconditioned: Scenario
) -> None:
    free = [run_replication(unconditioned, replication_seed(SEED, i)) for i in range(N)]
    held = [run_replication(baseline, replication_seed(SEED, i)) for i in range(N)]
    early = sum(map(ends_early, free))
    assert early >= N // 10, f"only {early} of {N} unconditioned runs end it early: the condition would be idle"
    assert not any(map(ends_early, held))
    assert [r.ceasefires[0]["start_day"] for r in held] == [0.0] * N  # the same ceasefire, from 10 October
    redrawn = [r.outcome["history_redraws"] for r in held]
    assert sum(n > 0 for n in redrawn) == early  # exactly the draws that contradicted the report were replaced


def test_a_replication_that_agrees_at_once_is_the_run_without_the_condition(
    baseline: Scenario, unconditioned: Scenario
) -> None:
    checked = 0
    for i in range(50):
        seed = replication_seed(SEED, i)
        free = run_replication(unconditioned, seed, record_trace=True)
        held = run_replication(baseline, seed, record_trace=True)
        if ends_early(free):
            assert held.outcome["history_redraws"] >= 1
            assert held.parameters == free.parameters  # the path is drawn again, the parameter values kept
            assert held.ceasefires[0]["end_day"] != free.ceasefires[0]["end_day"]
            continue
        checked += 1
        assert held.outcome.pop("history_redraws") == 0
        assert free.outcome.pop("history_redraws") == 0
        assert (held.parameters, held.outcome, held.ceasefires, held.offers) == (
            free.parameters,
            free.outcome,
            free.ceasefires,
            free.offers,
        )
        assert (held.events, held.timeseries, held.daily) == (free.events, free.timeseries, free.daily)
    assert checked >= 20


def test_given_parameters_are_kept_when_the_path_is_drawn_again(baseline: Scenario, unconditioned: Scenario) -> None:
    i = next(i for i in range(N) if ends_early(run_replication(unconditioned, replication_seed(SEED, i))))
    given = run_replication(unconditioned, replication_seed(SEED, i)).parameters
    r = run_replication(baseline, replication_seed(SEED, i), parameters=given)
    assert r.outcome["history_redraws"] >= 1 and not ends_early(r)
    assert r.parameters == given


def test_redraws_are_a_pure_function_of_the_seed(baseline: Scenario) -> None:
    for i in range(10):
        a = run_replication(baseline, replication_seed(SEED, i))
        b = run_replication(baseline, replication_seed(SEED, i))
        assert a == b


def test_a_scenario_that_cannot_agree_stops_with_an_error_naming_the_key() -> None:
    scenario = load_baseline(
        "ceasefire.spiral_threshold=1",  # the first violation collapses any ceasefire
        "world.ceasefire.known_in_force.until=2020-11-30",
        "world.ceasefire.known_in_force.max_redraws=5",
    )
    with pytest.raises(ModelError, match=r"world\.ceasefire\.known_in_force: .* all of its 5 paths"):
        run_replication(scenario, np.random.SeedSequence([SEED, 0]))


def test_a_run_shorter_than_the_known_date_is_held_to_it_to_its_horizon() -> None:
    scenario = load_baseline("simulation.horizon_days=1")
    for i in range(40):
        r = run_replication(scenario, replication_seed(SEED, i))
        assert r.outcome["first_ceasefire_censored"], f"replication {i} ended the ceasefire within its one day"
