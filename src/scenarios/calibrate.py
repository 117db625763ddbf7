"""`scenarios calibrate`: history matching run through the batch engine (each wave's design a batch, so parallel,
Dask and the results store apply); the statistics are in `analysis.history_matching`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.analysis.check import Check, check, default_n
from scenarios.analysis.history_matching import (
    CUT,
    Calibration,
    finish,
    free_parameters,
    frequencies,
    history_match,
    targets,
    wave_design,
    write_wave,
)
from scenarios.config.loader import load_scenario
from scenarios.engine.batch import run_batch
from scenarios.engine.plan import output_directory, resolve_seed
from scenarios.io.atomic import write_atomic
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

    def simulate(k: int, design_points: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
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
        return frequencies(load_results(batch.directory), scenario, goals, len(design_points), n)

    done, pool, alive = history_match(
        simulate,
        free,
        goals,
        waves=waves,
        points=points,
        n=n,
        cut=cut,
        seed=seed,
        on_wave=lambda wave: write_wave(directory, wave),
    )
    return finish(scenario, free, goals, done, pool, alive, directory, points=points, n=n, cut=cut, seed=seed)


def verify(
    result: Calibration,
    config: str | Path,
    calibrated: str | Path,
    *,
    overrides: Sequence[str] = (),
    n: int | None = None,
    workers: int | None = None,
    executor: str = "process",
    quiet: bool = True,
) -> tuple[Check, Path]:
    """Run the original and the calibrated scenario on the same seeds (the check's default n), check both (run, not
    emulated), and write the report that shows them side by side with what calibration changed."""
    from scenarios.report.html import write_report

    original, narrowed = load_scenario(config, overrides), load_scenario(calibrated, overrides)
    n, reason = (n, f"{n} replications per scenario") if n else default_n()
    batch = run_batch(
        [original, narrowed],
        n=n,
        seed=result.seed,
        out=result.directory / "check",
        overwrite=True,
        workers=workers,
        executor=executor,
        quiet=quiet,
    )
    info = json.loads((result.directory / "calibration.json").read_text(encoding="utf-8"))
    write_atomic(
        batch.directory / "calibration.json", json.dumps({**info, "calibrated": narrowed.name}, indent=2).encode()
    )
    verified = check(load_results(batch.directory), {s.name: s for s in (original, narrowed)}, reason)
    report = write_report([batch.directory], result.directory / "report.html")
    return verified, report
