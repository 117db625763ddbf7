"""A joint sample (`joint:`): a calibrated scenario draws some parameters together from the points a calibration
did not rule out; everything else is drawn as in the original, so the two stay paired."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from scenarios.config.draw import draw_parameters
from scenarios.config.loader import load_scenario
from scenarios.engine.batch import config_hash

from .conftest import CONFIGS, Run, write

COLUMNS = ["ceasefire.strain_half_life_days", "combat.defender_advance_per_day"]
POINTS = np.array([[0.1, 0.9], [0.5, 0.5], [0.8, 0.2]])


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped configs with a calibrated-looking variant of the baseline and its sample."""
    shutil.copytree(CONFIGS, tmp_path / "configs")
    monkeypatch.chdir(tmp_path / "configs")
    sample(tmp_path / "configs" / "cal.sample.csv", COLUMNS, POINTS)
    write(
        tmp_path / "configs",
        "cal.yaml",
        """
        extends: baseline.yaml
        name: cal
        joint:
          sample: cal.sample.csv
          calibrated: "a test sample"
        """,
    )
    return tmp_path / "configs"


def sample(path: Path, columns: list[str], rows: np.ndarray | list[list[object]]) -> Path:
    lines = [",".join(columns), *(",".join(str(x) for x in row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_listed_parameters_come_from_one_point_and_the_others_are_paired(folder: Path) -> None:
    original, joint = load_scenario(folder / "baseline.yaml"), load_scenario(folder / "cal.yaml")
    specs = original.parameter_specs()
    chosen = []
    for i in range(300):
        a = draw_parameters(original, np.random.default_rng(i), specs)
        b = draw_parameters(joint, np.random.default_rng(i), joint.parameter_specs())
        assert {k: v for k, v in a.items() if k not in COLUMNS} == {k: v for k, v in b.items() if k not in COLUMNS}
        at = [
            k for k, row in enumerate(POINTS) if all(b[c] == specs[c].ppf(u) for c, u in zip(COLUMNS, row, strict=True))
        ]
        assert len(at) == 1, b  # both values from the same point, through each parameter's own distribution
        chosen.append(at[0])
    counts = np.bincount(chosen, minlength=len(POINTS))
    assert counts.min() > 70  # every point is drawn, about equally often (expected 100 each)


def test_a_fixed_value_overrides_the_sample(folder: Path) -> None:
    joint = load_scenario(folder / "cal.yaml", ["ceasefire.strain_half_life_days=9"])
    draws = {draw_parameters(joint, np.random.default_rng(i))["ceasefire.strain_half_life_days"] for i in range(20)}
    assert draws == {9.0}


def test_the_config_hash_follows_the_sample_content(folder: Path) -> None:
    before = config_hash(load_scenario(folder / "cal.yaml"))
    assert config_hash(load_scenario(folder / "cal.yaml")) == before  # the same file, the same hash
    sample(folder / "cal.sample.csv", COLUMNS, POINTS[::-1])
    assert config_hash(load_scenario(folder / "cal.yaml")) != before
    assert config_hash(load_scenario(folder / "baseline.yaml")) != before


@pytest.mark.parametrize(
    ("columns", "rows", "message"),
    [
        (["not.a.parameter"], [[0.5]], "'not.a.parameter' is not a parameter of this scenario"),
        (["actors.azerbaijan"], [[0.5]], "'actors.azerbaijan' is not a parameter"),  # a block, not a value
        ([COLUMNS[0], COLUMNS[0]], [[0.5, 0.5]], "a parameter appears twice"),
        (COLUMNS, [[0.5, 1.0]], f"row 1, {COLUMNS[1]} = 1.0 is not a quantile strictly inside (0, 1)"),
        (COLUMNS, [[0.5, "x"]], "not a table of numbers"),
        (COLUMNS, [[0.5]], "1 rows of 1 values under a header of 2"),
    ],
)
def test_a_bad_sample_is_an_error_at_its_key(
    folder: Path, cli: Callable[..., Run], columns: list[str], rows: list[list[object]], message: str
) -> None:
    sample(folder / "cal.sample.csv", columns, rows)
    run = cli("validate", "cal.yaml")
    assert run.code == 2
    problem = run.only
    assert (problem.file, problem.line) == ("cal.yaml", 4)
    assert problem.text.startswith("joint.sample: cal.sample.csv: ") and message in problem.text
    assert "header of parameter paths" in problem.hint


def test_a_sample_outside_the_folder_or_missing_is_refused(folder: Path, cli: Callable[..., Run]) -> None:
    sample(folder.parent / "outside.csv", COLUMNS, POINTS)
    for name, message in [("../outside.csv", "is outside"), ("missing.csv", "file not found")]:
        text = (folder / "cal.yaml").read_text(encoding="utf-8").replace("cal.sample.csv", name)
        (folder / "cal.yaml").write_text(text, encoding="utf-8")
        run = cli("validate", "cal.yaml")
        assert run.code == 2 and run.only.line == 4 and message in run.only.text, run.err
        (folder / "cal.yaml").write_text(text.replace(name, "cal.sample.csv"), encoding="utf-8")
