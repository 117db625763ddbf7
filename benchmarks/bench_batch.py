"""Batch throughput and memory: in-process, process pool and Dask LocalCluster on the shipped baseline.

Each batch runs as `scenarios run configs/baseline.yaml --n N --executor E` runs it (`run_batch` in a fresh
interpreter whose main module imports nothing else, so the workers import only what the model needs), in a
subprocess whose process tree is sampled. Prints replications per second for each executor (wall time of the
whole batch, start-up and consolidation included), the speed-up over in-process (measured again, at --n, next to
the big batches: a machine's speed drifts over a long run), Dask's speed as a share of the pool's, and the peak
memory of the whole process tree (driver and workers: resident set, RSS, and proportional set, PSS, which counts
pages shared between processes once) at two batch sizes, against the targets of issue 17: >= 1.8x on 2 workers,
and a peak under 500 MB, flat from 10^4 to 10^5 replications, on the pool and on Dask; then the peak memory of
`scenarios summary` reading each pool batch afterwards (what `scenarios run` prints once its workers are gone), and
the time and peak memory of `scenarios report` drawing it. Usage:

    .venv/bin/python benchmarks/bench_batch.py [--n 10000] [--big 100000] [--workers 2]
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.yaml"
MB = 2**20


def rss_pss(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes, from /proc/<pid>/smaps_rollup (RSS alone, as PSS, elsewhere)."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        rss = psutil.Process(pid).memory_info().rss
        return rss, rss
    fields = dict(line.split(":", 1) for line in text.splitlines()[1:] if ":" in line)
    return int(fields["Rss"].split()[0]) * 1024, int(fields["Pss"].split()[0]) * 1024


class PeakMemory:
    """Samples the memory of a process (the driver) and all its children every 0.1 s; keeps the peaks of the
    tree's sum (RSS and PSS) and of the driver alone."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.rss = self.pss = self.driver = self.workers = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with contextlib.suppress(psutil.Error):  # the command may end before the first sample
            self._sample(psutil.Process(self.pid))

    def _sample(self, me: psutil.Process) -> None:
        while not self._stop.is_set():
            rss = pss = workers = driver = 0
            with contextlib.suppress(OSError, KeyError):
                driver = rss_pss(me.pid)[0]
            for p in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error, OSError, KeyError):  # a worker may exit meanwhile
                    r, q = rss_pss(p.pid)
                    rss, pss = rss + r, pss + q
                    workers += r if p.pid != me.pid else 0
            self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)
            self.driver, self.workers = max(self.driver, driver), max(self.workers, workers)
            time.sleep(0.1)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def __str__(self) -> str:
        return (
            f"peak RSS {self.rss / MB:5.0f} MB, PSS {self.pss / MB:5.0f} MB "
            f"(driver RSS {self.driver / MB:4.0f} MB, workers RSS {self.workers / MB:4.0f} MB)"
        )


BATCH = """
import sys
from pathlib import Path
from scenarios.engine.batch import run_batch
config, n, executor, workers, out = sys.argv[1:]
run_batch([config], n=int(n), seed=1, executor=executor, workers=int(workers), out=Path(out), quiet=True)
"""


def watched(args: list[str]) -> tuple[float, PeakMemory]:
    """(wall seconds, peak memory) of a command."""
    began = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    with PeakMemory(process.pid) as memory:
        if process.wait() != 0:
            raise SystemExit(f"{' '.join(args)} failed with exit code {process.returncode}")
    return time.perf_counter() - began, memory


@dataclass
class Afterwards:
    """What reading a batch costs: peak memory of `scenarios summary`, and seconds and peak memory of
    `scenarios report` (every figure drawn: the folder's figure cache is not used)."""

    summary: PeakMemory
    report_seconds: float
    report: PeakMemory


def measure(n: int, executor: str, workers: int, read: bool) -> tuple[float, PeakMemory, Afterwards | None]:
    """(replications per second, peak memory) of a batch as `scenarios run` runs it, in a fresh interpreter (its
    start-up and the consolidation of the tables included), and, with `read`, what `scenarios summary` and
    `scenarios report` cost on it afterwards (what `scenarios run` prints once the workers are gone)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "b")
        seconds, batch = watched([sys.executable, "-c", BATCH, str(BASELINE), str(n), executor, str(workers), out])
        if not read:
            return n / seconds, batch, None
        command = str(Path(sys.executable).with_name("scenarios"))
        _, summary = watched([command, "summary", out])
        report_seconds, report = watched([command, "report", out, "--out", str(Path(tmp) / "report.html")])
    return n / seconds, batch, Afterwards(summary, report_seconds, report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="replications for the executor comparison")
    parser.add_argument("--big", type=int, default=100_000, help="replications for the memory check (0: skip)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(f"baseline, 180-day horizon, {args.workers} workers (machine: {psutil.cpu_count()} cores)", flush=True)
    serial_rate, serial_mem, _ = measure(args.n, "serial", 1, read=False)
    print(f"  n = {args.n:>6}  in-process  {serial_rate:7.1f} replications/s              {serial_mem}", flush=True)
    summaries = []
    peaks: dict[str, list[float]] = {}
    for n in (args.n, args.big) if args.big else (args.n,):
        if n != args.n:  # the machine's speed drifts over a long run: an in-process reference next to the big batches
            serial_rate, again, _ = measure(args.n, "serial", 1, read=False)
            print(f"  n = {args.n:>6}  in-process  {serial_rate:7.1f} replications/s (again)      {again}", flush=True)
        pool_rate = None
        for executor in ("process", "dask"):  # both keep a bounded window of chunks in flight
            rate, mem, after = measure(n, executor, args.workers, read=executor == "process")
            if after is not None:
                summaries.append(
                    f"  n = {n:>6}  afterwards: `scenarios summary` peak RSS {after.summary.rss / MB:.0f} MB; "
                    f"`scenarios report` {after.report_seconds:.1f} s, peak RSS {after.report.rss / MB:.0f} MB"
                )
            peaks.setdefault(executor, []).append(mem.pss / MB)
            speed_up = rate / serial_rate
            of_pool = f"  ({rate / pool_rate:.0%} of the pool)" if pool_rate else ""
            pool_rate = pool_rate or rate
            print(
                f"  n = {n:>6}  {executor:<10}  {rate:7.1f} replications/s  {speed_up:4.2f}x  {mem}{of_pool}",
                flush=True,
            )
    print("\n".join(summaries))
    print(f"targets: >= 1.8x on {args.workers} workers; peak PSS of the tree < 500 MB, flat from n to big")
    for executor, values in peaks.items():
        flat = f", {values[-1] - values[0]:+.0f} MB from n = {args.n} to {args.big}" if len(values) > 1 else ""
        met = "met" if max(values) < 500 else "not met"
        print(f"  {executor}: peak PSS {', '.join(f'{v:.0f}' for v in values)} MB{flat} (under 500 MB: {met})")


if __name__ == "__main__":
    main()
