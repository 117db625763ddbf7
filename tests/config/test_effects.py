"""What a capability or rung does is declared with it (`effects:`), never keyed on its name; a scenario has its own
start date."""

from __future__ import annotations

import copy
import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from ruamel.yaml import YAML

from scenarios.config.loader import load_located, load_scenario
from scenarios.config.schema import Scenario
from scenarios.exceptions import ConfigError

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "configs" / "baseline.yaml"


def _write(tmp_path: Path, edit: object) -> Path:
    """The baseline, edited, written as one file beside a copy of its sources."""
    tree = copy.deepcopy(load_located(BASELINE).data)
    edit(tree)  # type: ignore[operator]
    tree.pop("estimative_words", None)
    shutil.copytree(ROOT / "configs" / "sources", tmp_path / "sources", dirs_exist_ok=True)
    tree["sources"] = {k: f"sources/{Path(v).name}" for k, v in tree["sources"].items()}
    yaml = YAML(typ="safe", pure=True)
    yaml.representer.sort_base_mapping_type_on_output = False
    buffer = io.StringIO()
    yaml.dump(tree, buffer)
    path = tmp_path / "case.yaml"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_a_capability_without_effects_is_an_error_naming_file_line_and_key(tmp_path: Path, cli) -> None:
    def edit(tree: dict) -> None:
        tree["world"]["capabilities"]["air_power"] = {"held": True, "assumption": "bought last year"}

    path = _write(tmp_path, edit)
    run = cli("validate", str(path))
    assert run.code == 2
    problem = run.only
    assert problem.file.endswith("case.yaml") and problem.line is not None
    assert problem.text.startswith("world.capabilities.air_power.effects: missing required key")


def test_a_rung_that_declares_nothing_is_an_error(tmp_path: Path, cli) -> None:
    top = list(load_located(BASELINE).data["actors"]["turkey"]["ladder"])[-1]  # the supporter's top rung

    def edit(tree: dict) -> None:
        tree["actors"]["turkey"]["ladder"][top]["effects"] = {}

    run = cli("validate", str(_write(tmp_path, edit)))
    assert run.code == 2
    problem = run.only
    assert problem.text.startswith(f"actors.turkey.ladder.{top}.effects: declares no effect")
    assert "advance_bonus" in problem.hint and "silently inert" in problem.hint


def test_a_capability_of_any_name_acts_by_its_declared_effects(tmp_path: Path) -> None:
    """The drones renamed `air_power` (same effects) give the same replication to the bit: nothing in the core is
    keyed on a capability's name (today's main: only a capability named `drones` had an effect)."""
    from scenarios.model.simulation import run_replication

    def edit(tree: dict) -> None:
        caps = tree["world"]["capabilities"]
        caps["air_power"] = caps.pop("drones")

    renamed = load_scenario(_write(tmp_path, edit))
    original = load_scenario(BASELINE)
    seed = np.random.SeedSequence(7)
    flat = _flat(original, seed)
    moved = {k.replace(".drones.", ".air_power."): v for k, v in flat.items()}
    a = run_replication(original, seed, parameters=flat)
    b = run_replication(renamed, seed, parameters=moved)
    assert a.outcome == b.outcome and a.daily == b.daily


def _flat(scenario: Scenario, seed: np.random.SeedSequence) -> dict[str, float]:
    from scenarios.config.draw import draw_parameters
    from scenarios.model.random import child_seed

    return draw_parameters(scenario, np.random.default_rng(child_seed(seed, "parameters")), scenario.parameter_specs())


def test_a_scenario_without_a_start_date_is_an_error(tmp_path: Path) -> None:
    def edit(tree: dict) -> None:
        del tree["simulation"]["start_date"]

    with pytest.raises(ConfigError, match=r"simulation\.start_date: missing required key"):
        load_scenario(_write(tmp_path, edit))
