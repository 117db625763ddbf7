"""`scenarios summary DIR...`: the key figures of one or more results folders."""

from __future__ import annotations

import argparse

from scenarios.cli.args import FOLDER, add_days, add_measures, load_many, measures_of

HELP = "the key figures of one or more results folders"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dirs", nargs="+", type=FOLDER, metavar="DIR")
    add_days(p)
    add_measures(p)


def run(args: argparse.Namespace) -> int:
    from scenarios.analysis.summary import summarize

    results = load_many(args.dirs)
    print(summarize(results, days=args.days, measures=measures_of(results, args)).to_text())
    return 0
