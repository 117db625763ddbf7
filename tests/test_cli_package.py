"""The CLI is a package of command modules, each parsing and rendering only; library errors name fields, the CLI
names flags."""

from __future__ import annotations

import argparse
import pkgutil
from pathlib import Path

import pytest

import scenarios.cli
from scenarios.cli import COMMANDS, build_parser, command_modules, main
from scenarios.io.load import Results

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "configs" / "baseline.yaml")
SHARED = {"args", "__main__"}


def test_every_command_module_is_listed_and_has_the_three_names() -> None:
    modules = {m.name for m in pkgutil.iter_modules(scenarios.cli.__path__)} - SHARED
    assert modules == set(COMMANDS)  # a command is its module plus its name in COMMANDS, nothing else
    for name, module in command_modules().items():
        assert isinstance(module.HELP, str) and module.HELP, name
        assert callable(module.add_arguments) and callable(module.run), name
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert list(sub.choices) == list(command_modules())
    assert "trace-run" in sub.choices  # NAME when the command's name is not a module name


def test_a_library_error_about_an_option_names_its_flag_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r"
    assert main(["run", BASELINE, "--n", "2", "--executor", "serial", "--quiet", "--out", str(out), "--resume"]) == 2
    assert capsys.readouterr().err == f"error: {out}: nothing to resume (no manifest.json); run without --resume\n"
    assert main(["run", BASELINE, "--n", "2", "--executor", "serial", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert capsys.readouterr().err == "error: --scheduler needs --executor dask\n"
    (tmp_path / "folder").mkdir()
    assert main(["check", str(tmp_path / "folder"), "--n", "5", "--set", "seed=1"]) == 2
    assert capsys.readouterr().err == (
        "error: --n and --set run a new batch: give scenario files, not a results folder\n"
    )


def test_the_same_error_through_the_library_names_the_field(tmp_path: Path) -> None:
    from scenarios.checking import run_check
    from scenarios.engine.batch import run_batch
    from scenarios.exceptions import ScenarioError

    with pytest.raises(ScenarioError) as info:
        run_batch([BASELINE], n=2, executor="serial", out=tmp_path / "r", resume=True)
    assert info.value.field == "resume"
    assert str(info.value).endswith("run without `resume=True`")
    (tmp_path / "folder").mkdir()
    with pytest.raises(ScenarioError, match=r"^`n` and `overrides` run a new batch"):
        run_check([tmp_path / "folder"], n=5)


def test_a_note_naming_an_option_says_the_field_in_python_and_the_flag_on_the_command_line(
    two_scenario_batch: Results, capsys: pytest.CaptureFixture[str]
) -> None:
    from scenarios.analysis.compare import compare

    assert "measures within noise not shown; `all=True` shows them" in compare(two_scenario_batch).to_text()
    assert main(["compare", str(two_scenario_batch.directory)]) == 0
    assert "measures within noise not shown; --all shows them" in capsys.readouterr().out


def test_a_flag_is_never_read_as_the_abbreviation_of_a_longer_one(capsys: pytest.CaptureFixture[str]) -> None:
    """`importance DIR --out X` is an unknown flag, not `--outcome X`: argparse's prefix matching would silently
    analyse an outcome named like a path (or worse, one that parses)."""
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["importance", str(ROOT), "--out", "holds_7_days"])
    assert stop.value.code == 2
    assert "unrecognized arguments: --out holds_7_days" in capsys.readouterr().err
