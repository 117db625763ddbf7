"""Throughput of one replication of the baseline, in one process, against a bare SimPy loop.

Prints
- replications per second (median over rounds) of `run_replication` on configs/baseline.yaml (180-day horizon);
- SimPy events processed per replication (counted in a separate, untimed pass by wrapping `Environment.step`);
- the time of a bare SimPy loop (one process yielding timeouts) processing the same number of events, measured in
  the same run, and the ratio of the time per replication to it;
- where a replication's time goes outside the event loop (drawing parameters, set-up), for orientation;
- posture changes per replication per track (mean and 90th percentile): decisions should read like policy
  (a handful per actor), not flicker.

Targets (issue 17): at least 450 replications/s per core on an idle machine, or at most 5x the bare-SimPy cost of
the same events. The ratio is the figure to compare across machines and loads: model and bare rounds alternate.

Usage: .venv/bin/python benchmarks/bench_replication.py [--reps 200] [--rounds 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import numpy as np
import simpy

from scenarios.config.draw import draw_parameters
from scenarios.config.loader import load_scenario
from scenarios.model.random import child_seed
from scenarios.model.simulation import run_replication

BASELINE = Path(__file__).resolve().parents[1] / "configs" / "baseline.yaml"
BASE_SEED = 20201010


def seeds(n: int, base: int = BASE_SEED) -> list[np.random.SeedSequence]:
    return [np.random.SeedSequence([base, i]) for i in range(n)]


def rate(fn: Callable[[], object], n: int, rounds: int) -> list[float]:
    """Calls per second of `fn` over `rounds` rounds of `n` calls each."""
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        out.append(n / (time.perf_counter() - t0))
    return out


def count_events(scenario: Any, seq: list[np.random.SeedSequence]) -> tuple[list[int], dict[str, list[int]]]:
    """Events SimPy processes in each replication (untimed: the counting wrapper costs time of its own), and the
    posture changes of each track."""
    original = simpy.Environment.step
    count = 0
    changes: dict[str, list[int]] = {}

    def counting_step(self: simpy.Environment) -> None:
        nonlocal count
        count += 1
        original(self)

    counts = []
    simpy.Environment.step = counting_step
    try:
        for s in seq:
            count = 0
            outcome = run_replication(scenario, s).outcome
            counts.append(count)
            for key, value in outcome.items():
                if key.startswith("posture_changes."):
                    changes.setdefault(key.removeprefix("posture_changes."), []).append(int(value))
    finally:
        simpy.Environment.step = original
    return counts, changes


def bare_simpy(events: int) -> None:
    """A bare SimPy loop that processes `events` events: one process yielding timeouts."""
    env = simpy.Environment()

    def ticker() -> Generator[simpy.Event, Any, None]:
        for _ in range(events - 1):  # the process's own start is one event
            yield env.timeout(0.5)

    env.process(ticker())
    env.run()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=200, help="replications per round")
    ap.add_argument("--rounds", type=int, default=5, help="timed rounds (the median is reported)")
    ap.add_argument("--profile", action="store_true", help="also print a cProfile of one round")
    args = ap.parse_args()

    scenario = load_scenario(BASELINE)
    horizon = scenario.simulation.horizon_days
    seq = seeds(args.reps)
    for s in seq[:20]:  # warm-up
        run_replication(scenario, s)

    counts, changes = count_events(scenario, seq)
    events = round(statistics.median(counts))

    # Model and bare-SimPy rounds alternate, so that load from other processes weighs on both alike.
    rounds, bare_rounds = [], []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        for s in seq:
            run_replication(scenario, s)
        rounds.append(args.reps / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        for _ in range(args.reps):
            bare_simpy(events)
        bare_rounds.append((time.perf_counter() - t0) / args.reps)
    reps_per_s = statistics.median(rounds)
    per_rep_s = 1.0 / reps_per_s
    bare_s = statistics.median(bare_rounds)
    ratios = [1.0 / (r * b) for r, b in zip(rounds, bare_rounds, strict=True)]

    specs = scenario.parameter_specs()
    draws = rate(
        lambda: draw_parameters(scenario, np.random.default_rng(child_seed(seq[0], "parameters")), specs),
        args.reps,
        args.rounds,
    )
    draw_s = 1.0 / statistics.median(draws)

    print(f"baseline, horizon {horizon} days, {args.reps} replications x {args.rounds} rounds, one process")
    print(f"  replications/s/core median {reps_per_s:8.1f}   (rounds: {', '.join(f'{r:.0f}' for r in rounds)})")
    print(f"  time/replication    {per_rep_s * 1e3:8.3f} ms")
    print(
        f"  events/replication  median {events}, mean {statistics.fmean(counts):.1f}, "
        f"min {min(counts)}, max {max(counts)}"
    )
    print(f"  bare SimPy, {events} events   {bare_s * 1e3:8.3f} ms  ({bare_s / events * 1e6:.2f} us/event)")
    print(
        f"  ratio to bare SimPy {per_rep_s / bare_s:8.2f} x   (target <= 5; per round "
        f"{', '.join(f'{r:.1f}' for r in ratios)})"
    )
    print(f"  of which drawing parameters (config.draw) {draw_s * 1e3:.3f} ms/replication")
    met = reps_per_s >= 450 or per_rep_s / bare_s <= 5.0
    print(f"  target >= 450/s per core or <= 5x bare SimPy: {'met' if met else 'not met'}")
    print("  posture changes per replication (mean, 90th percentile):")
    for track, values in changes.items():
        print(f"    {track:<16} {statistics.fmean(values):5.2f}  {float(np.percentile(values, 90)):4.0f}")

    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for s in seq:
            run_replication(scenario, s)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
