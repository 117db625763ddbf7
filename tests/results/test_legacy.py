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
from scenarios.exceptions import ConfigError, ResultsError
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
    summary = summarize(results).table_
    assert "attacker_share" in set(summary["measure"])
    # the classes format 1 wrote are kept as they were (model v1's classes, not today's): counted, with a label
    stored = pd.read_parquet(FORMAT1 / "batch" / "replications.parquet")["outcome_class"].value_counts()
    assert stored["protracted_war"] > 0 and stored["limited_gains_talks"] > 0
    shares = summary[summary["measure"].str.startswith("outcome:") & (summary["scenario"] == "baseline")]
    shares = shares.set_index("measure")
    counts = results.replications.loc[results.replications["scenario"] == "baseline", "outcome_class"].value_counts()
    n = int(counts.sum())
    assert shares.loc["outcome:protracted_war", "value"] == pytest.approx(counts["protracted_war"] / n)
    assert shares.loc["outcome:protracted_war", "label"] == "P(outcome: protracted war)"
    assert shares["value"].sum() == pytest.approx(1.0)
    # its judgments are checked against its own replications, as model v1 wrote them
    table = check(results).table
    assert len(table) > 10 and table["verdict"].notna().all()
    row = table.set_index(["scenario", "expectation"]).loc[("baseline", "humanitarian_ceasefire_fails")]
    baseline = results.replications[results.replications["scenario"] == "baseline"]
    assert row["measure"] == "holds_30_days" and row["n"] == len(baseline)
    assert row["k"] == int((baseline["first_ceasefire_end_day"] >= 30).sum())  # format 1's truce began on day 0


def test_a_folder_of_format_1_is_not_resumed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "old"
    shutil.copytree(FORMAT1 / "example", folder)
    config = ROOT / "configs" / "examples" / "two-party-dispute.yaml"  # today's file of the scenario it ran
    code = main(["run", str(config), "--n", "12", "--seed", "5", "--out", str(folder), "--resume", "--quiet"])
    assert code == 2 and "results format 1" in capsys.readouterr().err
    assert json.loads((folder / "manifest.json").read_text())["format_version"] == 1  # untouched


def line_of(file: Path, text: str) -> int:
    return next(i for i, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.mark.parametrize("name", ["baseline.yaml", "russia-backs-early.yaml", "turkey-escalates.yaml"])
def test_a_scenario_file_of_format_1_is_renamed_and_told_what_the_model_now_needs(name: str) -> None:
    """A file of format 1 encodes model v1, whose mechanisms are gone (the violation spiral, combat rates by terrain
    as fixed keys, a patron's support as a posture): it is still read and renamed, but it cannot be today's
    scenario. Every problem names the file and line it comes from; what was renamed or moved is not a problem."""
    with pytest.warns(LegacyFormatWarning, match="read as format 1"), pytest.raises(ConfigError) as info:
        load_scenario(FORMAT1 / "configs" / name)
    problems = {(Path(p.file).name, p.key, p.message): p for p in info.value.problems}
    base = FORMAT1 / "configs" / "baseline.yaml"
    gone = problems[("baseline.yaml", "ceasefire.spiral_threshold", "unknown key")]
    assert gone.line == line_of(base, "spiral_threshold:")
    assert ("baseline.yaml", "ground", "missing required key") in problems
    assert ("baseline.yaml", "endurance", "missing required key") in problems
    assert all(p.line is not None and Path(p.file).resolve().parent == FORMAT1 / "configs" for p in info.value.problems)
    keys = {p.key for p in info.value.problems}
    assert not any("violation_rate" in k or "capabilities" in k or "f16" in k for k in keys), keys  # renamed, moved
    if name == "russia-backs-early.yaml":
        variant = FORMAT1 / "configs" / name
        posture = problems[(name, "actors.russia.start_support", "unknown key")]
        assert posture.line == line_of(variant, "start_support:")


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
