"""The shipped baseline held to the report, as `scenarios check --strict` holds it: no judgment too high or too
low at the default n and the scenario's seed. The table is printed (pytest -s, or -rA); an undetermined judgment
(its interval straddles a band edge) is shown, not failed."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.analysis.check import check, default_n
from scenarios.config.loader import load_scenario
from scenarios.engine.batch import run_batch
from scenarios.io.load import load_results

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_baseline_says_what_the_report_says(tmp_path: Path) -> None:
    scenario = load_scenario(ROOT / "configs" / "baseline.yaml")
    n, reason = default_n()
    batch = run_batch([scenario], n=n, out=tmp_path / "r", quiet=True)
    result = check(load_results(batch.directory), {scenario.name: scenario}, reason)
    print("\n" + result.to_text())
    assert set(result.table["expectation"]) == set(scenario.active_expectations())
    assert result.table["n"].min() > 0
    wrong = result.inconsistent
    assert wrong.empty, "the model contradicts the report:\n" + wrong.to_string()
