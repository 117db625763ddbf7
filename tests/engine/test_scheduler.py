"""Every command that accepts `--scheduler` runs its model runs on that scheduler's cluster, never on a local one.

A real Dask scheduler listens on loopback (a `LocalCluster` started here, its workers threads of this process); a
scheduler plugin counts the chunk tasks it sees finish. The count must equal the number of chunks of every batch the
command wrote: all of the work ran there, and none on a cluster the command would have started itself.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scenarios.cli import main
from scenarios.engine.batch import run_batch

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "configs" / "baseline.yaml"
SHORT = "simulation.horizon_days=20"

pytestmark = pytest.mark.slow


def chunk_counter() -> Any:
    """A scheduler plugin that records the keys of the `run_chunk` tasks that finished (reached memory)."""
    from distributed.diagnostics.plugin import SchedulerPlugin

    class ChunkCounter(SchedulerPlugin):  # type: ignore[misc]
        name = "chunk-counter"

        def __init__(self) -> None:
            self.finished: set[str] = set()

        def transition(self, key: Any, start: str, finish: str, *args: Any, **kwargs: Any) -> None:
            if finish == "memory" and str(key).startswith("run_chunk-"):
                self.finished.add(str(key))

    return ChunkCounter()


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[str, Any]]:
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as local:
        counter = chunk_counter()
        local.scheduler.add_plugin(counter)
        yield local.scheduler_address, counter


def planned_chunks(folder: Path) -> int:
    """Chunks of every batch written under `folder` (each manifest: scenarios x ceil(n / chunk size))."""
    total = 0
    for manifest in folder.rglob("manifest.json"):
        m = json.loads(manifest.read_text(encoding="utf-8"))
        total += len(m["scenarios"]) * math.ceil(m["replications"] / m["chunk_size"])
    return total


@pytest.fixture(scope="module")
def small_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rerun-source") / "batch"
    run_batch([BASELINE], n=6, seed=3, overrides=[SHORT], executor="serial", chunk_size=2, out=out, quiet=True)
    return out


COMMANDS = {
    "run": lambda out, _: ["run", str(BASELINE), "--n", "6", "--chunk-size", "2", "--set", SHORT, "--out", str(out)],
    "check": lambda out, _: ["check", str(BASELINE), "--n", "6", "--set", SHORT, "--out", str(out)],
    "rerun": lambda out, source: ["rerun", str(source), "--out", str(out)],
    "sensitivity": lambda out, _: [
        "sensitivity", str(BASELINE), "--method", "morris", "--n", "2", "--params", "actors.russia.inertia",
        "--params", "actors.turkey.inertia", "--outcome", "war_days", "--set", SHORT, "--out", str(out),
    ],
    "calibrate": lambda out, _: [
        "calibrate", str(BASELINE), "--waves", "1", "--points", "5", "--n", "10", "--params", "actors.russia.inertia",
        "--set", SHORT, "--out", str(out), "--save", str(out.parent / "calibrated.yaml"), "--no-check",
    ],
}  # fmt: skip


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_that_accepts_a_scheduler_runs_its_work_on_it(
    command: str,
    cluster: tuple[str, Any],
    small_batch: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    address, counter = cluster
    counter.finished.clear()
    out = tmp_path / "out"
    argv = [*COMMANDS[command](out, small_batch), "--executor", "dask", "--scheduler", address, "--quiet"]
    main(argv)
    captured = capsys.readouterr()
    expected = planned_chunks(out)
    assert expected > 0, captured.err
    assert len(counter.finished) == expected, (
        f"`scenarios {command}` ran {len(counter.finished)} of its {expected} chunks on the scheduler at {address}"
    )


def test_a_study_runs_every_batch_on_one_entered_executor(cluster: tuple[str, Any], tmp_path: Path) -> None:
    """A what-if's pilot and batch, and two batches given the same entered executor, all run on one connection."""
    from scenarios.engine.executors.dask import DaskExecutor
    from scenarios.engine.options import RunOptions
    from scenarios.whatif import run_whatif

    address, counter = cluster
    counter.finished.clear()
    options = RunOptions(executor="dask", scheduler=address, quiet=True)
    run_whatif(BASELINE, ["actors.russia.inertia=0.5"], options, overrides=[SHORT], n=4, out=tmp_path / "whatif")
    assert len(counter.finished) == planned_chunks(tmp_path / "whatif") > 0

    counter.finished.clear()
    with DaskExecutor(1, address) as executor:
        client = executor.client
        for name in ("a", "b"):
            run_batch([BASELINE], options, n=4, overrides=[SHORT], chunk_size=2, out=tmp_path / name, using=executor)
            assert executor.client is client  # still the one connection
    assert executor.client is None  # closed when left
    assert len(counter.finished) == planned_chunks(tmp_path / "a") + planned_chunks(tmp_path / "b") == 4
