"""How a batch runs, as one object: `RunOptions`, passed whole to `run_batch` and to every study.

None of these changes a result: replication i of a batch with seed s is the same whatever the executor, the worker
count or the chunk size. They say where and how the work runs, where it is written, and what may be replaced.

Python callers may also give the options as keywords (``run_batch(configs, executor="serial", n=100)``); they are
gathered into a `RunOptions` at the entry point, so one object is what flows through.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

from scenarios.engine.seeding import SeedLike
from scenarios.exceptions import ScenarioError

EXECUTORS = ("serial", "process", "dask")
SCHEDULER = re.compile(r"^(tcp://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]{1,253}):[0-9]{1,5}$")  # tcp://HOST:PORT


class RunOptionsError(ScenarioError, ValueError):
    """A run option that cannot be used. `field` is the option's name (``chunk_size``); the command line names its
    flag instead (``--chunk-size``)."""


class RunOptionFields(TypedDict, total=False):
    """The fields of `RunOptions` as keywords (for ``**options: Unpack[RunOptionFields]``)."""

    executor: str
    workers: int | None
    scheduler: str | None
    seed: SeedLike
    out: str | Path | None
    chunk_size: int | None
    resume: bool
    overwrite: bool
    force: bool
    fail_fast: bool
    quiet: bool
    confirm: bool


@dataclass(frozen=True)
class RunOptions:
    """How a batch runs: none of these changes its results.

    Parameters
    ----------
    executor
        ``serial`` (in this process), ``process`` (a process pool, the default) or ``dask`` (a Dask cluster).
    workers
        Worker processes of the pool or of a local Dask cluster (default: one per core).
    scheduler
        With ``executor="dask"``: the address of a running Dask scheduler (``tcp://HOST:8786``); without it, a local
        cluster of `workers` processes is started.
    seed
        The batch seed (default: the one of the batch being resumed, else ``simulation.seed``, else random).
    out
        The results folder (default: ``<simulation.output_dir>/<names>``; a study adds its own suffix).
    chunk_size
        Replications per chunk (default: about eight chunks per worker, at most 100).
    resume, overwrite, force
        Finish an interrupted batch in `out`; replace the batch `out` holds; resume with a changed configuration
        or code version.
    fail_fast
        Stop at the first replication that raises (default: record it in the errors table and go on).
    quiet
        No progress output.
    confirm
        Run a batch estimated to take more than an hour of the workers' time or 10 GB on disk (it is refused
        otherwise, with the estimate: `engine.probe.check_size`).
    """

    executor: str = "process"
    workers: int | None = None
    scheduler: str | None = None
    seed: SeedLike = None
    out: str | Path | None = None
    chunk_size: int | None = None
    resume: bool = False
    overwrite: bool = False
    force: bool = False
    fail_fast: bool = False
    quiet: bool = False
    confirm: bool = False

    def __post_init__(self) -> None:
        if self.executor not in EXECUTORS:
            raise RunOptionsError.naming(
                "executor",
                "{executor}: unknown executor {value!r}; choose one of {choices}",
                value=self.executor,
                choices=", ".join(EXECUTORS),
            )
        if self.scheduler is not None and self.executor != "dask":
            raise RunOptionsError.naming("scheduler", "{scheduler} needs {executor} dask")
        if self.scheduler is not None and not SCHEDULER.match(str(self.scheduler)):
            raise RunOptionsError.naming(
                "scheduler",
                "{scheduler} {value}: not an address of a Dask scheduler this command can reach: give tcp://HOST:PORT "
                "(tls:// needs security settings, which scenarios does not take)",
                value=str(self.scheduler)[:200],
            )
        if isinstance(self.out, str) and not self.out.strip():  # an unset shell variable: never the working folder
            raise RunOptionsError.naming("out", "{out}: an empty name; give a folder")
        for field in ("workers", "chunk_size"):
            value = getattr(self, field)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                template = "{" + field + "} must be at least 1, got {value!r}"
                raise RunOptionsError.naming(field, template, value=value)

    def replace(self, **changes: object) -> RunOptions:
        """A copy with `changes` (checked again)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def of(cls, options: RunOptions | None = None, /, **fields: object) -> RunOptions:
        """`options` (default: the defaults) with any fields given as keywords replaced."""
        base = options if options is not None else cls()
        unknown = set(fields) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise TypeError(f"unknown run option(s): {', '.join(sorted(unknown))}")
        return base.replace(**fields) if fields else base


def study_options(options: RunOptions | None, fields: RunOptionFields) -> RunOptions:
    """The options of a study (a what-if, a sensitivity analysis, a calibration, ...): `options` with `fields`
    replaced; quiet unless asked otherwise, since a study prints what it found, not each batch's progress."""
    if options is None:
        return RunOptions.of(None, **{"quiet": True, **fields})
    return RunOptions.of(options, **fields)
