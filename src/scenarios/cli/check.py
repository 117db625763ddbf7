"""`scenarios check CONFIG...|DIR`: does the model say what the report says? Each expectation against a batch."""

from __future__ import annotations

import argparse
import sys

from scenarios.cli.args import (
    FILE,
    FOLDER,
    SEED,
    add_executor,
    add_set,
    add_table_files,
    check_table_files,
    count,
    run_options,
    write_table_files,
)

HELP = "does the model say what the report says? each expectation against a batch"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "targets",
        nargs="+",
        type=FILE,
        metavar="CONFIG|DIR",
        help="scenario files (a batch is run) or a results folder",
    )
    p.add_argument("--strict", action="store_true", help="exit 1 if any judgment is too high or too low")
    p.add_argument(
        "--n", type=count(1), default=None, help="replications per scenario (default: enough for a 5-point miss)"
    )
    p.add_argument("--seed", type=SEED, default=None, help="batch seed (default: simulation.seed, else random)")
    p.add_argument(
        "--out", type=FOLDER, default=None, help="results folder (default: <simulation.output_dir>/<names>-check)"
    )
    add_executor(p)
    add_set(p)
    add_table_files(p)


def run(args: argparse.Namespace) -> int:
    from scenarios.checking import run_check
    from scenarios.io.owned import check_output_file, write_output
    from scenarios.report.figures import figure_bytes

    check_table_files(args)
    checked = run_check(args.targets, run_options(args), n=args.n, overrides=args.overrides)
    result, folder = checked.check, checked.directory
    if checked.ran:
        print(f"results: {folder}")
    print(result.to_text())
    plots = [folder / f"check-{name}.png" for name in result.scenarios]
    for plot in plots:  # every file checked before any is written
        check_output_file(plot, field="out", replace=args.overwrite)
    for name, plot in zip(result.scenarios, plots, strict=True):
        write_output(plot, figure_bytes(result.plot(name), dpi=110), field="out", replace=args.overwrite)
        print(f"plot: {plot}")
    write_table_files(args, result.table)
    if args.strict and not result.inconsistent.empty:
        print(f"\n--strict: {len(result.inconsistent)} judgment(s) inconsistent with the report", file=sys.stderr)
        return 1
    return 0
