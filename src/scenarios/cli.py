"""The `scenarios` command: thin; parses arguments, calls the public API, prints.

Errors the user can fix (`ScenarioError`) print as one block and exit with code 2; `--debug` shows the traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from scenarios.config.inspect import coverage, render_tree, trace_rows
from scenarios.config.loader import load_located, load_scenario
from scenarios.config.schema import Scenario
from scenarios.exceptions import ConfigError, ScenarioError
from scenarios.model.simulation import run_replication

EXIT_USAGE = 2


def _add_set(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
        help="override a value, e.g. --set actors.russia.back_armenia_propensity='very likely' (repeatable)",
    )


def cmd_validate(args: argparse.Namespace) -> int:
    problems = []
    for config in args.configs:
        try:
            load_scenario(config, args.overrides)
            print(f"{config}: ok")
        except ConfigError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ConfigError(problems)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
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
    scenario = load_scenario(args.config, args.overrides)
    rows = trace_rows(scenario)
    report = [r for r in rows if r.kind == "report"]
    assumed = [r for r in rows if r.kind == "assumption"]
    width = max(len(r.path) for r in rows)
    print(f"Judgments of the report ({len(report)} parameters)")
    for r in sorted(report, key=lambda r: (r.para or 0, r.path)):
        print(f"  {r.path:<{width}}  {r.value}")
        print(textwrap.fill(f"\u00b6{r.para} \u201c{r.quote}\u201d", width=110, initial_indent=" " * 6,
                            subsequent_indent=" " * 8))
    print(f"\nModeller's assumptions ({len(assumed)} parameters; the report is silent on these)")
    for r in assumed:
        print(f"  {r.path:<{width}}  {r.value}")
        print(textwrap.fill(r.quote, width=110, initial_indent=" " * 6, subsequent_indent=" " * 6))
    for cov in coverage(scenario):
        print(f"\nCoverage of {cov.source} ({cov.title}): {len(cov.encoded)} of {cov.paragraphs} paragraphs "
              f"encoded ({cov.share:.0%})")
        print("  quotes per paragraph: " + ", ".join(f"\u00b6{p}: {n}" for p, n in cov.encoded.items()))
        print("  not encoded: " + (", ".join(f"\u00b6{p}" for p in cov.missing) or "none"))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(Scenario.model_json_schema(), indent=2, ensure_ascii=False))
    return 0


def cmd_trace_run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.config, args.overrides)
    seed = args.seed if args.seed is not None else (scenario.simulation.seed or 0)
    seq = np.random.SeedSequence(seed).spawn(args.replication + 1)[args.replication]
    result = run_replication(scenario, seq, record_trace=True)
    assert result.events is not None
    start = scenario.simulation.start_date
    import datetime as dt

    for e in result.events:
        if not args.all and e["kind"] == "decision" and " (was " not in e["detail"]:
            continue  # unchanged postures are noise in a story; --all shows them
        day = start + dt.timedelta(days=e["day"])
        print(f"day {e['day']:6.2f} {day:%d %b}  {e['kind']:<16} {e['detail']}")
    print("\nOutcome:")
    for key, value in result.outcome.items():
        if not key.startswith(("first_day.", "taken_day.")) or value is not None:
            print(f"  {key}: {value}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scenarios", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check scenario files; lists every problem with file, line and key")
    p.add_argument("configs", nargs="+", metavar="CONFIG")
    _add_set(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("show", help="the merged scenario, each value with the file and line it comes from")
    p.add_argument("config", metavar="CONFIG")
    p.add_argument("--resolved", action="store_true", help="the validated scenario with defaults and distributions")
    _add_set(p)
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("trace", help="each judgment beside the report's words, and the report's coverage")
    p.add_argument("config", metavar="CONFIG")
    _add_set(p)
    p.set_defaults(func=cmd_trace)

    p = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("trace-run", help="run one replication and print its story: events and why")
    p.add_argument("config", metavar="CONFIG")
    p.add_argument("--seed", type=int, default=None, help="batch seed (default: the scenario's)")
    p.add_argument("--replication", type=int, default=0, help="replication index within the batch")
    p.add_argument("--all", action="store_true", help="also show reviews that kept the same posture")
    _add_set(p)
    p.set_defaults(func=cmd_trace_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except ScenarioError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
