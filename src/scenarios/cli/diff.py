"""`scenarios diff A B`: the assumptions that differ between two scenarios (files or results folders)."""

from __future__ import annotations

import argparse

from scenarios.cli.args import FILE, add_allow, scenario_arg

HELP = "the assumptions that differ between two scenarios (files or results folders)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", type=FILE, metavar="A", help="a YAML file, or a results folder (DIR or DIR:NAME)")
    p.add_argument("b", type=FILE, metavar="B")
    add_allow(p)


def run(args: argparse.Namespace) -> int:
    from scenarios.config.diff import diff_scenarios, render_diff

    a, b = scenario_arg(args.a), scenario_arg(args.b)
    print(render_diff(diff_scenarios(a, b), args.a, args.b))
    return 0
