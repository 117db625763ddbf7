"""The tweak loop: one command from "what if X?" to paired, interval-backed differences, plots and a report.

A what-if runs the scenario and its tweaked copy in one batch (common random numbers: replication i of both
shares its seed and every parameter draw the tweak does not touch), so differences are sharp. Without `n`, a
pilot batch measures the variance of the paired difference in each probability shown (or each asked for) and n is
chosen so a 5-point change in any of them is detected with 80% power. Sweeps (one scenario per value of a key) are
`scenarios.sweep`'s.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
import os
import stat
import warnings
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from ruamel.yaml import YAML
from typing_extensions import Unpack

from scenarios.analysis.compare import Comparison, Sizing, compare, default_measures, pairs_needed
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
    verdict,
)
from scenarios.config.diff import Difference, diff_scenarios
from scenarios.config.inherit import extends_chain, parse_override, was
from scenarios.config.loader import load_scenario
from scenarios.config.params import DateParam, Param
from scenarios.config.paths import allowing
from scenarios.config.schema import Scenario
from scenarios.engine.batch import BatchResult, run_batch
from scenarios.engine.executors import Executor, executor_for
from scenarios.engine.options import RunOptionFields, RunOptions, study_options
from scenarios.engine.plan import claim_folder, output_directory, resolve_seed
from scenarios.exceptions import ConfigError, ScenarioError
from scenarios.io.atomic import write_atomic
from scenarios.io.load import Results, load_results
from scenarios.io.owned import check_output_file, usable_path, write_output
from scenarios.io.records import OUTCOME_CLASSES
from scenarios.io.safe import kind_of
from scenarios.measures import Measure, measure_set
from scenarios.measures.builtin import COMPARED, WHATIF
from scenarios.plots.kinds import KINDS

HEADLINE = WHATIF  # registered with the other built-ins (measures.builtin)
PILOT = 200
CHUNK = 50


@dataclass(repr=False)
class WhatIf(Rendered):
    """The outcome of a what-if, computed once: the batch and its results, the assumption diff, the comparison of
    the two arms (paired by replication), how n was chosen.

    `table` is the paired differences (`analysis.compare.paired_differences` of the two arms: one row per measure,
    with its kind), read off `comparison`, which the report embeds as it is.
    """

    batch: BatchResult
    base: str
    tweaked: str
    differences: list[Difference]
    comparison: Comparison
    n_reason: str
    results: Results

    @functools.cached_property
    def table(self) -> pd.DataFrame:
        t = self.comparison.table_.drop(columns=["scenario", "baseline", "paired", "logrank_p"])
        return t.rename(
            columns={
                "baseline_value": self.base,
                "scenario_value": self.tweaked,
                "n_baseline": "n_a",
                "n_scenario": "n_b",
            }
        )

    def measures(self) -> list[str]:
        """The measures shown: the headline, then the outcome classes."""
        names = list(self.table["measure"])
        extra = [m for m in names if m not in HEADLINE and not m.startswith("outcome:") and m not in COMPARED]
        return [m for m in (*shown_measures(), *extra) if m in names]

    def to_text(self) -> str:
        """The paired differences that matter, one line per measure, each marked REAL or noise."""
        table = self.table.set_index("measure")
        lines = [f"{'measure':<32}{self.base:>14}{'what-if':>14}{'difference [95% interval]':>38}  verdict"]
        for measure, r in table.loc[self.measures()].iterrows():
            fmt, diff = _formatter(r), _difference(r)
            interval = interval_text(r["lower"], r["upper"], diff, r["difference"])
            lines.append(f"{measure:<32}{fmt(r[self.base]):>14}{fmt(r[self.tweaked]):>14}{interval:>38}  {_verdict(r)}")
        lines.append(
            "(differences of probabilities and shares in percentage points, intervals each measure's own; REAL: "
            f"distinguishable from noise at 0.05 after Holm's correction over the measures compared; {AFTER_HOLM})"
        )
        return "\n".join(lines)

    def views(self) -> list[View]:
        """How n was chosen, and the paired differences shown (`measures`)."""
        rows = self.table.set_index("measure").loc[self.measures()].reset_index()
        columns = [
            Column("measure", "measure", style="code", hint=lambda r: r["label"]),
            Column(self.base, lambda r: _formatter(r)(r[self.base]), style="num"),
            Column("what-if", lambda r: _formatter(r)(r[self.tweaked]), style="num"),
            Column("difference", lambda r: _difference(r)(r["difference"]), style="num"),
            Column("95% interval", lambda r: interval_text(r["lower"], r["upper"], _difference(r)), style="num"),
            Column("verdict", _verdict),
        ]
        return [View(rows, columns, before=f"{self.n_reason}.", row_class=lambda r: "sig" if r["significant"] else "")]

    def plot(self, kind: str = "differences", ax: Any = None, unit: str | None = None) -> Any:
        """The forest plot of the paired differences, one panel per unit; with `ax`, the panel of one `unit`
        ("probabilities", "territory", "deaths"; default: the first) there."""
        from scenarios.plots.whatif import paired_differences as forest

        if kind != "differences":
            raise ScenarioError(f"unknown plot kind {kind!r} for a what-if; kinds: differences")
        try:
            return forest(self.table, list(HEADLINE), f"{self.tweaked} vs {self.base}", ax=ax, unit=unit)
        except ValueError as exc:
            raise ScenarioError(str(exc)) from None

    def __repr__(self) -> str:
        real = int(self.table["significant"].sum())
        return f"<WhatIf {self.tweaked} vs {self.base}: {len(self.differences)} assumption(s) changed, {real} REAL>"


def _formatter(row: pd.Series) -> Callable[[Any], str]:
    """How a measure's figures read: probabilities in percent, amounts to three digits."""
    return pct if in_percent(row) else num


def _difference(row: pd.Series) -> Callable[[Any], str]:
    """How a difference reads: of probabilities and shares in percentage points, of amounts to three digits."""
    return pp if in_percent(row) else num


def _verdict(row: pd.Series) -> str:
    return verdict(row["significant"], row["lower"], row["upper"], row["difference"])


def shown_measures() -> list[str]:
    """The measures a what-if shows before any asked for: the headline, then the outcome classes."""
    return [*HEADLINE, *(f"outcome:{c}" for c in OUTCOME_CLASSES)]


def choose_n(sizing: Sequence[Sizing], max_n: int) -> tuple[int, str]:
    """n: the most pairs any sized probability needs (at least the pilot, at most `max_n`), and why, in words:
    which measure drove it and which the pilot could not size (no pair differed: sized on the rule-of-three bound)."""
    if not sizing:
        return PILOT, (
            f"n = {PILOT}, the pilot: no probability shown is defined in its pairs, so none could size n (a 5-point "
            "change means nothing for an amount: give n to choose it)"
        )
    driver = max(sizing, key=lambda s: s.n)
    chosen = min(max(driver.n, PILOT), max_n)
    label = driver.label or driver.measure
    which = f"of the {len(sizing)} probabilities sized, {label} needs the most" if len(sizing) > 1 else label
    reason = (
        f"n = {num(chosen)} chosen from a pilot of {PILOT} pairs: {which}: its paired difference has sd "
        f"{driver.sd:.3f}, so {num(driver.n)} pairs detect a 5-point change with 80% power at the 5% level"
        + (f" (capped at {num(max_n)})" if driver.n > max_n else "")
    )
    still = list(dict.fromkeys(s.measure for s in sizing if s.degenerate))  # a sweep sizes a measure per value
    if still:
        reason += (
            f"; the pilot saw no pair differ in {', '.join(still)}: "
            "there n is from the rule-of-three bound on the share of pairs that differ, not from an observed variance"
        )
    return chosen, reason


def sized_batch(
    scenarios: Sequence[Scenario],
    reference: str,
    run: RunOptions,
    *,
    n: int | None,
    max_n: int,
    measures: Sequence[str | Measure],
    fallback: Sequence[str | Measure] = (),
    describe: Callable[[str], str] | None = None,
    using: Executor | None = None,
) -> tuple[BatchResult, Results, str]:
    """Run `scenarios` as one batch of `n` replications each, or without `n`, of as many as a pilot of `PILOT` says
    (`choose_n`): the paired difference of each scenario from `reference` in every probability among `measures` (in
    `fallback` when none of them is one) needs a number of pairs to detect a 5-point change; n is the most any needs,
    at most `max_n`. A pilot big enough is the batch. Returns the batch, its results and how n was chosen, in words;
    `describe` names a scenario in them where there are several to compare (a sweep's value).

    The pilot and the batch share `run` (its seed and folder) and one executor. What a what-if and a sweep share."""
    with ExitStack() as stack:
        runner = using if using is not None else stack.enter_context(executor_for(run))
        if n is not None:
            batch = run_batch(scenarios, run, n=n, using=runner)
            return batch, load_results(batch.directory), f"n = {n:,} as asked"
        pilot = run_batch(scenarios, run, n=PILOT, using=runner)
        pilot_results = load_results(pilot.directory)
        sizing = []
        for other in (s.name for s in scenarios if s.name != reference):
            sized = pairs_needed(pilot_results, reference, other, measures)
            if not sized and fallback:  # the measures asked are no probabilities: size on the fallback
                sized = pairs_needed(pilot_results, reference, other, fallback)
            if describe is not None:
                sized = [dataclasses.replace(s, label=f"{s.label or s.measure} at {describe(other)}") for s in sized]
            sizing.extend(sized)
        chosen, reason = choose_n(sizing, max_n)
        if chosen <= PILOT:
            return pilot, pilot_results, reason
        batch = run_batch(scenarios, run, n=chosen, using=runner)
        return batch, load_results(batch.directory), reason


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
    ``<output_dir>/<name>-whatif``) must be new or empty, or hold results of the tool's that ``options.overwrite``
    replaces; the files the what-if writes there are checked before anything runs. Without `n`, a pilot of 200
    pairs chooses it (the pilot and the batch run on one executor). `measures` (names or expressions, checked
    before anything runs) are compared too, after the default ones.
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
    claim_folder(directory, "a what-if", overwrite=options.overwrite)
    check_outputs(directory, ["report.html", *(f"plots/{k}.png" for k in (*KINDS, "paired-differences"))])
    check_outputs(directory, [f"plots/check-{name}.png" for name in (base.name, tweaked.name)])
    # the seed once: the pilot and the full batch share it
    run = options.replace(
        seed=resolve_seed(options.seed, base), out=directory, overwrite=True, chunk_size=options.chunk_size or CHUNK
    )
    batch, results, reason = sized_batch(
        [base, tweaked],
        base.name,
        run,
        n=n,
        max_n=max_n,
        measures=[*extra] or [*shown_measures()],
        fallback=shown_measures(),  # shown too: the asked measures come after the default ones
        using=using,
    )
    compared: list[str | Measure] | None = [*default_measures(), *extra] if extra else None
    comparison = compare(results, baseline=base.name, measures=compared)  # the two arms, paired by replication
    return WhatIf(batch, base.name, tweaked.name, differences, comparison, reason, results)


def render_table(result: WhatIf) -> str:
    """The paired differences that matter (`WhatIf.to_text`)."""
    return result.to_text()


def write_outputs(result: WhatIf, title: str) -> tuple[Path, Path]:
    """Every plot (the paired differences first) into <results>/plots, and the report with the what-if section:
    the what-if's own comparison and results, not computed again."""
    from scenarios.plots.whatif import paired_differences
    from scenarios.report.figures import figure_bytes
    from scenarios.report.findings import Findings
    from scenarios.report.html import Section, save_report

    folder = result.batch.directory
    plots_dir = folder / "plots"
    png = figure_bytes(paired_differences(result.table, list(HEADLINE), title), dpi=120)  # drawn once
    write_output(plots_dir / "paired-differences.png", png, field="out")
    section = Section.figure("The what-if at a glance", f"{result.n_reason}.", png, "paired differences")
    findings = Findings.of(result.results, comparison=result.comparison)
    report = save_report(findings, folder / "report.html", [section], plots_dir, cache=True, replace=False, named=False)
    return plots_dir, report


def check_outputs(directory: Path, names: Sequence[str]) -> None:
    """The files a study will write in its folder, checked before it runs: absent, or the tool's own (the user's
    file at one of those names is never replaced)."""
    for name in names:
        check_output_file(directory / name, field="out")


def check_save_target(config: str | Path, target: str | Path, force: bool = False) -> Path:
    """Where `save` may write: a new .yaml file, or an existing one with `force`, never a file the scenario is
    built from (that would replace the scenario with a file that extends itself), never a link, a FIFO or a
    device."""
    target = usable_path(target, "save", "a .yaml file name")
    if target.suffix not in (".yaml", ".yml"):
        raise ScenarioError.naming("save", "{save} {target}: needs a .yaml file name", target=target)
    if target.is_dir():
        raise ScenarioError.naming(
            "save",
            "{save} {target}: is a folder; give a file name such as {example}",
            target=target,
            example=target / "whatif.yaml",
        )
    try:
        mode: int | None = os.lstat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise ScenarioError.naming(
            "save", "{save} {target}: cannot be used ({reason})", target=target, reason=exc.strerror
        ) from None
    resolved = target.resolve()
    if resolved in extends_chain(Path(config)):
        raise ScenarioError.naming(
            "save",
            "{save} {target}: {config} is built from this file; saving there would replace it with a file that "
            "extends itself. Choose another name ({force} does not change this).",
            target=target,
            config=config,
        )
    if mode is not None and not stat.S_ISREG(mode):
        raise ScenarioError.naming(
            "save", "{save} {target}: is {kind}; name a file of its own", target=target, kind=kind_of(mode)
        )
    if mode is not None and not force:
        raise ScenarioError.naming(
            "save",
            "{save} {target}: the file exists; choose another name, or add {force} to replace it",
            target=target,
        )
    return target


def whatif_yaml(config: str | Path, tweaks: Sequence[str], target: Path, note: str | None) -> str:
    """The saved what-if as YAML text (written by the YAML library): a scenario named after `target` that
    `extends:` `config` (relative to where it is saved), with the tweaks and a note of why."""
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
    yaml = YAML()  # round-trip dumper: keys stay in the order written (extends and name first)
    yaml.width = 4096
    buf = io.StringIO()
    buf.write("# yaml-language-server: $schema=" + _relative(_schema_path(), target.resolve().parent) + "\n")
    yaml.dump(data, buf)
    return buf.getvalue()


def check_loads(text: str, target: Path, config: str | Path, *, keep: bool = False) -> None:
    """Write `text` as a draft beside `target` (same folder: the same relative `extends:`), check that it loads as a
    scenario, then move it to `target` (`keep`) or remove it. A problem names `target`, not the draft. The folder is
    made if needed (and removed again when only a check made it)."""
    made = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
    draft = target.with_name(f".{target.stem}.draft-{os.getpid()}{target.suffix}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(draft, text.encode("utf-8"))
        try:
            with allowing([Path(config).resolve().parent]):
                load_scenario(draft)  # a saved scenario must load: fail here, not at the next run
        except ConfigError as exc:
            raise ConfigError(
                [dataclasses.replace(p, file=p.file.replace(draft.name, target.name)) for p in exc.problems]
            ) from None
        if keep:
            os.replace(draft, target)
    except OSError as exc:
        raise ScenarioError.naming(
            "save", "{save} {target}: cannot be written ({reason})", target=target, reason=exc.strerror or exc
        ) from None
    finally:
        draft.unlink(missing_ok=True)
        if not keep:
            for folder in made:
                with contextlib.suppress(OSError):
                    folder.rmdir()


def check_save(
    config: str | Path, tweaks: Sequence[str], target: str | Path, note: str | None, force: bool = False
) -> Path:
    """Everything `save_whatif` will need, checked before the what-if runs: the name, the place, and that the saved
    scenario loads (written as a draft and removed)."""
    target = check_save_target(config, target, force)
    check_loads(whatif_yaml(config, tweaks, target, note), target, config)
    return target


def save_whatif(
    config: str | Path, tweaks: Sequence[str], target: str | Path, note: str | None, force: bool = False
) -> Path:
    """Write the tweak as a scenario that `extends:` the original, with the overrides and a note of why.

    The file is checked to load before it replaces anything, and is written atomically.
    """
    target = check_save_target(config, target, force)
    check_loads(whatif_yaml(config, tweaks, target, note), target, config, keep=True)
    return target


def _schema_path() -> Path:
    return Path(__file__).resolve().parents[2] / "schemas" / "scenario.schema.json"


def _relative(path: Path, start: Path) -> str:
    import os

    return os.path.relpath(path, start)
