"""`scenarios summary DIR...`: the key figures of one or more results folders."""

from __future__ import annotations

import argparse

from scenarios.cli.args import (
    FOLDER,
    add_days,
    add_measures,
    add_overwrite,
    add_table_files,
    check_table_files,
    load_many,
    measures_of,
    write_table_files,
)

HELP = "the key figures of one or more results folders"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dirs", nargs="+", type=FOLDER, metavar="DIR")
    add_days(p)
    add_measures(p)
    add_table_files(p)
    add_overwrite(p, "an existing --csv or --json FILE")


def run(args: argparse.Namespace) -> int:
    from scenarios.analysis.summary import summarize

    check_table_files(args)
    results = load_many(args.dirs)
    summary = summarize(results, days=args.days, measures=measures_of(results, args))
    print(summary.to_text())
    write_table_files(args, summary.table)
    return 0
