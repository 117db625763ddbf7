"""`scenarios calibrate CONFIG`: history matching of the free assumptions to the scenario's own expectations."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from scenarios.cli.args import FILE, FOLDER, SEED, add_allow, add_executor, add_set, count, number, run_options

HELP = "history matching: the values of the assumptions that agree with the report's expectations"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", type=FILE, metavar="CONFIG")
    p.add_argument("--waves", type=count(1, 20), default=3, help="at most this many waves (default 3)")
    p.add_argument("--points", type=count(5, 10_000), default=60, help="design points per wave (default 60)")
    p.add_argument("--n", type=count(10), default=150, help="replications per design point (default 150)")
    p.add_argument(
        "--cut",
        type=number(0, 100, above=True),
        default=3.0,
        help="implausibility beyond which a point is ruled out (3)",
    )
    p.add_argument(
        "--params",
        action="append",
        default=[],
        metavar="PATTERN",
        help="glob of parameters to calibrate (default: every uncertain `assumption:` that is not aleatory)",
    )
    p.add_argument(
        "--data",
        type=FILE,
        default=None,
        metavar="BACKCAST",
        help="also fit the observations (`data:`) of this scenario: a backcast that extends CONFIG from an earlier "
        "start, run at the same points",
    )
    p.add_argument("--seed", type=SEED, default=None)
    p.add_argument("--out", type=FOLDER, default=None, help="results folder (default: <output_dir>/<name>-calibration)")
    p.add_argument(
        "--save",
        type=FILE,
        default=None,
        help="the calibrated scenario (default: <name>-calibrated.yaml in the calibration's folder, --out)",
    )
    p.add_argument("--force", dest="replace_saved", action="store_true", help="replace an existing --save file")
    p.add_argument("--no-check", action="store_true", help="do not run and check the calibrated scenario")
    add_executor(p)
    add_set(p)
    add_allow(p)


def run(args: argparse.Namespace) -> int:
    import sys

    from scenarios.analysis.history_matching import (
        constraint_lines,
        design_warning,
        free_parameters,
        implausibility_curve,
        implausibility_frame,
    )
    from scenarios.calibrate import calibrate, calibrated_target, fit_change, mark_verdict, save_calibrated, verify
    from scenarios.config.loader import load_scenario
    from scenarios.engine.plan import output_directory
    from scenarios.io.owned import write_output
    from scenarios.plots.calibration import implausibility_along, implausibility_by_wave, surviving_pairs
    from scenarios.report.figures import figure_bytes

    options = run_options(args)
    folder = output_directory(options.out, [load_scenario(args.config, args.overrides)], "-calibration")
    target = calibrated_target(args.config, args.save, args.replace_saved, folder)  # refused before any run
    free = free_parameters(load_scenario(args.config, args.overrides), args.params)
    warning = design_warning(args.points, len(free))
    if warning is not None:
        print(warning, file=sys.stderr)  # said before the waves are paid for
    result = calibrate(
        args.config,
        options,
        waves=args.waves,
        points=args.points,
        n=args.n,
        cut=args.cut,
        params=args.params,
        overrides=args.overrides,
        data=args.data,
    )
    observed = sum(t.is_data for t in result.targets)
    print(
        f"free parameters: {len(result.free)}; targets: {len(result.targets) - observed} expectations with a band, "
        f"{observed} observations"
    )
    for wave in result.waves:
        print(f"wave {wave.number}: {len(wave.points)} points x {result.n} replications")
    print(
        f"ruled out: {result.ruled_out:.1%} of the space of the free parameters ({len(result.survivors):,} of the "
        "candidates survive)"
    )
    folder = result.directory
    waves = implausibility_by_wave(implausibility_frame(result), args.cut)
    print(f"plot: {write_output(folder / 'calibration-waves.png', figure_bytes(waves, dpi=120), field='out')}")
    if result.survivors.empty:
        print("nothing survives: the expectations conflict, or the model cannot express them; each alone rules out:")
        for name, share in result.conflicts.items():
            print(f"  {name:40s} {share:.0%} of the space")
        return 1
    shrink = result.shrinkage()
    ranges = result.ranges()
    if result.ruled_out > 0:
        print("\n".join(constraint_lines(shrink, ranges)))
    if len(result.free) == 1:  # a 1-D problem drawn as one: implausibility against the parameter
        name = result.free[0]
        design = implausibility_frame(result)
        spec = result.scenario.parameter_specs()[name]
        design["value"] = [spec.ppf(float(u)) for u in design[name]]
        region = implausibility_along(implausibility_curve(result), design, name, args.cut, result.ruled_out)
    else:
        region = surviving_pairs(result.survivors, list(shrink.index[:3]), result.ruled_out)
    print(f"plot: {write_output(folder / 'calibration-region.png', figure_bytes(region, dpi=120), field='out')}")
    sample = save_calibrated(result, args.config, target)
    print(f"calibrated scenario written: {target}" + (f" (joint sample: {sample})" if sample is not None else ""))
    base = Path(args.config).resolve().parent
    run_it = f"  run it with: scenarios run {target}"
    if not target.resolve().parent.is_relative_to(base):  # it `extends:` CONFIG, a file outside its own folder
        run_it += f" --allow-path {os.path.relpath(base)}"
    if result.ruled_out <= 0:
        print(
            "nothing was ruled out: the calibrated scenario equals the original and changes nothing; not "
            "recommended, the original stands (no check run: both would give the same)"
        )
        return 0
    if args.no_check:
        not_checked = (
            "not checked (--no-check): whether the calibrated ranges fit the report better than the original is "
            "not known; run `scenarios check` on both before using it"
        )
        mark_verdict(result, args.config, target, f"Not checked (--no-check): {not_checked.split(': ', 1)[1]}.")
        print(not_checked)
        print(run_it)
        return 0
    verified, report = verify(result, args.config, target, options, overrides=args.overrides)
    print("\nthe original and the calibrated scenario, run on the same seeds and checked (not emulated):")
    print(verified.to_text())
    fit = fit_change(verified, result.scenario.name, target.stem)
    mark_verdict(result, args.config, target, f"Checked against the original on the same seeds: {fit.to_text()}.")
    print(f"\nfit: {fit.to_text()}")
    if fit.recommended:
        print(run_it)
    print(f"report: {report}")
    return 1 if not verified.inconsistent.empty else 0
