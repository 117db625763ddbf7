"""Sweeps: one scenario per value of a key (or per pair of values of two keys), run as one batch and compared with a
reference value pair by pair.

Replication i of every swept value shares its seed (common random numbers), so each value is compared with the
reference value as a what-if is: the paired difference of each measure with a paired t interval
(`analysis.compare`), and a verdict after Holm's correction over every value and measure of the table. The reference
is the value the scenario already has, when it is one of those swept, else the first value. Each value's own figure
has its interval too: Wilson's for a probability, Student's t for the mean of an amount. Without `n`, a pilot sizes
it as a what-if's does (`whatif.sized_batch`), over every value's difference from the reference.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from ruamel.yaml import YAML
from typing_extensions import Unpack

from scenarios.analysis.compare import Comparison, compare, holm, outcome_measures
from scenarios.analysis.render import (
    AFTER_HOLM,
    Column,
    Rendered,
    View,
    in_percent,
    interval_text,
    num,
    pct,
    pp,
    pvalue,
    verdict,
)
from scenarios.analysis.summary import mean_interval
from scenarios.config.diff import diff_scenarios
from scenarios.config.inherit import parse_override
from scenarios.config.loader import load_scenario
from scenarios.config.schema import Scenario
from scenarios.engine.batch import BatchResult
from scenarios.engine.executors import Executor
from scenarios.engine.options import RunOptionFields, RunOptions, study_options
from scenarios.engine.plan import claim_folder, output_directory, resolve_seed
from scenarios.exceptions import ConfigError, Problem, ScenarioError
from scenarios.io.load import Results
from scenarios.io.owned import write_output
from scenarios.measures import Measure, measure_set
from scenarios.plots.kinds import KINDS
from scenarios.whatif import check_outputs, check_save, save_whatif, shown_measures, sized_batch

MAX_N = 5000  # replications per value at most when a pilot chooses n (a what-if's cap)
ALPHA = 0.05
FAMILY = "every value and measure of the sweep"
PLOTS = ("sweep.png", "sweep-heatmap.png")


@dataclass(repr=False)
class Sweep(Rendered):
    """A sweep computed once: the batch, the grid of values, the reference, each value against it, the tidy table.

    `table` has one row per swept value (scenario) and measure: scenario, one column per key (the value as written),
    reference (whether it is the reference value), measure, label, kind, unit, estimate, lower, upper (its
    interval), n, interval (``Wilson`` or ``t``), difference, difference_lower, difference_upper (value minus the
    reference, paired t interval; NaN for the reference itself), p_value, p_holm (Holm over the whole table),
    significant, n_pairs, test. `comparison` is the same paired differences as a `Comparison` (the report embeds it).
    """

    batch: BatchResult
    keys: list[str]
    grid: pd.DataFrame  # scenario, then one column per key with the value as written, then reference
    reference: str
    reference_reason: str
    measures: list[str]
    comparison: Comparison
    table: pd.DataFrame
    results: Results
    n_reason: str  # how n was chosen: as asked, or by a pilot (which measure and value needed the most pairs)
    alpha: float = ALPHA

    @property
    def n(self) -> int:
        return int(self.batch.replications)

    def reference_values(self) -> str:
        row = self.grid.set_index("scenario").loc[self.reference]
        return ", ".join(f"{key} = {row[key]}" for key in self.keys)

    def heading(self) -> str:
        level = f"{1 - self.alpha:.0%}"
        return "\n".join(
            (
                f"Sweep of {' and '.join(self.keys)}: {len(self.grid)} values x {num(self.n)} replications, common "
                "random numbers.",
                f"{self.n_reason}.",
                f"Reference: {self.reference_values()} ({self.reference_reason}).",
                "Scenarios in the results folder: "
                + ", ".join(
                    f"{r['scenario']} ({', '.join(str(r[k]) for k in self.keys)})" for _, r in self.grid.iterrows()
                )
                + ".",
                f"Each value's figure with its {level} interval (Wilson for probabilities, t for means of amounts); "
                f"its difference from the reference",
                f"with a {level} paired t interval on the {num(self.n)} replication pairs (probabilities and shares in "
                "percentage points, amounts in their units);",
                f"REAL = distinguishable from noise at {self.alpha:g} after Holm's correction over {FAMILY} "
                f"({int(self.table['p_value'].notna().sum())} tests); {AFTER_HOLM}.",
            )
        )

    def views(self) -> list[View]:
        """One table per measure: a row per value, its figure and its paired difference from the reference."""
        level = f"{1 - self.alpha:.0%}"
        columns = [
            *(Column(key, _value_cell(key), style="code") for key in self.keys),
            Column(f"estimate [{level} interval]", _estimate, style="num"),
            Column(f"minus reference [{level} paired t]", _difference, style="num"),
            Column("p (Holm)", lambda r: "" if r["reference"] else pvalue(r["p_holm"]), style="num"),
            Column("verdict", _verdict),
        ]
        out = []
        for i, measure in enumerate(self.measures):
            rows = self.table[self.table["measure"] == measure]
            label = str(rows["label"].iloc[0]) or measure
            out.append(
                View(
                    rows,
                    columns,
                    lead=self.heading() if i == 0 else "",
                    heading=label if label == measure else f"{label} ({measure})",
                    row_class=lambda r: "sig" if r["significant"] else "",
                )
            )
        return out

    def plot(self, ax: Any = None, measure: str | None = None) -> Any:
        """Each measure shown against the swept value, with its interval (one key: one panel per measure); two keys:
        a heat map per measure, cells within noise of the reference hatched. With `ax`, one `measure` (default: the
        first shown) there."""
        from scenarios.plots.whatif import sweep_heatmaps, sweep_lines

        if measure is not None and measure not in self.measures:
            raise ScenarioError.naming(
                "measure", "{measure} {name!r} is not shown by this sweep; shown: {shown}",
                name=measure, shown=", ".join(self.measures),
            )  # fmt: skip
        measures = [measure] if measure is not None else self.measures
        if ax is not None:
            measures = measures[:1]
        title = f"n = {self.n:,} replications per value, {1 - self.alpha:.0%} intervals"
        if len(self.keys) == 1:
            return sweep_lines(
                self.table, self.keys[0], measures, title, ax=ax, numeric=numeric(self.grid[self.keys[0]])
            )
        return sweep_heatmaps(self.table, self.keys[0], self.keys[1], measures, title, ax=ax)

    def __repr__(self) -> str:
        real = int(self.table["significant"].sum())
        return (
            f"<Sweep of {', '.join(self.keys)}: {len(self.grid)} values x {self.n} replications, "
            f"{len(self.measures)} measures, {real} REAL against the reference>"
        )


def _value_cell(key: str) -> Callable[[pd.Series], str]:
    return lambda r: f"{r[key]}" + (" (reference)" if r["reference"] else "")


def _estimate(r: pd.Series) -> str:
    fmt = pct if in_percent(r) else num
    if pd.isna(r["estimate"]):
        return "n/a"
    return f"{fmt(r['estimate'])} [{fmt(r['lower'])}, {fmt(r['upper'])}]"


def _difference(r: pd.Series) -> str:
    if r["reference"]:
        return "reference"
    fmt = pp if in_percent(r) else _signed
    if pd.isna(r["difference"]):
        return "n/a"
    return interval_text(r["difference_lower"], r["difference_upper"], fmt, r["difference"])


def _signed(x: Any) -> str:
    text = num(x)
    return text if text.startswith("-") or text == "n/a" else f"+{text}"


def _verdict(r: pd.Series) -> str:
    if r["reference"]:
        return ""
    if pd.isna(r["p_value"]):
        return "n/a"
    return verdict(r["significant"], r["difference_lower"], r["difference_upper"], r["difference"])


def parse_sweep(text: str) -> tuple[str, list[Any]]:
    """``key=[v1, v2, v3]`` -> (key, values)."""
    path, values = parse_override(text)
    key = ".".join(map(str, path))
    if not isinstance(values, list) or len(values) < 2:
        raise ConfigError(
            [
                Problem(
                    f"--sweep {text}",
                    None,
                    None,
                    key,
                    "expected a list of at least two values",
                    "e.g. --sweep actors.<id>.rationality='[2, 5, 8]'",
                )
            ]
        )
    return key, values


def _yaml(value: Any) -> str:
    import io

    buf = io.StringIO()
    YAML(typ="safe", pure=True).dump(value, buf)
    text = buf.getvalue().strip()
    return text.removesuffix("...").strip()


@dataclass(frozen=True)
class Point:
    """One swept value (one pair of values for two keys): its scenario's name, the values, the `--set`s that make it."""

    name: str
    values: dict[str, Any]
    sets: list[str]


def sweep_points(base_name: str, sweeps: Sequence[str]) -> list[Point]:
    """Every value (or pair of values) of the sweeps, in order."""
    parsed = [parse_sweep(s) for s in sweeps]
    points = []
    for i, combo in enumerate(itertools.product(*(values for _, values in parsed))):
        pairs = list(zip((key for key, _ in parsed), combo, strict=True))
        points.append(Point(f"{base_name}-sweep{i:02d}", dict(pairs), [f"{k}={_yaml(v)}" for k, v in pairs]))
    return points


def resolve_measures(
    base: Scenario, measures: Sequence[str], measure_files: Sequence[str | Path] = ()
) -> list[Measure]:
    """The measures a sweep shows: those asked (names or expressions; only them), else the what-if's
    (`whatif.shown_measures`). A name that is no measure, or a category, is refused naming `measures`."""
    known = measure_set(base, measure_files)
    out = []
    for name in measures or shown_measures():
        try:
            m = known.get(name)
        except ScenarioError as exc:
            raise ScenarioError.naming("measures", "{measures} {name}: {reason}", name=name, reason=exc) from None
        if m.kind == "category":
            expression = f"{m.expression or m.name} =="  # its classes: the measures that test it for one value
            classes = [n for n in known.names() if (known.get(n).expression or "").startswith(expression)]
            raise ScenarioError.naming(
                "measures",
                "{measures} {name}: a category has no mean to sweep; give its classes, e.g. {classes}",
                name=name,
                classes=", ".join(classes[:3]) or f'{m.name} == "<class>"',
            )
        out.append(m)
    return out


def run_sweep(
    config: str | Path,
    sweeps: Sequence[str],
    options: RunOptions | None = None,
    *,
    overrides: Sequence[str] = (),
    n: int | None = None,
    max_n: int = MAX_N,
    measures: Sequence[str] = (),
    measure_files: Sequence[str | Path] = (),
    alpha: float = ALPHA,
    using: Executor | None = None,
    **fields: Unpack[RunOptionFields],
) -> Sweep:
    """Validate every value and measure first (a bad one is reported before anything runs), then run one batch
    (into ``<output_dir>/<name>-sweep`` unless ``options.out``; a sweep of the tool's there is replaced only with
    ``options.overwrite``) and compare every value with the reference pair by pair.

    `measures` (names or expressions) are the only ones shown and drawn; without them, the what-if's. Without `n`,
    a pilot of `whatif.PILOT` replications per value chooses it (`whatif.sized_batch`): the most pairs any value's
    difference from the reference in any probability shown needs to detect a 5-point change, at most `max_n`; the
    sweep's `n_reason` says which.
    """
    options = study_options(options, fields)
    if not 1 <= len(sweeps) <= 2:
        raise ScenarioError.naming("sweeps", "give one or two {sweeps} KEY=[v1, v2, ...]")
    base = load_scenario(config, overrides)
    points = sweep_points(base.name, sweeps)
    shown = resolve_measures(base, measures, measure_files)
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    for point in points:
        try:
            scenarios.append(load_scenario(config, [*overrides, *point.sets, f"name={point.name}"]))
        except ConfigError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ConfigError(problems)
    same = [s.name for s in scenarios if not [d for d in diff_scenarios(base, s) if d.path != "name"]]
    reference = same[0] if same else scenarios[0].name
    reason = (
        "the value in the scenario" if same else "the first value; the scenario's own value is not among those swept"
    )
    directory = output_directory(options.out, [base], "-sweep")
    claim_folder(directory, "a sweep", overwrite=options.overwrite)
    check_outputs(directory, ["report.html", *(f"plots/{p}" for p in PLOTS), *(f"plots/{k}.png" for k in KINDS)])
    check_outputs(directory, [f"plots/check-{s.name}.png" for s in scenarios])  # the report's figures
    run = options.replace(seed=resolve_seed(options.seed, base), out=directory, overwrite=True)
    values = {p.name: ", ".join(f"{k} = {v}" for k, v in p.values.items()) for p in points}
    batch, results, n_reason = sized_batch(
        scenarios,
        reference,
        run,
        n=n,
        max_n=max_n,
        measures=shown,  # only those shown: an amount is not sized (`choose_n` says so)
        describe=values.__getitem__,
        using=using,
    )
    grid = pd.DataFrame([{"scenario": p.name, **p.values} for p in points])
    grid["reference"] = grid["scenario"] == reference
    table, comparison = sweep_table(results, grid, reference, shown, alpha)
    keys = list(points[0].values)
    shown_names = [m.name for m in shown]
    return Sweep(batch, keys, grid, reference, reason, shown_names, comparison, table, results, n_reason, alpha)


def sweep_table(
    results: Results, grid: pd.DataFrame, reference: str, measures: Sequence[Measure], alpha: float = ALPHA
) -> tuple[pd.DataFrame, Comparison]:
    """The tidy table of `Sweep` and its comparison: every value against `reference`, paired by replication
    (`analysis.compare.compare`), Holm's correction then taken over the whole table."""
    compared = compare(results, baseline=reference, alpha=alpha, measures=list(measures))
    comparison = Comparison(
        holm(compared.table_, alpha), compared.logrank_, reference, alpha, family=FAMILY
    )  # fmt: skip
    per_run = outcome_measures(results, measures=list(measures))
    diffs = comparison.table_.set_index(["scenario", "measure"])
    rows = []
    for _, point in grid.iterrows():
        scenario = point["scenario"]
        values = per_run[per_run["scenario"] == scenario]
        for m in measures:
            estimate, lower, upper, k, method = mean_interval(
                values[m.name].to_numpy(dtype=float), m.is_probability, alpha
            )
            row: dict[str, Any] = {
                **{str(k): v for k, v in point.items()},
                "measure": m.name,
                "label": m.label,
                "kind": m.kind,
                "unit": m.unit,
                "estimate": estimate,
                "lower": lower,
                "upper": upper,
                "n": k,
                "interval": method,
            }
            nan = float("nan")
            if scenario == reference:
                d: dict[str, Any] = {"difference": nan, "lower": nan, "upper": nan, "p_value": nan, "p_holm": nan}
                d |= {"significant": False, "n_pairs": k, "test": "reference"}
            else:
                d = diffs.loc[(scenario, m.name)].to_dict()
            row |= {
                "difference": d["difference"],
                "difference_lower": d["lower"],
                "difference_upper": d["upper"],
                "p_value": d["p_value"],
                "p_holm": d["p_holm"],
                "significant": bool(d["significant"]),
                "n_pairs": int(d["n_pairs"]),
                "test": d["test"],
            }
            rows.append(row)
    return pd.DataFrame(rows), comparison


def numeric(values: pd.Series) -> pd.Series | None:
    """The swept values as numbers when they are numbers (for a line plot), else None (categorical)."""
    try:
        out = pd.to_numeric(values)
    except (TypeError, ValueError):
        return None
    return out if not out.isna().any() and all(math.isfinite(v) for v in out) else None


# --- what a sweep writes ------------------------------------------------------------------------------------


def write_sweep_outputs(sweep: Sweep, title: str | None = None) -> tuple[Path, Path]:
    """The sweep's plot (`Sweep.plot`) into <results>/plots (``sweep.png``, or ``sweep-heatmap.png`` for two keys)
    and the report with the sweep's section first: its table and plot, and its own comparison (not computed
    again)."""
    from scenarios.report.figures import figure_bytes
    from scenarios.report.findings import Findings
    from scenarios.report.html import Section, save_report

    folder = sweep.batch.directory
    plots_dir = folder / "plots"
    name = PLOTS[0] if len(sweep.keys) == 1 else PLOTS[1]
    png = figure_bytes(sweep.plot(), dpi=110)  # drawn once
    write_output(plots_dir / name, png, field="out")
    sections = [
        Section.figure(
            title or f"The sweep of {' and '.join(sweep.keys)} at a glance",
            f"Each measure against the swept value, n = {sweep.n:,} replications per value, with its "
            f"{1 - sweep.alpha:.0%} interval; reference: {sweep.reference_values()} ({sweep.reference_reason}). "
            f"{sweep.n_reason}. The table below gives each value's paired difference from the reference.",
            png,
            f"each measure against {' and '.join(sweep.keys)}",
        ),
        Section("The sweep, value by value", sweep.to_html()),
    ]
    findings = Findings.of(sweep.results, comparison=sweep.comparison)
    report = save_report(findings, folder / "report.html", sections, plots_dir, cache=True, replace=False, named=False)
    return plots_dir, report


def save_targets(target: str | Path, base_name: str, sweeps: Sequence[str]) -> list[tuple[Path, list[str]]]:
    """Where `save` keeps each swept value as a scenario: ``NAME-<value>.yaml`` beside NAME.yaml (values of two
    keys joined by ``-``), with the `--set`s that make it."""
    target = Path(target)
    if target.suffix not in (".yaml", ".yml"):
        raise ScenarioError.naming(
            "save",
            "{save} {target}: needs a .yaml file name; a sweep keeps each value as NAME-<value>.yaml beside it",
            target=target,
        )
    out = []
    for point in sweep_points(base_name, sweeps):
        label = "-".join(re.sub(r"[^A-Za-z0-9_.]+", "_", str(v)).strip("_.") or "value" for v in point.values.values())
        out.append((target.with_name(f"{target.stem}-{label}{target.suffix}"), point.sets))
    names = [p for p, _ in out]
    if len(set(names)) < len(names):
        raise ScenarioError.naming(
            "save", "{save} {target}: two swept values give the same file name; sweep distinct values", target=target
        )
    return out


def check_sweep_save(
    config: str | Path, sweeps: Sequence[str], target: str | Path, note: str | None, force: bool = False,
    overrides: Sequence[str] = (),
) -> list[Path]:  # fmt: skip
    """Every file `save_sweep` will write, checked before the sweep runs (as `whatif.check_save` does for one)."""
    base = load_scenario(config, overrides)
    return [check_save(config, sets, path, note, force) for path, sets in save_targets(target, base.name, sweeps)]


def save_sweep(
    config: str | Path, sweeps: Sequence[str], target: str | Path, note: str | None, force: bool = False,
    overrides: Sequence[str] = (),
) -> list[Path]:  # fmt: skip
    """Each swept value kept as a scenario that `extends:` `config` (`whatif.save_whatif`), ``NAME-<value>.yaml``."""
    base = load_scenario(config, overrides)
    return [save_whatif(config, sets, path, note, force) for path, sets in save_targets(target, base.name, sweeps)]
