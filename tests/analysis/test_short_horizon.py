"""A batch shorter than a judgment's horizon: the check, the report and the screen say n/a instead of failing.

¶4 "A Kremlin-brokered ceasefire has so far failed to halt hostilities" is checked here as `quiet_30_days` (the truce
held in fact for a month; set on the command line, so the test does not follow the baseline's wording of the
judgment); a 20-day batch cannot say whether a truce holds 30 days, in fact or in name.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scenarios.analysis.check import check, expectation_values
from scenarios.engine.batch import run_batch
from scenarios.io.load import Results, load_results
from scenarios.report.html import write_report

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def short(tmp_path_factory: pytest.TempPathFactory) -> Results:
    out = tmp_path_factory.mktemp("short") / "r"
    run_batch(
        [ROOT / "configs" / "baseline.yaml"],
        n=12,
        seed=3,
        overrides=["simulation.horizon_days=20", "expectations.humanitarian_ceasefire_fails.measure=quiet_30_days"],
        executor="serial",
        out=out,
        quiet=True,
    )
    return load_results(out)


def test_the_30_day_judgment_is_na_and_the_others_are_checked(short: Results) -> None:
    t = check(short).table.set_index("expectation")
    row = t.loc["humanitarian_ceasefire_fails"]
    assert row["verdict"] == "n/a" and row["n"] == 0
    assert row["na_reason"] == "quiet_30_days is undefined in every replication: it asks beyond the 20-day horizon"
    others = t.drop(index="humanitarian_ceasefire_fails")
    assert (others["verdict"] != "n/a").all() and (others["na_reason"] == "").all()
    values = expectation_values(short, "baseline")["expectation:humanitarian_ceasefire_fails"]
    assert len(values) == 12 and np.isnan(values.to_numpy()).all()


def test_the_report_renders_with_the_na_judgment(short: Results, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    write_report([short.directory], page)
    text = page.read_text()
    assert "humanitarian_ceasefire_fails" in text and "asks beyond the 20-day horizon" in text
    assert "1 n/a" in text
