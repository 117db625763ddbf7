"""The commands a user runs, end to end, on the shipped scenarios (small n)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scenarios.cli import main

ROOT = Path(__file__).resolve().parents[2]
BASELINE = str(ROOT / "configs" / "baseline.yaml")
RUSSIA = str(ROOT / "configs" / "russia-backs-early.yaml")
SHORT = ["--set", "simulation.horizon_days=60"]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "results"
    assert (
        main(["run", BASELINE, RUSSIA, "--n", "40", "--executor", "serial", "--quiet", "--out", str(out), *SHORT]) == 0
    )
    return out


def test_run_prints_summary_and_location(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r"
    assert main(["run", BASELINE, "--n", "12", "--workers", "2", "--quiet", "--out", str(out), *SHORT]) == 0
    text = capsys.readouterr().out
    assert f"results: {out}" in text
    assert "P(the ceasefire of 10 Oct 2020 (Russia-brokered) stays formally in force)" in text
    assert "P(it holds in fact: no operation under it, few violations)" in text
    assert "7 days" in text and "90 days" in text
    assert "outcomes at the horizon" in text
    horizon = next(line for line in text.splitlines() if "outcomes at the horizon" in line)
    assert "_" not in horizon and "Azerbaijan" in horizon, horizon  # classes by their labels, not their ids
    assert (out / "replications.parquet").exists()


def test_summary_compare_plot_report(batch: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", str(batch)]) == 0
    text = capsys.readouterr().out
    assert "baseline" in text and "russia-backs-early" in text
    assert main(["compare", str(batch), "--plots", str(tmp_path / "plots"), "--all"]) == 0
    text = capsys.readouterr().out
    assert "holds_30_days" in text and "russia-backs-early" in text
    assert sorted(p.name for p in (tmp_path / "plots").iterdir())[:2] == ["casualties.png", "fan-attention.png"]
    for suffix, magic in ((".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")):
        out = tmp_path / f"survival{suffix}"
        assert main(["plot", str(batch), "--kind", "survival", "-o", str(out)]) == 0
        assert out.read_bytes().startswith(magic)
    assert main(["report", str(batch), "-o", str(tmp_path / "r.html")]) == 0
    assert "What changed between scenarios" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_bad_plot_format_and_missing_dir(batch: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plot", str(batch), "--kind", "survival", "-o", str(tmp_path / "x.gif")]) == 2
    assert "use .png, .svg or .pdf" in capsys.readouterr().err
    assert main(["summary", str(tmp_path / "nowhere")]) == 2
    assert "no such results directory" in capsys.readouterr().err


def test_trace_run_tells_a_story(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace-run", BASELINE, "--seed", "3", *SHORT]) == 0
    text = capsys.readouterr().out
    assert "ceasefire_start" in text and "chose" in text and "Outcome:" in text
    assert "outcome_class:" in text
    outcome = text.split("Outcome:")[1]
    assert re.search(r"first_ceasefire_days: [0-9.e+-]+\n", outcome)
    assert not re.search(r"\.\d{6,}", outcome), "raw floats in the outcome: four significant figures, as the story"


@pytest.mark.parametrize("config", sorted((ROOT / "configs").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_config_runs_one_replication(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace-run", str(config), "--seed", "1"]) == 0
    assert "outcome_class:" in capsys.readouterr().out


def test_comparing_the_same_scenario_from_two_folders_warns_plainly(
    batch: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other"
    assert (
        main(
            [
                "run",
                BASELINE,
                "--n",
                "40",
                "--executor",
                "serial",
                "--quiet",
                "--out",
                str(other),
                "--set",
                "simulation.horizon_days=60",
                "--set",
                "actors.russia.rationality=3",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["summary", str(batch), str(other)]) == 0
    captured = capsys.readouterr()
    assert "warning: scenario 'baseline' is in both" in captured.err
    assert "with different configurations" in captured.err and "baseline@other" in captured.out
    assert "UserWarning" not in captured.err
