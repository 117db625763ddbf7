"""README and the generated references stay true."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from scenarios.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_quick_start_is_make_run_and_make_test() -> None:
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick.splitlines() if line.startswith("make ")]
    assert commands == ["make run", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_every_command_is_documented_and_exists() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    commands = set(sub.choices)  # type: ignore[arg-type]
    documented = set(re.findall(r"^\| `scenarios ([a-z-]+)", README, flags=re.MULTILINE))
    assert documented == commands


def test_configuration_reference_is_current() -> None:
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        from build_reference import build  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    assert (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8") == build(), (
        "docs/configuration.md is stale: run .venv/bin/python docs/build_reference.py"
    )


@pytest.mark.slow
def test_readme_python_example_runs(tmp_path: Path) -> None:
    block = README.split("```python", 1)[1].split("```", 1)[0]
    (tmp_path / "configs").symlink_to(ROOT / "configs")
    code = block.replace("n=500", "n=12")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "early-winter" in result.stdout and "median attacker_share" in result.stdout
    assert (tmp_path / "results" / "baseline+early-winter" / "replications.parquet").exists()


def test_public_api_is_complete_and_lazy() -> None:
    import scenarios

    assert sorted(scenarios.__all__) == sorted(scenarios._WHERE)
    for name in scenarios.__all__:
        assert getattr(scenarios, name).__name__ == name
    # a worker that needs only the model does not load the analysis stack
    code = "import sys, scenarios.engine.chunks; print(any(m in sys.modules for m in ('lifelines', 'pyarrow')))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_results_reference_is_current() -> None:
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        from build_results import build  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    assert (ROOT / "docs" / "results.md").read_text(encoding="utf-8") == build(), (
        "docs/results.md is stale: run .venv/bin/python docs/build_results.py"
    )


def test_help_imports_no_analysis_stack() -> None:
    """`--help` stays fast by building the parser without the analysis stack (speed itself is the benchmarks')."""
    code = (
        "import sys; from scenarios.cli import build_parser; build_parser(); "
        "print(any(m in sys.modules for m in ('pandas', 'matplotlib', 'numpy', 'pydantic')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "False", "building the parser imports pandas, matplotlib, numpy or pydantic"


def test_version_flag_and_attribute() -> None:
    import scenarios

    out = subprocess.run(
        [sys.executable, "-m", "scenarios.cli", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == f"scenarios {scenarios.__version__}" and scenarios.__version__[0].isdigit()


def test_importing_plots_keeps_the_backend() -> None:
    code = (
        "import matplotlib; matplotlib.use('svg'); import scenarios.plots, scenarios.plots.figures, "
        "scenarios.report.figures; print(matplotlib.get_backend())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "svg"


def test_the_public_api_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The package docstring's example (a batch, its survival curves, its per-replication measures) runs as
    doctest: the names it shows are in `scenarios.__all__` and do what it says."""
    import doctest

    import scenarios

    monkeypatch.chdir(ROOT)
    assert {"survival_curves", "hold_probability", "outcome_measures"} <= set(scenarios.__all__)
    result = doctest.testmod(scenarios, verbose=False, report=True)
    assert result.attempted >= 7 and result.failed == 0
