"""`scenarios importance DIR`: rank the drawn parameters by permutation importance for an outcome, or screen them."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scenarios.cli.args import (
    EXPRESSION,
    FOLDER,
    WORKERS,
    add_measures,
    add_overwrite,
    add_table_files,
    check_table_files,
    count,
    duration,
    name_text,
    outcome_of,
    print_table,
    with_parameter_labels,
    write_table_files,
)

HELP = "rank parameters by their influence on an outcome, from any batch"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", type=FOLDER, metavar="DIR")
    p.add_argument("--outcome", type=EXPRESSION, default="holds_30_days", help="a measure name or an expression")
    p.add_argument(
        "--scenario",
        type=name_text("a scenario's name"),
        default=None,
        help="which scenario of the batch (default: its only one; needed when it holds several)",
    )
    add_measures(p, choose=False)
    p.add_argument(
        "--bootstrap",
        type=count(2, 1000),
        default=5,
        help="forests refitted on bootstrap resamples, for the intervals (default 5: enough to tell the parameters "
        "that matter from those that do not; 20 for intervals to quote)",
    )
    p.add_argument("--seed", type=count(0, 2**32 - 1), default=0, help="the same seed gives the same numbers")
    p.add_argument(
        "--workers",
        type=WORKERS,
        default=None,
        help="threads growing the trees and shuffling the parameters (default: one per core; the numbers do not "
        "depend on it)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.add_argument(
        "--screen",
        action="store_true",
        help="instead: test every parameter against every measure and expectation; list those with no effect",
    )
    add_table_files(p)
    add_overwrite(p, "a stored ranking of the outcome that scenarios did not record writing, or a --csv/--json FILE")


def one_scenario(results: Any, scenario: str | None, folder: str) -> str:
    """The scenario to analyse: the one named, or the batch's only one; a batch of several needs a name."""
    from scenarios.exceptions import AnalysisError

    names = list(results.scenarios)
    if scenario is None:
        if len(names) > 1:
            raise AnalysisError(
                f"{folder} holds {len(names)} scenarios ({', '.join(names)}): name the one to analyse with --scenario"
            )
        return str(names[0])
    if scenario not in names:
        raise AnalysisError(f"no scenario {scenario!r} in {folder}; choose one of {', '.join(names)}")
    return scenario


def run(args: argparse.Namespace) -> int:
    from scenarios.analysis.importance import parameter_importance
    from scenarios.engine.executors.base import default_workers
    from scenarios.io.load import load_results
    from scenarios.io.owned import write_output
    from scenarios.report.figures import figure_bytes
    from scenarios.sensitivity import check_store, store

    check_table_files(args)
    results = load_results(args.dir)
    workers = args.workers or default_workers()
    started = time.perf_counter()

    def progress(what: str, every: int = 1) -> Callable[[int, int], None]:
        def say(done: int, total: int) -> None:
            if args.quiet or (done % every and done < total):
                return
            spent = time.perf_counter() - started
            left = f", about {duration(spent / done * (total - done))} left" if done < total else ""
            print(f"importance: {done}/{total} {what}, {duration(spent)}{left}", file=sys.stderr)

        return say

    if args.screen:
        from scenarios.analysis.importance import headline_labels, screen
        from scenarios.labels import short

        scenario = one_scenario(results, args.scenario, args.dir)
        n = int((results.replications["scenario"] == scenario).sum())
        table = screen(results, scenario, progress=progress("parameters screened", every=30))
        quiet = table[~table["detectable"]]
        measures = headline_labels(results, scenario)
        named = with_parameter_labels(table).assign(measure=[short(measures.get(m, m)) for m in table["measure"]])
        print_table(
            named,
            f"screen of {len(table)} uncertain parameters of {scenario} against every measure and expectation "
            f"({n:,} replications; p: Kruskal-Wallis across quintiles of the parameter, "
            "Bonferroni over the measures; spread: largest gap of quintile means, in SDs of the measure)",
        )
        print(f"\n{len(quiet)} parameter(s) with no effect this batch can tell from noise on any measure")
        write_table_files(args, table)
        return 0
    measure = outcome_of(results, args)  # a mistyped outcome is named before the scenario is asked for
    scenario = one_scenario(results, args.scenario, args.dir)
    key = f"{scenario}-{args.outcome}"  # one stored ranking per scenario and outcome, the scenario in its name
    check_store(Path(args.dir), "importance", key, replace=args.overwrite)  # before the forest is grown
    if not args.quiet:
        print(
            f"importance: {args.bootstrap} forests of {args.outcome} in {scenario} on {workers} worker(s)...",
            file=sys.stderr,
        )
    result = parameter_importance(
        results,
        measure,
        scenario,
        bootstrap=args.bootstrap,
        seed=args.seed,
        workers=workers,
        progress=progress("forests grown and scored"),
    )
    print(result.to_text())
    if result.warning:
        print(f"warning: {result.warning}", file=sys.stderr)
    meta = {
        "outcome": f"{args.outcome} in {scenario}",
        "measure": args.outcome,
        "label": result.label,
        "scenario": scenario,
        "replications": result.n,
        "bootstrap": args.bootstrap,
        "seed": args.seed,
        "fit": {"metric": result.metric, "value": result.fit, "lower": result.fit_lower, "upper": result.fit_upper},
    }
    path = store(Path(args.dir), result.table, "importance", key, meta, replace=args.overwrite)
    png = figure_bytes(result.plot(), dpi=120)
    plot = write_output(path.with_suffix(".png"), png, field="dir", replace=args.overwrite)
    print(f"\nranking: {path}\nplot: {plot}")
    write_table_files(args, result.table)
    return 0
