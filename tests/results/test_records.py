"""The results schema: imports run one way, the model's record is declared, the manifest is typed."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from scenarios.config.loader import load_scenario
from scenarios.io import records
from scenarios.io.load import Results
from scenarios.io.store import load_manifest
from scenarios.model.outcomes import COLLAPSE_CAUSES, OUTCOME_CLASSES
from scenarios.model.simulation import run_replication

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "scenarios"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports (at any depth of the file: lazy imports inside functions count too)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


@pytest.mark.parametrize("package", ["io", "analysis", "measures"])
def test_io_analysis_and_measures_never_import_engine(package: str) -> None:
    offenders = {
        f"{path.relative_to(SRC)}: {module}"
        for path in (SRC / package).rglob("*.py")
        for module in imported_modules(path)
        if module == "scenarios.engine" or module.startswith("scenarios.engine.")
    }
    assert not offenders, f"{package}/ reaches back up the flow into engine/: {sorted(offenders)}"


def test_the_arrow_test_sees_a_lazy_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from scenarios.engine.batch import run_batch\n", encoding="utf-8")
    assert "scenarios.engine.batch" in imported_modules(bad)


def test_the_models_outcome_record_is_declared_with_its_type() -> None:
    scenario = load_scenario(ROOT / "configs" / "baseline.yaml", ["simulation.horizon_days=40"])
    rep = run_replication(scenario, np.random.SeedSequence(3))
    ids = records.scenario_columns(scenario.model_dump(mode="json"))
    undeclared, wrong = [], []
    for column, value in rep.outcome.items():
        family = records.family_of(column)
        declared = records.REPLICATION_COLUMNS.get(column) or (records.REPLICATION_FAMILIES[family] if family else None)
        if declared is None or (family in ids and column not in ids[family]):
            undeclared.append(column)
            continue
        if value is None:
            ok = declared == "number" or declared == "category"
        elif declared == "bool":
            ok = isinstance(value, bool | np.bool_)
        elif declared == "number":
            ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
        else:
            ok = isinstance(value, str)
        if not ok:
            wrong.append(f"{column}={value!r} (declared {declared})")
    assert not undeclared, f"declare these outcome columns in io/records.py: {undeclared}"
    assert not wrong, f"outcome columns of another type than declared in io/records.py: {wrong}"
    fixed = set(records.REPLICATION_COLUMNS) - {"scenario", "config_hash", "replication"}
    assert fixed <= set(rep.outcome), f"declared but not written: {sorted(fixed - set(rep.outcome))}"
    for row in rep.ceasefires:
        assert set(row) <= set(records.CEASEFIRE_COLUMNS), set(row) - set(records.CEASEFIRE_COLUMNS)


def test_category_lists_are_the_models() -> None:
    assert records.OUTCOME_CLASSES == OUTCOME_CLASSES
    assert records.COLLAPSE_CAUSES == COLLAPSE_CAUSES


def test_manifest_is_typed(two_scenario_batch: Results) -> None:
    m = load_manifest(two_scenario_batch.directory)
    assert m.complete and m.replications == 40 and [s.name for s in m.scenarios] == ["baseline", "early-winter"]
    assert m.scenario("early-winter").horizon == 60.0
    assert two_scenario_batch.info == m
    assert two_scenario_batch.horizon_of("baseline") == 60.0
