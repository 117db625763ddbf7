"""The tweak loop: one command from "what if X?" to paired, interval-backed differences, plots and a report.

A what-if runs the scenario and its tweaked copy in one batch (common random numbers: replication i of both
shares its seed and every parameter draw the tweak does not touch), so differences are sharp. Without `n`, a
pilot batch measures the variance of the paired difference in P(holds 30 days) and n is chosen so a 5-point
change is detected with 80% power. A sweep runs one scenario per value (or per pair of values for two keys).
"""

from __future__ import annotations

import io
import itertools
import math
import os
import warnings
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from ruamel.yaml import YAML
from typing_extensions import Unpack

from scenarios.analysis.compare import default_measures, paired_differences, replications_needed
from scenarios.analysis.survival import hold_probability
from scenarios.config.diff import Difference, diff_scenarios
from scenarios.config.inherit import extends_chain, parse_override, was
from scenarios.config.loader import load_scenario
from scenarios.config.params import DateParam, Param
from scenarios.config.paths import allowing
from scenarios.config.schema import Scenario
from scenarios.engine.batch import BatchResult, run_batch
from scenarios.engine.executors import Executor, executor_for
from scenarios.engine.options import RunOptionFields, RunOptions, study_options
from scenarios.engine.plan import output_directory, resolve_seed
from scenarios.exceptions import ConfigError, Problem, ScenarioError
from scenarios.io.atomic import write_atomic
from scenarios.io.load import Results, load_results
from scenarios.measures import Measure, measure_set
from scenarios.measures.builtin import COMPARED, WHATIF

HEADLINE = WHATIF  # registered with the other built-ins (measures.builtin)
PILOT = 200
CHUNK = 50


@dataclass(repr=False)
class WhatIf:
    """The outcome of a what-if: the batch, the assumption diff, the paired differences, how n was chosen.

    `table` is `analysis.compare.paired_differences` of the two arms (one row per measure, with its kind).
    """

    batch: BatchResult
    base: str
    tweaked: str
    differences: list[Difference]
    table: pd.DataFrame
    n_reason: str
    outputs: dict[str, Path] = field(default_factory=dict)

    def measures(self) -> list[str]:
        """The measures shown: the headline, then the outcome classes."""
        names = list(self.table["measure"])
        extra = [m for m in names if m not in HEADLINE and not m.startswith("outcome:") and m not in COMPARED]
        return [m for m in (*HEADLINE, *(m for m in names if m.startswith("outcome:")), *extra) if m in names]

    def to_text(self) -> str:
        """The paired differences that matter, one line per measure, each marked REAL or noise."""
        table = self.table.set_index("measure")
        lines = [f"{'measure':<32}{self.base:>14}{'what-if':>14}{'difference [95% interval]':>36}  verdict"]
        for measure in self.measures():
            r = table.loc[measure]
            pct = bool(r["kind"] == "probability")

            def fmt(v: Any, pct: bool = pct) -> str:
                v = float(v)
                return "n/a" if math.isnan(v) else (f"{v:.1%}" if pct else f"{v:,.3g}")

            interval = f"{fmt(r['difference'])} [{fmt(r['lower'])}, {fmt(r['upper'])}]"
            verdict = "REAL" if r["significant"] else "noise"
            lines.append(f"{measure:<32}{fmt(r[self.base]):>14}{fmt(r[self.tweaked]):>14}{interval:>36}  {verdict}")
        return "\n".join(lines)

    def to_html(self) -> str:
        """A fragment: how n was chosen and the table of paired differences."""
        import html

        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line.split("  ") if c.strip()) + "</tr>"
            for line in self.to_text().splitlines()[1:]
        )
        return f"<p>{html.escape(self.n_reason)}.</p><table><tbody>{rows}</tbody></table>"

    def plot(self, kind: str = "differences", ax: Any = None) -> Any:
        """The forest plot of the paired differences."""
        from scenarios.plots.whatif import paired_differences as forest

        if kind != "differences":
            raise ScenarioError(f"unknown plot kind {kind!r} for a what-if; kinds: differences")
        if ax is not None:
            raise ScenarioError("the differences plot has one panel per unit and draws its own figure: pass no ax")
        return forest(self.table, list(HEADLINE), f"{self.tweaked} vs {self.base}")

    def __repr__(self) -> str:
        real = int(self.table["significant"].sum())
        return f"<WhatIf {self.tweaked} vs {self.base}: {len(self.differences)} assumption(s) changed, {real} REAL>"

    def _repr_html_(self) -> str:
        return self.to_html()


def tweaked_scenario(config: str | Path, overrides: Sequence[str], tweaks: Sequence[str], name: str) -> Scenario:
    return load_scenario(config, [*overrides, *tweaks, f"name={name}"])


def run_whatif(
    config: str | Path,
    tweaks: Sequence[str],
    options: RunOptions | None = None,
    *,
    overrides: Sequence[str] = (),
    n: int | None = None,
    max_n: int = 5000,
    measures: Sequence[str] = (),
    measure_files: Sequence[str | Path] = (),
    using: Executor | None = None,
    **fields: Unpack[RunOptionFields],
) -> WhatIf:
    """Run `config` and `config` + `tweaks` as one batch and compare them pair by pair.

    `options` (`RunOptions`, or its fields as keywords) say how the batch runs; its folder (default
    ``<output_dir>/<name>-whatif``) is the what-if's own and is replaced. Without `n`, a pilot of 200 pairs chooses
    it (the pilot and the batch run on one executor). `measures` (names or expressions, checked before anything
    runs) are compared too, after the default ones.
    """
    options = study_options(options, fields)
    if not tweaks:
        raise ScenarioError.naming("tweaks", "a what-if needs at least one {tweaks} KEY=VALUE")
    base = load_scenario(config, overrides)
    known = measure_set(base, measure_files)
    extra = [known.get(m) for m in measures]
    tweaked = tweaked_scenario(config, overrides, tweaks, f"{base.name}-whatif")
    differences = diff_scenarios(base, tweaked)
    differences = [d for d in differences if d.path != "name"]
    if not differences:
        warnings.warn("the tweak changes no assumption: both arms are the same scenario", stacklevel=2)
    directory = output_directory(options.out, [base], "-whatif")
    # the seed once: the pilot and the full batch share it
    run = options.replace(
        seed=resolve_seed(options.seed, base), out=directory, overwrite=True, chunk_size=options.chunk_size or CHUNK
    )
    with ExitStack() as stack:
        runner = using if using is not None else stack.enter_context(executor_for(run))
        if n is None:
            pilot = run_batch([base, tweaked], run, n=PILOT, using=runner)
            needed, sd = replications_needed(load_results(pilot.directory), base.name, tweaked.name)
            chosen = min(max(needed, PILOT), max_n)
            reason = (
                f"n = {chosen} chosen from a pilot of {PILOT} pairs: the paired difference in P(holds 30 days) has "
                f"sd {sd:.3f}, so {needed} pairs detect a 5-point change with 80% power at the 5% level"
                + (f" (capped at {max_n})" if needed > max_n else "")
            )
            batch = pilot if chosen <= PILOT else run_batch([base, tweaked], run, n=chosen, using=runner)
        else:
            reason = f"n = {n} as asked"
            batch = run_batch([base, tweaked], run, n=n, using=runner)
    results = load_results(batch.directory)
    compared: list[str | Measure] | None = [*default_measures(), *extra] if extra else None
    table = paired_differences(results, base.name, tweaked.name, measures=compared)
    return WhatIf(batch, base.name, tweaked.name, differences, table, reason)


def render_table(result: WhatIf) -> str:
    """The paired differences that matter (`WhatIf.to_text`)."""
    return result.to_text()


def write_outputs(result: WhatIf, title: str) -> tuple[Path, Path]:
    """Every plot (the paired differences first) into <results>/plots, and the report with the what-if section."""
    import base64
    import html

    from scenarios.plots.whatif import paired_differences
    from scenarios.report.figures import figure_bytes
    from scenarios.report.html import Section, write_report

    folder = result.batch.directory
    plots_dir = folder / "plots"
    plots_dir.mkdir(exist_ok=True)
    png = figure_bytes(paired_differences(result.table, list(HEADLINE), title), dpi=120)  # drawn once
    write_atomic(plots_dir / "paired-differences.png", png)
    image = base64.b64encode(png).decode("ascii")
    section = Section(
        "The what-if at a glance",
        f'<p>{html.escape(result.n_reason)}.</p><img alt="paired differences" src="data:image/png;base64,{image}">',
    )
    return plots_dir, write_report([folder], folder / "report.html", [section], plots_dir)


def write_sweep_outputs(sweep: Sweep, table: pd.DataFrame) -> Path:
    """The sweep's plot: headline figures against the value (one key) or a heat map (two keys)."""
    from scenarios.plots.whatif import sweep_heatmap, sweep_lines

    folder = sweep.batch.directory / "plots"
    folder.mkdir(exist_ok=True)
    if len(sweep.keys) == 1:
        key = sweep.keys[0]
        sweep_lines(table, key, numeric(table[key])).savefig(folder / "sweep.png", dpi=120)
    else:
        sweep_heatmap(table, sweep.keys[0], sweep.keys[1]).savefig(folder / "sweep-heatmap.png", dpi=120)
    return folder


def check_save_target(config: str | Path, target: str | Path, force: bool = False) -> Path:
    """Where `save` may write: a new .yaml file, or an existing one with `force`, never a file the scenario is
    built from (that would replace the scenario with a file that extends itself)."""
    target = Path(target)
    if target.suffix not in (".yaml", ".yml"):
        raise ScenarioError.naming("save", "{save} {target}: needs a .yaml file name", target=target)
    if target.is_dir():
        raise ScenarioError.naming(
            "save",
            "{save} {target}: is a folder; give a file name such as {example}",
            target=target,
            example=target / "whatif.yaml",
        )
    resolved = target.resolve()
    if resolved in extends_chain(Path(config)):
        raise ScenarioError.naming(
            "save",
            "{save} {target}: {config} is built from this file; saving there would replace it with a file that "
            "extends itself. Choose another name ({force} does not change this).",
            target=target,
            config=config,
        )
    if target.exists() and not force:
        raise ScenarioError.naming(
            "save",
            "{save} {target}: the file exists; choose another name, or add {force} to replace it",
            target=target,
        )
    return target


def save_whatif(
    config: str | Path, tweaks: Sequence[str], target: str | Path, note: str | None, force: bool = False
) -> Path:
    """Write the tweak as a scenario that `extends:` the original, with the overrides and a note of why.

    The file is checked to load before it replaces anything, and is written atomically.
    """
    target = check_save_target(config, target, force)
    data: dict[str, Any] = {}
    rel = Path(_relative(Path(config).resolve(), target.resolve().parent))
    data["extends"] = str(rel)
    data["name"] = target.stem
    data["title"] = f"What if {', '.join(tweaks)}"
    data["note"] = note or f"Saved what-if of {Path(config).name}: {'; '.join(tweaks)}"
    base = load_scenario(config)
    for text in tweaks:
        path, value = parse_override(text)
        if path[-1] == "value" and len(path) > 1:
            path = path[:-1]
        param = base.parameter(".".join(map(str, path)))
        if isinstance(param, Param | DateParam) and not (isinstance(value, dict) and "dist" not in value):
            # the saved value is the analyst's, not the report's: it carries the note, and the quote it replaces
            value = {
                "value": value,
                "source": None,  # merged key by key over the base: the quote must be cleared, not inherited
                "assumption": note or f"what-if: --set {text}",
                "note": was(param.model_dump(mode="json", exclude_none=True)),
            }
        node = data
        for part in path[:-1]:
            node = node.setdefault(str(part), {})
        node[str(path[-1])] = value
    target.parent.mkdir(parents=True, exist_ok=True)
    yaml = YAML()  # round-trip dumper: keys stay in the order written (extends and name first)
    yaml.width = 4096
    buf = io.StringIO()
    buf.write("# yaml-language-server: $schema=" + _relative(_schema_path(), target.resolve().parent) + "\n")
    yaml.dump(data, buf)
    draft = target.with_name(f".{target.stem}.draft-{os.getpid()}{target.suffix}")  # same folder: same `extends:`
    write_atomic(draft, buf.getvalue().encode("utf-8"))
    try:
        with allowing([Path(config).resolve().parent]):
            load_scenario(draft)  # a saved what-if must load: fail here, not at the next run
        os.replace(draft, target)
    finally:
        draft.unlink(missing_ok=True)
    return target


def _schema_path() -> Path:
    return Path(__file__).resolve().parents[2] / "schemas" / "scenario.schema.json"


def _relative(path: Path, start: Path) -> str:
    import os

    return os.path.relpath(path, start)


# --- sweeps ------------------------------------------------------------------------------------------------


@dataclass
class Sweep:
    """One scenario per swept value (or pair of values), run as one batch."""

    batch: BatchResult
    keys: list[str]
    grid: pd.DataFrame  # scenario, then one column per key with the value as written


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
                    "e.g. --sweep actors.russia.back_armenia_propensity='[0.3, 0.5, 0.7]'",
                )
            ]
        )
    return key, values


def _label(value: Any) -> str:
    return str(value).replace(" ", "_").replace("[", "").replace("]", "").replace(",", "_")


def run_sweep(
    config: str | Path,
    sweeps: Sequence[str],
    options: RunOptions | None = None,
    *,
    overrides: Sequence[str] = (),
    n: int = 400,
    using: Executor | None = None,
    **fields: Unpack[RunOptionFields],
) -> Sweep:
    """Validate every value first (a bad one is reported before anything runs), then run one batch (into
    ``<output_dir>/<name>-sweep`` unless ``options.out``, replaced if it exists)."""
    options = study_options(options, fields)
    if not 1 <= len(sweeps) <= 2:
        raise ScenarioError.naming("sweeps", "give one or two {sweeps} KEY=[v1, v2, ...]")
    parsed = [parse_sweep(s) for s in sweeps]
    base = load_scenario(config, overrides)
    scenarios: list[Scenario] = []
    rows = []
    problems: list[Problem] = []
    for i, combo in enumerate(itertools.product(*(values for _, values in parsed))):
        name = f"{base.name}-sweep{i:02d}"
        sets = [f"{key}={_yaml(value)}" for (key, _), value in zip(parsed, combo, strict=True)]
        try:
            scenarios.append(load_scenario(config, [*overrides, *sets, f"name={name}"]))
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        rows.append({"scenario": name, **{key: value for (key, _), value in zip(parsed, combo, strict=True)}})
    if problems:
        raise ConfigError(problems)
    run = options.replace(
        seed=resolve_seed(options.seed, base), out=output_directory(options.out, [base], "-sweep"), overwrite=True
    )
    batch = run_batch(scenarios, run, n=n, using=using)
    return Sweep(batch, [k for k, _ in parsed], pd.DataFrame(rows))


def _yaml(value: Any) -> str:
    import io

    buf = io.StringIO()
    YAML(typ="safe", pure=True).dump(value, buf)
    text = buf.getvalue().strip()
    return text.removesuffix("...").strip()


def sweep_table(results: Results, grid: pd.DataFrame, days: Sequence[float] = (7, 30, 90)) -> pd.DataFrame:
    """Each swept scenario's headline figures with intervals, beside its swept value(s)."""
    hold = hold_probability(results, days)
    wide = grid.copy()
    for d in days:
        h = hold[hold["days"] == d].set_index("scenario")
        wide[f"holds_{d:g}"] = wide["scenario"].map(h["p"])
        wide[f"holds_{d:g}_lower"] = wide["scenario"].map(h["lower"])
        wide[f"holds_{d:g}_upper"] = wide["scenario"].map(h["upper"])
    share = results.replications.groupby("scenario", observed=True)["azerbaijani_share"].agg(["mean", "sem"])
    wide["azerbaijani_share"] = wide["scenario"].map(share["mean"])
    wide["azerbaijani_share_lower"] = wide["azerbaijani_share"] - 1.96 * wide["scenario"].map(share["sem"])
    wide["azerbaijani_share_upper"] = wide["azerbaijani_share"] + 1.96 * wide["scenario"].map(share["sem"])
    return wide


def numeric(values: pd.Series) -> pd.Series | None:
    """The swept values as numbers when they are numbers (for a line plot), else None (categorical)."""
    try:
        out = pd.to_numeric(values)
    except (TypeError, ValueError):
        return None
    return out if not out.isna().any() and all(math.isfinite(v) for v in out) else None
