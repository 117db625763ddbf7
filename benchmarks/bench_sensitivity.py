"""The cost of a Sobol analysis over every uncertain parameter of the baseline, and how stable its ranks are.

Runs the analysis at base sample size n with two different seeds, prints model runs, wall time on this machine,
and the Spearman correlation of the total-order (ST) ranks between the two seeds (stable ranks: > 0.8), plus how
well the top 10 agree. Usage:

    .venv/bin/python benchmarks/bench_sensitivity.py [--n 32] [--outcome holds_30_days] [--workers 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from scipy.stats import spearmanr

from scenarios.sensitivity import run_sensitivity

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=32)
    parser.add_argument("--outcome", default="holds_30_days")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in (1, 2):
            began = time.perf_counter()
            result = run_sensitivity(
                ROOT / "configs" / "baseline.yaml",
                method="sobol",
                outcome=args.outcome,
                n=args.n,
                seed=seed,
                out=Path(tmp) / f"s{seed}",
                workers=args.workers,
            )
            seconds = time.perf_counter() - began
            runs.append(result.indices.set_index("parameter"))
            d = len(result.indices)
            print(
                f"seed {seed}: {d} uncertain parameters, {result.runs} model runs, {seconds:.0f} s "
                f"({result.runs / seconds:.0f} runs/s on {args.workers} workers)"
            )
    a, b = runs
    common = a.index.intersection(b.index)
    rho = spearmanr(a.loc[common, "ST"], b.loc[common, "ST"]).statistic
    top_a, top_b = set(a.index[:10]), set(b.index[:10])
    print(f"rank stability of ST between seeds: Spearman {rho:.2f}; top-10 overlap {len(top_a & top_b)}/10")
    print("top 10 (seed 1):", ", ".join(a.index[:10]))


if __name__ == "__main__":
    main()
