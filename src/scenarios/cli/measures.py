"""`scenarios measures [CONFIG]`: the measures every command can use, with kind, unit, label and definition."""

from __future__ import annotations

import argparse

from scenarios.cli.args import FILE, add_measures, add_set

HELP = "the measures (named outcomes) a command can use, with label, unit and kind"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "config", nargs="?", type=FILE, default=None, metavar="CONFIG", help="also the measures this scenario defines"
    )
    add_measures(p, choose=False)
    add_set(p)


def run(args: argparse.Namespace) -> int:
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
