"""`scenarios calibrate`: history matching run through the batch engine (each wave's design a batch, so parallel,
Dask and the results store apply); the statistics are in `analysis.history_matching`."""

from __future__ import annotations

import io
import json
import os
import textwrap
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from ruamel.yaml import YAML
from typing_extensions import Unpack

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
from scenarios.config.paths import allowing
from scenarios.engine.batch import run_batch
from scenarios.engine.executors import Executor, executor_for
from scenarios.engine.options import RunOptionFields, RunOptions, study_options
from scenarios.engine.plan import output_directory, resolve_seed
from scenarios.engine.probe import check_size
from scenarios.exceptions import ScenarioError
from scenarios.io.atomic import write_atomic
from scenarios.io.load import load_results
from scenarios.io.owned import owner_of, prepare_study, record, write_output
from scenarios.io.safe import is_regular, read_bytes
from scenarios.yamlio import MAX_FILE_BYTES

JOINT_ROWS = 1000  # points of the region a calibrated scenario draws from (fewer if the file would be too large)


def calibrate(
    config: str | Path,
    options: RunOptions | None = None,
    *,
    waves: int = 3,
    points: int = 60,
    n: int = 150,
    cut: float = CUT,
    params: Sequence[str] = (),
    overrides: Sequence[str] = (),
    data: str | Path | None = None,
    using: Executor | None = None,
    **fields: Unpack[RunOptionFields],
) -> Calibration:
    """History-match the free parameters of `config` to its expectations and, with `data` (a backcast of the same
    parameters: a scenario that `extends:` it from an earlier start), to the observations the backcast must
    reproduce; write every wave and the region.

    `options` (`RunOptions`, or its fields as keywords) say how the waves run (every wave on one executor) and where
    they are written (``<out>/wave-<k>``): the folder must be new or empty, or a calibration of the tool's that
    ``options.overwrite`` replaces; its ledger lists every wave and file written there.
    """
    options = study_options(options, fields)
    scenario = load_scenario(config, overrides)
    backcast = load_scenario(data, overrides) if data is not None else None
    if backcast is not None and not backcast.data:
        raise ScenarioError.naming(
            "data", "{data}: the scenario has no `data:` observations to calibrate to", data=data
        )
    free = free_parameters(scenario, params)
    if backcast is not None:  # both draw them, so the calibrated sample serves both (`joint:` inherited)
        free = [p for p in free if p in backcast.parameter_specs()]
    goals = targets(scenario, backcast)
    runs = [scenario] if backcast is None else [scenario, backcast]
    check_size(runs, waves * points * n, options)  # before the first wave's design is drawn
    directory = output_directory(options.out, [scenario], "-calibration")
    seed = resolve_seed(options.seed, scenario)
    prepare_study(directory, replace=options.overwrite, study="calibration")

    with ExitStack() as stack:
        runner = using if using is not None else stack.enter_context(executor_for(options))

        def simulate(k: int, design_points: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
            freqs, counts = [], []
            for sc in runs:  # the same points and common random numbers for the forecast and its backcast
                others = [p for p, spec in sc.parameter_specs().items() if spec.uncertain and p not in free]
                folder = directory / (f"wave-{k}" if sc is scenario else f"wave-{k}-{sc.name}")
                record(directory, folders=[folder])  # the folder is the calibration's before it is made
                batch = run_batch(
                    [sc],
                    options.replace(seed=seed, out=folder, overwrite=True),
                    design=wave_design(design_points, free, others, n, seed + k),
                    trace_sample=0,
                    using=runner,
                )
                f, c = frequencies(load_results(batch.directory), sc, goals, len(design_points), n)
                freqs.append(f)
                counts.append(c)
            return pd.concat(freqs, axis=1), pd.concat(counts, axis=1)

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
    options: RunOptions | None = None,
    *,
    overrides: Sequence[str] = (),
    n: int | None = None,
    using: Executor | None = None,
    **fields: Unpack[RunOptionFields],
) -> tuple[Check, Path]:
    """Run the original and the calibrated scenario on the same seeds (the check's default n), check both (run, not
    emulated), and write the report that shows them side by side with what calibration changed and whether it
    improves the fit (`fit_change`)."""
    from scenarios.report.findings import Findings
    from scenarios.report.html import save_report

    options = study_options(options, fields)
    original = load_scenario(config, overrides)
    with allowing([Path(config).resolve().parent]):  # it `extends:` the original, wherever it was saved
        narrowed = load_scenario(calibrated, overrides)
    n, reason = (n, f"{n} replications per scenario") if n else default_n()
    record(result.directory, folders=[result.directory / "check"])
    batch = run_batch(
        [original, narrowed],
        options.replace(seed=result.seed, out=result.directory / "check", overwrite=True),
        n=n,
        using=using,
    )
    results = load_results(batch.directory)
    scenarios = {s.name: s for s in (original, narrowed)}
    verified = check(results, scenarios, reason)
    fit = fit_change(verified, original.name, narrowed.name)
    info = json.loads(read_bytes(result.directory / "calibration.json", result.directory, 1 << 24))
    summary = {
        **info,
        "calibrated": narrowed.name,
        "joint": narrowed.joint is not None,
        "fit": fit.verdict,
        "fit_text": fit.to_text(),
    }
    write_output(batch.directory / "calibration.json", json.dumps(summary, indent=2).encode(), field="out")
    findings = Findings.of(results, scenarios=scenarios, check_=verified)  # the check printed is the one shown
    report = save_report(findings, result.directory / "report.html", cache=True, replace=False, named=False)
    return verified, report


@dataclass(frozen=True)
class FitChange:
    """Whether a calibrated scenario fits the report better than its original, both run on the same seeds and checked.

    `contradicted`: the judgments and observations each contradicts (too high or too low; what `check --strict`
    fails on), original then calibrated; `miss`: the total distance of the judgments' estimates from their bands
    (probability; 0 inside), over the `judged` judgments both could answer; `noise`: the 95% half-width of the
    difference of the two totals, from the intervals of the estimates (as if independent: the runs share seeds, so
    it is on the safe side); `implausibility`: the observations' summed implausibility. `verdict`: better (fewer
    contradicted, or as many and the total miss smaller by more than the noise, or else the observations' summed
    implausibility smaller by more than 1), worse (the reverse), or unchanged."""

    original: str
    calibrated: str
    contradicted: tuple[int, int]
    judged: int
    miss: tuple[float, float]
    noise: float
    implausibility: tuple[float, float] | None
    verdict: str

    @property
    def recommended(self) -> bool:
        """Only a calibration that improves the fit is recommended over the original."""
        return self.verdict == "better"

    def to_text(self) -> str:
        """The comparison in a sentence, and what follows from it."""
        (co, cc), (mo, mc) = self.contradicted, self.miss
        parts = [
            f"{self.calibrated} contradicts {cc} judgment(s) or observation(s), {self.original} {co}",
            f"over the {self.judged} judgments both answer, its estimates sit {abs(mo - mc) * 100:.1f} points "
            f"{'nearer' if mc <= mo else 'farther from'} their bands in total ({mc * 100:.1f} against "
            f"{mo * 100:.1f}; the runs' noise: +-{self.noise * 100:.1f})",
        ]
        if self.implausibility is not None:
            io, ic = self.implausibility
            parts.append(f"the observations' summed implausibility is {ic:.2f} against {io:.2f}")
        head = "; ".join(parts)
        if self.verdict == "better":
            return f"{head}: the calibrated ranges improve the fit; recommended over the original"
        if self.verdict == "worse":
            return f"{head}: the calibrated ranges make the fit worse; not recommended, the original stands"
        return f"{head}: the calibrated ranges do not improve the fit measurably; not recommended, the original stands"


def fit_change(verified: Check, original: str, calibrated: str) -> FitChange:
    """Compare the fit of `calibrated` with that of `original` in a check of both (`verify`'s): see `FitChange`."""
    t = verified.table
    a = t[t["scenario"] == original].set_index("expectation")
    b = t[t["scenario"] == calibrated].set_index("expectation")
    both = [e for e in a.index if e in b.index and a.at[e, "verdict"] != "n/a" and b.at[e, "verdict"] != "n/a"]

    def miss(rows: pd.DataFrame) -> pd.Series:
        return (rows["band_lo"] - rows["estimate"]).clip(lower=0.0) + (rows["estimate"] - rows["band_hi"]).clip(
            lower=0.0
        )

    def half(rows: pd.DataFrame) -> pd.Series:
        return (rows["upper"] - rows["lower"]) / 2

    ma, mb = float(miss(a.loc[both]).sum()), float(miss(b.loc[both]).sum())
    noise = float(np.sqrt((half(a.loc[both]) ** 2).sum() + (half(b.loc[both]) ** 2).sum()))
    bad = verified.inconsistent
    counts = (int((bad["scenario"] == original).sum()), int((bad["scenario"] == calibrated).sum()))
    data = verified.data
    implaus = None
    if not data.empty:
        d = data.groupby("scenario")["implausibility"].sum()
        implaus = (float(d.get(original, 0.0)), float(d.get(calibrated, 0.0)))
    if counts[1] != counts[0]:
        verdict = "better" if counts[1] < counts[0] else "worse"
    elif abs(mb - ma) > noise:
        verdict = "better" if mb < ma else "worse"
    elif implaus is not None and abs(implaus[1] - implaus[0]) > 1.0:
        verdict = "better" if implaus[1] < implaus[0] else "worse"
    else:
        verdict = "unchanged"
    return FitChange(original, calibrated, counts, len(both), (ma, mb), noise, implaus, verdict)


def calibrated_target(
    config: str | Path, save: str | Path | None = None, force: bool = False, folder: Path | None = None
) -> Path:
    """Where the calibrated scenario of `config` is saved: `save`, else ``<name>-calibrated.yaml`` in the
    calibration's own `folder` (claimed with the study and written after its waves: never the user's configs).

    A `save` is checked before anything runs (a refusal must not come after hours of runs): never a file `config` is
    built from, and neither an existing file nor an existing sample beside it unless `force`.
    """
    from scenarios.whatif import check_loads, check_save_target

    config = Path(config)
    if save is None:
        if folder is None:
            raise ScenarioError("a calibrated scenario needs `save` (a file) or the calibration's `folder`")
        return folder / f"{config.stem}-calibrated.yaml"
    target = Path(save)
    check_save_target(config, target, force)
    sample = sample_file(target)
    if os.path.lexists(sample) and not (force and is_regular(sample)):
        raise ScenarioError.naming(
            "force",
            "{sample}: the calibrated scenario's sample exists"
            + ("; {force} replaces it" if is_regular(sample) else " and is not a regular file; move it away"),
            sample=sample,
        )
    # what can be checked of the file before the waves run: its name, its place, its `extends:`, its title
    check_loads(_yaml_text(_heading(load_scenario(config).title, config, target)), target, config)
    return target


def save_calibrated(result: Calibration, config: str | Path, target: Path) -> Path | None:
    """Write the calibrated scenario at `target` and, when anything was ruled out, its joint sample beside it (first:
    the scenario names it). Both are written as drafts and the scenario is loaded from them before they replace
    anything; the saved scenario is loaded once more before this returns. Returns the sample's path, or None."""
    from scenarios.whatif import check_loads

    config = Path(config)
    sample = sample_file(target) if result.ruled_out > 0 else None
    if sample is None:
        check_loads(calibrated_yaml(result, config, target), target, config, keep=True)
    else:
        draft = sample.with_name(f".{sample.stem}.draft-{os.getpid()}{sample.suffix}")
        try:
            write_atomic(draft, joint_sample_csv(result).encode())
            check_loads(calibrated_yaml(result, config, target, sample=draft), target, config)  # the draft loads
            os.replace(draft, sample)
        finally:
            draft.unlink(missing_ok=True)
        check_loads(calibrated_yaml(result, config, target), target, config, keep=True)
    with allowing([config.resolve().parent]):
        load_scenario(target)  # what was written loads: checked before the command reports success
    owner = owner_of(target)
    if owner is not None:  # written into a folder of the tool's (the calibration's own): its ledger lists them
        record(owner, files=[p for p in (target, sample) if p is not None])
    return sample


def mark_verdict(result: Calibration, config: str | Path, target: Path, verdict: str) -> None:
    """Write the calibrated scenario at `target` again with the check's verdict at its head: it was written before
    the check ran, and a file that is not recommended must say so itself, not only in the console."""
    from scenarios.whatif import check_loads

    check_loads(calibrated_yaml(result, Path(config), target, verdict=verdict), target, config, keep=True)


def sample_file(target: Path) -> Path:
    """Where the joint sample of a calibrated scenario at `target` is written: beside it."""
    return target.with_name(f"{target.stem}.sample.csv")


def joint_sample_csv(result: Calibration) -> str:
    """The surviving region as a joint sample (`config.joint`): up to `JOINT_ROWS` of the candidates not ruled out,
    chosen at random with the calibration's seed, as quantiles of each free parameter's original distribution."""
    rows = min(JOINT_ROWS, len(result.survivors), MAX_FILE_BYTES * 3 // 4 // (7 * len(result.free) + 1))
    rng = np.random.default_rng(result.seed)
    pick = np.sort(rng.choice(len(result.survivors), size=rows, replace=False))
    u = np.clip(result.survivors[result.free].to_numpy()[pick], 1e-4, 1 - 1e-4)
    body = "\n".join(",".join(f"{x:.4f}" for x in row) for row in u)
    return ",".join(result.free) + "\n" + body + "\n"


def calibrated_yaml(
    result: Calibration, config: Path, target: Path, sample: Path | None = None, verdict: str | None = None
) -> str:
    """A scenario (to be written at `target`) that `extends:` the original and draws its free parameters jointly
    from the region not ruled out (`joint_sample_csv`, written at `sample_file(target)`, or `sample`): the
    expectations constrain combinations of values, which narrowing each range alone would lose. Quoted judgments
    and every other parameter keep their distributions; with nothing ruled out the scenario equals the original.
    `verdict` (the check of it against the original, once run) is said at its head, where a reader looks first.

    The text is written by the YAML library (any title, note or folder name is quoted as YAML needs it)."""
    from ruamel.yaml.comments import CommentedMap

    data = _heading(result.scenario.title, config, target)
    lines = [
        f"Calibrated by `scenarios calibrate` (history matching, {len(result.waves)} waves): the free",
        "assumptions are drawn jointly from the region the report's expectations do not rule out",
        f"({result.ruled_out:.0%} of the original space ruled out). Quoted judgments keep the report's ranges.",
    ]
    if verdict is not None:
        lines.extend(textwrap.wrap(verdict, 110))
    if result.ruled_out <= 0:
        lines.append("Nothing was ruled out: this scenario equals the original.")
    else:
        targets_used = ", ".join(t.name for t in result.targets)
        calibrated = (
            f"history matching to {len(result.targets)} expectations ({targets_used}) in {len(result.waves)} waves "
            f"of {len(result.waves[0].points)} points x {result.n} replications (seed {result.seed}): "
            f"{result.ruled_out:.0%} of the joint space of {len(result.free)} free assumptions ruled out; the sample "
            "is points not ruled out, as quantiles of each assumption's own distribution"
        )
        joint = CommentedMap()
        joint["sample"] = (sample or sample_file(target)).name
        joint["calibrated"] = calibrated
        data["joint"] = joint
    data.yaml_set_start_comment("\n".join(lines))
    return _yaml_text(data)


def _heading(title: str, config: Path, target: Path) -> Any:
    """The first keys of a calibrated scenario: what it extends, its name and title."""
    from ruamel.yaml.comments import CommentedMap

    data = CommentedMap()
    data["extends"] = os.path.relpath(config.resolve(), target.resolve().parent)
    data["name"] = target.stem
    data["title"] = f"{title} (calibrated to its expectations)"
    return data


def _yaml_text(data: Any) -> str:
    yaml = YAML()
    yaml.width = 4096
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()
