"""Batch throughput and memory: in-process, process pool and Dask LocalCluster on the shipped baseline.

Prints replications per second for each executor, the speed-up over in-process, and the peak resident memory of
the whole process tree (driver and workers) at two batch sizes. Usage:

    .venv/bin/python benchmarks/bench_batch.py [--n 10000] [--big 100000] [--workers 2]
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import threading
import time
from pathlib import Path

import psutil

from scenarios.engine.batch import run_batch

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.yaml"


class PeakRSS:
    """Samples the resident memory of this process and all its children every 0.1 s."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # a worker may exit between listing and reading
                    total += p.memory_info().rss
            self.peak = max(self.peak, total)
            time.sleep(0.1)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure(n: int, executor: str, workers: int) -> tuple[float, float]:
    """(replications per second, peak RSS in MB) of one batch."""
    with tempfile.TemporaryDirectory() as tmp, PeakRSS() as rss:
        began = time.perf_counter()
        run_batch([BASELINE], n=n, seed=1, executor=executor, workers=workers, out=Path(tmp) / "b", quiet=True)
        seconds = time.perf_counter() - began
    return n / seconds, rss.peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="replications for the executor comparison")
    parser.add_argument("--big", type=int, default=100_000, help="replications for the memory check (0: skip)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(f"baseline, 180-day horizon, n = {args.n}, {args.workers} workers (machine: {psutil.cpu_count()} cores)")
    serial_rate, serial_mem = measure(args.n, "serial", 1)
    print(f"  in-process     {serial_rate:8.1f} replications/s   peak RSS {serial_mem:7.0f} MB")
    for executor in ("process", "dask"):
        rate, mem = measure(args.n, executor, args.workers)
        print(
            f"  {executor:<14} {rate:8.1f} replications/s   peak RSS {mem:7.0f} MB   "
            f"speed-up {rate / serial_rate:.2f}x over in-process"
        )
    if args.big:
        for executor in ("process", "dask"):  # both keep a bounded window of chunks in flight
            rate, mem = measure(args.big, executor, args.workers)
            print(
                f"  {executor}, n = {args.big}: {rate:8.1f} replications/s   peak RSS {mem:7.0f} MB "
                f"(compare with n = {args.n} above: growth beyond the result tables means a leak)"
            )


if __name__ == "__main__":
    main()
