"""A real two-scenario batch (baseline and early winter, 60 days), run once for the analysis tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.engine.batch import run_batch
from scenarios.io.load import Results, load_results

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Results:
    out = tmp_path_factory.mktemp("analysis") / "r"
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
