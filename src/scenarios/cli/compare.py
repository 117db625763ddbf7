"""`scenarios compare DIR...`: differences of means between scenarios with intervals and tests; plots."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from scenarios.cli.args import FILE, FOLDER, add_days, add_measures, load_many, measures_of, text
from scenarios.exceptions import ScenarioError

if TYPE_CHECKING:
    from scenarios.measures import Measure

HELP = "what changed between scenarios, with intervals; optionally plots"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dirs", nargs="+", type=FOLDER, metavar="DIR")
    p.add_argument("--baseline", type=text(200), default=None, help="scenario to compare against (default: the first)")
    p.add_argument("--plots", type=FOLDER, default=None, metavar="FOLDER", help="write every comparison plot here")
    p.add_argument("--csv", type=FILE, default=None, metavar="FILE", help="write the full table as CSV")
    p.add_argument("--all", action="store_true", help="show every measure, not only significant ones")
    add_days(p)
    add_measures(p)


def run(args: argparse.Namespace) -> int:
    from scenarios.analysis.compare import compare, default_measures
    from scenarios.report.figures import available_kinds, make_figure

    results = load_many(args.dirs)
    extra = measures_of(results, args)
    measures: list[str | Measure] | None = [*default_measures(args.days), *extra] if extra else None
    try:
        comparison = compare(results, baseline=args.baseline, measures=measures, days=args.days)
    except ScenarioError as exc:
        raise ScenarioError(f"--baseline {args.baseline}: {exc}" if args.baseline else str(exc)) from None
    print(comparison.to_text(all=args.all, name=lambda field: f"--{field}"))
    if args.plots:
        folder = Path(args.plots)
        folder.mkdir(parents=True, exist_ok=True)
        for kind in available_kinds(results):
            make_figure(results, kind).savefig(folder / f"{kind}.png", dpi=120)
        print(f"plots: {folder}")
    if args.csv:
        comparison.table_.to_csv(args.csv, index=False)
        print(f"table: {args.csv}")
    return 0
