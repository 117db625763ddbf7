"""`scenarios validate CONFIG...`: check files; every problem of a file at once, with file, line, key and a fix."""

from __future__ import annotations

import argparse

from scenarios.cli.args import FILE, add_allow, add_set
from scenarios.exceptions import ConfigError

HELP = "check scenario files; lists every problem with file, line and key"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("configs", nargs="+", type=FILE, metavar="CONFIG")
    add_set(p)
    add_allow(p)


def run(args: argparse.Namespace) -> int:
    from scenarios.config.loader import load_scenario
    from scenarios.engine.probe import check_runs, references_for

    problems = []
    for config in args.configs:
        try:
            scenario = load_scenario(config, args.overrides)
            check_runs(scenario, references_for(config, args.overrides), config)  # values no replication survives
            print(f"{config}: ok")
        except ConfigError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ConfigError(list(dict.fromkeys(problems)))  # a bad --set is reported once, not once per file
    return 0
