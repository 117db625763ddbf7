"""The shipped baseline held to the report: the table is PRINTED, never asserted consistent.

The model is being reworked; until then some judgments may be too high or too low, and that is visible in the
output of this test (pytest -s, or -rA), never hidden by loosening a band.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.analysis.check import check, default_n
from scenarios.config.loader import load_scenario
from scenarios.engine.batch import run_batch
from scenarios.io.load import load_results

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_baseline_check_prints_its_table(tmp_path: Path) -> None:
    scenario = load_scenario(ROOT / "configs" / "baseline.yaml")
    n, reason = default_n()
    batch = run_batch([scenario], n=n, out=tmp_path / "r", quiet=True)
    result = check(load_results(batch.directory), {scenario.name: scenario}, reason)
    print("\n" + result.to_text())
    assert set(result.table["expectation"]) == set(scenario.active_expectations())
    assert result.table["n"].min() > 0
