"""A real two-scenario batch (baseline and early winter, 60 days) for the figure tests, run once."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.engine.batch import run_batch
from scenarios.io.load import Results, load_results

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def real(tmp_path_factory: pytest.TempPathFactory) -> Results:
    out = tmp_path_factory.mktemp("plots") / "r"
    run_batch(
        [ROOT / "configs" / "baseline.yaml", ROOT / "configs" / "early-winter.yaml"],
        n=24,
        seed=2,
        overrides=["simulation.horizon_days=60"],
        executor="serial",
        out=out,
        quiet=True,
    )
    return load_results(out)
