"""Every failure is a message: exit 2 (1 for failed replications), no traceback, no stale lock, no manifest left
saying `running`, nothing lost."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from scenarios.cli import main
from scenarios.engine.batch import run_batch
from scenarios.exceptions import ScenarioError
from scenarios.io import atomic, store
from scenarios.io.store import LOCK, lock_holder, read_manifest

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.yaml"
SHORT = "simulation.horizon_days=30"
Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def run_args(out: Path, *extra: str, config: Path = BASELINE) -> list[str]:
    return [
        "run",
        str(config),
        "--n",
        "3",
        "--executor",
        "serial",
        "--quiet",
        "--out",
        str(out),
        "--set",
        SHORT,
        *extra,
    ]


def assert_left_clean(out: Path) -> None:
    """No lock file, and a manifest (if any) that does not claim the batch is still running."""
    assert not (out / LOCK).exists()
    if (out / "manifest.json").exists():
        assert read_manifest(out)["status"] != "running"


def test_a_batch_whose_replications_all_fail_is_failed_exit_1(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Validation refuses every value known to crash the model, so the crash is injected (serial executor, in this
    # process): the model raises for one drawn parameter value, as a division by zero would.
    import scenarios.engine.chunks as chunks

    def crashing(scenario: object, *args: object, **kwargs: object) -> object:
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(chunks, "run_replication", crashing)
    broken = tmp_path / "broken.yaml"
    broken.write_text(f"extends: {BASELINE}\nname: broken\nactors:\n  azerbaijan:\n    target_share: 1\n")
    out = tmp_path / "r"
    code, stdout, err = cli(*run_args(out, config=broken))
    assert code == 1 and "Traceback" not in err and stdout == ""
    assert err.startswith(f"failed: {out}: every replication failed. The first, replication 0 of 'broken', raised ")
    assert "ZeroDivisionError" in err
    assert f"actors.azerbaijan.target_share = 1 (a share > 0 and <= 1; set at {broken}:5:5)" in err
    manifest = read_manifest(out)
    assert manifest["status"] == "failed" and manifest["counts"]["failed_replications"] == 3
    assert_left_clean(out)
    code, _, err = cli("summary", str(out))
    assert code == 2 and "every replication failed" in err and "--resume" not in err


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--chunk-size", "0", "argument --chunk-size: must be at least 1, got 0"),
        ("--seed", "-1", "argument --seed: must be at least 0, got -1"),
        ("--n", "x", "argument --n: expected a whole number, got 'x'"),
    ],
)
def test_bad_numbers_on_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, flag: str, value: str, message: str
) -> None:
    with pytest.raises(SystemExit) as info:
        main(run_args(tmp_path / "r", flag, value))
    err = capsys.readouterr().err
    assert info.value.code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()


def test_bad_numbers_through_the_api_are_scenario_errors(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"^`chunk_size` must be at least 1, got 0$") as info:
        run_batch([BASELINE], n=2, chunk_size=0, executor="serial", out=tmp_path / "a", quiet=True)
    assert info.value.field == "chunk_size"
    with pytest.raises(ScenarioError, match="the seed must be a non-negative integer, got -1"):
        run_batch([BASELINE], n=2, seed=-1, executor="serial", out=tmp_path / "b", quiet=True)


def test_a_300_character_name(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("validate", str(BASELINE), "--set", "name=" + "a" * 300)
    assert code == 2 and "Traceback" not in err
    assert "name: the name has 300 characters; at most 64 (it names the results folder)" in err


def test_out_on_a_file(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    code, _, err = cli(*run_args(target))
    assert (code, err) == (2, f"error: {target}: is a file, not a folder; give --out a folder name\n")
    assert target.read_text() == "keep me"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_out_in_a_read_only_folder(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        code, _, err = cli(*run_args(folder))
    finally:
        folder.chmod(0o700)
    assert code == 2 and "cannot write in this folder (Permission denied)" in err


def test_a_full_disk_is_a_message_and_leaves_no_running_manifest(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = atomic.write_atomic
    calls = {"n": 0}

    def fill_up(path: Path, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] > 2:  # the manifest and the first part go through; then the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, data)

    monkeypatch.setattr(store, "write_atomic", fill_up)
    out = tmp_path / "r"
    code, _, err = cli(*run_args(out, "--chunk-size", "1"))
    assert code == 2 and "Traceback" not in err
    assert err.startswith(f"error: {out}: no space left on the device (")
    assert "free some space, then run again with --resume" in err
    manifest = read_manifest(out)
    assert manifest["status"] == "partial" and "no space left" in manifest["reason"]
    assert_left_clean(out)
    monkeypatch.setattr(store, "write_atomic", real)  # space freed: resume finishes it
    code, _, _ = cli(*run_args(out, "--chunk-size", "1", "--resume"))
    assert code == 0 and read_manifest(out)["status"] == "complete"


def test_a_truncated_table_is_a_message(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert cli(*run_args(out))[0] == 0
    table = out / "replications.parquet"
    table.write_bytes(table.read_bytes()[:100])
    code, _, err = cli("summary", str(out))
    assert code == 2 and "Traceback" not in err
    assert err.startswith(f"error: {table}: damaged, cannot be read (ArrowInvalid: ")
    assert f"scenarios rerun {out} --out NEW_FOLDER" in err


@pytest.mark.slow
def test_an_unreachable_dask_scheduler_fails_fast(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "r"
    began = time.perf_counter()
    code, _, err = cli(*run_args(out)[:-4], "--out", str(out), "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert time.perf_counter() - began < 30
    assert code == 2 and "Traceback" not in err
    assert err.startswith("error: --scheduler tcp://127.0.0.1:9: cannot reach the Dask scheduler within 5 s")
    assert_left_clean(out)


def test_a_crashed_writers_lock_is_stale(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert cli(*run_args(out))[0] == 0
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["status"] = "running"  # what a writer killed with SIGKILL leaves, with its lock file
    (out / "manifest.json").write_text(json.dumps(manifest))
    (out / LOCK).write_text("pid 999999 on elsewhere since 2020-10-12T00:00:00")
    assert lock_holder(out) is None  # no live process holds it
    code, _, err = cli(*run_args(out))
    assert code == 2
    assert "already holds a batch that was interrupted (its writer stopped without finishing)" in err
    assert "--resume" in err
    code, _, err = cli(*run_args(out, "--overwrite"))
    assert code == 0, err
    assert_left_clean(out)


def test_a_live_writers_lock_is_respected(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "r"
    out.mkdir()
    with open(out / LOCK, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        fh.write("pid 1 on here since now")
        fh.flush()
        assert lock_holder(out) == "pid 1 on here since now"
        code, _, err = cli(*run_args(out))
    assert code == 2 and "another batch is writing this directory (pid 1 on here since now)" in err


def test_an_edited_manifest_is_reported(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert cli(*run_args(out))[0] == 0
    code, _, err = cli("summary", str(out))
    assert code == 0 and "warning" not in err
    path = out / "manifest.json"
    path.write_text(path.read_text().replace('"seed": ', '"seed": 1', 1))  # the seed edited by hand
    code, _, err = cli("summary", str(out))
    assert code == 0
    assert f"warning: {path}: the manifest was edited after the batch wrote it" in err
