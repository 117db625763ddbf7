"""PRIM scenario discovery (EMA Workbench) beside CART: a planted box is found with the parameters that make it,
coverage and density are those of the batch, the command names the judgments and draws the peeling trajectory."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest

from scenarios.analysis.discovery import Box, discover_prim, quasi_p_values
from scenarios.cli import main
from scenarios.config.loader import load_scenario
from scenarios.engine.batch import run_batch
from scenarios.exceptions import AnalysisError
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


@pytest.fixture(scope="module")
def default_prim(folder: Path) -> tuple[Results, list[Box], float]:
    """The planted batch and PRIM's default boxes on it (with the base rate): the same call two tests read, run once
    (PRIM is deterministic, and neither test changes what it returns)."""
    results = planted(load_results(folder))
    found, base = discover_prim(results, "durable_ceasefire", max_dims=3)
    return results, found, base


def test_prim_finds_the_planted_box_and_its_parameters(default_prim: tuple[Results, list[Box], float]) -> None:
    results, found, base = default_prim
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
    # issue 32 item 7: a row per restriction, the parameter in words with its key (for --set) last
    lines = out.splitlines()
    assert lines[0].startswith("war_days <= 30: ")  # an expression is its own label
    header = lines[2]
    assert header.startswith("box ") and " parameter " in header and header.endswith(" key (for --set)")
    rows = lines[3 : lines.index("")]
    assert rows and all(row.index(row.split()[-1]) == header.index("key (for --set)") for row in rows)
    assert not any("_" in row.removesuffix(row.split()[-1]) for row in rows)  # no id but the key
    gain = next(row for row in rows if row.endswith(" actors.azerbaijan.gain_weight"))
    assert gain[header.index(" parameter ") + 1 :].startswith("azerbaijan: gain weight  ")
    plots = sorted(folder.glob("discover-prim-*-box*.png"))
    assert plots
    image = mpimg.imread(plots[0])
    assert image.shape[0] > 300 and image.std() > 0.05  # a drawn figure, not a blank canvas


def test_peel_picks_another_point_of_the_trajectory_as_prim_gives_it(
    default_prim: tuple[Results, list[Box], float],
) -> None:
    """`peel=K` makes the first box point K of its peeling trajectory, with every restriction PRIM made there (not
    simplified), and statistics recomputed over the batch; a K outside the trajectory is refused with the range."""
    results, default, _ = default_prim
    trajectory = default[0].trajectory
    assert trajectory is not None and default[0].peel == int(trajectory.index[trajectory["chosen"]][0])
    early = max(1, default[0].peel // 3)
    found, _ = discover_prim(results, "durable_ceasefire", max_dims=3, peel=early)
    box = found[0]
    assert box.peel == early and box.trajectory is not None and bool(box.trajectory["chosen"].iloc[early])
    assert len(box.limits) == int(trajectory["res_dim"].iloc[early])  # as PRIM gives it
    assert box.coverage >= default[0].coverage - 1e-9  # an earlier peel is a larger box: it covers at least as much
    with pytest.raises(AnalysisError, match=rf"give 1 to {len(trajectory) - 1}"):
        discover_prim(results, "durable_ceasefire", peel=len(trajectory))


def test_quasi_p_values_tell_a_real_restriction_from_a_useless_one() -> None:
    """The planted parameter's restriction has a tiny quasi-p-value; a restriction on a parameter unrelated to the
    outcome has a large one."""
    rng = np.random.default_rng(3)
    x, noise = rng.uniform(size=2000), rng.uniform(size=2000)
    y = (x < 0.3) | (rng.uniform(size=2000) < 0.05)
    qp = quasi_p_values({"x": (-np.inf, 0.3), "noise": (-np.inf, 0.8)}, {"x": x, "noise": noise}, y)
    assert qp["x"] < 1e-6 and qp["noise"] > 0.05


def test_the_command_takes_a_peel_shows_quasi_p_and_writes_the_table(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "boxes.csv"
    args = ["discover", str(folder), "--outcome", "war_days <= 30", "--method", "prim", "--overwrite"]
    assert main([*args, "--peel", "3", "--csv", str(table)]) == 0
    out = capsys.readouterr().out
    assert "box 1 is point 3 of " in out and " qp " in out.splitlines()[2]  # the quasi-p-values, a column
    written = pd.read_csv(table)
    assert written["box"].iloc[0] == 1 and written["peel"].iloc[0] == 3 and "coverage" in written
    assert main(["discover", str(folder), "--peel", "3"]) == 2
    assert "--peel picks a point of PRIM's peeling trajectory" in capsys.readouterr().err
