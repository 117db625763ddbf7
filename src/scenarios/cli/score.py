"""`scenarios score DIR --questions FILE`: Brier, log and CRPS scores of the resolved questions."""

from __future__ import annotations

import argparse
from pathlib import Path

from scenarios.cli.args import FILE, FOLDER

HELP = "Brier, log and CRPS scores of the resolved questions, with a reliability diagram"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", type=FOLDER, metavar="DIR")
    p.add_argument("--questions", type=FILE, default=None, metavar="FILE", help="a question file with resolutions")
    p.add_argument(
        "--plot", type=FILE, default=None, metavar="FILE", help="reliability diagram (default: DIR/reliability.png)"
    )


def run(args: argparse.Namespace) -> int:
    from scenarios.analysis.questions import MIN_FOR_DIAGRAM, enough_for_diagram, forecast, score
    from scenarios.config.expectations import load_questions
    from scenarios.io.load import load_results

    questions = load_questions(args.questions) if args.questions else None
    sc = score(forecast(load_results(args.dir), questions))
    print(sc.to_text())
    if enough_for_diagram(sc):
        plot = Path(args.plot) if args.plot else Path(args.dir) / "reliability.png"
        sc.plot().savefig(plot, dpi=120)
        print(f"\nreliability diagram: {plot}")
    else:
        print(f"\n(a reliability diagram needs at least {MIN_FOR_DIAGRAM} resolved yes-no questions)")
    return 0
