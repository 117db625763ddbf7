"""The third case (configs/examples/coastal-crisis.yaml): what the first case does not exercise, through the same core
and in YAML alone: a war already under way with no truce, a defender that counter-attacks to retake lost ground, two
supporters of the attacker, a patron of the defender that also brokers, and two mediators that offer jointly."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scenarios.analysis.check import check
from scenarios.cli import main
from scenarios.config.loader import load_scenario
from scenarios.io.load import load_results
from scenarios.roles import Role

ROOT = Path(__file__).resolve().parents[2]
COASTAL = ROOT / "configs" / "examples" / "coastal-crisis.yaml"


def test_the_case_casts_its_actors_by_role() -> None:
    scenario = load_scenario(COASTAL)
    assert scenario.world.ceasefire is None  # open war on day 0
    assert scenario.by_role(Role.SUPPORTER) == ["kaldor", "brevia"]
    assert scenario.by_role(Role.PATRON) == ["norhaven"]
    assert scenario.by_role(Role.MEDIATOR) == ["league", "council"]
    assert scenario.actors["league"].joint_with == ["council"]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("coastal") / "batch"
    args = ["run", str(COASTAL), "--n", "400", "--seed", "3", "--quiet", "--out", str(out)]
    assert main(args) == 0
    return out


def test_each_mechanism_of_the_case_happens(batch: Path) -> None:
    reps = pd.read_parquet(batch / "replications.parquet")
    assert reps["counter_operations"].gt(0).mean() > 0.5  # Westfold counter-attacks in most runs
    assert reps["retaken_share"].gt(0).mean() > 0.3  # and takes ground back in many
    assert reps["first_day.eastmark.offensive"].eq(0).all()  # the war is under way on day 0
    assert {"support_level.kaldor", "support_level.brevia", "support_level.norhaven"} <= set(reps.columns)
    offers = pd.read_parquet(batch / "offers.parquet")
    assert {"league+council", "norhaven"} <= set(offers["brokers"].astype(str))  # joint offers, and the patron's
    assert "council" not in set(offers["broker"].astype(str))  # the joint offers are made once, by the first
    truces = pd.read_parquet(batch / "ceasefires.parquet")
    assert {"league+council", "norhaven"} <= set(truces["brokers"].astype(str))  # both kinds of broker get halts
    assert reps["patron_backs_defender"].mean() > 0.5  # the patron that brokers also backs Westfold


def test_the_case_meets_its_own_expectations(batch: Path) -> None:
    scenario = load_scenario(COASTAL)
    result = check(load_results(batch), {scenario.name: scenario})
    print("\n" + result.to_text())
    assert set(result.table["expectation"]) == set(scenario.active_expectations())
    assert result.inconsistent.empty, result.inconsistent.to_string()
