"""`scenarios forecast DIR`: each forecast question's probability (or quantiles) per scenario."""

from __future__ import annotations

import argparse

from scenarios.cli.args import FILE, FOLDER, add_overwrite, add_table_files, check_table_files, write_table_files
from scenarios.exceptions import ScenarioError

HELP = "each forecast question's probability (or quantiles) from a results folder"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", type=FOLDER, metavar="DIR")
    p.add_argument(
        "--questions", type=FILE, default=None, metavar="FILE", help="a question file (default: the scenarios' own)"
    )
    add_table_files(p)
    add_overwrite(p, "an existing --csv or --json FILE")


def run(args: argparse.Namespace) -> int:
    from scenarios.analysis.questions import forecast
    from scenarios.config.expectations import load_questions
    from scenarios.io.load import load_results

    check_table_files(args)
    questions = load_questions(args.questions) if args.questions else None  # a bad file fails before the results
    fc = forecast(load_results(args.dir), questions)
    if fc.table.empty:
        raise ScenarioError(f"{args.dir}: its scenarios ask no `questions:`; give --questions FILE")
    print(fc.to_text())
    write_table_files(args, fc.table)
    return 0
