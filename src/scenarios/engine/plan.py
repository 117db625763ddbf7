"""The run plan: the batch seed and the output folder, resolved in one place (the executor: `RunOptions`).

`run_batch`, what-ifs, sweeps, sensitivity analyses and `trace-run` all resolve them here, so they agree: the seed
is the one given, else (when finishing a batch) the one it was started with, else the scenario's
``simulation.seed``, else a fresh random one that the manifest records (and `trace-run` prints).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from scenarios.engine.seeding import SeedLike, normalise_seed
from scenarios.exceptions import ResultsError
from scenarios.io.owned import Folder, check_output_folder
from scenarios.io.store import MANIFEST, read_manifest

if TYPE_CHECKING:
    from scenarios.config.schema import Scenario


def resolve_seed(seed: SeedLike, scenario: Scenario, resume_from: Path | None = None) -> int:
    """The batch seed: `seed`, else the seed of the batch being resumed, else simulation.seed, else random."""
    if seed is not None:
        return normalise_seed(seed)
    if resume_from is not None and (resume_from / MANIFEST).exists():
        return int(read_manifest(resume_from)["seed"])
    return normalise_seed(scenario.simulation.seed)


def output_directory(out: str | Path | None, scenarios: Sequence[Scenario], suffix: str = "") -> Path:
    """`out`, else ``<simulation.output_dir>/<name>[+<name>...]<suffix>`` of the first scenario."""
    if out is not None:
        return Path(out)
    names = "+".join(s.name for s in scenarios)
    return Path(scenarios[0].simulation.output_dir) / f"{names}{suffix}"


def claim_folder(directory: Path, what: str, *, overwrite: bool, resume: bool = False) -> Folder:
    """The folder a study (a what-if, a sweep, a sensitivity analysis, a check, a calibration) writes into, checked
    before anything runs: new or empty, or one of the tool's that `overwrite` allows to replace (or `resume` to
    finish). A folder of someone else's is refused whatever the flags: the tool never cleans it."""
    folder = check_output_folder(directory)
    if folder.ours and not (overwrite or resume):
        raise ResultsError.naming(
            "overwrite",
            "{directory}: already holds {what} written by scenarios; use {overwrite} to replace it, or {out} for "
            "another folder",
            directory=directory,
            what=what,
        )
    return folder
