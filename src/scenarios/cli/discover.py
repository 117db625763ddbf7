"""`scenarios discover DIR`: the boxes of assumptions in which a 0/1 outcome is most likely (CART or PRIM)."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from scenarios.cli.args import (
    EXPRESSION,
    FOLDER,
    add_measures,
    add_overwrite,
    add_table_files,
    check_table_files,
    count,
    name_text,
    outcome_of,
    print_table,
    with_parameter_labels,
    write_table_files,
)

if TYPE_CHECKING:
    import pandas as pd

    from scenarios.analysis.discovery import Box

HELP = "the boxes of assumptions that make a 0/1 outcome likely (CART or PRIM)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", type=FOLDER, metavar="DIR")
    p.add_argument("--outcome", type=EXPRESSION, default="holds_90_days", help="a true/false measure or expression")
    p.add_argument("--scenario", type=name_text("a scenario's name"), default=None)
    add_measures(p, choose=False)
    p.add_argument("--method", choices=("cart", "prim"), default="cart", help="a classification tree, or PRIM")
    p.add_argument("--depth", type=count(1, 20), default=3, help="at most this many parameters restricted per box")
    p.add_argument("--boxes", type=count(1, 50), default=3)
    p.add_argument(
        "--peel",
        type=count(1, 10_000),
        default=None,
        metavar="K",
        help="PRIM: make the first box point K of its peeling trajectory (as PRIM gives it, every restriction kept) "
        "instead of the one with the best weighted relative accuracy; the trajectory plot numbers its points",
    )
    add_table_files(p)
    add_overwrite(p, "peeling-trajectory plots and table files that scenarios did not record writing")


def restrictions_shown(found: list[Box]) -> pd.DataFrame:
    """The boxes as the console shows them: a row per restriction, the parameter in words with its key last (for
    --set), each box's coverage, density and support on its first row."""
    import pandas as pd

    rows = []
    for i, box in enumerate(found, 1):
        first = {"box": str(i), "coverage": f"{box.coverage:.3f}", "density": f"{box.density:.3f}"}
        first |= {"support": str(box.support)} | ({"peel": str(box.peel)} if box.peel is not None else {})
        for k, (key, bounds) in enumerate(box.restrictions() or [("", "everywhere")]):
            row = {c: v if k == 0 else "" for c, v in first.items()} | {"parameter": key, "restricted to": bounds}
            if box.quasi_p is not None:
                row["qp"] = box.qp_text(key).removeprefix("qp ")
            rows.append(row)
    return with_parameter_labels(pd.DataFrame(rows))


def run(args: argparse.Namespace) -> int:
    from scenarios.analysis.discovery import boxes_table, discover, discover_prim
    from scenarios.analysis.importance import one_scenario
    from scenarios.config.inspect import judgment_groups
    from scenarios.config.loader import scenario_from_dump
    from scenarios.io.load import load_results
    from scenarios.labels import measure_named

    if args.peel is not None and args.method != "prim":
        from scenarios.exceptions import ScenarioError

        raise ScenarioError("--peel picks a point of PRIM's peeling trajectory: give it with --method prim")
    check_table_files(args)
    results = load_results(args.dir)
    measure = outcome_of(results, args)
    if args.method == "prim":
        found, base = discover_prim(
            results, measure, args.scenario, max_dims=args.depth, boxes=args.boxes, peel=args.peel
        )
    else:
        found, base = discover(results, measure, args.scenario, max_depth=args.depth, boxes=args.boxes)
    print(f"{measure_named(args.outcome, measure.label)}: {base:.1%} of all replications")
    if not found:
        print("no box of assumptions makes it more likely than that")
        return 0
    name = one_scenario(results, args.scenario)
    spec = scenario_from_dump(
        results.scenario_config(name), f"{results.directory}/manifest.json", first_model=results.first_model
    )
    judgments = judgment_groups(spec)
    table = boxes_table(found, judgments)
    print_table(
        restrictions_shown(found),
        f"{args.method.upper()} boxes where it is most likely (coverage: share of all such cases inside; "
        "density: share inside that are such cases; a row per parameter restricted"
        + ("; qp: see below)" if args.method == "prim" else ")"),
    )
    print("\nwhat the report says about the parameters restricted:")
    for i, words in enumerate(table["judgments"], 1):
        print(textwrap.fill(words, 120, initial_indent=f"box {i}: ", subsequent_indent="  "))
    if args.method == "prim":
        first = found[0]
        assert first.trajectory is not None and first.peel is not None
        how = "the one --peel chose" if args.peel is not None else "the best weighted relative accuracy"
        print(
            f"box 1 is point {first.peel} of {len(first.trajectory) - 1} on its peeling trajectory ({how}; "
            "--peel K picks another). qp: each restriction's quasi-p-value, the one-sided binomial chance of the "
            "box's cases of interest if the box without it held them at its density (large: the restriction adds "
            "little beyond chance)."
        )
    write_table_files(args, table)
    if args.method == "prim":
        from scenarios.io.owned import check_output_file, write_output
        from scenarios.plots.sensitivity import peeling_trajectory
        from scenarios.report.figures import figure_bytes
        from scenarios.sensitivity import slug

        plots = [Path(args.dir) / f"discover-prim-{slug(args.outcome)}-box{i}.png" for i in range(1, len(found) + 1)]
        for plot in plots:
            check_output_file(plot, field="dir", replace=args.overwrite)
        for i, (box, plot) in enumerate(zip(found, plots, strict=True), 1):
            assert box.trajectory is not None
            figure = peeling_trajectory(box.trajectory, measure.label, i, (box.coverage, box.density))
            write_output(plot, figure_bytes(figure, dpi=120), field="dir", replace=args.overwrite)
            print(f"peeling trajectory: {plot}")
    return 0
