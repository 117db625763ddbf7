"""The unit of work sent to a worker: a contiguous range of replications of one scenario.

`run_chunk` is a pure function of its arguments (it runs in a worker process or on a Dask worker), and returns
plain tables as lists of row dicts (the daily table, most of the rows, as numpy columns); a replication that
raises is recorded in the errors table, or re-raised with `fail_fast`.
"""

from __future__ import annotations

import json
import traceback
from typing import Any

import numpy as np

from scenarios.config.draw import draw_parameters, parameters_at
from scenarios.engine.seeding import replication_seed
from scenarios.io.records import (
    DAILY_COLUMNS,
    DAILY_FIELDS,
    PARAM_PREFIX,
    SEED_COLUMN,
    TABLES,
    Chunk,
    ChunkResult,
    Columns,
)
from scenarios.model.random import child_seed
from scenarios.model.simulation import run_replication

__all__ = ["PARAM_PREFIX", "SEED_COLUMN", "TABLES", "Chunk", "ChunkResult", "ReplicationFailed", "run_chunk"]


class ReplicationFailed(RuntimeError):
    """A replication raised and the batch runs with fail-fast."""


def _drawn_parameters(scenario: Any, seed: np.random.SeedSequence) -> dict[str, float]:
    """The parameter values a failed replication drew, for its error row.

    This repeats the draw of `run_replication` (its "parameters" stream): keep the two the same.
    """
    try:
        rng = np.random.default_rng(child_seed(seed, "parameters"))
        return draw_parameters(scenario, rng, scenario.parameter_specs())
    except Exception:  # the error row matters more than its parameters
        return {}


def _daily_columns(scenario: str, config_hash: str, replications: list[int], rows: list[tuple[Any, ...]]) -> Columns:
    """The model's daily rows (tuples in `DAILY_FIELDS` order) and each row's replication, as columns in the stored
    dtypes of `DAILY_COLUMNS`."""
    n = len(rows)
    data = {
        "scenario": np.full(n, scenario, dtype=object),
        "config_hash": np.full(n, config_hash, dtype=object),
        "replication": np.array(replications, dtype=DAILY_COLUMNS["replication"]),
    }
    values = zip(*rows, strict=True) if rows else ((),) * len(DAILY_FIELDS)
    for name, column in zip(DAILY_FIELDS, values, strict=True):
        data[name] = np.array(column, dtype=DAILY_COLUMNS[name])
    return Columns(data)


def run_chunk(
    scenario: Any, config_hash: str, chunk: Chunk, batch_seed: int, trace_sample: int, fail_fast: bool
) -> ChunkResult:
    """Run every replication of a chunk."""
    import time

    began = time.perf_counter()
    result = ChunkResult(chunk)
    name = scenario.name
    daily: list[tuple[Any, ...]] = []
    daily_replications: list[int] = []
    for i in range(chunk.start, chunk.stop):
        ident = {"scenario": name, "config_hash": config_hash, "replication": i}
        try:
            values = None
            stream = i
            if chunk.design is not None:
                quantiles = dict(chunk.design[i - chunk.start])
                stream = int(quantiles.pop(SEED_COLUMN, i))
                values = parameters_at(scenario.parameter_specs(), quantiles)
            rep = run_replication(
                scenario, replication_seed(batch_seed, stream), record_trace=i < trace_sample, parameters=values
            )
        except Exception as exc:
            if fail_fast:
                raise ReplicationFailed(
                    f"replication {i} of scenario {name!r} (batch seed {batch_seed}) failed: {exc!r}"
                ) from exc
            drawn = values if values is not None else _drawn_parameters(scenario, replication_seed(batch_seed, stream))
            result.tables["errors"].append(
                {
                    **ident,
                    "batch_seed": batch_seed,
                    "error": repr(exc),
                    "traceback": traceback.format_exc(),
                    "parameters": json.dumps(drawn, sort_keys=True),
                }
            )
            continue
        row = dict(ident)
        row.update({PARAM_PREFIX + k: v for k, v in rep.parameters.items()})
        row.update(rep.outcome)
        result.tables["replications"].append(row)
        result.tables["ceasefires"].extend({**ident, **c} for c in rep.ceasefires)
        result.tables["offers"].extend({**ident, **o} for o in rep.offers)
        if rep.events is not None:
            result.tables["events"].extend({**ident, "seq": k, **e} for k, e in enumerate(rep.events))
        if rep.timeseries is not None:
            result.tables["timeseries"].extend({**ident, **t} for t in rep.timeseries)
        if rep.daily is not None:
            daily.extend(rep.daily)
            daily_replications.extend([i] * len(rep.daily))
    result.daily = _daily_columns(name, config_hash, daily_replications, daily)
    result.seconds = time.perf_counter() - began
    return result
