"""`scenarios check` as a study: the report's judgments against a batch that is read, or run for the purpose.

The statistics are in `analysis.check` (which only reads results); this module runs the batch when scenario files
are given, through the batch engine and `RunOptions` like every other study.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from typing_extensions import Unpack

from scenarios.analysis.check import Check, check, default_n
from scenarios.config.loader import load_scenario
from scenarios.engine.batch import run_batch
from scenarios.engine.executors import Executor
from scenarios.engine.options import RunOptionFields, RunOptions, study_options
from scenarios.engine.plan import claim_folder, output_directory
from scenarios.exceptions import AnalysisError, ScenarioError
from scenarios.io.load import load_results
from scenarios.io.owned import check_output_file


@dataclass(frozen=True)
class CheckRun:
    """A check and the results folder it read (`ran`: whether the batch was run for it)."""

    check: Check
    directory: Path
    ran: bool


def run_check(
    targets: Sequence[str | Path],
    options: RunOptions | None = None,
    *,
    n: int | None = None,
    overrides: Sequence[str] = (),
    using: Executor | None = None,
    **fields: Unpack[RunOptionFields],
) -> CheckRun:
    """Check every expectation of `targets`: one results folder (read), or scenario files (run as one batch).

    The batch has `n` replications per scenario (default: enough to detect a 5-point miss, `default_n`) and goes to
    ``options.out``, else to ``<output_dir>/<names>-check``: a new or empty folder, or a batch of the tool's that
    ``options.overwrite`` replaces.
    """
    options = study_options(options, fields)
    if not targets:
        raise ScenarioError("give scenario files or a results folder to check")
    if len(targets) == 1 and _is_folder(targets[0]):
        if overrides or n is not None:
            raise ScenarioError.naming(
                "n", "{n} and {overrides} run a new batch: give scenario files, not a results folder"
            )
        folder = Path(targets[0])
        results = load_results(folder)
        if results.design:
            raise AnalysisError(
                f"{folder} holds a study's design (a sensitivity analysis or a calibration wave): its parameters "
                "follow the design, not their distributions, and its runs share seeds in blocks, so its frequencies "
                "are not the scenario's and their intervals would be too narrow; check the scenario itself: "
                "scenarios check CONFIG"
            )
        return CheckRun(
            check(results, n_reason=f"read from {folder}, {len(results.replications)} replications"), folder, ran=False
        )
    scenarios = [load_scenario(c, overrides) for c in targets]  # measures checked here
    n, reason = (n, f"{n} replications per scenario, as asked") if n else default_n()
    out = output_directory(options.out, scenarios, "-check")
    claim_folder(out, "a batch", overwrite=options.overwrite)
    for s in scenarios:
        check_output_file(out / f"check-{s.name}.png", field="out")
    batch = run_batch(scenarios, options.replace(out=out, overwrite=True), n=n, using=using)
    result = check(load_results(batch.directory), {s.name: s for s in scenarios}, reason)
    return CheckRun(result, batch.directory, ran=True)


def _is_folder(target: str | Path) -> bool:
    try:
        return Path(target).is_dir()
    except (OSError, ValueError):
        return False
