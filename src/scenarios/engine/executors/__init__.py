"""Where chunks run: one `Executor` protocol, one module per back end.

- `serial.SerialExecutor`: in this process;
- `pool.PoolExecutor`: a pool of worker processes (the default);
- `dask.DaskExecutor`: a Dask cluster, running (by scheduler address) or started on this machine.

`executor_for(options)` picks one from `RunOptions`. An executor is a context manager (as EMA Workbench's
evaluators are): entering starts what it needs that outlives one batch (a Dask cluster, or the connection to a
scheduler), leaving stops it, so a study that runs several batches (calibration's waves, a pilot and its batch)
enters one executor and runs every batch on it. `run` yields each chunk's result as it finishes; the order does not
matter, since every replication depends only on the batch seed and its index, and the tables are sorted when the
batch is consolidated.
"""

from __future__ import annotations

from scenarios.engine.executors.base import Executor, Work, default_workers
from scenarios.engine.options import EXECUTORS, RunOptions

__all__ = ["EXECUTORS", "Executor", "Work", "default_workers", "executor_for"]


def executor_for(options: RunOptions) -> Executor:
    """The executor `options` ask for (not started: enter it, or let `run_batch` do so)."""
    workers = options.workers if options.workers is not None else default_workers()
    if options.executor == "serial":
        from scenarios.engine.executors.serial import SerialExecutor

        return SerialExecutor()
    if options.executor == "process":
        from scenarios.engine.executors.pool import PoolExecutor

        return PoolExecutor(workers)
    from scenarios.engine.executors.dask import DaskExecutor

    return DaskExecutor(workers, options.scheduler)
