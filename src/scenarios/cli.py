"""The `scenarios` command: thin; parses arguments, calls the public API, prints.

Errors the user can fix (`ScenarioError`) print as one block and exit with code 2; `--debug` shows the
traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import textwrap
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scenarios.config.paths import allowing, is_inside, roots_for
from scenarios.exceptions import ConfigError, ScenarioError

if TYPE_CHECKING:
    from scenarios.config.expectations import Question
    from scenarios.config.schema import Scenario
    from scenarios.engine.options import RunOptions

EXIT_USAGE = 2


def _add_set(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a value, e.g. --set actors.russia.back_armenia_propensity='very likely' (repeatable)",
    )


def _count(least: int) -> Callable[[str], int]:
    """An argparse type: an integer of at least `least` (argparse names the flag in its error)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be at least {least}, got {value}")
        return value

    return parse


def _add_allow(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--allow-path",
        dest="allow_path",
        action="append",
        default=[],
        metavar="DIR",
        help="let `extends:` and `sources:` name files in DIR too (repeatable; default: only the scenario's folder)",
    )


def cmd_validate(args: argparse.Namespace) -> int:
    from scenarios.config.loader import load_scenario

    problems = []
    for config in args.configs:
        try:
            load_scenario(config, args.overrides)
            print(f"{config}: ok")
        except ConfigError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ConfigError(list(dict.fromkeys(problems)))  # a bad --set is reported once, not once per file
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from scenarios.config.inspect import render_tree
    from scenarios.config.loader import load_located, load_scenario

    if args.resolved:
        scenario = load_scenario(args.config, args.overrides)
        print(json.dumps(scenario.model_dump(mode="json"), indent=2, ensure_ascii=False))
        print("\n# parameters as drawn per replication (dotted path: distribution; where it was set)")
        from scenarios.config.inspect import describe_spec

        for path, spec in scenario.parameter_specs().items():
            print(f"{path}: {describe_spec(spec)}  # {scenario.origin_of(path)}")
        return 0
    load_scenario(args.config, args.overrides)  # validate first: never show a tree that would not load
    print(render_tree(load_located(args.config, args.overrides)))
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    from scenarios.config.inspect import coverage, trace_rows
    from scenarios.config.loader import load_scenario

    scenario = load_scenario(args.config, args.overrides)
    rows = trace_rows(scenario)
    report = [r for r in rows if r.kind == "report"]
    assumed = [r for r in rows if r.kind == "assumption"]
    width = max(len(r.path) for r in rows)
    print(f"Judgments of the report ({len(report)} parameters)")
    for r in sorted(report, key=lambda r: (r.para or 0, r.path)):
        print(f"  {r.path:<{width}}  {r.value}")
        quote = f"\u00b6{r.para} \u201c{r.quote}\u201d"
        print(textwrap.fill(quote, width=110, initial_indent=" " * 6, subsequent_indent=" " * 8))
    print(f"\nModeller's assumptions ({len(assumed)} parameters; the report is silent on these)")
    for r in assumed:
        print(f"  {r.path:<{width}}  {r.value}")
        print(textwrap.fill(r.quote, width=110, initial_indent=" " * 6, subsequent_indent=" " * 6))
    for cov in coverage(scenario):
        print(
            f"\nCoverage of {cov.source} ({cov.title}): {len(cov.covered)} of {cov.paragraphs} paragraphs "
            f"covered ({cov.share:.0%}): {len(cov.encoded)} by parameters, {len(cov.expected)} by expectations, "
            f"{len(cov.both)} by both"
        )
        print("  parameter quotes per paragraph: " + ", ".join(f"\u00b6{p}: {n}" for p, n in cov.encoded.items()))
        print(
            "  expectations per paragraph: " + (", ".join(f"\u00b6{p}: {n}" for p, n in cov.expected.items()) or "none")
        )
        print("  not covered: " + (", ".join(f"\u00b6{p}" for p in cov.missing) or "none"))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from scenarios.config.schema import Scenario

    if args.markdown:
        from scenarios.config.reference import markdown_reference

        print(markdown_reference())
        return 0
    print(json.dumps(Scenario.model_json_schema(), indent=2, ensure_ascii=False))
    return 0


def cmd_trace_run(args: argparse.Namespace) -> int:
    from scenarios.config.loader import load_scenario
    from scenarios.engine.plan import resolve_seed
    from scenarios.engine.seeding import replication_seed
    from scenarios.model.simulation import run_replication

    scenario = load_scenario(args.config, args.overrides)
    seed = resolve_seed(args.seed, scenario)  # as a batch would: replication i of `scenarios run --seed S`
    print(f"replication {args.replication} of a batch with seed {seed}")
    result = run_replication(scenario, replication_seed(seed, args.replication), record_trace=True)
    assert result.events is not None
    start = scenario.simulation.start_date
    import datetime as dt

    known = scenario.world.ceasefire.known_in_force
    if known is not None and result.outcome["history_redraws"]:
        n = result.outcome["history_redraws"]
        print(
            f"(path {n + 1} of these parameter values: the {'first' if n == 1 else f'first {n}'} ended the start "
            f"ceasefire by the end of {known.until:%d %b %Y}, which the report knew had not happened; "
            "world.ceasefire.known_in_force)"
        )

    for e in result.events:
        if not args.all and (e["kind"] == "answer" or (e["kind"] == "decision" and " (was " not in e["detail"])):
            continue  # unchanged postures and the answers behind each offer line are noise in a story; --all shows them
        day = start + dt.timedelta(days=e["day"])
        print(f"day {e['day']:6.2f} {day:%d %b}  {e['kind']:<16} {e['detail']}")
    print("\nOutcome:")
    for key, value in result.outcome.items():
        if not key.startswith(("first_day.", "taken_day.")) or value is not None:
            print(f"  {key}: {value}")
    return 0


def run_options(args: argparse.Namespace) -> RunOptions:
    """The run options a command's arguments give (each field its flag has, the defaults for the rest)."""
    from scenarios.engine.options import RunOptions

    names = {f.name for f in dataclasses.fields(RunOptions)}
    return RunOptions(**{k: v for k, v in vars(args).items() if k in names})


def cmd_run(args: argparse.Namespace) -> int:
    from scenarios.engine.batch import run_batch

    result = run_batch(args.configs, run_options(args), n=args.n, overrides=args.overrides)
    if result.status == "failed":
        print(f"failed: {result.directory}: {result.reason}", file=sys.stderr)
        return 1
    rate = result.computed / result.seconds if result.seconds > 0 else 0.0
    print(
        f"{result.status}: {len(result.scenarios)} scenario(s) x {result.replications} replications, seed "
        f"{result.seed}, {result.computed} computed in {result.seconds:.1f} s ({rate:,.0f}/s)"
    )
    print(f"results: {result.directory}")
    if result.failures:
        print(f"{result.failures} replication(s) failed: see the errors table ({result.directory}/errors.parquet)")
    print()
    # imported only now: the summary's libraries (lifelines, statsmodels) would otherwise weigh on the driver's
    # memory all through the batch
    from scenarios.analysis.summary import render
    from scenarios.io.load import load_results

    print(render(load_results(result.directory)))
    if args.report is not None:
        from scenarios.report.html import write_report

        path = write_report([result.directory], args.report)
        print(f"\nreport: {path}")
    return 1 if result.failures else 0


def cmd_rerun(args: argparse.Namespace) -> int:
    from scenarios.engine.batch import rerun_manifest

    result = rerun_manifest(args.dir, run_options(args))
    print(f"{result.status}: re-ran {args.dir} into {result.directory}")
    return 0


def _measures_of(results: object, args: argparse.Namespace) -> list[object]:
    """The measures named by --measure (names or expressions), with the batch's and --measures files' definitions."""
    from scenarios.measures import results_measures

    ms = results_measures(results, args.measure_files)  # type: ignore[arg-type]
    out: list[object] = []
    for text in args.measure:
        try:
            out.append(ms.get(text))
        except ScenarioError as exc:
            raise ScenarioError(f"--measure {text}: {exc}") from None
    return out


def cmd_summary(args: argparse.Namespace) -> int:
    from scenarios.analysis.summary import summarize

    results = _load_many(args.dirs)
    print(summarize(results, days=args.days, measures=_measures_of(results, args)).to_text())  # type: ignore[arg-type]
    return 0


def _load_many(dirs: Sequence[str]) -> object:
    from scenarios.analysis.compare import merge_batches
    from scenarios.io.load import load_results

    return merge_batches([load_results(d) for d in dirs])


def cmd_compare(args: argparse.Namespace) -> int:
    from scenarios.analysis.compare import compare, default_measures
    from scenarios.report.figures import available_kinds, make_figure

    results = _load_many(args.dirs)
    measures = _measures_of(results, args) or None
    if measures is not None:
        measures = [*default_measures(args.days), *measures]
    try:
        comparison = compare(results, baseline=args.baseline, measures=measures, days=args.days)  # type: ignore[arg-type]
    except ScenarioError as exc:
        raise ScenarioError(f"--baseline {args.baseline}: {exc}" if args.baseline else str(exc)) from None
    print(comparison.to_text(all=args.all))
    if args.plots:
        folder = Path(args.plots)
        folder.mkdir(parents=True, exist_ok=True)
        for kind in available_kinds(results):  # type: ignore[arg-type]
            make_figure(results, kind).savefig(folder / f"{kind}.png", dpi=120)  # type: ignore[arg-type]
        print(f"plots: {folder}")
    if args.csv:
        comparison.table_.to_csv(args.csv, index=False)
        print(f"table: {args.csv}")
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    from scenarios.report.figures import FORMATS, make_figure

    out = Path(args.output)
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise ScenarioError(f"{out}: unknown image format {out.suffix!r}; use .png, .svg or .pdf")
    fig = make_figure(_load_many(args.dirs), args.kind)  # type: ignore[arg-type]
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, format=fmt, dpi=args.dpi)
    print(out)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from scenarios.report.html import write_report

    print(write_report(args.dirs, args.output, days=args.days))
    return 0


def cmd_measures(args: argparse.Namespace) -> int:
    from scenarios.config.loader import load_scenario
    from scenarios.measures import measure_set

    scenario = load_scenario(args.config, args.overrides) if args.config else None
    ms = measure_set(scenario, args.measure_files)
    width = max(len(m.name) for m in ms)
    print(f"{'measure':<{width}}  {'kind':<11}  {'unit':<11}  label / definition")
    for m in ms:
        definition = f"  = {m.expression}" if m.expression and m.expression != m.name else ""
        print(f"{m.name:<{width}}  {m.kind:<11}  {m.unit:<11}  {m.label}{definition}")
    print(
        "\nAlso: holds_<d>_days for any d, and any expression of the measure language over the columns of the "
        "results (docs/results.md), e.g. --measure 'war_days <= 60 and ceasefire_at_horizon'."
    )
    return 0


def _scenario_arg(text: str) -> Scenario:
    from scenarios.config.loader import load_scenario

    """A YAML file, or a results folder (its first scenario, or DIR:NAME)."""
    from scenarios.config.loader import scenario_from_dump
    from scenarios.io.store import read_manifest

    folder, _, name = text.partition(":") if ":" in text and not Path(text).exists() else (text, "", "")
    if Path(folder).is_dir():
        manifest = read_manifest(Path(folder))
        entries = manifest["scenarios"]
        entry = next((e for e in entries if e["name"] == name), None) if name else entries[0]
        if entry is None:
            raise ScenarioError(f"{folder}: no scenario {name!r}; it holds {', '.join(e['name'] for e in entries)}")
        return scenario_from_dump(entry["config"], f"{folder}/manifest.json", entry.get("origins"))
    return load_scenario(text)


def cmd_diff(args: argparse.Namespace) -> int:
    from scenarios.config.diff import diff_scenarios, render_diff

    a, b = _scenario_arg(args.a), _scenario_arg(args.b)
    print(render_diff(diff_scenarios(a, b), args.a, args.b))
    return 0


def cmd_whatif(args: argparse.Namespace) -> int:
    from scenarios import whatif
    from scenarios.config.diff import render_diff

    if args.sweep:
        if args.tweaks:
            raise ScenarioError("give either --set (a what-if) or --sweep (a sweep), not both")
        return _sweep(args)
    if args.save:  # before the batch runs: a refused name must not cost a run
        whatif.check_save_target(args.config, args.save, args.replace_saved)
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


def _sweep(args: argparse.Namespace) -> int:
    from scenarios import whatif
    from scenarios.io.load import load_results

    sweep = whatif.run_sweep(args.config, args.sweep, run_options(args), overrides=args.overrides, n=args.n or 400)
    table = whatif.sweep_table(load_results(sweep.batch.directory), sweep.grid)
    _print_ranked(table, f"Headline figures per swept value ({args.n or 400} replications each, 95% intervals)")
    folder = whatif.write_sweep_outputs(sweep, table)
    print(f"\nresults: {sweep.batch.directory}\nplots: {folder}")
    return 0


def _print_ranked(table: object, title: str) -> None:
    import pandas as pd

    assert isinstance(table, pd.DataFrame)
    print(title)
    with pd.option_context("display.width", 160, "display.max_rows", 200, "display.float_format", "{:.3f}".format):
        print(table.to_string(index=False))


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from scenarios.sensitivity import estimate, run_sensitivity

    options = run_options(args)
    study = dict(method=args.method, n=args.n, params=args.params, overrides=args.overrides, by=args.by)
    if not args.resume:
        runs, seconds = estimate(args.config, options, stability=args.stability, **study)
        print(f"{args.method}: {runs:,} model runs, about {_duration(seconds)} (timed on 3 replications)", flush=True)
    result = run_sensitivity(
        args.config,
        options,
        outcome=args.outcome,
        measure_files=args.measure_files,
        stability=args.stability,
        **study,
    )
    if result.second is not None:
        print(f"second design (seed {result.second.batch.seed}): {result.second.batch.directory}")
    print(result.to_text())
    if result.warning:
        print(f"warning: {result.warning}", file=sys.stderr)
    plot = result.path.with_suffix(".png")
    result.plot().savefig(plot, dpi=120)
    print(f"\nindices: {result.path}\nplot: {plot}")
    return 0


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def cmd_importance(args: argparse.Namespace) -> int:
    from scenarios.analysis.importance import parameter_importance
    from scenarios.io.load import load_results
    from scenarios.plots.sensitivity import tornado
    from scenarios.sensitivity import store

    results = load_results(args.dir)
    if args.screen:
        from scenarios.analysis.importance import screen

        table = screen(results, args.scenario)
        quiet = table[~table["detectable"]]
        _print_ranked(
            table,
            f"screen of {len(table)} uncertain parameters against every measure and expectation "
            f"({len(results.replications)} replications; p: Kruskal-Wallis across quintiles of the parameter, "
            "Bonferroni over the measures; spread: largest gap of quintile means, in SDs of the measure)",
        )
        print(f"\n{len(quiet)} parameter(s) with no effect this batch can tell from noise on any measure")
        return 0
    measure = _outcome(results, args)
    table = parameter_importance(results, measure, args.scenario, bootstrap=args.bootstrap, seed=args.seed)
    _print_ranked(table, f"permutation importance for {args.outcome} ({len(results.replications)} replications)")
    path = store(Path(args.dir), table, "importance", args.outcome, {"bootstrap": args.bootstrap})
    plot = path.with_suffix(".png")
    tornado(table, args.outcome).savefig(plot, dpi=120)
    print(f"\nplot: {plot}")
    return 0


def _outcome(results: object, args: argparse.Namespace) -> Any:
    """The measure --outcome names (a name or an expression), or a ScenarioError naming the flag."""
    from scenarios.measures import results_measures

    try:
        return results_measures(results, args.measure_files).get(args.outcome)  # type: ignore[arg-type]
    except ScenarioError as exc:
        raise ScenarioError(f"--outcome {args.outcome}: {exc}") from None


def cmd_discover(args: argparse.Namespace) -> int:
    from scenarios.analysis.discovery import boxes_table, discover, discover_prim
    from scenarios.config.inspect import judgment_groups
    from scenarios.config.loader import scenario_from_dump
    from scenarios.io.load import load_results

    results = load_results(args.dir)
    measure = _outcome(results, args)
    if args.method == "prim":
        found, base = discover_prim(results, measure, args.scenario, max_dims=args.depth, boxes=args.boxes)
    else:
        found, base = discover(results, measure, args.scenario, max_depth=args.depth, boxes=args.boxes)
    print(f"{args.outcome}: {base:.1%} of all replications")
    if not found:
        print("no box of assumptions makes it more likely than that")
        return 0
    name = args.scenario or results.scenarios[0]
    spec = scenario_from_dump(results.scenario_config(name), f"{results.directory}/manifest.json")
    _print_ranked(
        boxes_table(found, judgment_groups(spec)),
        f"{args.method.upper()} boxes where it is most likely (coverage: share of all such cases inside; "
        "density: share inside that are such cases; judgments: what the report says about the parameters restricted)",
    )
    if args.method == "prim":
        from scenarios.plots.sensitivity import peeling_trajectory
        from scenarios.sensitivity import slug

        for i, box in enumerate(found, 1):
            assert box.trajectory is not None
            plot = Path(args.dir) / f"discover-prim-{slug(args.outcome)}-box{i}.png"
            reported = (box.coverage, box.density)
            peeling_trajectory(box.trajectory, args.outcome, i, reported).savefig(plot, dpi=120)
            print(f"peeling trajectory: {plot}")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from scenarios.analysis.history_matching import implausibility_frame
    from scenarios.calibrate import calibrate, calibrated_yaml, joint_sample_csv, sample_file, verify
    from scenarios.io.atomic import write_atomic
    from scenarios.plots.calibration import implausibility_by_wave, surviving_pairs
    from scenarios.whatif import check_save_target

    config = Path(args.config)
    target = Path(args.save) if args.save else config.with_name(f"{config.stem}-calibrated.yaml")
    check_save_target(config, target, args.replace_saved)  # refuse before hours of runs, not after
    if sample_file(target).exists() and not args.replace_saved:
        raise ScenarioError(f"{sample_file(target)}: the calibrated scenario's sample exists; --force replaces it")
    options = run_options(args)
    result = calibrate(
        config,
        options,
        waves=args.waves,
        points=args.points,
        n=args.n,
        cut=args.cut,
        params=args.params,
        overrides=args.overrides,
    )
    print(f"free parameters: {len(result.free)}; targets: {len(result.targets)} expectations with a band")
    for wave in result.waves:
        print(f"wave {wave.number}: {len(wave.points)} points x {result.n} replications")
    print(
        f"ruled out: {result.ruled_out:.1%} of the space of the free parameters ({len(result.survivors):,} of the "
        "candidates survive)"
    )
    folder = result.directory
    implausibility_by_wave(implausibility_frame(result), args.cut).savefig(folder / "calibration-waves.png", dpi=120)
    print(f"plot: {folder / 'calibration-waves.png'}")
    if result.survivors.empty:
        print("nothing survives: the expectations conflict, or the model cannot express them; each alone rules out:")
        for name, share in result.conflicts.items():
            print(f"  {name:40s} {share:.0%} of the space")
        return 1
    shrink = result.shrinkage()
    ranges = result.ranges()
    print("most constrained (spread left: survivors' sd over the original's; range of the survivors):")
    for name in shrink.index[:10]:
        lo, hi = ranges[name]
        print(f"  {name:60s} {shrink[name]:4.0%}  [{lo:.4g}, {hi:.4g}]")
    top = list(shrink.index[:3])
    surviving_pairs(result.survivors, top, result.ruled_out).savefig(folder / "calibration-region.png", dpi=120)
    print(f"plot: {folder / 'calibration-region.png'}")
    if result.ruled_out > 0:
        write_atomic(sample_file(target), joint_sample_csv(result).encode())  # before the scenario that names it
    write_atomic(target, calibrated_yaml(result, config, target).encode())
    print(f"calibrated scenario: {target}" + (f" (joint sample: {sample_file(target)})" if result.ruled_out else ""))
    if args.no_check:
        return 0
    verified, report = verify(result, config, target, options, overrides=args.overrides)
    print("\nthe original and the calibrated scenario, run on the same seeds and checked (not emulated):")
    print(verified.to_text())
    print(f"report: {report}")
    return 1 if not verified.inconsistent.empty else 0


def cmd_check(args: argparse.Namespace) -> int:
    from scenarios.checking import run_check

    run = run_check(args.targets, run_options(args), n=args.n, overrides=args.overrides)
    result, folder = run.check, run.directory
    if run.ran:
        print(f"results: {folder}")
    print(result.to_text())
    for name in result.scenarios:
        result.plot(name).savefig(folder / f"check-{name}.png", dpi=110)
        print(f"plot: {folder / f'check-{name}.png'}")
    if args.strict and not result.inconsistent.empty:
        print(f"\n--strict: {len(result.inconsistent)} judgment(s) inconsistent with the report", file=sys.stderr)
        return 1
    return 0


def _questions(args: argparse.Namespace) -> dict[str, Question] | None:
    from scenarios.config.expectations import load_questions

    return load_questions(args.questions) if args.questions else None


def cmd_forecast(args: argparse.Namespace) -> int:
    from scenarios.analysis.questions import forecast
    from scenarios.io.load import load_results

    questions = _questions(args)  # a bad question file fails before the results are read
    fc = forecast(load_results(args.dir), questions)
    if fc.table.empty:
        raise ScenarioError(f"{args.dir}: its scenarios ask no `questions:`; give --questions FILE")
    print(fc.to_text())
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from scenarios.analysis.questions import MIN_FOR_DIAGRAM, enough_for_diagram, forecast, score
    from scenarios.io.load import load_results

    questions = _questions(args)
    sc = score(forecast(load_results(args.dir), questions))
    print(sc.to_text())
    if enough_for_diagram(sc):
        plot = Path(args.plot) if args.plot else Path(args.dir) / "reliability.png"
        sc.plot().savefig(plot, dpi=120)
        print(f"\nreliability diagram: {plot}")
    else:
        print(f"\n(a reliability diagram needs at least {MIN_FOR_DIAGRAM} resolved yes-no questions)")
    return 0


def _add_executor(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=_count(1), default=None, help="worker processes (default: one per core)")
    p.add_argument(
        "--executor",
        choices=("serial", "process", "dask"),
        default="process",
        help="serial: in this process; process: a process pool (default); dask: a Dask cluster",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="with --executor dask: a running scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster)",
    )
    p.add_argument("--overwrite", action="store_true", help="replace the results already in the output folder")
    p.add_argument("--quiet", action="store_true", help="no progress output")


def _add_measures(p: argparse.ArgumentParser, choose: bool = True) -> None:
    if choose:
        p.add_argument(
            "--measure",
            action="append",
            default=[],
            metavar="NAME|EXPR",
            help="also show this measure: a name (`scenarios measures`) or an expression (repeatable)",
        )
    p.add_argument(
        "--measures",
        dest="measure_files",
        action="append",
        default=[],
        metavar="FILE",
        help="a YAML file of more measures (measures: {name: {expression: ...}}) (repeatable)",
    )


class _Version(argparse.Action):
    """--version, reading the installed version only when asked (keeps `--help` fast)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        import scenarios

        print(f"scenarios {scenarios.__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scenarios", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("--version", action=_Version, nargs=0, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check scenario files; lists every problem with file, line and key")
    p.add_argument("configs", nargs="+", metavar="CONFIG")
    _add_set(p)
    _add_allow(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("show", help="the merged scenario, each value with the file and line it comes from")
    p.add_argument("config", metavar="CONFIG")
    p.add_argument("--resolved", action="store_true", help="the validated scenario with defaults and distributions")
    _add_set(p)
    _add_allow(p)
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("trace", help="each judgment beside the report's words, and the report's coverage")
    p.add_argument("config", metavar="CONFIG")
    _add_set(p)
    _add_allow(p)
    p.set_defaults(func=cmd_trace)

    p = sub.add_parser("run", help="run a Monte Carlo batch of one or more scenarios and print its summary")
    p.add_argument("configs", nargs="+", metavar="CONFIG")
    p.add_argument(
        "--n", type=_count(1), default=None, help="replications per scenario (default: simulation.replications)"
    )
    p.add_argument("--seed", type=_count(0), default=None, help="batch seed (default: simulation.seed, else random)")
    p.add_argument("--out", default=None, help="results folder (default: <simulation.output_dir>/<names>)")
    p.add_argument("--resume", action="store_true", help="finish an interrupted batch in --out")
    p.add_argument("--force", action="store_true", help="with --resume: accept a changed config or code version")
    p.add_argument(
        "--chunk-size", type=_count(1), default=None, help="replications per chunk (does not change results)"
    )
    p.add_argument("--fail-fast", action="store_true", help="stop at the first replication that raises")
    p.add_argument("--report", default=None, metavar="FILE", help="also write the HTML report to FILE")
    _add_executor(p)
    _add_set(p)
    _add_allow(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("rerun", help="run again the batch a results folder's manifest describes")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--out", required=True, help="folder for the new results")
    _add_executor(p)
    p.set_defaults(func=cmd_rerun)

    p = sub.add_parser("summary", help="the key figures of one or more results folders")
    p.add_argument("dirs", nargs="+", metavar="DIR")
    p.add_argument("--days", type=float, nargs="+", default=[7, 30, 90], help="durations for P(holds d days)")
    _add_measures(p)
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("compare", help="what changed between scenarios, with intervals; optionally plots")
    p.add_argument("dirs", nargs="+", metavar="DIR")
    p.add_argument("--baseline", default=None, help="scenario to compare against (default: the first)")
    p.add_argument("--plots", default=None, metavar="FOLDER", help="write every comparison plot here")
    p.add_argument("--csv", default=None, metavar="FILE", help="write the full table as CSV")
    p.add_argument("--all", action="store_true", help="show every measure, not only significant ones")
    p.add_argument("--days", type=float, nargs="+", default=[7, 30, 90], help="durations for P(holds d days)")
    _add_measures(p)
    p.set_defaults(func=cmd_compare)

    from scenarios.plots.kinds import KINDS

    p = sub.add_parser("plot", help="one plot of one or more results folders (PNG, SVG or PDF by suffix)")
    p.add_argument("dirs", nargs="+", metavar="DIR")
    p.add_argument("--kind", required=True, choices=KINDS)
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--dpi", type=_count(1), default=150)
    p.set_defaults(func=cmd_plot)

    p = sub.add_parser("report", help="the self-contained HTML report of one or more results folders")
    p.add_argument("dirs", nargs="+", metavar="DIR")
    p.add_argument("-o", "--output", default="report.html", metavar="FILE")
    p.add_argument("--days", type=float, nargs="+", default=[7, 30, 90], help="durations for P(holds d days)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("measures", help="the measures (named outcomes) a command can use, with label, unit and kind")
    p.add_argument("config", nargs="?", default=None, metavar="CONFIG", help="also the measures this scenario defines")
    p.add_argument(
        "--measures", dest="measure_files", action="append", default=[], metavar="FILE", help="more measures (YAML)"
    )
    _add_set(p)
    p.set_defaults(func=cmd_measures)

    p = sub.add_parser("diff", help="the assumptions that differ between two scenarios (files or results folders)")
    p.add_argument("a", metavar="A", help="a YAML file, or a results folder (DIR or DIR:NAME)")
    p.add_argument("b", metavar="B")
    _add_allow(p)
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("whatif", help="run a scenario and a tweaked copy paired; print what changed, plot, report")
    p.add_argument("config", metavar="CONFIG")
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
    p.add_argument("--n", type=_count(1), default=None, help="pairs (default: chosen from a pilot's paired variance)")
    p.add_argument("--seed", type=_count(0), default=None)
    p.add_argument("--out", default=None, help="results folder (default: results/<name>-whatif)")
    p.add_argument("--save", default=None, metavar="NAME.yaml", help="keep the tweak as a scenario file")
    p.add_argument("--note", default=None, help="why (written into the saved scenario)")
    _add_measures(p)
    p.add_argument("--force", dest="replace_saved", action="store_true", help="with --save: replace an existing file")
    p.add_argument("--workers", type=_count(1), default=None)
    p.add_argument("--executor", choices=("serial", "process", "dask"), default="process")
    p.add_argument("--quiet", action="store_true", default=True, help=argparse.SUPPRESS)
    _add_allow(p)
    p.set_defaults(func=cmd_whatif)

    p = sub.add_parser("sensitivity", help="which assumptions matter most: Sobol or Morris over the uncertain ones")
    p.add_argument("config", metavar="CONFIG")
    p.add_argument("--method", choices=("sobol", "morris"), default="sobol")
    p.add_argument(
        "--outcome",
        default="holds_30_days",
        help="a measure (`scenarios measures`) or an expression (default: holds_30_days)",
    )
    p.add_argument(
        "--n",
        type=_count(1),
        default=256,
        help="base sample size: Sobol runs n(d+2) replications, Morris n(d+1) (default 256)",
    )
    p.add_argument(
        "--params",
        action="append",
        default=[],
        metavar="PATTERN",
        help="glob of parameter paths to study, e.g. 'actors.russia.*' (repeatable; default: all)",
    )
    p.add_argument(
        "--by",
        choices=("parameter", "judgment", "paragraph"),
        default="parameter",
        help="index each parameter, or group them by the report's judgment (quote) or paragraph they encode; "
        "assumptions group by a `group:` key or by section (default: parameter)",
    )
    p.add_argument(
        "--stability",
        action="store_true",
        help="run a second design with the next seed and print the rank correlation of the two rankings",
    )
    p.add_argument("--seed", type=_count(0), default=None)
    p.add_argument("--out", default=None)
    p.add_argument("--resume", action="store_true", help="finish an interrupted analysis in --out")
    _add_measures(p, choose=False)
    _add_executor(p)
    _add_set(p)
    _add_allow(p)
    p.set_defaults(func=cmd_sensitivity)

    p = sub.add_parser("importance", help="rank parameters by their influence on an outcome, from any batch")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--outcome", default="holds_30_days", help="a measure name or an expression")
    p.add_argument("--scenario", default=None, help="which scenario of the batch (default: the first)")
    _add_measures(p, choose=False)
    p.add_argument("--bootstrap", type=_count(1), default=10, help="refits for the intervals")
    p.add_argument("--seed", type=_count(0), default=0)
    p.add_argument(
        "--screen",
        action="store_true",
        help="instead: test every parameter against every measure and expectation; list those with no effect",
    )
    p.set_defaults(func=cmd_importance)

    p = sub.add_parser("discover", help="the boxes of assumptions that make a 0/1 outcome likely (CART or PRIM)")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--outcome", default="holds_90_days", help="a true/false measure or expression")
    p.add_argument("--scenario", default=None)
    _add_measures(p, choose=False)
    p.add_argument("--method", choices=("cart", "prim"), default="cart", help="a classification tree, or PRIM")
    p.add_argument("--depth", type=_count(1), default=3, help="at most this many parameters restricted per box")
    p.add_argument("--boxes", type=_count(1), default=3)
    p.set_defaults(func=cmd_discover)

    p = sub.add_parser(
        "calibrate", help="history matching: the values of the assumptions that agree with the report's expectations"
    )
    p.add_argument("config", metavar="CONFIG")
    p.add_argument("--waves", type=_count(1), default=3, help="at most this many waves (default 3)")
    p.add_argument("--points", type=_count(5), default=60, help="design points per wave (default 60)")
    p.add_argument("--n", type=_count(10), default=150, help="replications per design point (default 150)")
    p.add_argument("--cut", type=float, default=3.0, help="implausibility beyond which a point is ruled out (3)")
    p.add_argument(
        "--params",
        action="append",
        default=[],
        metavar="PATTERN",
        help="glob of parameters to calibrate (default: every uncertain `assumption:` that is not aleatory)",
    )
    p.add_argument("--seed", type=_count(0), default=None)
    p.add_argument("--out", default=None, help="results folder (default: <output_dir>/<name>-calibration)")
    p.add_argument(
        "--save", default=None, help="the calibrated scenario (default: CONFIG's folder, <name>-calibrated.yaml)"
    )
    p.add_argument("--force", dest="replace_saved", action="store_true", help="replace an existing --save file")
    p.add_argument("--no-check", action="store_true", help="do not run and check the calibrated scenario")
    _add_executor(p)
    _add_set(p)
    _add_allow(p)
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser("check", help="does the model say what the report says? each expectation against a batch")
    p.add_argument(
        "targets", nargs="+", metavar="CONFIG|DIR", help="scenario files (a batch is run) or a results folder"
    )
    p.add_argument("--strict", action="store_true", help="exit 1 if any judgment is too high or too low")
    p.add_argument("--n", type=int, default=None, help="replications per scenario (default: enough for a 5-point miss)")
    p.add_argument("--seed", type=int, default=None, help="batch seed (default: simulation.seed, else random)")
    p.add_argument("--out", default=None, help="results folder (default: <simulation.output_dir>/<names>-check)")
    _add_executor(p)
    _add_set(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("forecast", help="each forecast question's probability (or quantiles) from a results folder")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--questions", default=None, metavar="FILE", help="a question file (default: the scenarios' own)")
    p.set_defaults(func=cmd_forecast)

    p = sub.add_parser("score", help="Brier, log and CRPS scores of the resolved questions, with a reliability diagram")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--questions", default=None, metavar="FILE", help="a question file with resolutions")
    p.add_argument("--plot", default=None, metavar="FILE", help="reliability diagram (default: DIR/reliability.png)")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    p.add_argument("--markdown", action="store_true", help="the key reference as a Markdown table instead")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("trace-run", help="run one replication and print its story: events and why")
    p.add_argument("config", metavar="CONFIG")
    p.add_argument("--seed", type=_count(0), default=None, help="batch seed (default: the scenario's)")
    p.add_argument("--replication", type=_count(0), default=0, help="replication index within the batch")
    p.add_argument("--all", action="store_true", help="also show reviews that kept the same posture")
    _add_set(p)
    _add_allow(p)
    p.set_defaults(func=cmd_trace_run)
    return parser


def render_error(exc: ScenarioError, flag: Callable[[str], str] | None = None) -> str:
    """One block: each problem of a ConfigError on its own `error:` line (with its hint), then a count; an error
    about an option names it by its flag (`flag`: field -> flag)."""
    if isinstance(exc, ConfigError) and exc.problems:
        lines = [f"error: {p.render()}" for p in exc.problems]
        if len(lines) > 1:
            lines.append(f"{len(lines)} problems found")
        return "\n".join(lines)
    return f"error: {exc.render(flag) if flag is not None else exc}"


def flag_names(parser: argparse.ArgumentParser, command: str) -> Callable[[str], str]:
    """field -> the flag of `command` that sets it (by argparse `dest`: --chunk-size for chunk_size, --set for
    overrides, --base for a what-if's overrides); a field the command has no flag for is named as a flag would be."""
    flags: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            for option in action.choices[command]._actions:
                long = [o for o in option.option_strings if o.startswith("--")]
                if long:
                    flags.setdefault(option.dest, long[0])
    return lambda field: flags.get(field, "--" + field.replace("_", "-"))


def _show_warning(message: Warning | str, category: type[Warning], *args: object, **kwargs: object) -> None:
    """Warnings for users (partial batches, unpaired comparisons) as one plain line, not a source location."""
    print(f"warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    if not args.debug:
        warnings.showwarning = _show_warning
    try:
        with allowing(getattr(args, "allow_path", [])):
            return func(args)
    except ScenarioError as exc:
        if args.debug:
            raise
        print(render_error(exc, flag_names(parser, args.command)), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
