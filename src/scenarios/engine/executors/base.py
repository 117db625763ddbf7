"""The protocol every back end implements: `Executor`, and the `Work` a batch gives it."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, ClassVar, Self

from scenarios.engine.chunks import Chunk, ChunkResult

if TYPE_CHECKING:
    from scenarios.config.schema import Scenario


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Work:
    """What every chunk of a batch needs besides its own range: the scenarios (by `Chunk.scenario_index`), their
    config hashes, the batch seed, how many replications per scenario are traced, and whether to stop at the first
    replication that raises."""

    scenarios: Sequence[Scenario]
    hashes: Sequence[str]
    seed: int
    trace_sample: int
    fail_fast: bool


class Executor(ABC):
    """Runs the chunks of a batch and yields their results as they finish.

    Usable as a context manager: entering starts what outlives one batch, leaving stops it; `run` on an executor
    that was not entered starts and stops it around that one batch.
    """

    name: ClassVar[str]

    def __init__(self, workers: int = 1) -> None:
        self.workers = workers
        self.started = False

    @property
    def parallelism(self) -> int:
        """How many replications run at once (for estimates of time)."""
        return self.workers

    def start(self) -> None:  # noqa: B027 - a hook: most back ends start nothing
        """Start what the executor needs across batches (nothing, by default)."""

    def stop(self) -> None:  # noqa: B027 - a hook: most back ends stop nothing
        """Stop what `start` started (nothing, by default)."""

    def __enter__(self) -> Self:
        if not self.started:
            self.start()
            self.started = True
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.started:
            self.started = False
            self.stop()

    @abstractmethod
    def run(self, work: Work, chunks: Sequence[Chunk]) -> Generator[ChunkResult, None, None]:
        """Each chunk's result as it finishes, in any order; closing the generator cancels what is left."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} ({self.name}, {self.workers} worker(s){', started' if self.started else ''})>"
