"""Results folders and scenario files written by format 1 (named after the first case) still load, in today's names.

`tests/data/format1` holds a results folder and the scenario files as main wrote them before the core spoke of
roles (see its README).
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from scenarios.analysis.check import check
from scenarios.analysis.summary import summarize
from scenarios.cli import main
from scenarios.config.legacy import LegacyFormatWarning
from scenarios.config.loader import load_scenario
from scenarios.exceptions import ResultsError
from scenarios.io.load import load_results
from scenarios.io.store import FORMAT_VERSION

ROOT = Path(__file__).resolve().parents[2]
FORMAT1 = ROOT / "tests" / "data" / "format1"
OLD_NAMES = ("military_azerbaijan", "azerbaijani_share", "turkish_level", "russia_backs_armenia", "back_armenia")


def test_a_folder_of_format_1_loads_in_todays_names() -> None:
    results = load_results(FORMAT1 / "batch")
    reps = results.replications
    assert json.loads((FORMAT1 / "batch" / "manifest.json").read_text())["format_version"] == 1 < FORMAT_VERSION
    for name in ("military_attacker", "attacker_share", "supporter_level", "patron_backs_defender"):
        assert name in reps.columns
    assert not any(old in c for c in reps.columns for old in OLD_NAMES)
    assert "patron_intervention" in set(reps["outcome_class"].astype(str))  # renamed from its format-1 name
    moved = "param.actors.turkey.ladder.f16_deterrent.effects.deters_retaliation"
    old = pd.read_parquet(FORMAT1 / "batch" / "replications.parquet")
    assert (reps[moved].to_numpy() == old["param.actors.armenia.f16_deterrence"].to_numpy()).all()
    assert set(results.daily.columns) >= {"attacker_share", "supporter_level"}
    postures = {str(v) for v in reps["final_posture.russia.support"].dropna().unique()}
    assert postures <= {"none", "back_defender", "intervene"}
    assert results.labels()["patron"] == "Russia"


def test_a_folder_of_format_1_is_summarised_and_checked() -> None:
    results = load_results(FORMAT1 / "batch")
    assert "attacker_share" in set(summarize(results).table_["measure"])
    table = check(results).table
    assert len(table) > 10 and table["verdict"].notna().all()


def test_a_folder_of_format_1_is_not_resumed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "old"
    shutil.copytree(FORMAT1 / "example", folder)
    config = FORMAT1 / "configs" / "examples" / "two-party-dispute.yaml"
    code = main(["run", str(config), "--n", "12", "--seed", "5", "--out", str(folder), "--resume", "--quiet"])
    assert code == 2 and "results format 1" in capsys.readouterr().err
    assert json.loads((folder / "manifest.json").read_text())["format_version"] == 1  # untouched


@pytest.mark.parametrize("name", ["baseline.yaml", "russia-backs-early.yaml", "turkey-escalates.yaml"])
def test_a_scenario_file_of_format_1_loads_as_the_same_scenario(name: str) -> None:
    """The old file, renamed and moved on the way in, draws every parameter from the same range as today's file."""
    with pytest.warns(LegacyFormatWarning, match="read as format 1"):
        old = load_scenario(FORMAT1 / "configs" / name)
    new = load_scenario(ROOT / "configs" / name)
    assert old.parameter_specs() == new.parameter_specs()
    assert old.expectations.keys() == new.expectations.keys()
    for key, expectation in new.expectations.items():
        assert old.expectations[key].measure == expectation.measure


def test_an_override_in_format_1_names_reaches_the_moved_parameter() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LegacyFormatWarning)
        scenario = load_scenario(ROOT / "configs" / "baseline.yaml", ["combat.drone_advance_bonus=0.9"])
    effect = scenario.world.capabilities["drones"].effects.advance_bonus
    assert effect is not None and effect.value == 0.9 and effect.note and "was:" in effect.note


def test_an_unknown_format_is_refused_with_the_versions_it_reads(tmp_path: Path) -> None:
    folder = tmp_path / "future"
    shutil.copytree(FORMAT1 / "example", folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["format_version"] = 99
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ResultsError, match="manifest format 99, which this version of scenarios cannot read"):
        load_results(folder)
