"""Fixtures shared across test folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from scenarios.engine.batch import run_batch
from scenarios.io.load import Results, load_results

ROOT = Path(__file__).resolve().parents[1]

# CI explores the same hypothesis examples on every run, so a landing never depends on a lucky draw; locally each
# run explores new ones (and the local example database replays any failure found).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True, scope="session")
def allow_shipped_configs() -> Iterator[None]:
    """Test files live in temporary folders and extend the shipped baseline: allow its folder, as a user would.

    Session-scoped, so module and session fixtures that load scenarios see it too.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCENARIOS_ALLOW_PATH", str(ROOT / "configs"))
        yield


@pytest.fixture(scope="session")
def two_scenario_batch(tmp_path_factory: pytest.TempPathFactory) -> Results:
    """A real batch of baseline and early winter (40 replications each, 60 days), run once per session."""
    out = tmp_path_factory.mktemp("two-scenarios") / "r"
    run_batch(
        [ROOT / "configs" / "baseline.yaml", ROOT / "configs" / "early-winter.yaml"],
        n=40,
        seed=1,
        overrides=["simulation.horizon_days=60"],
        executor="serial",
        out=out,
        quiet=True,
    )
    return load_results(out)
