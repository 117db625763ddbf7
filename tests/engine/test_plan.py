"""The run plan: one seed rule, one output folder rule, one executor check for every entry point."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from scenarios.cli import main
from scenarios.config.loader import load_scenario
from scenarios.engine import progress
from scenarios.engine.options import RunOptions, RunOptionsError
from scenarios.engine.plan import output_directory, resolve_seed
from scenarios.engine.seeding import replication_seed
from scenarios.io.store import FORMAT_VERSION, write_manifest
from scenarios.model.simulation import run_replication

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "configs" / "baseline.yaml"


def test_seed_given_then_resumed_then_scenario_then_random(tmp_path: Path) -> None:
    scenario = load_scenario(BASELINE)
    assert resolve_seed(5, scenario) == 5
    assert resolve_seed(None, scenario) == scenario.simulation.seed
    write_manifest(tmp_path, {"format_version": FORMAT_VERSION, "seed": 99})
    assert resolve_seed(None, scenario, tmp_path) == 99
    assert resolve_seed(None, scenario, tmp_path / "nothing-there") == scenario.simulation.seed
    unseeded = load_scenario(BASELINE, ["simulation.seed=null"])
    a, b = resolve_seed(None, unseeded), resolve_seed(None, unseeded)
    assert a != b and a >= 0


def test_output_directory() -> None:
    scenarios = [load_scenario(BASELINE), load_scenario(ROOT / "configs" / "early-winter.yaml")]
    assert output_directory(None, scenarios) == Path("results/baseline+early-winter")
    assert output_directory(None, scenarios[:1], "-whatif") == Path("results/baseline-whatif")
    assert output_directory("x", scenarios) == Path("x")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"executor": "threads"},
            "executor",
            "`executor`: unknown executor 'threads'; choose one of serial, process, dask",
        ),
        ({"workers": 0}, "workers", "`workers` must be at least 1, got 0"),
        ({"chunk_size": 0}, "chunk_size", "`chunk_size` must be at least 1, got 0"),
        ({"scheduler": "tcp://127.0.0.1:8786"}, "scheduler", "`scheduler` needs `executor` dask"),
    ],
)
def test_run_options_are_checked_once_and_errors_name_the_field(
    fields: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(RunOptionsError) as info:
        RunOptions(**fields)  # type: ignore[arg-type]
    assert (info.value.field, str(info.value)) == (field, message)
    flags = {"executor": "--executor", "workers": "--workers", "chunk_size": "--chunk-size", "scheduler": "--scheduler"}
    assert info.value.render(flags.__getitem__) == message.replace(f"`{field}`", flags[field]).replace(
        "needs `executor`", "needs --executor"
    )


def test_run_options_given_as_keywords_replace_those_of_the_object() -> None:
    base = RunOptions(executor="serial", seed=3, quiet=True)
    assert RunOptions.of(base, seed=4) == RunOptions(executor="serial", seed=4, quiet=True)
    assert RunOptions.of(None) == RunOptions()
    with pytest.raises(TypeError, match="unknown run option"):
        RunOptions.of(base, chunks=3)  # type: ignore[arg-type]


def test_trace_run_is_replication_i_of_the_batch(capsys: pytest.CaptureFixture[str]) -> None:
    scenario = load_scenario(BASELINE, ["simulation.horizon_days=30"])
    assert (
        main(["trace-run", str(BASELINE), "--seed", "7", "--replication", "2", "--set", "simulation.horizon_days=30"])
        == 0
    )
    out = capsys.readouterr().out
    assert "replication 2 of a batch with seed 7" in out
    expected = run_replication(scenario, replication_seed(7, 2))
    for key in ("war_days", "attacker_share", "military_defender", "first_ceasefire_days", "outcome_class"):
        value = expected.outcome[key]  # as trace-run prints it: floats to four significant figures
        assert f"  {key}: {value:.4g}\n" in out if isinstance(value, float) else f"  {key}: {value}\n" in out


def test_a_notebook_gets_one_updating_line_not_a_line_per_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not progress.in_notebook()  # pytest is no Jupyter kernel
    stream = io.StringIO()  # not a terminal: outside a notebook, a line per chunk
    with progress.Progress(10, stream=stream) as p:
        p.advance(5)
        p.advance(5)
    assert stream.getvalue().count("replications") == 2

    shown: list[tuple[str, str]] = []

    class Handle:
        def update(self, obj: object) -> None:
            shown.append(("update", str(obj)))

    class Display:  # IPython.display's two names the bar uses
        Pretty = str

        @staticmethod
        def display(obj: object, display_id: bool) -> Handle:
            shown.append(("display", str(obj)))
            return Handle()

    monkeypatch.setattr(progress, "in_notebook", lambda: True)
    monkeypatch.setitem(sys.modules, "IPython.display", Display)
    stream = io.StringIO()
    with progress.Progress(10, stream=stream) as p:
        p.advance(5)
        p.advance(5)
    assert stream.getvalue() == ""
    assert [k for k, _ in shown] == ["display", "update", "update"]  # one output, updated in place
    assert shown[-1][1].startswith("10/10 replications (100%)")
