"""`scenarios calibrate`: history matching run through the batch engine (each wave's design a batch, so parallel,
Dask and the results store apply); the statistics are in `analysis.history_matching`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.stats import qmc

from scenarios.analysis.history_matching import (
    CANDIDATES,
    CUT,
    Calibration,
    Wave,
    finish,
    fit_wave,
    free_parameters,
    frequencies,
    next_design,
    plausible,
    targets,
    wave_design,
    write_wave,
)
from scenarios.config.loader import load_scenario
from scenarios.engine.batch import run_batch
from scenarios.engine.plan import output_directory, resolve_seed
from scenarios.io.load import load_results


def calibrate(
    config: str | Path,
    *,
    waves: int = 3,
    points: int = 60,
    n: int = 150,
    cut: float = CUT,
    params: Sequence[str] = (),
    overrides: Sequence[str] = (),
    seed: int | None = None,
    out: str | Path | None = None,
    workers: int | None = None,
    executor: str = "process",
    quiet: bool = True,
) -> Calibration:
    """History-match the free parameters of `config` to its expectations; write every wave and the region."""
    scenario = load_scenario(config, overrides)
    free = free_parameters(scenario, params)
    goals = targets(scenario)
    others = [p for p, s in scenario.parameter_specs().items() if s.uncertain and p not in free]
    directory = output_directory(out, [scenario], "-calibration")
    seed = resolve_seed(seed, scenario)
    rng = np.random.default_rng(seed)
    done: list[Wave] = []
    pool = qmc.LatinHypercube(d=len(free), seed=rng).random(CANDIDATES)  # the original space, as candidates
    alive = np.ones(len(pool), dtype=bool)
    previous = 1.0
    for k in range(1, waves + 1):
        if k == 1:
            design_points = qmc.LatinHypercube(d=len(free), seed=rng).random(points)
        else:
            design_points = next_design(pool, alive, done, goals, cut, n, points, rng)
        batch = run_batch(
            [scenario],
            design=wave_design(design_points, free, others, n, seed + k),
            seed=seed,
            out=directory / f"wave-{k}",
            workers=workers,
            executor=executor,
            quiet=quiet,
            overwrite=True,
            trace_sample=0,
        )
        freq, count = frequencies(load_results(batch.directory), scenario, goals, len(design_points), n)
        wave = fit_wave(k, design_points, free, freq, count, goals, seed + k)
        done.append(wave)
        alive &= plausible(pool, wave, goals, cut, n)
        share = float(alive.mean())
        write_wave(directory, wave)
        if not alive.any() or (k > 1 and previous - share < 0.05 * previous):
            break
        previous = share
    return finish(scenario, free, goals, done, pool, alive, directory, points=points, n=n, cut=cut, seed=seed)
