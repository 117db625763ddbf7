"""The cost of a default `scenarios calibrate` of the baseline: model runs, minutes on this machine, runs/s.

Runs the calibration (defaults unless given: 3 waves of 60 points x 150 replications) and the check of the
calibrated scenario beside the original, in a temporary copy of configs/, and prints what it cost and found.
Usage:

    .venv/bin/python benchmarks/bench_calibrate.py [--waves 3] [--points 60] [--n 150] [--workers 2]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from scenarios.calibrate import calibrate, save_calibrated, verify

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waves", type=int, default=3)
    parser.add_argument("--points", type=int, default=60)
    parser.add_argument("--n", type=int, default=150)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        configs = Path(tmp) / "configs"
        shutil.copytree(ROOT / "configs", configs)
        config, target = configs / "baseline.yaml", configs / "baseline-calibrated.yaml"
        began = time.perf_counter()
        result = calibrate(
            config, waves=args.waves, points=args.points, n=args.n, seed=1, out=Path(tmp) / "cal", workers=args.workers
        )
        matched = time.perf_counter() - began
        runs = sum(len(w.points) for w in result.waves) * result.n
        save_calibrated(result, config, target)
        began = time.perf_counter()
        verified, _ = verify(result, config, target, workers=args.workers)
        checked = time.perf_counter() - began
    constrained = int(result.changes()["constrained"].sum()) if not result.survivors.empty else 0
    print(
        f"history matching: {len(result.waves)} waves, {runs:,} model runs, {matched / 60:.1f} min "
        f"({runs / matched:.0f} runs/s on {args.workers} workers); {result.ruled_out:.0%} of the space ruled out, "
        f"{constrained} of {len(result.free)} free assumptions lose more than 10% of their spread on their own"
    )
    print(f"check of both scenarios: {checked / 60:.1f} min; {len(verified.inconsistent)} inconsistent")
    print(verified.to_text())
    print(f"total: {(matched + checked) / 60:.1f} min (target: under 15 min on 2 cores)")


if __name__ == "__main__":
    main()
