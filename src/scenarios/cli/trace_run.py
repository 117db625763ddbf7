"""`scenarios trace-run CONFIG`: run one replication and print its story: events, why, and the outcome."""

from __future__ import annotations

import argparse
import datetime as dt

from scenarios.cli.args import FILE, SEED, add_allow, add_set, count

NAME = "trace-run"
HELP = "run one replication and print its story: events and why"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", type=FILE, metavar="CONFIG")
    p.add_argument("--seed", type=SEED, default=None, help="batch seed (default: the scenario's)")
    p.add_argument("--replication", type=count(0, 2**63 - 1), default=0, help="replication index within the batch")
    p.add_argument("--all", action="store_true", help="also show reviews that kept the same posture")
    add_set(p)
    add_allow(p)


def run(args: argparse.Namespace) -> int:
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
