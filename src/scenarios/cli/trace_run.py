"""`scenarios trace-run CONFIG`: run one replication and print its story: events, why, and the outcome."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from scenarios.cli.args import FILE, SEED, add_allow, add_set, count

NAME = "trace-run"
HELP = "run one replication and print its story: events and why"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", type=FILE, metavar="CONFIG")
    p.add_argument("--seed", type=SEED, default=None, help="batch seed (default: the scenario's)")
    p.add_argument("--replication", type=count(0, 2**63 - 1), default=0, help="replication index within the batch")
    p.add_argument(
        "--all",
        action="store_true",
        help="also show reviews that kept the same posture, and each violation (not one line per quiet spell)",
    )
    add_set(p)
    add_allow(p)


def run(args: argparse.Namespace) -> int:
    from scenarios.config.loader import load_scenario
    from scenarios.engine.plan import resolve_seed
    from scenarios.engine.seeding import replication_seed
    from scenarios.model.simulation import prepared, run_replication

    scenario = load_scenario(args.config, args.overrides)
    seed = resolve_seed(args.seed, scenario)  # as a batch would: replication i of `scenarios run --seed S`
    print(f"replication {args.replication} of a batch with seed {seed}")
    result = run_replication(scenario, replication_seed(seed, args.replication), record_trace=True)
    assert result.events is not None
    start = scenario.simulation.start_date

    fact = prepared(scenario).known
    if fact is not None and result.outcome["history_redraws"]:
        n = result.outcome["history_redraws"]
        print(
            f"(path {n + 1} of these parameter values: the {'first' if n == 1 else f'first {n}'} formally ended the "
            f"truce by the end of {fact[0].until:%d %b %Y}, which the report knew had not happened; known_in_force)"
        )

    violations: list[dict[str, Any]] = []  # violations since the last other event, told as one line unless --all

    def tell_violations() -> None:
        if not violations:
            return
        by: dict[str, int] = {}
        for v in violations:
            by[v["actor"]] = by.get(v["actor"], 0) + 1
        data = [json.loads(v["data"]) if v["data"] else {} for v in violations]
        killed = sum(d.get("civilians", 0) for d in data)
        cities = sum(bool(d.get("city_strike")) for d in data)
        first, last = violations[0]["day"], violations[-1]["day"]
        span = f"{start + dt.timedelta(days=first):%d %b}"
        days = int(last) - int(first) + 1
        if days > 1:
            span += f"-{start + dt.timedelta(days=last):%d %b}"
        detail = f"{len(violations)} violations in {days} day{'s' if days > 1 else ''} ("
        detail += ", ".join(f"{k} {n}" for k, n in by.items()) + f"): {killed} civilians killed"
        detail += (f", {cities} strikes on cities" if cities else "") + f"; strain {data[-1].get('strain', 0.0):.1f}"
        print(f"day {first:6.2f} {span:<13}  {'violations':<16} {detail}")
        violations.clear()

    for e in result.events:
        changed = " (was " in e["detail"] or " (now " in e["detail"]
        if not args.all and (e["kind"] == "answer" or (e["kind"] == "decision" and not changed)):
            continue  # unchanged postures and the answers behind each offer line are noise in a story; --all shows them
        if not args.all and e["kind"] == "violation":
            violations.append(e)
            continue
        tell_violations()
        day = start + dt.timedelta(days=e["day"])
        print(f"day {e['day']:6.2f} {day:%d %b}  {e['kind']:<16} {e['detail']}")
    tell_violations()
    print("\nOutcome:")
    for key, value in result.outcome.items():
        families = ("first_day.", "taken_day.", "retaken_day.", "decided_day.", "arrived_day.", "flag_day.")
        if not key.startswith(families) or value is not None:
            # four significant figures, as the story's lines: a reader needs day 5.387, not 5.387159986586257
            print(f"  {key}: {value:.4g}" if isinstance(value, float) else f"  {key}: {value}")
    return 0
