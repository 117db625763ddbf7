"""PRIM scenario discovery (EMA Workbench) beside CART: a planted box is found with the parameters that make it,
coverage and density are those of the batch, the command names the judgments and draws the peeling trajectory."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest

from scenarios.analysis.discovery import discover_prim
from scenarios.cli import main
from scenarios.config.loader import load_scenario
from scenarios.engine.batch import run_batch
from scenarios.io.load import Results, load_results

ROOT = Path(__file__).resolve().parents[2]
GAIN, CASUALTY = "param.actors.azerbaijan.gain_weight", "param.actors.azerbaijan.military_casualty_weight"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("prim") / "b"
    scenario = load_scenario(ROOT / "configs" / "baseline.yaml", ["simulation.horizon_days=90"])
    run_batch([scenario], n=800, seed=4, executor="serial", out=out, quiet=True)
    return out


def edges(results: Results) -> tuple[float, float, float]:
    """The planted box's edges (the lowest 30% of the gain weights drawn, the highest half of the casualty weights:
    whatever the baseline's ranges) and a tolerance of 7.5% of the gain weights' range."""
    r = results.replications
    gain = r[GAIN]
    return float(gain.quantile(0.3)), float(r[CASUALTY].quantile(0.5)), 0.075 * float(gain.max() - gain.min())


def planted(results: Results) -> Results:
    """The batch with `durable_ceasefire` replaced by a box of two parameters (plus 5% noise)."""
    r = results.replications
    noise = np.random.default_rng(1).uniform(size=len(r)) < 0.05
    gain, casualty, _ = edges(results)
    box = (r[GAIN] < gain) & (r[CASUALTY] > casualty)
    return dataclasses.replace(results, replications=r.assign(durable_ceasefire=box.to_numpy() | noise))


def test_prim_finds_the_planted_box_and_its_parameters(folder: Path) -> None:
    results = planted(load_results(folder))
    found, base = discover_prim(results, "durable_ceasefire", max_dims=3)
    assert found
    best = found[0]
    names = set(best.limits)
    assert {"actors.azerbaijan.gain_weight", "actors.azerbaijan.military_casualty_weight"} <= names
    lo, hi = best.limits["actors.azerbaijan.gain_weight"]
    gain, _, tolerance = edges(results)
    assert hi == pytest.approx(gain, abs=tolerance)
    assert best.density > 0.8 and best.coverage > 0.6 and best.density > 3 * base
    # the statistics are the batch's own, recomputed inside the limits
    r = results.replications
    inside = np.ones(len(r), dtype=bool)
    for name, (lo, hi) in best.limits.items():
        inside &= (r[f"param.{name}"] >= lo).to_numpy() & (r[f"param.{name}"] <= hi).to_numpy()
    y = r["durable_ceasefire"].to_numpy()
    assert best.support == inside.sum() and best.density == pytest.approx(y[inside].mean())
    assert best.trajectory is not None and best.trajectory["chosen"].sum() == 1


def test_the_command_names_judgments_and_draws_the_trajectory(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["discover", str(folder), "--outcome", "war_days <= 30", "--method", "prim"]) == 0
    out = capsys.readouterr().out
    assert "PRIM boxes" in out and "¶" in out  # the restricted parameters' judgments, by the report's words
    plots = sorted(folder.glob("discover-prim-*-box*.png"))
    assert plots
    image = mpimg.imread(plots[0])
    assert image.shape[0] > 300 and image.std() > 0.05  # a drawn figure, not a blank canvas
