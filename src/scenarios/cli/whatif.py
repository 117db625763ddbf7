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
    add_table_files,
    add_yes,
    check_table_files,
    count,
    run_options,
    text,
    write_table_files,
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
        help="one scenario per value, each compared pair by pair with the reference value (repeat once more for a "
        "two-key heat map)",
    )
    p.add_argument(
        "--base",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an override applied to both arms",
    )
    p.add_argument(
        "--n",
        type=count(1),
        default=None,
        help="pairs, a sweep: replications per value (default: chosen from a pilot's paired variance)",
    )
    p.add_argument("--seed", type=SEED, default=None)
    p.add_argument("--out", type=FOLDER, default=None, help="results folder (default: results/<name>-whatif)")
    p.add_argument(
        "--save",
        type=FILE,
        default=None,
        metavar="NAME.yaml",
        help="keep the tweak as a scenario file (a sweep: each value as NAME-<value>.yaml)",
    )
    p.add_argument("--note", type=text(2000), default=None, help="with --save: why (written into the saved scenario)")
    add_measures(
        p,
        help="also show this measure (a sweep: show only these): a name (`scenarios measures`) or an expression "
        "(repeatable)",
    )
    add_table_files(p)
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

    refuse_save_flags_without_save(args)  # a what-if's and a sweep's, before anything runs
    if args.sweep:
        if args.tweaks:
            raise ScenarioError("give either --set (a what-if) or --sweep (a sweep), not both")
        return sweep(args)
    check_table_files(args)
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
    write_table_files(args, result.table)
    if args.save:
        saved = whatif.save_whatif(args.config, args.tweaks, args.save, args.note, args.replace_saved)
        outside = not is_inside(Path(args.config), roots_for(saved))
        allow = f" --allow-path {Path(args.config).resolve().parent}" if outside else ""
        print(f"saved as a scenario: {saved} (run it with: scenarios run {saved}{allow})")
    return 0


def refuse_save_flags_without_save(args: argparse.Namespace) -> None:
    """`--note` and `--force` only say how `--save` writes its scenario: either without `--save` is refused by name,
    not ignored."""
    for flag, given in (("--note", args.note is not None), ("--force", args.replace_saved)):
        if given and not args.save:
            raise ScenarioError(
                f"{flag} applies only with --save (it says how the saved scenario is written); give --save NAME.yaml "
                f"too, or drop {flag}"
            )


def sweep(args: argparse.Namespace) -> int:
    """A sweep: every flag of the what-if's that a sweep uses is honoured, any other is refused by name (`--note`
    and `--force` without `--save`: `refuse_save_flags_without_save`, as for a what-if)."""
    from scenarios import sweep
    from scenarios.config.paths import is_inside, roots_for

    check_table_files(args)
    if args.save:  # before the batch runs, as for a what-if
        sweep.check_sweep_save(args.config, args.sweep, args.save, args.note, args.replace_saved, args.overrides)
    try:
        result = sweep.run_sweep(
            args.config,
            args.sweep,
            run_options(args),
            overrides=args.overrides,
            n=args.n,
            measures=args.measure,
            measure_files=args.measure_files,
        )
    except ScenarioError as exc:
        if exc.field == "measures":  # the library names its argument; here it is the flag
            raise ScenarioError(exc.render(lambda _: "--measure")) from None
        raise
    print(result.to_text())
    plots_dir, report = sweep.write_sweep_outputs(result)
    print(f"\nresults: {result.batch.directory}\nplots: {plots_dir}\nreport: {report}")
    write_table_files(args, result.table)
    if args.save:
        saved = sweep.save_sweep(args.config, args.sweep, args.save, args.note, args.replace_saved, args.overrides)
        outside = not is_inside(Path(args.config), roots_for(saved[0]))
        allow = f" --allow-path {Path(args.config).resolve().parent}" if outside else ""
        print(f"saved each value as a scenario: {', '.join(map(str, saved))} (run one with: scenarios run "
              f"{saved[0]}{allow})")  # fmt: skip
    return 0
