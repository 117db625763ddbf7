"""`scenarios sensitivity CONFIG`: which assumptions matter most, by Sobol or Morris over the uncertain ones."""

from __future__ import annotations

import argparse
import sys

from scenarios.cli.args import (
    EXPRESSION,
    FILE,
    FOLDER,
    SEED,
    add_allow,
    add_executor,
    add_measures,
    add_set,
    add_table_files,
    check_table_files,
    count,
    duration,
    run_options,
    write_table_files,
)

HELP = "which assumptions matter most: Sobol or Morris over the uncertain ones"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", type=FILE, metavar="CONFIG")
    p.add_argument("--method", choices=("sobol", "morris"), default="sobol")
    p.add_argument(
        "--outcome",
        type=EXPRESSION,
        default="holds_30_days",
        help="a measure (`scenarios measures`) or an expression (default: holds_30_days)",
    )
    p.add_argument(
        "--n",
        type=count(1),
        default=256,
        help="base sample size: Sobol runs n(d+2) replications, Morris n(d+1) (default 256)",
    )
    p.add_argument(
        "--params",
        action="append",
        default=[],
        metavar="PATTERN",
        help="glob of parameter paths to study, e.g. 'actors.<id>.*' (repeatable; default: all)",
    )
    p.add_argument(
        "--by",
        choices=("parameter", "judgment", "paragraph"),
        default="parameter",
        help="index each parameter, or group them by the report's judgment (quote) or paragraph they encode; "
        "assumptions group by a `group:` key or by section (default: parameter)",
    )
    p.add_argument(
        "--stability",
        action="store_true",
        help="run a second design with the next seed and print the rank correlation of the two rankings",
    )
    p.add_argument("--seed", type=SEED, default=None)
    p.add_argument("--out", type=FOLDER, default=None, help="results folder (default: <output_dir>/<name>-<method>)")
    p.add_argument("--resume", action="store_true", help="finish an interrupted analysis in --out")
    add_measures(p, choose=False)
    add_executor(p)
    add_set(p)
    add_table_files(p)
    add_allow(p)


def run(args: argparse.Namespace) -> int:
    from scenarios.exceptions import AnalysisError
    from scenarios.sensitivity import estimate, plane_path, run_sensitivity

    check_table_files(args)
    options = run_options(args)
    study = dict(method=args.method, n=args.n, params=args.params, overrides=args.overrides, by=args.by)
    if not args.resume:
        runs, seconds = estimate(args.config, options, stability=args.stability, **study)
        print(f"{args.method}: {runs:,} model runs, about {duration(seconds)} (timed on 3 replications)", flush=True)
    result = run_sensitivity(
        args.config, options, outcome=args.outcome, measure_files=args.measure_files, stability=args.stability, **study
    )
    if result.second is not None:
        print(f"second design (seed {result.second.batch.seed}): {result.second.batch.directory}")
    print(result.to_text())
    if result.warning:
        print(f"warning: {result.warning}", file=sys.stderr)
    from scenarios.io.owned import write_output
    from scenarios.report.figures import figure_bytes

    plot = write_output(result.path.with_suffix(".png"), figure_bytes(result.plot(), dpi=120), field="out")
    print(f"\nindices: {result.path}\nplot: {plot}")
    if result.method == "morris":
        try:
            plane = result.plot("plane")
        except AnalysisError as exc:
            print(f"no mu*-sigma plane: {exc}")
        else:
            where = write_output(plane_path(result.path), figure_bytes(plane, dpi=120), field="out")
            print(f"mu*-sigma plane: {where}")
    write_table_files(args, result.table)
    return 0
