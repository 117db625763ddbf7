"""Sensitivity by judgment: parameters grouped by the report passage they encode (SALib's groups).

Known grouped indices on the Ishigami function; the baseline's groups follow its quotes (one judgment however a
YAML cuts its quote), assumptions fall into their section, `group:` overrides; a grouped run through the batch
engine indexes judgments by their words.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from scenarios.analysis import sobol
from scenarios.config.inspect import judgment_groups
from scenarios.config.loader import load_scenario
from scenarios.config.params import Spec
from scenarios.sensitivity import ranking_stability, run_sensitivity

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "configs" / "baseline.yaml"


def test_grouped_ishigami_indices_are_the_sums_theory_gives() -> None:
    """Group {x1, x3} carries S1 + S3 + S13 = 0.5576 (first and total order), {x2} its 0.4424, a dummy 0."""
    specs = {f"x{i}": Spec("uniform", -math.pi, math.pi) for i in (1, 2, 3)}
    specs["dummy"] = Spec("uniform", 0.0, 1.0)
    problem = sobol.build_problem(specs).grouped({"x1": "A", "x3": "A", "x2": "B", "dummy": "C"})
    design = sobol.sample(problem, "sobol", 4096, seed=1)
    assert len(design) == 4096 * (3 + 2)  # n(G + 2): one column block per group
    v = problem.values(design)
    y = np.sin(v["x1"]) + 7 * np.sin(v["x2"]) ** 2 + 0.1 * v["x3"] ** 4 * np.sin(v["x1"])
    t = sobol.analyse(problem, "sobol", design, y.to_numpy(), seed=1).set_index("judgment")
    assert t.loc["A", "ST"] == pytest.approx(0.5576, abs=0.04)
    assert t.loc["A", "S1"] == pytest.approx(0.5576, abs=0.04)
    assert t.loc["B", "ST"] == pytest.approx(0.4424, abs=0.04)
    assert abs(t.loc["C", "ST"]) < 0.01


def test_baseline_groups_follow_the_reports_words() -> None:
    groups = judgment_groups(load_scenario(BASELINE))
    # two parameters quote the same sentence of para 10, cut differently: one judgment, named by the longer cut
    assert groups["actors.azerbaijan.limited_aims_probability"].startswith("¶10 “Despite Turkish")
    assert groups["actors.azerbaijan.target_share"] == groups["actors.azerbaijan.limited_aims_probability"]
    assert groups["actors.cochairs.attention_weight"] == "assumption: actors.cochairs"
    assert groups["combat.positional_casualties_per_day"] == "assumption: combat"
    by_para = judgment_groups(load_scenario(BASELINE), "paragraph")
    assert by_para["actors.azerbaijan.target_share"] == "¶10"
    overridden = load_scenario(BASELINE, ["actors.russia.alliance_weight.group=Russia's ally"])
    assert judgment_groups(overridden)["actors.russia.alliance_weight"] == "Russia's ally"


def test_a_grouped_run_indexes_judgments_by_their_words(tmp_path: Path) -> None:
    common = dict(
        method="sobol",
        outcome="war_days",
        n=8,
        params=["actors.russia.*"],
        overrides=["simulation.horizon_days=60"],
        executor="serial",
        by="judgment",
    )
    result = run_sensitivity(BASELINE, seed=1, out=tmp_path / "a", **common)  # type: ignore[arg-type]
    groups = judgment_groups(load_scenario(BASELINE))
    scenario = load_scenario(BASELINE)
    studied = {
        groups[p] for p, s in scenario.parameter_specs().items() if p.startswith("actors.russia.") and s.uncertain
    }
    t = result.indices
    assert list(t.columns[:1]) == ["judgment"] and set(t["judgment"]) == studied
    assert result.runs == 8 * (len(studied) + 2)
    assert result.path.name == "sensitivity-sobol-war_days-by-judgment.parquet"
    again = run_sensitivity(BASELINE, seed=2, out=tmp_path / "b", **common)  # type: ignore[arg-type]
    rho = ranking_stability(result.indices, again.indices)
    assert -1.0 <= rho <= 1.0
    assert ranking_stability(result.indices, result.indices) == pytest.approx(1.0)
