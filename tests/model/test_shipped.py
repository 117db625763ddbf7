"""Smoke tests: the shipped case loads and runs. The only model tests that read configs/ (their numbers are being
recalibrated), so they assert that a run happens and tells a story, never what the story is."""

from __future__ import annotations

import numpy as np
import pytest

from .support import load_shipped, records

pytestmark = pytest.mark.smoke


@pytest.fixture(scope="module", params=["baseline.yaml", "early-winter.yaml"])
def shipped(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    return load_shipped(request.param)


@pytest.mark.parametrize("seed", [0, 20201010])
def test_a_shipped_scenario_runs_the_same_on_both_paths(shipped, seed: int) -> None:  # type: ignore[no-untyped-def]
    from scenarios.model.simulation import run_replication

    traced = run_replication(shipped, np.random.SeedSequence(seed), record_trace=True)
    fast = run_replication(shipped, np.random.SeedSequence(seed))
    assert records(fast) == records(traced)
    kinds = {e["kind"] for e in traced.events or []}
    assert {"ceasefire_start", "decision", "violation"} <= kinds
    assert traced.outcome["history_redraws"] >= 0 and len(traced.daily or []) == shipped.simulation.horizon_days
