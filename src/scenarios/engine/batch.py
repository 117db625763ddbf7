"""`run_batch`: load scenarios, plan chunks, run them on an executor, write results, finalise or stay resumable."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import math
import os
import platform
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
from typing_extensions import Unpack

from scenarios.config.loader import dump_origins, load_scenario, scenario_from_dump
from scenarios.config.params import Param
from scenarios.config.schema import Scenario
from scenarios.engine.chunks import SEED_COLUMN, Chunk, ReplicationFailed
from scenarios.engine.executors import Executor, Work, default_workers, executor_for
from scenarios.engine.options import RunOptionFields, RunOptions, RunOptionsError
from scenarios.engine.plan import output_directory, resolve_seed
from scenarios.engine.probe import check_runs, check_size, references_for
from scenarios.engine.progress import Progress
from scenarios.exceptions import ResultsError, ScenarioError
from scenarios.io import owned, safe
from scenarios.io.atomic import write_atomic
from scenarios.io.store import (
    DESIGN,
    FORMAT_VERSION,
    INPUTS,
    JOURNAL_CHECKS,
    MANIFEST,
    DirectoryLock,
    ResultsWriter,
    done_chunks,
    frame_to_parquet,
    read_frame,
    read_manifest,
    required_problem,
    write_manifest,
)
from scenarios.yamlio import MAX_FILE_BYTES, read_file_bytes

MAX_CHUNKS = 10**6  # chunks planned in one batch (each a small object held by the driver)
PACKAGES = ("scenarios", "numpy", "pandas", "scipy", "simpy", "pydantic", "pyarrow", "dask", "distributed")


@dataclass(frozen=True)
class BatchResult:
    """What a batch did: where its results are and how it ended."""

    directory: Path
    status: str  # complete | partial | failed (every replication raised)
    scenarios: list[str]
    replications: int  # per scenario
    seed: int
    computed: int  # replications computed in this call (all scenarios)
    failures: int
    seconds: float
    reason: str = ""  # why it is partial or failed


def config_hash(scenario: Scenario) -> str:
    """A hash of everything in a scenario that can change its results (not n, the seed or the output folder)."""
    data = scenario.model_dump(mode="json")
    for key in ("replications", "seed", "output_dir"):
        data["simulation"].pop(key, None)
    data.pop("sources", None)  # absolute paths differ between machines; the quotes themselves are hashed
    joint = scenario.joint_sample()
    if joint is not None:  # the sample's content, not where it is
        data["joint"]["sample"] = joint.digest
    for key in ("measures", "expectations", "questions"):  # how results are read, not what they are
        data.pop(key, None)
    # in the scenario's own order: the order of actors (reviews at one instant) and of a ladder's rungs matters
    blob = json.dumps(data, sort_keys=False, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def code_version() -> dict[str, Any]:
    """The package version and, when the package runs from a git checkout, its commit."""
    here = Path(__file__).resolve().parent
    commit = None
    try:
        out = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        if out.returncode == 0:
            commit = out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {"version": _version("scenarios"), "git_commit": commit}


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def plan_chunks(scenarios: int, n: int, chunk_size: int, design: pd.DataFrame | None = None) -> list[Chunk]:
    """Chunks in (scenario, replication) order; with a design, each carries its rows of parameter quantiles."""
    rows = [{str(k): float(v) for k, v in r.items()} for r in design.to_dict("records")] if design is not None else None
    return [
        Chunk(
            s,
            a,
            min(a + chunk_size, n),
            tuple(rows[a : min(a + chunk_size, n)]) if rows is not None else None,
        )
        for s in range(scenarios)
        for a in range(0, n, chunk_size)
    ]


def design_hash(design: pd.DataFrame | None) -> str | None:
    if design is None:
        return None
    return hashlib.sha256(
        pd.util.hash_pandas_object(design, index=True).to_numpy().tobytes() + ",".join(design.columns).encode()
    ).hexdigest()[:16]


def default_chunk_size(n: int, workers: int) -> int:
    """About eight chunks per worker, at most 100 replications each: fine-grained resume, small overhead, and a
    small peak of memory (a chunk's rows are held whole by its worker and by the driver while it writes them: on the
    baseline, 100 rather than 250 per chunk takes the peak of a 2-worker batch from about 485 to 385 MB)."""
    return max(1, min(100, math.ceil(n / (8 * max(workers, 1)))))


def _manifest(
    scenarios: list[Scenario],
    hashes: list[str],
    seed: int,
    n: int,
    chunk_size: int,
    trace_sample: int,
    sources: list[str],
) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "status": "running",
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seed": seed,
        "replications": n,
        "chunk_size": chunk_size,
        "trace_sample": trace_sample,
        "scenarios": [
            {
                "name": s.name,
                "title": s.title,
                "config_hash": h,
                "source_file": src,
                "config": s.model_dump(mode="json"),
                "origins": dump_origins(s),
            }
            for s, h, src in zip(scenarios, hashes, sources, strict=True)
        ],
        "code": code_version(),
        "versions": {"python": platform.python_version(), **{p: _version(p) for p in PACKAGES}},
        "counts": {},
        "timings": {},
        JOURNAL_CHECKS: True,
    }


def name_inputs(manifest: dict[str, Any]) -> dict[str, bytes]:
    """The files each scenario reads (its source documents, a joint sample), to be copied into ``inputs/``; the
    manifest is made to name the copies (relative to the folder), so a results folder is self-contained and never
    sends whoever reads it to a file outside it. A file that can no longer be read is named as "" (nothing to read).
    Returns each copy's name and content."""
    copies: dict[str, bytes] = {}
    for entry in manifest["scenarios"]:
        config = entry["config"]
        sources = config.get("sources") or {}
        for key, file in sources.items():
            sources[key] = _input(file, ".yaml", copies)
        joint = config.get("joint")
        if isinstance(joint, dict) and joint.get("sample"):
            joint["sample"] = _input(joint["sample"], ".csv", copies)
    return copies


def _input(file: str, suffix: str, copies: dict[str, bytes]) -> str:
    if not file:
        return ""
    try:
        data = read_file_bytes(Path(file).absolute(), file)
    except ScenarioError:
        return ""
    name = f"{INPUTS}/{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
    copies[name] = data
    return name


def write_inputs(directory: Path, copies: dict[str, bytes]) -> None:
    """Write the copies `name_inputs` named (a copy already there with that content is kept)."""
    for name, data in copies.items():
        target = directory / name
        if safe.is_regular(target) and safe.read_bytes(target, directory, MAX_FILE_BYTES) == data:
            continue
        safe.make_folders(directory, target.parent)
        write_atomic(target, data, directory)


def _check_resume(old: dict[str, Any], new: dict[str, Any], directory: Path, force: bool) -> None:
    if old.get("format_version") != new.get("format_version"):  # never mixed, even with force
        raise ResultsError(
            f"{directory}: cannot resume a batch written in results format {old.get('format_version')} with format "
            f"{new.get('format_version')}; start again with --overwrite (or in another folder)"
        )
    problems = []
    for key in ("seed", "replications", "chunk_size", "trace_sample", "design_hash"):
        if old.get(key) != new.get(key):
            problems.append(f"{key} was {old.get(key)!r}, now {new.get(key)!r}")
    old_hashes = [(s["name"], s["config_hash"]) for s in old["scenarios"]]
    new_hashes = [(s["name"], s["config_hash"]) for s in new["scenarios"]]
    if old_hashes != new_hashes:
        problems.append(f"scenarios/config hashes were {old_hashes}, now {new_hashes}")
    if old.get("code") != new.get("code"):
        problems.append(f"code version was {old.get('code')}, now {new.get('code')}")
    if problems and not force:
        raise ResultsError.naming(
            "force",
            "{directory}: cannot resume: {problems}. Resuming would mix results; use {force} to resume anyway, or "
            "{overwrite} to start again.",
            directory=directory,
            problems="; ".join(problems),
        )


@dataclass(frozen=True)
class _Plan:
    """What one batch runs, resolved once by `run_batch`: where, which scenarios, which chunks, under which seed."""

    directory: Path
    old: dict[str, Any] | None  # the manifest of the batch being resumed
    manifest: dict[str, Any]
    scenarios: list[Scenario]
    hashes: list[str]
    chunks: list[Chunk]
    seed: int
    n: int
    trace_sample: int
    design: pd.DataFrame | None


def run_batch(
    configs: Sequence[str | Path | Scenario],
    options: RunOptions | None = None,
    *,
    n: int | None = None,
    overrides: Sequence[str] = (),
    trace_sample: int | None = None,
    design: pd.DataFrame | None = None,
    using: Executor | None = None,
    **fields: Unpack[RunOptionFields],
) -> BatchResult:
    """Run every scenario for replications 0..n-1 under one seed and write `results/<name>/`.

    `options` says how (`RunOptions`: executor, workers, seed, out, resume, ...); its fields may also be given as
    keywords, which replace those of `options` (``run_batch(configs, executor="serial", seed=1)``). The same seed
    gives the same tables to the bit whatever the executor, worker count or chunk size; several scenarios share
    replication seeds (common random numbers). An interrupted batch keeps every finished chunk and is finished by
    calling again with ``resume=True``. `using`: an `Executor` already entered (a study that runs several batches on
    one cluster); by default one is made from `options` for this batch.

    `design` (a designed experiment, e.g. Sobol samples) gives, per replication, the quantile in (0, 1) of
    each named parameter (columns: dotted parameter paths); n is its number of rows; unnamed parameters take
    their median. It is stored as ``design.parquet`` beside the results.
    """
    options = RunOptions.of(options, **fields)
    if not configs:
        raise ScenarioError("give at least one scenario file")
    scenarios = [c if isinstance(c, Scenario) else load_scenario(c, overrides) for c in configs]
    sources = [str(c) if not isinstance(c, Scenario) else f"<{c.name}>" for c in configs]
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise ScenarioError(f"scenario names must differ within a batch, got {names}")
    first = scenarios[0]
    directory = output_directory(options.out, scenarios)
    folder = owned.check_output_folder(directory)  # a folder of someone else's is refused, whatever the flags
    if folder.ours:
        owned.check_batch_names(directory)  # a link where a table goes is refused now, not after the last chunk

    old = read_manifest(directory) if options.resume and folder.kind == "batch" else None
    if old is not None and (problem := required_problem(old)) is not None:
        raise ResultsError(f"{directory / MANIFEST}: {problem}; the manifest was edited or is damaged")
    if options.resume and old is None:
        raise ResultsError.naming(
            "resume",
            "{directory}: nothing to resume (no {manifest}); run without {resume}",
            directory=directory,
            manifest=MANIFEST,
        )
    chunk_size = options.chunk_size
    if old is not None:
        n = old["replications"] if n is None else n
        chunk_size = old["chunk_size"] if chunk_size is None else chunk_size
        trace_sample = old["trace_sample"] if trace_sample is None else trace_sample
    if design is not None:
        if n is not None and n != len(design):
            raise ScenarioError(f"n ({n}) must equal the number of design rows ({len(design)})")
        n = len(design)
        unknown = set(design.columns) - set(first.parameter_specs()) - {SEED_COLUMN}
        if unknown:
            raise ScenarioError(f"design columns that are not parameters: {sorted(unknown)}")
    n = first.simulation.replications if n is None else n
    if n < 1:
        raise RunOptionsError.naming("n", "{n} must be at least 1, got {value}", value=n)
    check_size(scenarios, n, options)  # a batch too large is refused unconfirmed, with its estimate
    for config, scenario in zip(configs, scenarios, strict=True):  # values that make every replication fail
        refs = [] if isinstance(config, Scenario) else references_for(config, overrides)
        if scenario is not first:
            refs.append(lambda: first)
        check_runs(scenario, refs, str(config) if not isinstance(config, Scenario) else scenario.name)
    batch_seed = resolve_seed(options.seed, first, directory if old is not None else None)
    if chunk_size is None:
        chunk_size = default_chunk_size(n, options.workers if options.workers is not None else default_workers())
        chunk_size = max(chunk_size, math.ceil(n * len(scenarios) / MAX_CHUNKS))  # the plan's memory stays small
    if len(scenarios) * math.ceil(n / chunk_size) > MAX_CHUNKS:
        raise RunOptionsError.naming(
            "chunk_size",
            "{chunk_size} {value}: {chunks:,} chunks; a batch has at most {most:,}: give a larger {chunk_size}",
            value=chunk_size,
            chunks=len(scenarios) * math.ceil(n / chunk_size),
            most=MAX_CHUNKS,
        )
    trace_sample = first.simulation.trace_sample if trace_sample is None else trace_sample
    hashes = [config_hash(s) for s in scenarios]
    manifest = _manifest(scenarios, hashes, batch_seed, n, chunk_size, trace_sample, sources)
    manifest["design_hash"] = design_hash(design)
    chunks = plan_chunks(len(scenarios), n, chunk_size, design)
    plan = _Plan(directory, old, manifest, scenarios, hashes, chunks, batch_seed, n, trace_sample, design)

    if folder.kind == "study" and not options.overwrite:
        raise ResultsError.naming(
            "overwrite",
            "{directory}: holds the outputs of a study by scenarios; use {overwrite} to replace them, or {out} for "
            "another folder",
            directory=directory,
        )
    with DirectoryLock(directory):
        return _start(plan, options, using)


@contextmanager
def writes_reported(directory: Path) -> Iterator[None]:
    """A failed write (full disk, read-only folder) becomes a ResultsError that says what to do."""
    try:
        yield
    except OSError as exc:
        raise write_failure(directory, exc) from None


def write_failure(directory: Path, exc: OSError) -> ResultsError:
    """What a failed write means for the batch, and what to do."""
    what = exc.strerror or str(exc)
    name = f" ({exc.filename})" if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        return ResultsError.naming(
            "resume",
            "{directory}: no space left on the device{name}; finished chunks are kept: free some space, then run "
            "again with {resume}",
            directory=directory,
            name=name,
        )
    return ResultsError.naming(
        "out",
        "{directory}: cannot write the results: {what}{name}; choose another {out}",
        directory=directory,
        what=what,
        name=name,
    )


def _start(plan: _Plan, options: RunOptions, executor: Executor | None) -> BatchResult:
    """With the directory locked: check what it holds, prepare it, and run what is left to do."""
    directory, old, manifest = plan.directory, plan.old, plan.manifest
    if old is not None:
        _check_resume(old, manifest, directory, options.force)
        manifest["created"] = old["created"]
        manifest["resumed"] = [
            *old.get("resumed", []),
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        ]
    elif (directory / MANIFEST).exists() and not options.overwrite:
        status = read_manifest(directory).get("status")
        held = f"a {status} batch"
        if status == "running":  # we hold the lock, so the batch that wrote this stopped without finishing
            held = "a batch that was interrupted (its writer stopped without finishing)"
        if status == "complete":
            raise ResultsError.naming(
                "overwrite",
                "{directory}: already holds a complete batch; use {overwrite} to replace it, or {out} for another "
                "folder",
                directory=directory,
            )
        raise ResultsError.naming(
            "overwrite",
            "{directory}: already holds {held}; use {resume} to finish it, {overwrite} to replace it, or {out} for "
            "another folder",
            directory=directory,
            held=held,
        )
    if old is not None and options.force:  # the chunks of before are accepted as this batch's
        before = {"seed": old.get("seed"), "config_hashes": [s.get("config_hash") for s in old["scenarios"]]}
        now = {"seed": manifest["seed"], "config_hashes": plan.hashes}
        manifest["accepted"] = [*old.get("accepted", []), *([before] if before != now else [])]
    if old is not None and not old.get(JOURNAL_CHECKS):  # its journal lines say no seed: they cannot be checked
        manifest.pop(JOURNAL_CHECKS, None)
    writer = ResultsWriter(directory, plan.seed, plan.hashes)
    with writes_reported(directory):
        if old is None:
            owned.clear(directory)  # what a batch of the tool left here (the folder is new, empty or the tool's)
        copies = name_inputs(manifest)
        write_manifest(directory, manifest)  # first: from here on the folder is recognisably the tool's
        write_inputs(directory, copies)
        writer.prepare()
        if plan.design is not None:
            write_atomic(directory / DESIGN, frame_to_parquet(plan.design), directory)
        done = done_chunks(directory, manifest)
        todo = [c for c in plan.chunks if c.key not in done]
    return _execute(writer, plan, todo, options, executor)


def _execute(
    writer: ResultsWriter, plan: _Plan, todo: list[Chunk], options: RunOptions, executor: Executor | None
) -> BatchResult:
    """Run the chunks left to do on the executor (entered here unless the caller did), write each as it finishes,
    consolidate, and record how the batch ended in its manifest whatever happens."""
    directory, manifest, scenarios, n = writer.directory, plan.manifest, plan.scenarios, plan.n
    began = time.perf_counter()
    total = n * len(scenarios)
    already = total - sum(c.stop - c.start for c in todo)
    computed = 0
    failures = 0
    status = "partial"
    reason = "interrupted"
    runner = executor if executor is not None else executor_for(options)
    work = Work(scenarios, plan.hashes, plan.seed, plan.trace_sample, options.fail_fast)
    try:
        with ExitStack() as stack:
            if executor is None:
                stack.enter_context(runner)  # a Dask cluster or connection for this batch only
            results = stack.enter_context(closing(runner.run(work, todo)))
            with Progress(total, already, options.quiet) as progress:
                for result in results:
                    with writes_reported(directory):
                        writer.write_chunk(result)
                    size = result.chunk.stop - result.chunk.start
                    computed += size
                    failures += result.failures
                    progress.advance(size)
        with writes_reported(directory):
            counts = writer.consolidate(plan.chunks, manifest)
        manifest["counts"] = {**counts, "failed_replications": counts.get("errors", 0)}
        manifest["tables"] = writer.checksums
        if counts.get("replications", 0) == 0 and counts.get("errors", 0) > 0:
            status, reason = "failed", "every replication failed. " + describe_failure(directory, scenarios)
        else:
            status, reason = "complete", ""
    except ReplicationFailed as exc:
        reason = f"fail-fast: {exc}"
        raise ScenarioError.naming(
            "resume",
            "{error}\n(batch stopped; finished chunks are kept in {directory}; see {resume})",
            error=exc,
            directory=directory,
        ) from exc
    except ScenarioError as exc:
        reason = str(exc)
        raise
    finally:
        seconds = time.perf_counter() - began
        manifest["status"] = status
        manifest["reason"] = reason
        manifest["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        manifest["timings"] = {
            "seconds": round(seconds, 3),
            "replications_computed": computed,
            "replications_per_second": round(computed / seconds, 2) if seconds > 0 else None,
            "executor": runner.name,
            "workers": runner.workers,
        }
        try:
            write_manifest(directory, manifest)
        except OSError:
            if status != "partial":
                raise
            # the error that stopped the batch matters more; a manifest left `running` with no lock holder is
            # reported as interrupted
        if status in ("complete", "failed"):
            writer.remove_parts()
    return BatchResult(
        directory,
        status,
        [s.name for s in scenarios],
        n,
        plan.seed,
        computed,
        int(manifest["counts"].get("failed_replications", failures)),
        seconds,
        reason,
    )


def describe_failure(directory: Path, scenarios: Sequence[Scenario]) -> str:
    """The first failed replication: its error, and the parameters it drew that sit on an edge of their range
    (where they were set), since those are the usual cause (a share of 0 that the model divides by)."""
    errors = read_frame(directory / "errors.parquet", directory)
    if errors.empty:
        return ""
    first = errors.iloc[0]
    text = f"The first, replication {first['replication']} of {first['scenario']!r}, raised {first['error']}"
    scenario = next((s for s in scenarios if s.name == first["scenario"]), None)
    try:
        drawn: dict[str, float] = json.loads(first["parameters"]) if "parameters" in errors.columns else {}
    except (TypeError, ValueError):
        drawn = {}
    edges = []
    for path, value in drawn.items():
        node = scenario.parameter(path) if scenario is not None else None
        if isinstance(node, Param) and value in (type(node).lo, type(node).hi):
            edges.append(f"{path} = {value:g} ({type(node).domain}; set at {scenario.origin_of(path)})")  # type: ignore[union-attr]
    if edges and not str(first["error"]).startswith("ModelError("):  # a ModelError names its own key
        text += ". Parameters at an edge of their range: " + "; ".join(edges[:8])
    return text + f". Every drawn value is in {directory / 'errors.parquet'} (column `parameters`)."


def rerun_manifest(
    directory: str | Path,
    options: RunOptions | None = None,
    *,
    using: Executor | None = None,
    **fields: Unpack[RunOptionFields],
) -> BatchResult:
    """Run again the batch a manifest describes: same configs, seed, n, chunking and trace sample, into
    ``options.out`` (required: a re-run never writes over the batch it reads)."""
    options = RunOptions.of(options, **fields)
    source = Path(directory)
    if options.out is None:
        raise RunOptionsError.naming(
            "out", "{out}: give the folder for the re-run (it never writes over {source})", source=directory
        )
    manifest = read_manifest(source)
    problem = required_problem(manifest)
    if problem is not None:
        raise ResultsError(f"{source / MANIFEST}: {problem}; the manifest was edited or is damaged")
    out = Path(options.out)
    if _same_folder(source, out):
        raise RunOptionsError.naming("out", "{out} {folder}: the folder re-run; give another folder", folder=out)
    withheld = [w for s in manifest["scenarios"] for w in s.get("withheld", []) if not w.startswith("sources.")]
    if withheld:  # source documents only give the report its subtitle; a joint sample is drawn from
        raise ResultsError(
            f"{source / MANIFEST}: names files outside its folder ({'; '.join(withheld[:3])}); scenarios reads no file "
            "a results folder names outside itself, and cannot re-run the batch without them"
        )
    scenarios = [
        scenario_from_dump(s["config"], f"{directory}/{MANIFEST}", s.get("origins")) for s in manifest["scenarios"]
    ]
    designed = manifest.get("design_hash") is not None
    return run_batch(
        scenarios,
        options.replace(seed=manifest["seed"], chunk_size=manifest["chunk_size"]),
        n=None if designed else manifest["replications"],
        trace_sample=manifest.get("trace_sample", 0),
        design=read_frame(source / DESIGN, source) if designed else None,
        using=using,
    )


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False
