"""`scenarios compare DIR...`: differences of means between scenarios with intervals and tests; plots."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from scenarios.cli.args import (
    FOLDER,
    add_days,
    add_measures,
    add_overwrite,
    add_table_files,
    check_table_files,
    load_many,
    measures_of,
    name_text,
    write_table_files,
)
from scenarios.exceptions import ScenarioError

if TYPE_CHECKING:
    from scenarios.measures import Measure

HELP = "what changed between scenarios, with intervals; optionally plots"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dirs", nargs="+", type=FOLDER, metavar="DIR")
    p.add_argument(
        "--baseline",
        type=name_text("a scenario's name"),
        default=None,
        help="scenario to compare against (default: the first)",
    )
    p.add_argument("--plots", type=FOLDER, default=None, metavar="FOLDER", help="write every comparison plot here")
    p.add_argument("--all", action="store_true", help="show every measure, not only significant ones")
    add_days(p)
    add_measures(p)
    add_table_files(p)
    add_overwrite(p, "existing files of --csv, --json and --plots")


def run(args: argparse.Namespace) -> int:
    from scenarios.analysis.compare import compare, default_measures
    from scenarios.io.owned import check_output_file, write_output
    from scenarios.plots.kinds import KINDS
    from scenarios.report.figures import available_kinds, figure_bytes, make_figure

    # every file this will write is checked before anything is computed
    check_table_files(args)
    folder = Path(args.plots) if args.plots else None
    if folder is not None:
        for kind in KINDS:
            check_output_file(folder / f"{kind}.png", field="plots", replace=args.overwrite, named=True)
    results = load_many(args.dirs)
    extra = measures_of(results, args)
    measures: list[str | Measure] | None = [*default_measures(args.days), *extra] if extra else None
    try:
        comparison = compare(results, baseline=args.baseline, measures=measures, days=args.days)
    except ScenarioError as exc:
        raise ScenarioError(f"--baseline {args.baseline}: {exc}" if args.baseline else str(exc)) from None
    print(comparison.to_text(all=args.all, name=lambda field: f"--{field}"))
    if folder is not None:
        for kind in available_kinds(results):
            png = figure_bytes(make_figure(results, kind), dpi=120)
            write_output(folder / f"{kind}.png", png, field="plots", replace=args.overwrite, named=True)
        print(f"plots: {folder}")
    write_table_files(args, comparison.table_)
    return 0
