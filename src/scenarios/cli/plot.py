"""`scenarios plot DIR... --kind KIND -o FILE`: one plot as PNG, SVG or PDF (by suffix)."""

from __future__ import annotations

import argparse
from pathlib import Path

from scenarios.cli.args import FILE, FOLDER, add_overwrite, count, load_many
from scenarios.exceptions import ScenarioError
from scenarios.plots.kinds import KINDS

HELP = "one plot of one or more results folders (PNG, SVG or PDF by suffix)"
MAX_DPI = 600  # a figure of 8 x 5 inches at 600 dpi is 4800 x 3000 pixels


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dirs", nargs="+", type=FOLDER, metavar="DIR")
    p.add_argument("--kind", required=True, choices=KINDS)
    p.add_argument("-o", "--output", type=FILE, required=True, metavar="FILE")
    p.add_argument("--dpi", type=count(10, MAX_DPI), default=150, help=f"resolution (10 to {MAX_DPI})")
    add_overwrite(p, "an existing FILE")


def run(args: argparse.Namespace) -> int:
    from scenarios.io.owned import check_output_file, write_output
    from scenarios.report.figures import FORMATS, figure_bytes, make_figure

    out = Path(args.output)
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise ScenarioError(f"{out}: unknown image format {out.suffix!r}; use .png, .svg or .pdf")
    check_output_file(out, field="output", replace=args.overwrite, suffixes=tuple(FORMATS), named=True)
    fig = make_figure(load_many(args.dirs), args.kind)
    write_output(out, figure_bytes(fig, fmt, dpi=args.dpi), field="output", replace=args.overwrite, named=True)
    print(out)
    return 0
