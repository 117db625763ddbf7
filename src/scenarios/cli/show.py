"""`scenarios show CONFIG`: the merged scenario with the file and line (or --set) of every value."""

from __future__ import annotations

import argparse
import json

from scenarios.cli.args import FILE, add_allow, add_set

HELP = "the merged scenario, each value with the file and line it comes from"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", type=FILE, metavar="CONFIG")
    p.add_argument("--resolved", action="store_true", help="the validated scenario with defaults and distributions")
    add_set(p)
    add_allow(p)


def run(args: argparse.Namespace) -> int:
    from scenarios.config.inspect import describe_spec, render_tree
    from scenarios.config.loader import load_located, load_scenario

    if args.resolved:
        scenario = load_scenario(args.config, args.overrides)
        print(json.dumps(scenario.model_dump(mode="json"), indent=2, ensure_ascii=False))
        print("\n# parameters as drawn per replication (dotted path: distribution; where it was set)")
        for path, spec in scenario.parameter_specs().items():
            print(f"{path}: {describe_spec(spec)}  # {scenario.origin_of(path)}")
        return 0
    load_scenario(args.config, args.overrides)  # validate first: never show a tree that would not load
    print(render_tree(load_located(args.config, args.overrides)))
    return 0
