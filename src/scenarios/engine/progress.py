"""Progress of a batch: one updating bar with replications per second and ETA on a terminal or in a notebook
(Jupyter), a line per chunk otherwise (logs, CI)."""

from __future__ import annotations

import importlib
import sys
import time
from types import TracebackType
from typing import Any, TextIO


def in_notebook() -> bool:
    """Whether we run inside a Jupyter kernel (where a bar updates in place instead of printing lines)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = getattr(ipython, "get_ipython", lambda: None)()
    return type(shell).__name__ == "ZMQInteractiveShell"


class Progress:
    """Reports finished replications; silent when `quiet`."""

    def __init__(self, total: int, done: int = 0, quiet: bool = False, stream: TextIO | None = None):
        self.total = total
        self.done = done
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.perf_counter()
        self.counted = 0
        self._bar: Any = None
        self._task: Any = None
        self._handle: Any = None

    def __enter__(self) -> Progress:
        if not self.quiet and in_notebook():
            # one output that updates in place (IPython's display handles; no widget library needed)
            display = importlib.import_module("IPython.display")
            self._handle = display.display(display.Pretty(self._line()), display_id=True)
        elif not self.quiet and self.stream.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("replications"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(file=self.stream),
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("batch", total=self.total, completed=self.done, rate="")
        return self

    def advance(self, replications: int) -> None:
        self.done += replications
        self.counted += replications
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done, rate=f"{self._rate():,.0f}/s")
            return
        if self._handle is not None:
            self._handle.update(importlib.import_module("IPython.display").Pretty(self._line()))
            return
        print(self._line(), file=self.stream, flush=True)

    def _rate(self) -> float:
        return self.counted / max(time.perf_counter() - self.started, 1e-9)

    def _line(self) -> str:
        rate = self._rate()
        eta = (self.total - self.done) / rate if rate > 0 else float("inf")
        share = self.done / self.total if self.total else 1.0
        return f"{self.done}/{self.total} replications ({share:.0%}), {rate:,.0f}/s, ETA {eta:,.0f} s"

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.__exit__(exc_type, exc, tb)
