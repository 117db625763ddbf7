"""`scenarios run CONFIG...`: a Monte Carlo batch of one or more scenarios under one seed; prints its summary."""

from __future__ import annotations

import argparse
import sys

from scenarios.cli.args import FILE, FOLDER, SEED, add_allow, add_executor, add_set, count, run_options

HELP = "run a Monte Carlo batch of one or more scenarios and print its summary"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("configs", nargs="+", type=FILE, metavar="CONFIG")
    p.add_argument(
        "--n", type=count(1), default=None, help="replications per scenario (default: simulation.replications)"
    )
    p.add_argument("--seed", type=SEED, default=None, help="batch seed (default: simulation.seed, else random)")
    p.add_argument("--out", type=FOLDER, default=None, help="results folder (default: <simulation.output_dir>/<names>)")
    p.add_argument("--resume", action="store_true", help="finish an interrupted batch in --out")
    p.add_argument("--force", action="store_true", help="with --resume: accept a changed config or code version")
    p.add_argument("--chunk-size", type=count(1), default=None, help="replications per chunk (does not change results)")
    p.add_argument("--fail-fast", action="store_true", help="stop at the first replication that raises")
    p.add_argument("--report", type=FILE, default=None, metavar="FILE", help="also write the HTML report to FILE")
    add_executor(p)
    add_set(p)
    add_allow(p)


def run(args: argparse.Namespace) -> int:
    from scenarios.engine.batch import run_batch

    if args.report is not None:  # checked before the batch: a refused report must not cost a run
        from scenarios.io.owned import check_output_file

        check_output_file(args.report, field="report", replace=args.overwrite, suffixes=(".html", ".htm"), named=True)
    result = run_batch(args.configs, run_options(args), n=args.n, overrides=args.overrides)
    if result.status == "failed":
        print(f"failed: {result.directory}: {result.reason}", file=sys.stderr)
        return 1
    rate = result.computed / result.seconds if result.seconds > 0 else 0.0
    print(
        f"{result.status}: {len(result.scenarios)} scenario(s) x {result.replications} replications, seed "
        f"{result.seed}, {result.computed} computed in {result.seconds:.1f} s ({rate:,.0f}/s)"
    )
    print(f"results: {result.directory}")
    if result.failures:
        print(f"{result.failures} replication(s) failed: see the errors table ({result.directory}/errors.parquet)")
    print()
    # imported only now: the summary's libraries (lifelines, statsmodels) would otherwise weigh on the driver's
    # memory all through the batch
    from scenarios.analysis.summary import summarize
    from scenarios.io.load import load_results

    results = load_results(result.directory)
    summary = summarize(results)
    print(summary.to_text())
    if args.report is not None:
        from scenarios.report.findings import Findings
        from scenarios.report.html import save_report

        findings = Findings.of(results, summary=summary)  # the summary printed
        path = save_report(findings, args.report, cache=True, replace=args.overwrite)
        print(f"\nreport: {path}")
    return 1 if result.failures else 0
