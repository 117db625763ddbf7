"""`scenarios sensitivity`: which assumptions matter most, by Sobol or Morris over a scenario's uncertain
parameters, with the model runs made by the batch engine (so parallel, Dask, resume and the results store apply).

The indices are stored beside the batch as ``sensitivity-<method>-<outcome>.parquet`` and read by the report
("What matters most").
"""

from __future__ import annotations

import json
import math
import re
import textwrap
import time
import warnings
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from typing_extensions import Unpack

from scenarios.analysis import sobol
from scenarios.analysis.importance import outcome_vector
from scenarios.analysis.render import Rendered, View, frame_columns
from scenarios.config.loader import load_scenario
from scenarios.config.schema import Scenario
from scenarios.engine.batch import BatchResult, run_batch
from scenarios.engine.executors import Executor, executor_for
from scenarios.engine.options import RunOptionFields, RunOptions, study_options
from scenarios.engine.plan import claim_folder, output_directory, resolve_seed
from scenarios.engine.probe import check_size
from scenarios.exceptions import AnalysisError, ResultsError, ScenarioError
from scenarios.io import safe
from scenarios.io.load import load_results
from scenarios.io.owned import check_output_file, write_output
from scenarios.io.store import ANALYSIS_PREFIX, frame_to_parquet, read_frame
from scenarios.labels import KEY, measure_named, parameter_label, short
from scenarios.measures import Measure, MeasureSet, measure_set

PREFIX = ANALYSIS_PREFIX  # one place decides which files are a batch's stored analyses (removed with the batch)


@dataclass(repr=False)
class Sensitivity(Rendered):
    """Indices (one row per parameter, ranked), where they are stored, and the batch that produced the model runs."""

    indices: pd.DataFrame
    path: Path
    batch: BatchResult
    method: str
    outcome: str
    runs: int
    warning: str = ""  # why the indices cannot be trusted, with the n that would do
    by: str = "parameter"  # parameter, judgment or paragraph (config.inspect.GROUPINGS)
    spearman: float | None = None  # rank correlation of the indices with a second design's (`stability`)
    second: Sensitivity | None = None  # the second design, with the next seed (`stability`)
    # how charts name the outcome: its measure's label (the printed table adds `outcome`; files keep it)
    label: str = ""

    def named(self) -> str:
        """The outcome as a chart names it: its label, and the grouping when it is not by parameter."""
        return chart_name({"label": self.label or self.outcome, "by": self.by})

    def to_text(self) -> str:
        """The ranking as a reader takes it in: each index with its 95% interval, a parameter in words as the chart
        names it with its key beside it (what `--set` takes), a judgment by its words shortened (the full ones are in
        `table`); what never moved the outcome (`sobol.inert`) listed apart after it, not ranked."""
        t = self.indices
        label = str(t.columns[0])
        by_key = label == "parameter"

        def name(value: Any, width: int = 80) -> str:
            return short(parameter_label(str(value))) if by_key else _short(value, width)

        width = max([len(label), *(len(name(v)) for v in t[label])]) if by_key else 0
        key = f"  {KEY}" if by_key else ""

        def row(value: Any) -> str:
            return f"{name(value):<{width}}  {value}" if by_key else name(value)

        def listed(values: Any) -> str:
            return "; ".join(f"{name(v)} ({v})" if by_key and name(v) != v else name(v, 50) for v in values)

        how = (
            f"95% intervals: 2.5-97.5 percentiles of {sobol.SOBOL_RESAMPLES:,} bootstrap resamples of the runs"
            if self.method == "sobol"
            else "95% intervals: the estimate +- 1.96 sd of SALib's bootstrap, cut at 0"
        )
        outcome = measure_named(self.outcome, self.label)
        lines = [f"{self.method} indices for {outcome} by {self.by} ({self.runs:,} model runs; {how})"]
        still = sobol.inert(t)
        moved, inert = t[~still], t[still]
        if self.method == "sobol":
            lines.append(f"{'rank':>4}  {'ST (total)':>22}  {'S1 (first order)':>22}  {label:<{width}}{key}".rstrip())
            for _, r in moved.iterrows():
                st = f"{r['ST']:.3f} [{r['ST_lower']:.3f}, {r['ST_upper']:.3f}]"
                s1 = f"{r['S1']:.3f} [{r['S1_lower']:.3f}, {r['S1_upper']:.3f}]"
                lines.append(f"{int(r['rank']):>4}  {st:>22}  {s1:>22}  {row(r[label])}")
            if len(inert):
                lines.append(
                    f"no measurable effect in this design (ST = 0 [0, 0]: swapping it never changed the outcome), "
                    f"not ranked: {len(inert)} {label}s: {listed(inert[label])}"
                )
        else:
            header = f"{'rank':>4}  {'mu* [95% interval]':>24}  {'mu':>7}  {'sigma':>6}  {label:<{width}}{key}"
            lines.append(header.rstrip())
            for _, r in moved.iterrows():
                mu_star = f"{r['mu_star']:.3f} [{r['mu_star_lower']:.3f}, {r['mu_star_upper']:.3f}]"
                sigma = "-" if pd.isna(r["sigma"]) else f"{r['sigma']:.3f}"
                lines.append(f"{int(r['rank']):>4}  {mu_star:>24}  {r['mu']:>7.3f}  {sigma:>6}  {row(r[label])}")
            lines.append(
                "mu*: mean absolute change of the outcome per step across the factor's range; mu: its signed mean; "
                "sigma: their spread (interactions or curvature), '-' for a group of several parameters, where "
                "SALib does not define it"
            )
            if len(inert):
                lines.append(
                    f"inert in this design (mu* = 0), not ranked: {len(inert)} {label}s: {listed(inert[label])}"
                )
        if self.spearman is not None:
            lines.append(f"ranking stability: Spearman {self.spearman:.2f} between two designs (target 0.9)")
        return "\n".join(lines)

    @property
    def table(self) -> pd.DataFrame:
        """The tidy table: one row per parameter (or judgment), ranked (`indices`)."""
        return self.indices

    def views(self) -> list[View]:
        before = f"{self.method} indices for {self.outcome} ({self.runs} model runs)"
        return [View(self.indices, frame_columns(self.indices), before=before)]

    def plot(self, kind: str = "tornado", ax: Any = None) -> Any:
        """The ranked chart of the indices (`tornado`), or for Morris the mu*-sigma plane (`plane`)."""
        from scenarios.plots.sensitivity import tornado

        if kind == "plane" and self.method == "morris":
            from scenarios.plots.sensitivity import morris_plane

            try:
                return morris_plane(self.indices, self.named(), ax=ax)
            except ValueError as exc:
                raise AnalysisError(str(exc)) from None
        if kind != "tornado":
            kinds = "tornado, plane" if self.method == "morris" else "tornado"
            raise ScenarioError(f"unknown plot kind {kind!r} for a {self.method} analysis; kinds: {kinds}")
        return tornado(self.indices, self.named(), ax=ax)

    def __repr__(self) -> str:
        t = self.indices[~sobol.inert(self.indices)]
        top = ", ".join(map(str, t[t.columns[0]].head(3))) or "none measurable"
        return f"<Sensitivity ({self.method}) of {self.outcome}: {self.runs} runs; most influential: {top}>"


def _short(value: Any, width: int = 80) -> str:
    return textwrap.shorten(str(value), width, placeholder=" ...")


def run_sensitivity(
    config: str | Path,
    options: RunOptions | None = None,
    *,
    method: str = "sobol",
    outcome: str = "holds_30_days",
    n: int = 256,
    params: Sequence[str] = (),
    overrides: Sequence[str] = (),
    measure_files: Sequence[str | Path] = (),
    by: str = "parameter",
    stability: bool = False,
    using: Executor | None = None,
    **fields: Unpack[RunOptionFields],
) -> Sensitivity:
    """Sample the uncertain parameters, run the design through the batch engine, analyse with SALib.

    `options` (`RunOptions`, or its fields as keywords) say how the runs are made and where they are written: a new or
    empty folder, or one of the tool's to replace (``overwrite``) or finish (``resume``); every folder and file the
    analysis writes is checked before anything runs. `outcome` is a measure name or expression, checked
    before anything runs. `by` groups the parameters by the judgment they encode (SALib's groups): the indices are
    then of judgments, named by the report's words. With `stability`, a second design with the next seed is run
    (into ``<out>-seed<seed>``, on the same executor) and the Spearman correlation of the two rankings is kept.
    """
    options = study_options(options, fields)
    scenario = load_scenario(config, overrides)
    measure = measure_set(scenario, measure_files).get(outcome)
    if measure.kind == "category":
        raise AnalysisError.naming(
            "outcome",
            "{outcome} {value}: a category; use one of its classes, e.g. outcome:fighting_at_horizon",
            value=outcome,
        )
    problem = _problem(scenario, params, by)
    d = len(problem.factors)
    check_size([scenario], (n * (d + 2) if method == "sobol" else n * (d + 1)) * (2 if stability else 1), options)
    directory = output_directory(options.out, [scenario], f"-{method}")
    claim_folder(directory, "a sensitivity analysis", overwrite=options.overwrite, resume=options.resume)
    seed = resolve_seed(options.seed, scenario, directory if options.resume else None)  # the design depends on it
    name = f"{outcome}-by-{by}" if by != "parameter" else outcome
    check_store(directory, method, name)
    if stability:
        again = Path(f"{directory}-seed{seed + 1}")
        claim_folder(again, "a sensitivity analysis", overwrite=options.overwrite, resume=options.resume)
        check_store(again, method, name)
    with ExitStack() as stack:
        runner = using if using is not None else stack.enter_context(executor_for(options))
        first = _design(
            scenario,
            problem,
            measure,
            options.replace(seed=seed, out=directory),
            runner,
            method=method,
            outcome=outcome,
            n=n,
            params=params,
            by=by,
        )
        if stability:
            second = _design(
                scenario,
                problem,
                measure,
                options.replace(seed=seed + 1, out=f"{directory}-seed{seed + 1}"),
                runner,
                method=method,
                outcome=outcome,
                n=n,
                params=params,
                by=by,
            )
            first.second = second
            first.spearman = ranking_stability(first.indices, second.indices)
    return first


def _design(
    scenario: Scenario,
    problem: sobol.Problem,
    measure: Measure,
    options: RunOptions,
    runner: Executor,
    *,
    method: str,
    outcome: str,
    n: int,
    params: Sequence[str],
    by: str,
) -> Sensitivity:
    """One design: sampled with ``options.seed``, run into ``options.out``, analysed and stored beside the batch."""
    assert isinstance(options.seed, int)
    design = sobol.sample(problem, method, n, options.seed)
    batch = run_batch(
        [scenario], options.replace(overwrite=not options.resume), design=design, trace_sample=0, using=runner
    )
    results = load_results(batch.directory)
    y = outcome_vector(results, measure).to_numpy()
    if len(y) != len(design):
        raise AnalysisError(
            f"{len(design) - len(y)} model runs failed (see the errors table in {batch.directory}); cannot analyse"
        )
    indices = sobol.analyse(problem, method, design, np.asarray(y), options.seed)
    meta = {"runs": len(design), "n": n, "params": list(params), "by": by, "measure": outcome, "label": measure.label}
    path = store(batch.directory, indices, method, f"{outcome}-by-{by}" if by != "parameter" else outcome, meta)
    warning = stability(indices, method, n, y, kind=measure.kind)
    return Sensitivity(indices, path, batch, method, outcome, len(design), warning, by, label=measure.label)


def _problem(scenario: Any, params: Sequence[str], by: str) -> sobol.Problem:
    """The parameters studied, one by one or grouped by the judgment each encodes."""
    from scenarios.config.inspect import GROUPINGS, judgment_groups

    if by not in GROUPINGS:
        choices = ", ".join(GROUPINGS)
        raise AnalysisError.naming("by", "{by} {value}: choose one of {choices}", value=by, choices=choices)
    problem = sobol.build_problem(scenario.parameter_specs(), params)
    return problem if by == "parameter" else problem.grouped(judgment_groups(scenario, by))


def ranking_stability(a: pd.DataFrame, b: pd.DataFrame) -> float:
    """Spearman correlation of the total-order (or mu*) indices of the same factors from two designs."""
    from scipy.stats import spearmanr

    key = "ST" if "ST" in a.columns else "mu_star"
    label = a.columns[0]
    joined = a.set_index(label)[key].to_frame("a").join(b.set_index(label)[key].to_frame("b"), how="inner")
    return float(spearmanr(joined["a"], joined["b"]).statistic)


STABLE_HALF_WIDTH = 0.05  # Sobol indices are read to about +-0.05


def stability(indices: pd.DataFrame, method: str, n: int, y: np.ndarray, kind: str | None = None) -> str:
    """Why the indices cannot be read, with the n that would do; "" when they can. `kind` is the outcome's measure
    kind (probability, amount, days: `measures.Measure.kind`), which says why a factor can leave it unchanged; without
    it, an outcome whose values are all 0 or 1 is taken as yes/no and any other as an amount."""
    values = np.asarray(y, dtype=float)
    if kind is None:
        kind = "probability" if np.isin(values, (0.0, 1.0)).all() else "amount"
    if values.size and np.all(values == values[0]):
        return (
            f"the outcome is {values[0]:g} in every one of the {values.size} runs: the indices are all zero and say "
            "nothing; choose an outcome that varies (or a longer horizon), or a larger n"
        )
    if method == "morris":
        return _morris_stability(indices, n, kind)
    parts = []
    half = float(np.nanmax((indices["ST_upper"] - indices["ST_lower"]) / 2))
    if np.isfinite(half) and half > STABLE_HALF_WIDTH:
        needed = n * (half / STABLE_HALF_WIDTH) ** 2
        suggest = 2 ** math.ceil(math.log2(needed))  # Sobol sequences balance at powers of two
        parts.append(
            f"n={n} is too small for stable indices: the 95% intervals of ST are up to +-{half:.2f} wide, so the "
            f"ranking is not reliable; about n = {suggest} would narrow them to +-{STABLE_HALF_WIDTH}"
        )
    inert = int(sobol.inert(indices).sum())
    if inert:
        label = str(indices.columns[0])
        parts.append(
            f"{inert} of {len(indices)} {label}s never changed the outcome when swapped (ST = 0 [0, 0]): no "
            f"measurable effect in this design, listed apart, not ranked ({_why_unchanged(kind, 'sobol')})"
        )
    return "; ".join(parts)


STABLE_MORRIS_SHARE = 0.25  # mu* is read to about a quarter of the largest mu*


def _why_unchanged(kind: str, method: str) -> str:
    """Why a factor can leave the outcome exactly as it was in every run of a design, in words that fit the outcome:
    a yes/no outcome flips rarely; an amount (days, deaths, a share) moves with anything that acts on it, so one left
    exactly unchanged means what the factor governs never came into play in these runs (which share random numbers
    within a block or trajectory, so nothing else differs)."""
    step = "from one step of a trajectory to the next" if method == "morris" else "when one factor is swapped"
    if kind == "probability":
        return f"a yes/no outcome flips rarely {step}"
    what = "a number of days" if kind == "days" else "an amount"
    moved = "moved one step" if method == "morris" else "swapped"
    return (
        f"the outcome, {what}, came out exactly the same with the factor {moved} in every run: what the factor "
        "governs never came into play in these runs, or never by enough to change it"
    )


def _morris_stability(indices: pd.DataFrame, n: int, kind: str) -> str:
    """Morris's counterpart of the Sobol warning: intervals of mu* too wide for a ranking (with the n that would
    narrow them to a quarter of the largest mu*, as they shrink with the square root of the trajectories), and the
    factors no trajectory moved the outcome with (inert in this design, not ranked)."""
    label = str(indices.columns[0])
    top = float(indices["mu_star"].max())
    half = float(np.nanmax(indices["mu_star_upper"] - indices["mu_star"]))
    parts = []
    if top > 0 and np.isfinite(half) and half > STABLE_MORRIS_SHARE * top:
        needed = math.ceil(n * (half / (STABLE_MORRIS_SHARE * top)) ** 2)
        parts.append(
            f"n={n} trajectories is too few for a ranking: the 95% intervals of mu* are up to +-{half:.3g}, "
            f"{half / top:.0%} of the largest mu*; about n = {needed:,} would narrow them to a quarter of it"
        )
    inert = int(sobol.inert(indices).sum())
    if inert:
        parts.append(
            f"{inert} of {len(indices)} {label}s never moved the outcome in this design (mu* = 0): inert here, listed "
            f"apart, not ranked ({_why_unchanged(kind, 'morris')})"
        )
    return "; ".join(parts)


def estimate(
    config: str | Path,
    options: RunOptions | None = None,
    *,
    method: str = "sobol",
    n: int = 256,
    params: Sequence[str] = (),
    overrides: Sequence[str] = (),
    by: str = "parameter",
    stability: bool = False,
    **fields: Unpack[RunOptionFields],
) -> tuple[int, float]:
    """How many model runs a sensitivity analysis takes and about how long (seconds), timed on 3 replications."""
    from scenarios.engine.executors import default_workers
    from scenarios.engine.seeding import replication_seed
    from scenarios.model.simulation import run_replication

    options = study_options(options, fields)
    scenario = load_scenario(config, overrides)
    d = len(_problem(scenario, params, by).factors)
    runs = n * (d + 2) if method == "sobol" else n * (d + 1)
    began = time.perf_counter()
    for i in range(3):
        run_replication(scenario, replication_seed(0, i))
    each = (time.perf_counter() - began) / 3
    parallel = 1 if options.executor == "serial" else (options.workers or default_workers())
    designs = 2 if stability else 1
    return designs * runs, designs * runs * each / parallel


def slug(outcome: str) -> str:
    """A measure's name (or expression) as a file name part."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", outcome).strip("_")[:80] or "measure"


def stored_path(directory: Path, method: str, outcome: str) -> Path:
    """Where an analysis of a batch is stored beside it (its metadata: the same name, `.json`; its plot: `.png`)."""
    return Path(directory) / f"{PREFIX}{method}-{slug(outcome)}.parquet"


def check_store(directory: Path, method: str, outcome: str, replace: bool = False) -> Path:
    """The files `store` will write, checked before the analysis runs: new, or the tool's own (`replace`: any)."""
    path = stored_path(directory, method, outcome)
    for file in (path, path.with_suffix(".json"), path.with_suffix(".png"), plane_path(path)):
        check_output_file(file, field="out", replace=replace)
    return path


def plane_path(path: Path) -> Path:
    """Where the mu*-sigma plane of a Morris analysis stored at `path` is drawn."""
    return path.with_name(f"{path.stem}-plane.png")


def store(
    directory: Path, indices: pd.DataFrame, method: str, outcome: str, meta: dict[str, object], replace: bool = False
) -> Path:
    """Store an analysis beside its batch (indices as Parquet, metadata as JSON); the folder's ledger lists both, so
    they are removed with the batch."""
    path = stored_path(directory, method, outcome)
    write_output(path, frame_to_parquet(indices), field="out", replace=replace)
    meta_json = json.dumps({"method": method, "outcome": outcome, **meta}).encode()
    write_output(path.with_suffix(".json"), meta_json, field="out", replace=replace)
    return path


def stored(directory: Path) -> list[tuple[str, str, pd.DataFrame, dict[str, Any]]]:
    """(method, outcome, indices, metadata) of every sensitivity analysis stored in a results folder. One that cannot
    be read (no metadata beside it, a damaged table, a link) is left out with a warning (StoredAnalysisWarning)."""
    out = []
    root = Path(directory)
    for path in sorted(root.glob(f"{PREFIX}*.parquet")):
        try:
            meta = json.loads(safe.read_bytes(path.with_suffix(".json"), root, MAX_META_BYTES))
            if not isinstance(meta, dict) or not isinstance(meta.get("method"), str) or "outcome" not in meta:
                raise ResultsError(f"{path.with_suffix('.json')}: not the metadata of a stored analysis")
            table = read_frame(path, root)
            if table.empty or len(table.columns) < 2:
                raise ResultsError(f"{path}: not a table of indices")
        except FileNotFoundError:
            warnings.warn(
                f"{path}: no metadata beside it ({path.with_suffix('.json').name}); not shown",
                StoredAnalysisWarning,
                stacklevel=2,
            )
            continue
        except (OSError, ValueError, RecursionError, ScenarioError) as exc:
            warnings.warn(f"{path}: cannot be read ({exc}); not shown", StoredAnalysisWarning, stacklevel=2)
            continue
        out.append((str(meta["method"]), str(meta["outcome"]), table, meta))
    return out


def chart_name(meta: Mapping[str, Any], measures: MeasureSet | None = None) -> str:
    """How a chart names the outcome of an analysis (from its stored metadata): its measure's label (recorded with it,
    or for one stored before labels were, looked up by its measure in `measures`), in its scenario for a permutation
    importance, by its grouping for Sobol or Morris by judgment or paragraph; the outcome as stored when no label is
    found. Tables and file names keep the measure's name."""
    label = meta.get("label")
    if not isinstance(label, str) or not label:
        name = meta.get("measure") or str(meta.get("outcome", "")).split("-by-")[0]
        try:
            label = measures.get(str(name)).label if measures is not None else None
        except ScenarioError:
            label = None
        if not label:
            return str(meta.get("outcome", name))
    if isinstance(meta.get("scenario"), str):
        label = f"{label} in {meta['scenario']}"
    by = meta.get("by")
    return f"{label}, by {by}" if isinstance(by, str) and by != "parameter" else label


class StoredAnalysisWarning(UserWarning):
    """An analysis stored beside a batch that cannot be read, and is left out."""


MAX_META_BYTES = 1 << 20
