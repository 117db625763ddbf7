"""The process-pool back end (the default): `workers` processes on this machine, a bounded window of chunks."""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from scenarios.engine.chunks import Chunk, ChunkResult, run_chunk
from scenarios.engine.executors.base import Executor, Work

_WORKER_SCENARIOS: list[Any] = []


def _init_worker(scenarios: list[Any]) -> None:
    """Pool worker set-up: receive the scenarios once, and leave Ctrl-C to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_SCENARIOS[:] = scenarios


def _pool_task(hashes: list[str], chunk: Chunk, seed: int, trace_sample: int, fail_fast: bool) -> ChunkResult:
    i = chunk.scenario_index
    return run_chunk(_WORKER_SCENARIOS[i], hashes[i], chunk, seed, trace_sample, fail_fast)


class PoolExecutor(Executor):
    """A pool of `workers` processes (forkserver), started per batch: each worker receives the batch's scenarios
    once, when it starts. At most twice `workers` chunks are in flight, so memory stays flat whatever n is."""

    name = "process"

    def run(self, work: Work, chunks: Sequence[Chunk]) -> Generator[ChunkResult, None, None]:
        context = multiprocessing.get_context("forkserver")
        pool = ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=_init_worker, initargs=(list(work.scenarios),)
        )
        hashes = list(work.hashes)

        def submit(chunk: Chunk) -> Future[ChunkResult]:
            return pool.submit(_pool_task, hashes, chunk, work.seed, work.trace_sample, work.fail_fast)

        pending: set[Future[ChunkResult]] = set()
        todo = iter(chunks)
        try:
            for chunk in todo:
                pending.add(submit(chunk))
                if len(pending) >= 2 * self.workers:
                    break
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
                    nxt = next(todo, None)
                    if nxt is not None:
                        pending.add(submit(nxt))
        finally:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
