"""How long the tweak loop takes: a default what-if on the shipped baseline, end to end (pilot, batch, paired
differences, plots and report), as `scenarios whatif` runs it; and how long `scenarios report` takes to render the
report of a baseline batch: the first time (with the plotting imports), drawing every figure, and with the
figures reused from the results folder's cache.

    .venv/bin/python benchmarks/bench_whatif.py [--workers 2] [--rounds 3] [--report-n 5000]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from scenarios.cli import main as cli
from scenarios.report.figures import CACHE

ROOT = Path(__file__).resolve().parents[1]
TWEAK = "actors.russia.back_defender_propensity=very likely"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--report-n", type=int, default=5000, help="replications of the batch the report shows")
    args = parser.parse_args()
    times = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            began = time.perf_counter()
            code = cli(
                [
                    "whatif",
                    str(ROOT / "configs" / "baseline.yaml"),
                    "--set",
                    TWEAK,
                    "--workers",
                    str(args.workers),
                    "--out",
                    str(Path(tmp) / "w"),
                ]
            )
            times.append(time.perf_counter() - began)
            assert code == 0
    print(
        f"\ndefault what-if ({TWEAK}), {args.workers} workers: median {statistics.median(times):.1f} s "
        f"over {args.rounds} rounds (min {min(times):.1f} s, max {max(times):.1f} s); target < 15 s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "b"
        run = ["run", str(ROOT / "configs" / "baseline.yaml"), "--n", str(args.report_n), "--out", str(batch)]
        assert cli([*run, "--workers", str(args.workers), "--quiet"]) == 0

        def render(i: int, fresh: bool) -> float:
            if fresh:  # draw every figure again
                shutil.rmtree(batch / CACHE, ignore_errors=True)
            began = time.perf_counter()
            assert cli(["report", str(batch), "-o", str(Path(tmp) / f"report{i}.html")]) == 0
            return time.perf_counter() - began

        first = render(0, fresh=True)
        drawn = [render(i, fresh=True) for i in range(1, args.rounds + 1)]
        cached = [render(i, fresh=False) for i in range(1, args.rounds + 1)]
    print(
        f"report of {args.report_n} baseline replications: {first:.1f} s the first time (with the imports); "
        f"median {statistics.median(drawn):.1f} s drawing every figure, {statistics.median(cached):.1f} s with "
        "the figures reused from the folder's cache"
    )


if __name__ == "__main__":
    main()
