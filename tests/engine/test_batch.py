"""The batch engine through its real path: real process pools, a real Dask LocalCluster, real Parquet files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from scenarios.engine.batch import config_hash, rerun_manifest, run_batch
from scenarios.engine.chunks import Chunk, run_chunk
from scenarios.engine.seeding import normalise_seed, replication_seed
from scenarios.exceptions import ResultsError, ScenarioError
from scenarios.io.load import PartialResultsWarning, load_results
from scenarios.io.store import JOURNAL, DirectoryLock, ResultsWriter, done_chunks, read_manifest, write_manifest

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "configs" / "baseline.yaml"
WINTER = ROOT / "configs" / "early-winter.yaml"
SHORT = ["simulation.horizon_days=60"]


def tables(directory: Path) -> dict[str, pd.DataFrame]:
    r = load_results(directory)
    return {t: getattr(r, t) for t in ("replications", "ceasefires", "events", "timeseries", "errors", "daily")}


def assert_same(a: Path, b: Path) -> None:
    ta, tb = tables(a), tables(b)
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name], check_exact=True, obj=name)


def test_replication_seed_depends_only_on_seed_and_index() -> None:
    a = replication_seed(7, 3).generate_state(4)
    b = np.random.SeedSequence(7).spawn(4)[3].generate_state(4)
    assert (a == b).all()
    assert not (replication_seed(7, 3).generate_state(4) == replication_seed(7, 4).generate_state(4)).all()
    assert normalise_seed(np.random.SeedSequence(11)) == 11
    with pytest.raises(ValueError, match="non-negative"):
        normalise_seed(-1)
    assert normalise_seed(None) != normalise_seed(None)


def test_serial_equals_process_pool_across_chunk_sizes(tmp_path: Path) -> None:
    common = dict(n=24, seed=99, overrides=SHORT, quiet=True, trace_sample=3)
    run_batch([BASELINE, WINTER], executor="serial", chunk_size=24, out=tmp_path / "serial", **common)
    run_batch([BASELINE, WINTER], executor="process", workers=2, chunk_size=5, out=tmp_path / "pool", **common)
    run_batch([BASELINE, WINTER], executor="serial", chunk_size=1, out=tmp_path / "ones", **common)
    assert_same(tmp_path / "serial", tmp_path / "pool")
    assert_same(tmp_path / "serial", tmp_path / "ones")
    r = load_results(tmp_path / "pool")
    assert r.complete and r.scenarios == ["baseline", "early-winter"]
    assert len(r.replications) == 48
    assert set(r.events["replication"]) == {0, 1, 2}  # only the traced sample
    assert r.replications["outcome_class"].dtype == "category"
    assert not (tmp_path / "pool" / "parts").exists()  # consolidated and cleaned up


def test_the_daily_table_holds_every_replication_and_equals_the_traced_series(tmp_path: Path) -> None:
    run_batch([BASELINE], n=12, seed=8, overrides=SHORT, quiet=True, trace_sample=3, executor="serial", out=tmp_path)
    r = load_results(tmp_path)
    daily = r.daily
    assert sorted(daily["replication"].unique()) == list(range(12))
    assert all(days == list(range(60)) for days in daily.groupby("replication")["day"].apply(list))
    assert str(daily["attacker_share"].dtype) == "float32" and str(daily["day"].dtype) == "int16"
    ts = r.timeseries.assign(
        military_total=r.timeseries["military_attacker"] + r.timeseries["military_defender"],
        civilian_total=r.timeseries["civilian_attacker"] + r.timeseries["civilian_defender"],
    )
    traced = daily[daily["replication"] < 3].reset_index(drop=True)
    assert len(traced) == len(ts)
    for column in ("attacker_share", "military_total", "civilian_total", "attention"):
        np.testing.assert_allclose(traced[column], ts[column], rtol=1e-6, err_msg=column)
    assert (traced["supporter_level"].to_numpy() == ts["supporter_level"].to_numpy()).all()
    assert (traced["ceasefire"].to_numpy() == ts["ceasefire"].to_numpy()).all()


def test_daily_every_thins_the_daily_table(tmp_path: Path) -> None:
    run_batch(
        [BASELINE],
        n=3,
        seed=8,
        overrides=[*SHORT, "simulation.daily_every=7"],
        quiet=True,
        executor="serial",
        out=tmp_path,
    )
    daily = load_results(tmp_path).daily
    assert sorted(daily["day"].unique()) == list(range(0, 60, 7))


@pytest.mark.slow
def test_dask_local_cluster_equals_serial(tmp_path: Path) -> None:
    common = dict(n=12, seed=5, overrides=SHORT, quiet=True, trace_sample=2)
    run_batch([BASELINE], executor="serial", out=tmp_path / "serial", **common)
    run_batch([BASELINE], executor="dask", workers=2, chunk_size=4, out=tmp_path / "dask", **common)
    assert_same(tmp_path / "serial", tmp_path / "dask")
    assert read_manifest(tmp_path / "dask")["timings"]["executor"] == "dask"


@pytest.mark.slow
def test_a_local_clusters_workers_run_without_the_profiler_and_with_a_slow_loop_check() -> None:
    """The settings that keep a local worker's event loop off the replications' core reach the worker processes
    (the nanny hands its configuration to the process it starts), and leave the caller's configuration as it was."""
    import dask
    from dask.distributed import Client

    from scenarios.engine.executors.dask import LOCAL_CLUSTER_CONFIG, local_cluster

    before = {key: dask.config.get(key) for key in LOCAL_CLUSTER_CONFIG}
    with local_cluster(1) as cluster, Client(cluster) as client:
        seen = client.run(lambda: {key: dask.config.get(key) for key in LOCAL_CLUSTER_CONFIG})
    assert list(seen.values()) == [LOCAL_CLUSTER_CONFIG]
    assert {key: dask.config.get(key) for key in LOCAL_CLUSTER_CONFIG} == before != LOCAL_CLUSTER_CONFIG


@pytest.mark.slow
def test_dask_with_a_window_of_one_chunk_in_flight_yields_every_chunk_as_serial_does() -> None:
    """The bounded window: with one chunk in flight at a time, every chunk still comes back, row for row."""
    from scenarios.config.loader import load_scenario
    from scenarios.engine.batch import config_hash, plan_chunks
    from scenarios.engine.executors import Work
    from scenarios.engine.executors.dask import DaskExecutor
    from scenarios.engine.executors.serial import SerialExecutor

    scenario = load_scenario(BASELINE, SHORT)
    work = Work([scenario], [config_hash(scenario)], 5, 1, False)
    chunks = plan_chunks(1, 9, 2)
    serial = list(SerialExecutor().run(work, chunks))
    dask = sorted(DaskExecutor(2, window=1).run(work, chunks), key=lambda r: r.chunk.start)
    assert [r.chunk for r in dask] == [r.chunk for r in serial]
    for a, b in zip(serial, dask, strict=True):
        assert a.tables == b.tables
        assert a.daily == b.daily and len(a.daily) > 0


def test_common_random_numbers_across_scenarios(tmp_path: Path) -> None:
    run_batch([BASELINE, WINTER], n=10, seed=3, overrides=SHORT, executor="serial", out=tmp_path / "b", quiet=True)
    r = load_results(tmp_path / "b").replications
    base = r[r["scenario"] == "baseline"].reset_index(drop=True)
    winter = r[r["scenario"] == "early-winter"].reset_index(drop=True)
    # the parameters both scenarios share are drawn identically, replication by replication
    shared = [c for c in base.columns if c.startswith("param.") and "winter_start" not in c]
    pd.testing.assert_frame_equal(base[shared], winter[shared])
    assert (base["param.season.winter_start"] > winter["param.season.winter_start"]).all()


def test_resume_after_sigkill_equals_uninterrupted(tmp_path: Path) -> None:
    out = tmp_path / "killed"
    script = (
        "from scenarios.engine.batch import run_batch\n"
        f"run_batch([{str(BASELINE)!r}], n=120, seed=17, overrides={SHORT!r}, executor='serial', chunk_size=4, "
        f"out={str(out)!r}, quiet=True)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.time() + 120
    while time.time() < deadline:
        journal = out / JOURNAL
        if journal.exists() and len(journal.read_text().splitlines()) >= 3:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert read_manifest(out)["status"] == "running"  # killed: never marked complete
    finished = done_chunks(out)
    assert 3 <= len(finished) < 30  # killed part-way, not at the end
    with pytest.warns(PartialResultsWarning, match="PARTIAL"):
        partial = load_results(out)
    assert 0 < len(partial.replications) < 120
    result = run_batch([BASELINE], overrides=SHORT, executor="serial", out=out, resume=True, quiet=True)
    assert result.status == "complete"
    assert result.computed == 120 - 4 * len(finished)
    run_batch(
        [BASELINE], n=120, seed=17, overrides=SHORT, executor="serial", chunk_size=4, out=tmp_path / "whole", quiet=True
    )
    assert_same(out, tmp_path / "whole")


def test_corrupted_part_is_recomputed(tmp_path: Path) -> None:
    out = tmp_path / "b"
    scenario_args = dict(overrides=SHORT, executor="serial", quiet=True)
    # build a partial directory: run, then pretend the batch died before consolidation
    from scenarios.config.loader import load_scenario
    from scenarios.io.store import ResultsWriter, write_manifest

    scenario = load_scenario(BASELINE, SHORT)
    run_batch([BASELINE], n=8, seed=2, chunk_size=4, out=out, **scenario_args)
    reference = tables(out)["replications"]
    manifest = read_manifest(out)
    manifest["status"] = "running"
    writer = ResultsWriter(out)
    writer.prepare(fresh=False)
    for start in (0, 4):
        chunk = Chunk(0, start, start + 4)
        writer.write_chunk(run_chunk(scenario, config_hash(scenario), chunk, 2, manifest["trace_sample"], False))
    write_manifest(out, manifest)
    part = out / "parts" / "replications" / f"{Chunk(0, 4, 8).key}.parquet"
    part.write_bytes(part.read_bytes()[:100])  # truncated
    assert set(done_chunks(out)) == {Chunk(0, 0, 4).key}
    result = run_batch([BASELINE], out=out, resume=True, **scenario_args)
    assert result.computed == 4
    pd.testing.assert_frame_equal(tables(out)["replications"], reference)


def test_second_writer_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "locked"
    with DirectoryLock(out), pytest.raises(ResultsError, match="another batch is writing"):
        run_batch([BASELINE], n=2, overrides=SHORT, executor="serial", out=out, quiet=True)


def test_existing_results_need_resume_or_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "b"
    run_batch([BASELINE], n=2, seed=1, overrides=SHORT, executor="serial", out=out, quiet=True)
    with pytest.raises(ResultsError, match="use `overwrite=True` to replace it") as info:
        run_batch([BASELINE], n=2, seed=1, overrides=SHORT, executor="serial", out=out, quiet=True)
    assert info.value.field == "overwrite"
    run_batch([BASELINE], n=3, seed=1, overrides=SHORT, executor="serial", out=out, overwrite=True, quiet=True)
    assert len(load_results(out).replications) == 3


def test_importance_of_a_batch_of_several_scenarios_names_the_one_it_ranks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --scenario a batch of two is refused (naming both) rather than ranked for the first in silence; each
    scenario's ranking is stored under its own name, and the count printed is that scenario's replications."""
    from scenarios.cli import main
    from scenarios.sensitivity import stored

    out = tmp_path / "b"
    early = ROOT / "configs" / "early-winter.yaml"
    run_batch([BASELINE, early], n=30, seed=1, overrides=SHORT, executor="serial", out=out, quiet=True)
    capsys.readouterr()
    assert main(["importance", str(out), "--outcome", "war_days", "--bootstrap", "2"]) == 2
    assert (
        "holds 2 scenarios (baseline, early-winter): name the one to analyse with --scenario" in capsys.readouterr().err
    )
    for name in ("baseline", "early-winter"):
        argv = ["importance", str(out), "--outcome", "war_days", "--bootstrap", "2", "--scenario", name]
        assert main(argv) == 0
        printed = capsys.readouterr().out
        assert f"permutation importance for days of open war (war_days) in {name} (30 replications analysed;" in printed
        assert "out-of-bag fit of the forests: R^2" in printed
    assert sorted(p.name for p in out.glob("sensitivity-importance-*.parquet")) == [
        "sensitivity-importance-baseline-war_days.parquet",
        "sensitivity-importance-early-winter-war_days.parquet",
    ]
    assert sorted(outcome for _, outcome, _, _ in stored(out)) == ["war_days in baseline", "war_days in early-winter"]
    assert main(["importance", str(out), "--screen"]) == 2  # the screen too: which scenario, not the first
    assert "name the one to analyse with --scenario" in capsys.readouterr().err


def test_overwrite_removes_the_analyses_of_the_batch_it_replaces(tmp_path: Path) -> None:
    """An importance ranking stored beside the old batch would otherwise appear in the new batch's report."""
    from scenarios.cli import main
    from scenarios.sensitivity import stored

    out = tmp_path / "b"
    run_batch([BASELINE], n=40, seed=1, overrides=SHORT, executor="serial", out=out, quiet=True)
    assert main(["importance", str(out), "--outcome", "war_days", "--bootstrap", "2"]) == 0
    assert [m for m, _, _, _ in stored(out)] == ["importance"]
    notes = out / "my-notes.txt"  # a user's own file in the folder is not the batch's to remove
    notes.write_text("keep me", encoding="utf-8")
    run_batch([BASELINE], n=3, seed=1, overrides=SHORT, executor="serial", out=out, overwrite=True, quiet=True)
    assert stored(out) == [] and not list(out.glob("sensitivity-*"))
    assert notes.read_text(encoding="utf-8") == "keep me"


def test_resume_refuses_changed_config_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "b"
    run_batch([BASELINE], n=4, seed=1, overrides=SHORT, executor="serial", out=out, quiet=True)
    manifest = read_manifest(out)
    manifest["status"] = "partial"
    (out / "manifest.json").write_text(json.dumps(manifest))
    changed = [*SHORT, "actors.russia.rationality=3"]
    with pytest.raises(ResultsError, match=r"cannot resume.*config hashes"):
        run_batch([BASELINE], overrides=changed, executor="serial", out=out, resume=True, quiet=True)
    result = run_batch([BASELINE], overrides=changed, executor="serial", out=out, resume=True, force=True, quiet=True)
    assert result.status == "complete"


def test_failed_replications_go_to_the_errors_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Validation now refuses every value known to crash the model, so the crash is injected: replications of the
    # scenario named "broken" raise inside the model's entry point, as a division by zero would.
    import scenarios.engine.chunks as chunks

    real = chunks.run_replication

    def crashing(scenario: Any, *args: Any, **kwargs: Any) -> Any:
        if scenario.name == "broken":
            raise ZeroDivisionError("float division by zero")
        return real(scenario, *args, **kwargs)

    monkeypatch.setattr(chunks, "run_replication", crashing)
    broken = tmp_path / "broken.yaml"
    broken.write_text(f"extends: {BASELINE}\nname: broken\n", encoding="utf-8")
    result = run_batch(
        [BASELINE, broken], n=5, seed=4, overrides=SHORT, executor="serial", out=tmp_path / "e", quiet=True
    )
    assert result.status == "complete"
    assert result.failures == 5
    r = load_results(tmp_path / "e")
    assert list(r.errors["scenario"].astype(str).unique()) == ["broken"]
    assert sorted(r.errors["replication"]) == [0, 1, 2, 3, 4]
    assert "ZeroDivisionError" in r.errors["traceback"].iloc[0]
    assert list(r.replications["scenario"].astype(str).unique()) == ["baseline"]
    only = run_batch([broken], n=2, seed=4, overrides=SHORT, executor="serial", out=tmp_path / "only", quiet=True)
    assert only.status == "failed" and read_manifest(tmp_path / "only")["status"] == "failed"
    with pytest.raises(ResultsError, match="every replication failed"):
        load_results(tmp_path / "only")
    with pytest.raises(ScenarioError, match="failed"):
        run_batch(
            [broken], n=6, seed=4, overrides=SHORT, executor="serial", out=tmp_path / "f", quiet=True, fail_fast=True
        )
    assert read_manifest(tmp_path / "f")["status"] == "partial"


def test_manifest_round_trip_reproduces_the_batch(tmp_path: Path) -> None:
    run_batch([BASELINE, WINTER], n=6, seed=8, overrides=SHORT, executor="serial", out=tmp_path / "a", quiet=True)
    rerun_manifest(tmp_path / "a", out=tmp_path / "b", executor="serial", quiet=True)
    assert_same(tmp_path / "a", tmp_path / "b")
    m = read_manifest(tmp_path / "a")
    assert m["seed"] == 8 and m["status"] == "complete" and m["versions"]["numpy"]
    assert m["scenarios"][0]["config"]["simulation"]["horizon_days"] == 60


def test_random_seed_is_recorded(tmp_path: Path) -> None:
    result = run_batch(
        [BASELINE], n=2, overrides=[*SHORT, "simulation.seed=null"], executor="serial", out=tmp_path / "r", quiet=True
    )
    assert read_manifest(tmp_path / "r")["seed"] == result.seed


def test_load_results_errors_name_the_path(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match="no such results directory"):
        load_results(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ResultsError, match="not a results directory"):
        load_results(tmp_path / "empty")


@pytest.mark.slow
def test_ctrl_c_keeps_finished_chunks_and_marks_the_batch_partial(tmp_path: Path) -> None:
    out = tmp_path / "interrupted"
    scenarios_cli = Path(sys.executable).with_name("scenarios")
    command = [
        str(scenarios_cli),
        "run",
        str(BASELINE),
        "--n",
        "120",
        "--seed",
        "23",
        "--chunk-size",
        "4",
        "--workers",
        "2",
        "--out",
        str(out),
        "--set",
        SHORT[0],
    ]
    # a terminal's Ctrl-C: SIGINT to the whole foreground process group (the driver and its workers)
    # the child starts as from a terminal, Ctrl-C not ignored (a disposition inherited from the test process would be)
    proc = subprocess.Popen(
        command,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        journal = out / JOURNAL
        if journal.exists() and len(journal.read_text().splitlines()) >= 3:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert b"interrupted" in err and b"Traceback" not in err
    manifest = read_manifest(out)
    assert manifest["status"] == "partial" and manifest["reason"] == "interrupted"
    kept = len(done_chunks(out))
    assert 3 <= kept < 30  # interrupted part-way
    result = run_batch([BASELINE], overrides=SHORT, executor="serial", out=out, resume=True, quiet=True)
    assert result.computed == 120 - 4 * kept
    run_batch(
        [BASELINE], n=120, seed=23, overrides=SHORT, executor="serial", chunk_size=4, out=tmp_path / "whole", quiet=True
    )
    assert_same(out, tmp_path / "whole")


def test_consolidation_gathers_many_small_chunks_into_few_row_groups(tmp_path: Path) -> None:
    """The Parquet writer keeps every row group's metadata until it closes: one row group per chunk would make the
    driver's memory grow with the batch (1,000 chunks at 10^5 replications); the parts are gathered instead."""
    import pyarrow.parquet as pq

    run_batch(
        [BASELINE], n=30, seed=5, overrides=SHORT, executor="serial", chunk_size=1, out=tmp_path / "r", quiet=True
    )
    for table in ("replications", "daily", "offers"):
        file = pq.ParquetFile(tmp_path / "r" / f"{table}.parquet")
        assert file.num_row_groups == 1, table
    assert len(load_results(tmp_path / "r").replications) == 30


def test_only_the_replications_are_read_with_the_folder(tmp_path: Path) -> None:
    """A summary reads the replications only; the other tables stay on disk until used (at 10^5 replications the
    offers alone would take ~0.5 GB): a damaged offers file does not stop it, and using the offers says so."""
    from scenarios.analysis.summary import summarize

    out = tmp_path / "r"
    run_batch([BASELINE], n=6, seed=4, overrides=SHORT, executor="serial", out=out, quiet=True)
    whole = {t: getattr(load_results(out), t) for t in ("ceasefires", "offers", "daily")}
    assert all(len(df) > 0 for df in whole.values())
    results = load_results(out)
    (out / "offers.parquet").write_bytes(b"not parquet")
    assert "median days formally in force" in summarize(results).to_text()
    pd.testing.assert_frame_equal(results.ceasefires, whole["ceasefires"])
    with pytest.raises(ResultsError, match=r"offers\.parquet: damaged"):
        _ = results.offers
    for column in ("config_hash", "broker", "kind", "answer.azerbaijan", "answer.armenia"):  # text as category
        assert isinstance(whole["offers"][column].dtype, pd.CategoricalDtype), column


def test_a_partial_batch_reads_its_other_tables_from_the_chunks_finished_at_load(tmp_path: Path) -> None:
    """Tables read later cover the same replications as `replications`, though more chunks finish meanwhile."""
    from scenarios.config.loader import load_scenario

    out = tmp_path / "b"
    scenario = load_scenario(BASELINE, SHORT)
    run_batch([BASELINE], n=8, seed=2, chunk_size=4, out=out, overrides=SHORT, executor="serial", quiet=True)
    manifest = read_manifest(out)
    manifest["status"] = "running"
    writer = ResultsWriter(out)
    writer.prepare(fresh=False)

    def finish(start: int) -> None:
        chunk = Chunk(0, start, start + 4)
        writer.write_chunk(run_chunk(scenario, config_hash(scenario), chunk, 2, manifest["trace_sample"], False))

    finish(0)
    write_manifest(out, manifest)
    with pytest.warns(PartialResultsWarning):
        partial = load_results(out)
    finish(4)  # a chunk finishes after the folder was read
    assert sorted(partial.replications["replication"]) == [0, 1, 2, 3]
    assert set(partial.ceasefires["replication"]) == set(partial.offers["replication"]) == {0, 1, 2, 3}
    assert set(partial.daily["replication"]) == {0, 1, 2, 3}
    with pytest.warns(PartialResultsWarning):
        assert set(load_results(out).offers["replication"]) == set(range(8))


def test_a_partial_batch_finished_after_it_was_read_says_to_load_it_again(tmp_path: Path) -> None:
    """Finishing the batch consolidates and removes its chunks; a table not yet read says so, not "damaged"."""
    from scenarios.config.loader import load_scenario

    out = tmp_path / "b"
    scenario = load_scenario(BASELINE, SHORT)
    run_batch([BASELINE], n=4, seed=2, chunk_size=4, out=out, overrides=SHORT, executor="serial", quiet=True)
    manifest = read_manifest(out)
    manifest["status"] = "running"
    writer = ResultsWriter(out)
    writer.prepare(fresh=False)
    writer.write_chunk(run_chunk(scenario, config_hash(scenario), Chunk(0, 0, 4), 2, manifest["trace_sample"], False))
    write_manifest(out, manifest)
    with pytest.warns(PartialResultsWarning):
        partial = load_results(out)
    writer.remove_parts()  # what finishing the batch does after consolidating
    with pytest.raises(ResultsError, match="load it again for its offers"):
        _ = partial.offers


def test_a_chunks_daily_columns_are_the_model_rows_in_the_stored_dtypes() -> None:
    """The daily table travels as columns: the same frame, to the bit, as the model's rows turned into dicts with
    `DAILY_FIELDS` and cast to `DAILY_COLUMNS` (the path it replaced), and an empty chunk keeps every column."""
    from scenarios.config.loader import load_scenario
    from scenarios.engine.batch import plan_chunks
    from scenarios.io.records import DAILY_COLUMNS, DAILY_FIELDS
    from scenarios.model.simulation import run_replication

    scenario = load_scenario(BASELINE, SHORT)
    chunk = plan_chunks(1, 3, 3)[0]
    result = run_chunk(scenario, "h", chunk, 5, 0, False)
    rows = []
    for i in range(3):
        rep = run_replication(scenario, replication_seed(5, i))
        assert rep.daily
        rows += [
            {"scenario": scenario.name, "config_hash": "h", "replication": i, **dict(zip(DAILY_FIELDS, d, strict=True))}
            for d in rep.daily
        ]
    expected = pd.DataFrame.from_records(rows).astype(DAILY_COLUMNS)
    pd.testing.assert_frame_equal(pd.DataFrame(result.daily.data).astype(DAILY_COLUMNS), expected, check_exact=True)
    assert list(result.daily.data) == list(DAILY_COLUMNS) and len(result.daily) == len(rows)

    empty = run_chunk(scenario, "h", Chunk(0, 3, 3), 5, 0, False).daily
    assert len(empty) == 0 and list(empty.data) == list(DAILY_COLUMNS)
