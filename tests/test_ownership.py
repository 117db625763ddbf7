"""The tool owns only what it wrote (issue 34, item 1): a folder that is not a batch of its own is refused, never
cleaned; an empty `--out` is an error; a scenario's `output_dir` obeys the folder-tree rule of `extends:`; replacing a
batch removes only the batch's own files.

Every case compares the files involved byte for byte before and after."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from scenarios.cli import main
from scenarios.engine.batch import run_batch
from scenarios.exceptions import ResultsError, ScenarioError
from scenarios.io.load import load_results
from scenarios.io.store import LOCK, read_manifest

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


def run_args(out: str | Path, *extra: str, config: Path = BASELINE) -> list[str]:
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


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under `folder` (links not followed) with its bytes, or where a link points."""
    out: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            out[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            out[rel] = path.read_bytes()
        else:
            out[rel] = "dir"
    return out


def users_folder(folder: Path) -> Path:
    """A folder of the user's, holding files with the very names a batch writes."""
    (folder / "parts" / "replications").mkdir(parents=True)
    (folder / "parts" / "replications" / "mine.parquet").write_bytes(b"the user's data")
    (folder / ".cache").mkdir()
    (folder / ".cache" / "keep.txt").write_text("cache of another tool")
    (folder / "sensitivity-high.yaml").write_text("name: high\n")
    (folder / "replications.parquet").write_bytes(b"not ours")
    (folder / "journal.jsonl").write_text("my journal\n")
    (folder / "notes.txt").write_text("keep me")
    return folder


@pytest.mark.parametrize("flags", [(), ("--overwrite",), ("--resume",), ("--overwrite", "--force")])
def test_a_folder_of_the_users_is_refused_and_never_cleaned(cli: Cli, tmp_path: Path, flags: tuple[str, ...]) -> None:
    folder = users_folder(tmp_path / "mine")
    before = snapshot(folder)
    code, out, err = cli(*run_args(folder, *flags))
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.startswith(f"error: {folder}: holds files scenarios did not write (")
    assert "never cleans or writes into a folder it does not own: give --out a new or empty folder" in err
    assert snapshot(folder) == before


def test_run_out_on_a_folder_of_scenario_files_deletes_nothing(cli: Cli, tmp_path: Path) -> None:
    configs = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", configs)
    (configs / "sensitivity-high.yaml").write_text(f"extends: {BASELINE}\nname: high\n")
    before = snapshot(configs)
    code, _, err = cli(*run_args(configs, "--overwrite"))
    assert code == 2 and "holds files scenarios did not write" in err
    assert snapshot(configs) == before


@pytest.mark.parametrize("out", ["", "   "])
def test_an_empty_or_blank_out_is_an_error(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str) -> None:
    """An unset shell variable (`--out "$DIR"`) once meant the working folder: its parts/ and .cache/ were wiped."""
    monkeypatch.chdir(users_folder(tmp_path))
    before = snapshot(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(run_args(out))
    assert info.value.code == 2
    assert snapshot(tmp_path) == before
    with pytest.raises(ScenarioError, match="`out`: an empty name"):
        run_batch([BASELINE], n=2, overrides=[SHORT], executor="serial", out=out, quiet=True)
    assert snapshot(tmp_path) == before


def test_an_empty_folder_and_a_stale_lock_of_ours_are_used(cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli(*run_args(empty))[0] == 0
    stale = tmp_path / "stale"
    stale.mkdir()
    (stale / LOCK).write_text("pid 999999 on elsewhere since 2020-10-12T00:00:00")  # a writer killed before it began
    assert cli(*run_args(stale))[0] == 0
    assert read_manifest(stale)["status"] == "complete"


def test_replacing_a_batch_keeps_every_file_of_the_users(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "b"
    assert cli(*run_args(out))[0] == 0
    mine = {
        "notes.txt": b"keep me",
        "sensitivity-notes.yaml": b"name: my own notes\n",  # named like a stored analysis, but not one
        "sensitivity-x.parquet": b"not an analysis of the tool's: no metadata beside it",
        "plots/my-figure.png": b"drawn by hand",
        "parts/README": b"the user's",
        "inputs/mine.csv": b"1,2,3",
    }
    for name, data in mine.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    code, _, err = cli(*run_args(out, "--overwrite", "--seed", "9"))
    assert code == 0, err
    for name, data in mine.items():
        assert (out / name).read_bytes() == data, name
    assert read_manifest(out)["seed"] == 9


def test_a_batch_of_a_newer_format_is_never_replaced(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "b"
    assert cli(*run_args(out))[0] == 0
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["format_version"] = 4
    (out / "manifest.json").write_text(json.dumps(manifest))
    before = snapshot(out)
    code, _, err = cli(*run_args(out, "--overwrite"))
    assert code == 2 and "Traceback" not in err
    assert "holds a batch of results format 4, which this version of scenarios can neither read nor replace" in err
    assert snapshot(out) == before


def test_a_lock_that_is_a_link_is_never_written_through(cli: Cli, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("the user's file")
    out = tmp_path / "b"
    assert cli(*run_args(out))[0] == 0
    (out / LOCK).symlink_to(victim)
    for flags in [("--overwrite",), ("--resume",), ()]:
        code, _, err = cli(*run_args(out, *flags))
        assert code == 2 and "Traceback" not in err, err
    code, _, err = cli(*run_args(out, "--overwrite"))
    assert f"{out / LOCK}: is a symbolic link" in err
    assert victim.read_text() == "the user's file"
    only_link = tmp_path / "only-link"
    only_link.mkdir()
    (only_link / LOCK).symlink_to(victim)
    code, _, err = cli(*run_args(only_link))
    assert code == 2 and victim.read_text() == "the user's file"


def test_output_dir_obeys_the_folder_tree_rule_of_extends(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    victim = tmp_path / "elsewhere"
    users_folder(victim)
    before = snapshot(victim)
    sent = work / "sent.yaml"
    sent.write_text(f"extends: {BASELINE}\nname: sent\nsimulation:\n  output_dir: {victim.parent}\n")
    code, _out, err = cli("validate", str(sent))
    assert code == 2 and "Traceback" not in err
    assert f"sent.yaml:4:3: simulation.output_dir: '{victim.parent}' is outside the working folder" in err
    climbing = work / "climbing.yaml"
    climbing.write_text(f"extends: {BASELINE}\nname: elsewhere\nsimulation:\n  output_dir: ..\n")
    assert cli("validate", str(climbing))[0] == 2
    code, _, err = cli("run", str(climbing), "--n", "2", "--executor", "serial", "--quiet", "--set", SHORT)
    assert code == 2 and "simulation.output_dir" in err
    assert snapshot(victim) == before
    # the working folder's own tree, and a folder the user names on the command line, are fine
    inside = work / "inside.yaml"
    inside.write_text(f"extends: {BASELINE}\nname: inside\nsimulation:\n  output_dir: out/batches\n")
    assert cli("validate", str(inside))[0] == 0
    assert cli("validate", str(sent), "--set", f"simulation.output_dir={tmp_path / 'chosen'}")[0] == 0
    assert cli("validate", str(sent), "--allow-path", str(victim.parent))[0] == 0


def test_a_folder_holding_a_study_needs_overwrite(tmp_path: Path) -> None:
    from scenarios.io.owned import prepare_study

    study = tmp_path / "cal"
    prepare_study(study, replace=False, study="calibration")
    (study / "notes.txt").write_text("keep me")
    with pytest.raises(ResultsError, match="use `overwrite=True` to replace"):
        run_batch([BASELINE], n=2, overrides=[SHORT], executor="serial", out=study, quiet=True)
    run_batch([BASELINE], n=2, overrides=[SHORT], executor="serial", out=study, overwrite=True, quiet=True)
    assert (study / "notes.txt").read_text() == "keep me"
    assert len(load_results(study).replications) == 2


def test_a_link_where_a_batch_keeps_a_table_is_refused_before_the_batch(cli: Cli, tmp_path: Path) -> None:
    """Replacing a batch whose folder has a link at a table's name: refused before the first replication (it used to
    fail at the very end, or write through the link), the linked file untouched."""
    victim = tmp_path / "victim.parquet"
    victim.write_bytes(b"the user's table")
    out = tmp_path / "b"
    assert cli(*run_args(out))[0] == 0
    (out / "daily.parquet").unlink()
    (out / "daily.parquet").symlink_to(victim)
    code, out_text, err = cli(*run_args(out, "--overwrite"))
    assert code == 2 and out_text == "" and f"{out / 'daily.parquet'}: is a symbolic link, where a batch keeps" in err
    assert victim.read_bytes() == b"the user's table"
    assert (out / "daily.parquet").is_symlink()
