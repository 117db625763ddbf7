"""`scenarios report DIR...`: the self-contained HTML report of one or more results folders."""

from __future__ import annotations

import argparse

from scenarios.cli.args import FILE, FOLDER, add_days, add_overwrite

HELP = "the self-contained HTML report of one or more results folders"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dirs", nargs="+", type=FOLDER, metavar="DIR")
    p.add_argument("-o", "--output", type=FILE, default="report.html", metavar="FILE")
    add_days(p)
    add_overwrite(p, "an existing FILE")


def run(args: argparse.Namespace) -> int:
    from scenarios.report.html import write_report

    print(write_report(args.dirs, args.output, days=args.days, replace=args.overwrite))
    return 0
