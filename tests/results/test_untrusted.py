"""A results folder is untrusted input (issue 34, item 2): nothing in it is read or written through a link, its
manifest is a regular file under a cap, the paths it names stay inside it, and its tables are checked against it.

Links and FIFOs are made in a temporary folder; a command that could hang on a FIFO runs in a child process with a
time limit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from scenarios.cli import main
from scenarios.config.loader import load_scenario
from scenarios.engine.batch import config_hash, run_batch
from scenarios.engine.chunks import run_chunk
from scenarios.io.records import Chunk
from scenarios.io.store import frame_to_parquet, read_manifest, sha256, write_manifest

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "configs" / "baseline.yaml"
SHORT = ["simulation.horizon_days=30"]
SECRET = "TOPSECRET-the-users-password"
Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def batch(out: Path, seed: int = 1, n: int = 4, chunk_size: int | None = None) -> Path:
    run_batch(
        [BASELINE], n=n, seed=seed, overrides=SHORT, executor="serial", out=out, chunk_size=chunk_size, quiet=True
    )
    return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete batch (seed 1) and one of another seed beside it, run once for the module."""
    folder = tmp_path_factory.mktemp("untrusted")
    batch(folder / "seed1", seed=1)
    batch(folder / "seed2", seed=2)
    batch(folder / "seed1-n3", seed=1, n=3)
    return folder


@pytest.fixture
def results(reference: Path, tmp_path: Path) -> Path:
    """A private copy of the reference batch."""
    return Path(shutil.copytree(reference / "seed1", tmp_path / "r"))


def run_in_child(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The command in a fresh interpreter, killed if it hangs (the test then fails instead of hanging)."""
    code = "import sys; from scenarios.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=timeout, check=False
    )


def assert_message(code: int, err: str, *fragments: str) -> None:
    assert code == 2, err
    assert "error: " in err and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, err


def test_a_manifest_that_is_a_link_is_not_followed(cli: Cli, results: Path, tmp_path: Path) -> None:
    secret = tmp_path / "credentials.json"
    secret.write_text(json.dumps({"format_version": 2, "status": SECRET}))
    (results / "manifest.json").unlink()
    (results / "manifest.json").symlink_to(secret)
    code, out, err = cli("summary", str(results))
    assert_message(code, err, f"{results / 'manifest.json'}: is a symbolic link")
    assert SECRET not in out + err


def test_a_manifest_that_is_dev_zero_or_huge_is_refused_before_it_is_read(cli: Cli, results: Path) -> None:
    manifest = results / "manifest.json"
    manifest.unlink()
    manifest.symlink_to("/dev/zero")
    assert_message(*cli("summary", str(results))[::2], "is a symbolic link")
    manifest.unlink()
    with open(manifest, "wb") as fh:  # sparse: 80 MB on paper, nothing on disk
        fh.truncate(80 * 2**20)
    assert_message(*cli("summary", str(results))[::2], "too large (83,886,080 bytes")


@pytest.mark.parametrize("name", ["manifest.json", "replications.parquet", "journal.jsonl"])
def test_a_fifo_in_a_results_folder_does_not_make_a_command_hang(results: Path, name: str) -> None:
    fifo = results / name
    fifo.unlink(missing_ok=True)
    if name == "journal.jsonl":  # read by a partial batch
        manifest = read_manifest(results)
        manifest["status"] = "partial"
        write_manifest(results, manifest)
    os.mkfifo(fifo)
    done = run_in_child("summary", str(results))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert f"{fifo}: is a FIFO, not a regular file" in done.stderr


def test_a_table_that_is_a_link_is_not_followed(cli: Cli, results: Path, reference: Path) -> None:
    table = results / "replications.parquet"
    table.unlink()
    table.symlink_to(reference / "seed2" / "replications.parquet")
    assert_message(*cli("summary", str(results))[::2], f"{table}: is a symbolic link")


def test_a_table_from_another_seed_is_refused(cli: Cli, results: Path, reference: Path) -> None:
    """Same scenario, same n: the rows and config hashes agree, only the seed differs."""
    shutil.copy(reference / "seed2" / "replications.parquet", results / "replications.parquet")
    assert_message(*cli("summary", str(results))[::2], f"{results / 'replications.parquet'}: not the table this batch")
    shutil.copy(reference / "seed1" / "replications.parquet", results / "replications.parquet")
    shutil.copy(reference / "seed2" / "daily.parquet", results / "daily.parquet")
    code, _, err = cli("plot", str(results), "--kind", "fan-territory", "-o", str(results.parent / "fan.png"))
    assert_message(code, err, f"{results / 'daily.parquet'}: not the table this batch")
    assert not (results.parent / "fan.png").exists()


def test_a_table_of_another_size_is_refused(cli: Cli, results: Path, reference: Path) -> None:
    shutil.copy(reference / "seed1-n3" / "replications.parquet", results / "replications.parquet")
    code, _, err = cli("summary", str(results))
    assert_message(code, err, f"{results / 'replications.parquet'}: 3 rows, where the manifest says the batch wrote 4")


def test_a_table_of_another_configuration_is_refused_in_an_older_folder(
    cli: Cli, results: Path, tmp_path: Path
) -> None:
    """A folder written before tables had checksums is still checked: every row's config hash is the manifest's."""
    run_batch(
        [BASELINE],
        n=4,
        seed=1,
        overrides=[*SHORT, "world.start_attention=3"],
        executor="serial",
        out=tmp_path / "other",
        quiet=True,
    )
    shutil.copy(tmp_path / "other" / "replications.parquet", results / "replications.parquet")
    manifest = read_manifest(results)
    manifest.pop("tables")
    write_manifest(results, manifest)
    assert_message(*cli("summary", str(results))[::2], "computed from config", "not this batch's table")


def _partial(folder: Path, seed: int = 1) -> tuple[Path, dict]:
    """A batch of 2 chunks interrupted after its first: the manifest says running, chunk 0's part is journaled."""
    out = batch(folder, seed=seed, chunk_size=2)
    manifest = read_manifest(out)
    manifest["status"] = "running"
    write_manifest(out, manifest)
    for table in out.glob("*.parquet"):
        table.unlink()
    scenario = load_scenario(BASELINE, SHORT)
    result = run_chunk(scenario, config_hash(scenario), Chunk(0, 0, 2), seed, manifest["trace_sample"], False)
    _journal(
        out, Chunk(0, 0, 2).key, result.tables["replications"], {"seed": seed, "config_hash": config_hash(scenario)}
    )
    return out, manifest


def _journal(out: Path, key: str, rows: list[dict], stamp: dict, file: str | None = None) -> None:
    """A part of the replications table and its journal line, as a writer of the batch leaves them."""
    data = frame_to_parquet(pd.DataFrame.from_records(rows))
    rel = file or f"parts/replications/{key}.parquet"
    (out / "parts" / "replications").mkdir(parents=True, exist_ok=True)
    if file is None:
        (out / rel).write_bytes(data)
    line = {"chunk": key, "files": {"replications": {"file": rel, "rows": len(rows), "sha256": sha256(data)}}}
    with open(out / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({**line, "seconds": 0.1, **stamp}) + "\n")


@pytest.mark.parametrize("stamp", [{}, {"seed": 2}], ids=["a line of an older writer", "a line of seed 2"])
def test_a_foreign_part_injected_before_resume_is_refused(cli: Cli, tmp_path: Path, stamp: dict) -> None:
    out, manifest = _partial(tmp_path / "r")
    scenario = load_scenario(BASELINE, SHORT)
    foreign = run_chunk(scenario, config_hash(scenario), Chunk(0, 2, 4), 2, manifest["trace_sample"], False)
    _journal(out, Chunk(0, 2, 4).key, foreign.tables["replications"], {"config_hash": config_hash(scenario), **stamp})
    args = ["run", str(BASELINE), "--executor", "serial", "--quiet", "--out", str(out), "--resume"]
    code, _, err = cli(*args, *[a for s in SHORT for a in ("--set", s)])
    assert_message(code, err, f"{out / 'journal.jsonl'}:2: chunk s00-r0000002-0000004 was computed under seed")
    assert read_manifest(out)["status"] == "running"  # never called complete
    assert_message(*cli("summary", str(out))[::2], "journal.jsonl:2:")


def test_a_journal_line_naming_a_file_outside_is_refused(cli: Cli, tmp_path: Path) -> None:
    out, manifest = _partial(tmp_path / "r")
    scenario = load_scenario(BASELINE, SHORT)
    elsewhere = tmp_path / "secret.parquet"
    rows = run_chunk(scenario, config_hash(scenario), Chunk(0, 2, 4), 1, manifest["trace_sample"], False)
    elsewhere.write_bytes(frame_to_parquet(pd.DataFrame.from_records(rows.tables["replications"])))
    stamp = {"seed": 1, "config_hash": config_hash(scenario)}
    data = elsewhere.read_bytes()
    line = {
        "chunk": Chunk(0, 2, 4).key,
        "files": {"replications": {"file": "../secret.parquet", "rows": 2, "sha256": sha256(data)}},
    }
    with open(out / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({**line, **stamp}) + "\n")
    code, _, err = cli("summary", str(out))
    assert_message(code, err, "names the file '../secret.parquet', where its replications part is parts/replications/")


def test_parts_that_are_a_link_are_not_followed(cli: Cli, tmp_path: Path) -> None:
    out, _ = _partial(tmp_path / "r")
    elsewhere = tmp_path / "elsewhere"
    shutil.move(out / "parts", elsewhere)
    (out / "parts").symlink_to(elsewhere)
    before = {p.name: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()}
    assert_message(*cli("summary", str(out))[::2], f"{out / 'parts'}: a symbolic link inside the results folder")
    args = ["run", str(BASELINE), "--executor", "serial", "--quiet", "--out", str(out), "--resume"]
    assert_message(*cli(*args, *[a for s in SHORT for a in ("--set", s)])[::2], "symbolic link")
    assert {p.name: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()} == before


def _with_joint_sample(results: Path, sample: Path) -> None:
    manifest = json.loads((results / "manifest.json").read_text(encoding="utf-8"))
    config = manifest["scenarios"][0]["config"]
    config["joint"] = {"sample": str(sample), "calibrated": "by hand"}
    (results / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")  # no checksum: edited


@pytest.mark.parametrize(
    "command",
    [
        ("report", "{dir}", "-o", "{tmp}/r.html"),
        ("diff", "{dir}", str(BASELINE)),
        ("check", "{dir}"),
        ("forecast", "{dir}"),
        ("discover", "{dir}", "--outcome", "war_days > 10"),
        ("rerun", "{dir}", "--out", "{tmp}/again", "--executor", "serial", "--quiet"),
    ],
    ids=lambda c: c[0],
)
def test_a_file_a_manifest_names_outside_its_folder_is_never_read(
    cli: Cli, results: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    secret = tmp_path / "credentials.csv"
    secret.write_text(f"{SECRET},x\n0.5,0.5\n")
    _with_joint_sample(results, secret)
    argv = [a.format(dir=results, tmp=tmp_path) for a in command]
    code, out, err = cli(*argv)
    assert SECRET not in out + err
    assert "Traceback" not in err and code in (0, 1, 2)
    if command[0] == "rerun":
        assert_message(code, err, "names files outside its folder (joint.sample: ")
        assert not (tmp_path / "again").exists()


def test_a_stored_analysis_without_its_metadata_is_left_out(cli: Cli, results: Path, tmp_path: Path) -> None:
    from scenarios.sensitivity import store

    indices = pd.DataFrame({"parameter": ["ceasefire.attacker_violation_rate"], "importance": [0.5]})
    store(results, indices, "importance", "war_days", {"bootstrap": 2})
    (next(results.glob("sensitivity-*.json"))).unlink()
    code, _, err = cli("report", str(results), "-o", str(tmp_path / "r.html"))
    assert code == 0 and "Traceback" not in err
    assert "no metadata beside it" in err


def test_a_calibration_summary_of_the_wrong_shape_is_left_out(cli: Cli, results: Path, tmp_path: Path) -> None:
    (results / "calibration.json").write_text(json.dumps({"scenario": "baseline", "ruled_out": "most"}))
    code, _, err = cli("report", str(results), "-o", str(tmp_path / "r.html"))
    assert code == 0 and "Traceback" not in err and "leaves calibration out" in err


def test_three_folders_of_the_same_name_are_compared(cli: Cli, reference: Path, tmp_path: Path) -> None:
    folders = [shutil.copytree(reference / "seed1", tmp_path / str(i) / "r") for i in range(3)]
    code, out, err = cli("compare", *map(str, folders))
    assert code == 0 and "Traceback" not in err
    assert "baseline@r" in out and "baseline@r-2" in out
