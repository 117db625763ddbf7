"""The serial back end: every chunk in this process, one after the other (for tests, debugging and profiling)."""

from __future__ import annotations

from collections.abc import Generator, Sequence

from scenarios.engine.chunks import Chunk, ChunkResult, run_chunk
from scenarios.engine.executors.base import Executor, Work


class SerialExecutor(Executor):
    """Runs each chunk in this process, in order."""

    name = "serial"

    def __init__(self) -> None:
        super().__init__(1)

    def run(self, work: Work, chunks: Sequence[Chunk]) -> Generator[ChunkResult, None, None]:
        for chunk in chunks:
            i = chunk.scenario_index
            yield run_chunk(work.scenarios[i], work.hashes[i], chunk, work.seed, work.trace_sample, work.fail_fast)
