"""`scenarios whatif CONFIG --set K=V` (a what-if) or `--sweep K=[...]` (a sweep): run, print, plot, report."""

from __future__ import annotations

import argparse
from pathlib import Path

from scenarios.cli.args import (
    FILE,
    FOLDER,
    SEED,
    WORKERS,
    add_allow,
    add_measures,
    add_overwrite,
    add_yes,
    count,
    run_options,
    text,
)
from scenarios.exceptions import ScenarioError

HELP = "run a scenario and a tweaked copy paired; print what changed, plot, report"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", type=FILE, metavar="CONFIG")
    p.add_argument(
        "--set", dest="tweaks", action="append", default=[], metavar="KEY=VALUE", help="the tweak (repeatable)"
    )
    p.add_argument(
        "--sweep",
        action="append",
        default=[],
        metavar="KEY=[V1, V2, ...]",
        help="one scenario per value (repeat once more for a two-key heat map)",
    )
    p.add_argument(
        "--base",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an override applied to both arms",
    )
    p.add_argument("--n", type=count(1), default=None, help="pairs (default: chosen from a pilot's paired variance)")
    p.add_argument("--seed", type=SEED, default=None)
    p.add_argument("--out", type=FOLDER, default=None, help="results folder (default: results/<name>-whatif)")
    p.add_argument("--save", type=FILE, default=None, metavar="NAME.yaml", help="keep the tweak as a scenario file")
    p.add_argument("--note", type=text(2000), default=None, help="why (written into the saved scenario)")
    add_measures(p)
    p.add_argument("--force", dest="replace_saved", action="store_true", help="with --save: replace an existing file")
    p.add_argument("--workers", type=WORKERS, default=None)
    p.add_argument("--executor", choices=("serial", "process", "dask"), default="process")
    add_overwrite(p, "the what-if (or sweep) already in the output folder")
    add_yes(p)
    p.add_argument("--quiet", action="store_true", default=True, help=argparse.SUPPRESS)
    add_allow(p)


def run(args: argparse.Namespace) -> int:
    from scenarios import whatif
    from scenarios.config.diff import render_diff
    from scenarios.config.paths import is_inside, roots_for

    if args.sweep:
        if args.tweaks:
            raise ScenarioError("give either --set (a what-if) or --sweep (a sweep), not both")
        return sweep(args)
    if args.save:  # before the batch runs: a refused name, or a file that would not load, must not cost a run
        whatif.check_save(args.config, args.tweaks, args.save, args.note, args.replace_saved)
    result = whatif.run_whatif(
        args.config,
        args.tweaks,
        run_options(args),
        overrides=args.overrides,
        n=args.n,
        measures=args.measure,
        measure_files=args.measure_files,
    )
    print(f"What if {' and '.join(args.tweaks)}?")
    print(render_diff(result.differences, result.base, result.tweaked))
    print(f"\n{result.n_reason}.\n")
    print(whatif.render_table(result))
    plots_dir, report = whatif.write_outputs(result, f"What if {' and '.join(args.tweaks)}")
    print(f"\nresults: {result.batch.directory}\nplots: {plots_dir}\nreport: {report}")
    if args.save:
        saved = whatif.save_whatif(args.config, args.tweaks, args.save, args.note, args.replace_saved)
        outside = not is_inside(Path(args.config), roots_for(saved))
        allow = f" --allow-path {Path(args.config).resolve().parent}" if outside else ""
        print(f"saved as a scenario: {saved} (run it with: scenarios run {saved}{allow})")
    return 0


def sweep(args: argparse.Namespace) -> int:
    from scenarios import whatif

    result = whatif.run_sweep(args.config, args.sweep, run_options(args), overrides=args.overrides, n=args.n or 400)
    print(result.to_text())
    folder = whatif.write_sweep_outputs(result)
    print(f"\nresults: {result.batch.directory}\nplots: {folder}")
    return 0
