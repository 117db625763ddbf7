"""What a batch will cost, and whether its replications can run at all, found out before the first one is paid for.

- `check_runs`: a scenario whose values make every replication fail (a violation rate that leaves no path agreeing
  with what the report knew) is refused with the key to change. One replication at the median of every parameter
  is run (tens of milliseconds); if it fails, two more with drawn values; if all fail, the parameter whose value, put
  back to that of a reference scenario (the file without its `--set`, the file its `extends:` chain starts from, the
  first scenario of the batch), makes the replication run is named with where it was set.
- `check_size`: a batch estimated (from two replications) to take more than `LARGE_SECONDS` of the workers' time or
  `LARGE_BYTES` on disk runs only when confirmed (`RunOptions.confirm`, ``--yes``); more replications than
  `MAX_REPLICATIONS` never run.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from scenarios.config.draw import parameters_at
from scenarios.config.inherit import extends_chain
from scenarios.config.loader import load_scenario
from scenarios.config.schema import Scenario
from scenarios.engine.chunks import run_chunk
from scenarios.engine.executors import default_workers
from scenarios.engine.options import RunOptions, RunOptionsError
from scenarios.engine.seeding import replication_seed
from scenarios.exceptions import ConfigError, Problem, ScenarioError
from scenarios.io.records import Chunk
from scenarios.model.simulation import run_replication

LARGE_SECONDS = 3600.0  # of work on the workers, above which a batch needs confirming
LARGE_BYTES = 10 * 2**30  # on disk
MAX_REPLICATIONS = 10**9  # in one batch, confirmed or not (about 70 days at 160 replications a second)
DISK_SHARE = 0.3  # a replication's tables on disk (Parquet, compressed) as a share of its rows in memory
# A batch that could not take an hour or 10 GB even at 0.25 s and 100 kB a replication is not estimated
QUICK_SECONDS, QUICK_BYTES = 0.25, 100_000
Reference = Callable[[], Scenario]
_RUNS: set[str] = set()  # config hashes of scenarios whose replications are known to run (a pure function)


def references_for(config: str | Path, overrides: Sequence[str] = ()) -> list[Reference]:
    """What a scenario file is built from, to compare it with when all its replications fail: the file without the
    overrides, and the file its `extends:` chain starts from (each loaded only if needed)."""
    refs: list[Reference] = []
    if overrides:
        refs.append(lambda: load_scenario(config))
    try:
        chain = extends_chain(Path(config))
    except ScenarioError:
        chain = []
    if len(chain) > 1:
        root = chain[-1]
        refs.append(lambda: load_scenario(root))
    return refs


def _attempt(scenario: Scenario, values: dict[str, float] | None, seed: int) -> Exception | None:
    try:
        run_replication(scenario, replication_seed(seed, 0), parameters=values)
    except Exception as exc:  # what a replication raises is the answer here, whatever it is
        return exc
    return None


def check_runs(scenario: Scenario, references: Sequence[Reference] = (), display: str = "") -> None:
    """Refuse `scenario` (a ConfigError naming the key) when its values make every replication fail; see the module
    docstring. A scenario found to run is remembered for the rest of the process."""
    from scenarios.engine.batch import config_hash

    key = config_hash(scenario)
    if key in _RUNS:
        return
    specs = scenario.parameter_specs()
    median = parameters_at(specs, {})
    error = _attempt(scenario, median, 0)
    if error is not None:
        for seed in (1, 2):  # some draws may run where the median does not: then the batch runs, and records failures
            if _attempt(scenario, None, seed) is None:
                error = None
                break
    if error is None:
        _RUNS.add(key)
        return
    raise ConfigError([_blame(scenario, references, median, error, display)])


def _blame(
    scenario: Scenario, references: Sequence[Reference], median: dict[str, float], error: Exception, display: str
) -> Problem:
    """The problem to report: the parameter whose reference value makes the replication run, else the error's own
    key (a ModelError names it)."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    specs = scenario.parameter_specs()
    for load in references:
        try:
            reference = load()
        except ScenarioError:
            continue
        theirs = reference.parameter_specs()
        if reference is scenario or theirs == specs:
            continue
        ref_values = parameters_at(theirs, {})
        for path, spec in specs.items():
            if path not in theirs or theirs[path] == spec:
                continue
            if _attempt(scenario, {**median, path: ref_values[path]}, 0) is None:
                origin = scenario.origin_of(path)
                return Problem(
                    origin,
                    None,
                    None,
                    path,
                    f"with this value every replication fails ({text})",
                    f"{reference.name} runs with {path} = {ref_values[path]:g} ({reference.origin_of(path)}); give a "
                    "value nearer that",
                )
    head, sep, rest = text.partition(": ")
    named = head if sep and "." in head and " " not in head else ""
    return Problem(
        display or scenario.name,
        None,
        None,
        named,
        f"every replication fails: {rest if named else text}",
        "no single value of the scenario was found to blame; `scenarios trace-run` shows one replication",
    )


@dataclass(frozen=True)
class Estimate:
    """What a batch is expected to cost: seconds of the workers' time (wall clock on `workers`) and bytes on disk."""

    replications: int
    seconds: float
    bytes: float
    workers: int

    def describe(self) -> str:
        return f"about {_duration(self.seconds)} on {self.workers} worker(s) and {_size(self.bytes)} on disk"


def estimate(scenario: Scenario, replications: int, workers: int) -> Estimate:
    """The cost of `replications` replications of a scenario like `scenario`, measured on two of them."""
    began = time.perf_counter()
    result = run_chunk(scenario, "estimate", Chunk(0, 0, 2), 0, 0, False)
    each = (time.perf_counter() - began) / 2
    memory = sum(
        len(rows) * max(len(rows[0]), 1) * 8 for table, rows in result.tables.items() if rows and table != "errors"
    )
    memory += sum(column.nbytes for column in result.daily.data.values())
    per = memory / 2 * DISK_SHARE
    return Estimate(replications, replications * each / max(workers, 1), replications * per, workers)


def check_size(scenarios: Sequence[Scenario], n: int, options: RunOptions, field: str = "n") -> Estimate | None:
    """Refuse a batch of `n` replications of each scenario that is too large to run unconfirmed (see the module
    docstring); returns its estimate when one was made."""
    total = n * len(scenarios)
    if total > MAX_REPLICATIONS:
        raise RunOptionsError.naming(
            field,
            "{total:,} replications in one batch: more than the {most:,} a batch can hold; give a smaller {"
            + field
            + "}",
            total=total,
            most=MAX_REPLICATIONS,
        )
    workers = 1 if options.executor == "serial" else (options.workers or default_workers())
    if total * QUICK_SECONDS / workers <= LARGE_SECONDS and total * QUICK_BYTES <= LARGE_BYTES:
        return None
    cost = estimate(scenarios[0], total, workers)
    if (cost.seconds > LARGE_SECONDS or cost.bytes > LARGE_BYTES) and not options.confirm:
        raise RunOptionsError.naming(
            "confirm",
            "{total:,} replications ({count} scenario(s) x {per:,}): {cost} (measured on two replications); add "
            "{confirm} to run it, or a smaller {" + field + "}",
            total=total,
            count=len(scenarios),
            per=n,
            cost=cost.describe(),
        )
    return cost


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 3 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:,.0f} days"


def _size(size: float) -> str:
    for unit, scale in (("TB", 2**40), ("GB", 2**30), ("MB", 2**20)):
        if size >= scale:
            return f"{size / scale:,.1f} {unit}"
    return f"{math.ceil(size / 1024):,} kB"
