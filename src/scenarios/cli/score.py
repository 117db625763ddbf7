"""`scenarios score DIR --questions FILE`: Brier, log and CRPS scores of the resolved questions."""

from __future__ import annotations

import argparse
from pathlib import Path

from scenarios.cli.args import FILE, FOLDER, add_overwrite, add_table_files, check_table_files, write_table_files

HELP = "Brier, log and CRPS scores of the resolved questions, with a reliability diagram"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", type=FOLDER, metavar="DIR")
    p.add_argument("--questions", type=FILE, default=None, metavar="FILE", help="a question file with resolutions")
    p.add_argument(
        "--plot", type=FILE, default=None, metavar="FILE", help="reliability diagram (default: DIR/reliability.png)"
    )
    add_table_files(p)
    add_overwrite(p, "an existing --plot, --csv or --json FILE")


def run(args: argparse.Namespace) -> int:
    from scenarios.analysis.questions import MIN_FOR_DIAGRAM, enough_for_diagram, forecast, score
    from scenarios.config.expectations import load_questions
    from scenarios.io.load import load_results
    from scenarios.io.owned import check_output_file, write_output
    from scenarios.report.figures import figure_bytes

    plot = Path(args.plot) if args.plot else Path(args.dir) / "reliability.png"
    named = args.plot is not None  # the default, DIR/reliability.png, the tool may replace once it wrote it
    check_output_file(plot, field="plot", replace=args.overwrite, suffixes=(".png",), named=named)  # before any work
    check_table_files(args)
    questions = load_questions(args.questions) if args.questions else None
    sc = score(forecast(load_results(args.dir), questions))
    print(sc.to_text())
    write_table_files(args, sc.table)
    if enough_for_diagram(sc):
        write_output(plot, figure_bytes(sc.plot(), dpi=120), field="plot", replace=args.overwrite, named=named)
        print(f"\nreliability diagram: {plot}")
    else:
        print(f"\n(a reliability diagram needs at least {MIN_FOR_DIAGRAM} resolved yes-no questions)")
    return 0
