"""Provenance all the way: results folders remember where each value was set; a value set by `--set` or `--save`
no longer claims the report's words, and the words it replaced stay visible as "was:"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scenarios.cli import main
from scenarios.config.loader import load_scenario
from scenarios.engine.batch import run_batch
from scenarios.whatif import save_whatif

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.yaml"
KEY = "actors.russia.back_defender_propensity"
WAS = "was: likely (\u00b66 \u201cPutin will likely support his ally Armenia in the end\u201d)"


def test_diff_of_results_folders_shows_the_file_and_line_of_each_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    configs = ["configs/baseline.yaml", "configs/russia-backs-early.yaml"]
    out = tmp_path / "r"
    run_batch(configs, n=2, seed=1, overrides=["simulation.horizon_days=30"], executor="serial", out=out, quiet=True)
    assert main(["diff", f"{out}:baseline", f"{out}:russia-backs-early"]) == 0
    text = capsys.readouterr().out
    assert "(default)" not in text
    base = (ROOT / "configs" / "baseline.yaml").read_text(encoding="utf-8").splitlines()
    variant = (ROOT / "configs" / "russia-backs-early.yaml").read_text(encoding="utf-8").splitlines()
    base_line = base.index("    alliance_weight:") + 2  # the line of its `value:`
    variant_line = variant.index("    alliance_weight:") + 2
    assert f"set at configs/baseline.yaml:{base_line}:7 -> configs/russia-backs-early.yaml:{variant_line}:7" in text
    assert main(["diff", "configs/baseline.yaml", "configs/russia-backs-early.yaml"]) == 0
    from_files = capsys.readouterr().out
    assert from_files.splitlines()[1:] == text.splitlines()[1:]  # the folder remembers what the files say


@pytest.mark.parametrize("override", [f"{KEY}=very likely", f"{KEY}.value=very likely"])
def test_a_value_set_on_the_command_line_loses_the_quote(override: str) -> None:
    param = load_scenario(BASELINE, [override]).actors.russia.back_defender_propensity
    assert (param.value, param.source) == ("very likely", None)
    assert param.assumption == f"set on the command line (--set {override})"
    assert param.note == WAS


def test_a_full_mapping_on_the_command_line_keeps_the_provenance_it_gives() -> None:
    override = f'{KEY}={{value: 0.9, assumption: "my reading"}}'
    param = load_scenario(BASELINE, [override]).actors.russia.back_defender_propensity
    assert (param.value, param.assumption, param.note) == (0.9, "my reading", None)


def test_a_saved_whatif_carries_its_note_not_the_quote(tmp_path: Path) -> None:
    configs = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", configs)
    saved = save_whatif(configs / "baseline.yaml", [f"{KEY}=very likely"], configs / "rvl.yaml", "Kremlin signals")
    param = load_scenario(saved).actors.russia.back_defender_propensity
    assert (param.value, param.source, param.assumption, param.note) == ("very likely", None, "Kremlin signals", WAS)
