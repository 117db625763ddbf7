"""`scenarios importance --screen`: every uncertain parameter against every measure and expectation of a real batch.

A parameter replaced by noise must be found without effect; the strongest judgment of the baseline (what
territory is worth to Baku, gain_weight) must be found with one.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from scenarios.analysis.importance import headline_measures, screen
from scenarios.cli import main
from scenarios.config.loader import load_scenario
from scenarios.engine.batch import run_batch
from scenarios.io.load import load_results

ROOT = Path(__file__).resolve().parents[2]
NOISE = "param.actors.azerbaijan.gain_weight"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("screen") / "b"
    run_batch(
        [load_scenario(ROOT / "configs" / "baseline.yaml")], n=600, seed=3, executor="serial", out=out, quiet=True
    )
    return out


def test_expectations_are_among_the_measures_screened(folder: Path) -> None:
    measures = headline_measures(load_results(folder))
    assert "expectation:kremlin_seeks_to_end_fighting" in measures and "war_days" in measures
    given = measures["expectation:kremlin_seeks_to_end_fighting"]
    assert given.isna().any() and given.dropna().isin([0.0, 1.0]).all()  # NaN where the first ceasefire held


def test_a_parameter_that_moves_outcomes_is_detectable_and_noise_is_not(folder: Path) -> None:
    results = load_results(folder)
    table = screen(results).set_index("parameter")
    assert table.loc["actors.azerbaijan.gain_weight", "detectable"]
    assert table.loc["actors.azerbaijan.gain_weight", "p"] < 1e-6
    noise = np.random.default_rng(0).uniform(30, 50, len(results.replications))
    noisy = dataclasses.replace(results, replications=results.replications.assign(**{NOISE: noise}))
    shuffled = screen(noisy).set_index("parameter")
    assert not shuffled.loc["actors.azerbaijan.gain_weight", "detectable"]
    assert shuffled.loc["actors.azerbaijan.gain_weight", "p"] > 0.05


def test_the_command_lists_what_has_no_effect(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["importance", str(folder), "--screen"]) == 0
    out, err = capsys.readouterr()
    assert "parameters screened" in err  # progress on stderr (none under --quiet)
    # issue 32 item 7: a parameter in words with its key (for --set) last; a measure or expectation by its label
    lines = out.splitlines()
    header = lines[1]
    assert header.startswith("parameter  ") and header.endswith("key (for --set)")
    rows = lines[2 : lines.index("")]
    gain = next(row for row in rows if row.endswith(" actors.azerbaijan.gain_weight"))
    assert gain.startswith("azerbaijan: gain weight  ")
    assert all(row.index(row.split()[-1]) == header.index("key (for --set)") for row in rows)
    assert not any("_" in row.removesuffix(row.split()[-1]) for row in rows)  # no id but the key
    assert any("  expectation: " in row for row in rows)
    assert "parameter(s) with no effect this batch can tell from noise on any measure" in out
