"""The cost of a Sobol analysis of the baseline, and how stable its ranking is, at one or more sample sizes.

For each base sample size n, runs the analysis with two seeds and prints model runs, wall time on this machine,
and the Spearman correlation of the total-order (ST) indices between the two designs (the target is 0.9), plus how
well the top 10 agree; then the smallest n that reached the target. `--by judgment` groups the parameters by the
report passage they encode (SALib groups), as `scenarios sensitivity --by judgment` does. Usage:

    .venv/bin/python benchmarks/bench_sensitivity.py [--n 64 128 256] [--by parameter|judgment|paragraph]
        [--outcome holds_30_days] [--workers 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from scenarios.sensitivity import ranking_stability, run_sensitivity

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[32])
    parser.add_argument("--by", default="parameter", choices=["parameter", "judgment", "paragraph"])
    parser.add_argument("--outcome", default="holds_30_days")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    stable = None
    for n in args.n:
        runs = []
        with tempfile.TemporaryDirectory() as tmp:
            for seed in (1, 2):
                began = time.perf_counter()
                result = run_sensitivity(
                    ROOT / "configs" / "baseline.yaml",
                    method="sobol",
                    outcome=args.outcome,
                    n=n,
                    seed=seed,
                    out=Path(tmp) / f"s{seed}",
                    workers=args.workers,
                    by=args.by,
                )
                seconds = time.perf_counter() - began
                runs.append(result.indices)
                print(
                    f"n={n} seed {seed}: {len(result.indices)} factors ({args.by}), {result.runs:,} model runs, "
                    f"{seconds:.0f} s ({result.runs / seconds:.0f} runs/s on {args.workers} workers)",
                    flush=True,
                )
        a, b = runs
        rho = ranking_stability(a, b)
        key = a.columns[0]
        top_a, top_b = set(a[key].head(10)), set(b[key].head(10))
        print(f"n={n}: Spearman of ST between designs {rho:.2f}; top-10 overlap {len(top_a & top_b)}/10", flush=True)
        print(f"  top 5 (seed 1): {'; '.join(map(str, a[key].head(5)))}", flush=True)
        if stable is None and rho >= TARGET:
            stable = n
    print(f"smallest n with Spearman >= {TARGET}: {stable if stable else 'none of ' + str(args.n)}")


if __name__ == "__main__":
    main()
