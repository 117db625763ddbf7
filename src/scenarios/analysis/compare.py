"""Differences between scenarios, measure by measure: paired where replications share seeds, unpaired otherwise.

Replication i of every scenario of one batch shares its seed (common random numbers), so the paired difference
of a measure has far less variance than the difference of two independent means: a t interval on the paired
differences. Scenarios from batches with another seed or size share no seeds; they get unpaired tests (Welch's t
for amounts, the two-proportion z test for probabilities), and the table says which test it used. Every figure
is a mean (a probability is the mean of a 0/1 measure). Measures that are n/a in either scenario (e.g. P(holds
d days) beyond the shorter horizon) are n/a in the comparison. Survival curves are compared with a log-rank test
(censored at the shorter horizon).
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from lifelines.statistics import logrank_test
from scipy import stats

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
    to_html,
    verdict,
)
from scenarios.analysis.survival import durations
from scenarios.exceptions import AnalysisError, python_name
from scenarios.io.load import Results
from scenarios.io.records import OUTCOME_CLASSES
from scenarios.measures import Measure, MeasureSet, results_measures
from scenarios.measures.builtin import COMPARED, holds_name

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


class ConfigMismatchWarning(UserWarning):
    """Scenarios compared across batches: their replications are not paired, or their horizons differ."""


def default_measures(days: Sequence[float] = (7, 30, 90)) -> list[str]:
    """The measures compared when none is asked for: P(holds d days) for each d, then `builtin.COMPARED`."""
    return [*(holds_name(d) for d in days), *COMPARED]


def resolve(
    results: Results, measures: Sequence[str | Measure] | None, days: Sequence[float] = (7, 30, 90)
) -> list[Measure]:
    """Measures by name or expression (default: `default_measures`); categories are compared class by class."""
    ms: MeasureSet = results_measures(results)
    out = []
    for m in measures or default_measures(days):
        measure = m if isinstance(m, Measure) else ms.get(m)
        if measure.kind == "category":
            raise AnalysisError(
                f"{measure.name!r} is a category: compare its classes, e.g. outcome:{OUTCOME_CLASSES[0]}"
            )
        out.append(measure)
    return out


def outcome_measures(
    results: Results, days: Sequence[float] = (7, 30, 90), measures: Sequence[str | Measure] | None = None
) -> pd.DataFrame:
    """Per replication: scenario, replication, then one float column per measure (probabilities as 0/1; NaN n/a)."""
    columns = {m.name: m.evaluate(results).astype(float) for m in resolve(results, measures, days)}
    frame = pd.DataFrame(columns)
    frame.index.names = ["scenario", "replication"]
    return frame.reset_index()


def _entry(results: Results, name: str) -> dict[str, Any]:
    for e in results.manifest["scenarios"]:
        if e["name"] == name:
            return dict(e)
    raise AnalysisError(f"{name!r} is not a scenario of these results; choose one of {', '.join(results.scenarios)}")


def is_paired(results: Results, a: str, b: str) -> bool:
    """Whether replication i of `a` and of `b` share their seed: same batch seed and same n."""
    m = results.manifest

    def key(name: str) -> tuple[Any, Any]:
        e = _entry(results, name)
        return e.get("batch_seed", m.get("seed")), e.get("batch_replications", m.get("replications"))

    return key(a) == key(b) and not results.design


def paired_interval(x: np.ndarray, y: np.ndarray, alpha: float = 0.05) -> dict[str, Any]:
    """The paired comparison of y with x, replication by replication (pairs where either is NaN left out): the mean
    of each, the mean difference y - x with Student's t interval on the pair differences, its p-value, the pairs.
    What `paired_differences` (a what-if's and a sweep's table) uses for runs that share seeds."""
    valid = ~(np.isnan(x) | np.isnan(y))
    x, y = x[valid], y[valid]
    d = y - x
    n = len(d)
    nan = float("nan")
    mean = float(d.mean()) if n else nan
    sd = float(d.std(ddof=1)) if n > 1 else nan
    if n < 2:
        lo = hi = p = nan
    elif sd > 0:
        se = sd / np.sqrt(n)
        tcrit = float(stats.t.ppf(1 - alpha / 2, n - 1))
        lo, hi = mean - tcrit * se, mean + tcrit * se
        p = float(2 * stats.t.sf(abs(mean / se), n - 1))
    else:  # every pair differs by the same amount
        lo = hi = mean
        p = 1.0 if mean == 0 else 0.0
    return {
        "a": float(x.mean()) if n else nan,
        "b": float(y.mean()) if n else nan,
        "difference": mean,
        "lower": lo,
        "upper": hi,
        "p_value": p,
        "n_pairs": n,
        "n_a": n,
        "n_b": n,
        "test": "paired t",
    }


def _unpaired_row(x: np.ndarray, y: np.ndarray, probability: bool, alpha: float) -> dict[str, Any]:
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    na, nb = len(x), len(y)
    nan = float("nan")
    row: dict[str, Any] = {"n_pairs": 0, "n_a": na, "n_b": nb}
    if na == 0 or nb == 0:
        return {**row, "a": nan, "b": nan, "difference": nan, "lower": nan, "upper": nan, "p_value": nan, "test": "n/a"}
    ma, mb = float(x.mean()), float(y.mean())
    diff = mb - ma
    lo = hi = p = nan
    z = float(stats.norm.ppf(1 - alpha / 2))
    if probability:
        test = "two-proportion z"
        se = math.sqrt(ma * (1 - ma) / na + mb * (1 - mb) / nb)
        pooled = (x.sum() + y.sum()) / (na + nb)
        se0 = math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
        if se0 > 0:
            p = float(2 * stats.norm.sf(abs(diff) / se0))
            lo, hi = diff - z * se, diff + z * se
        else:
            p, lo, hi = 1.0, diff, diff
    else:
        test = "Welch t"
        va, vb = (float(x.var(ddof=1)) if na > 1 else nan), (float(y.var(ddof=1)) if nb > 1 else nan)
        if na > 1 and nb > 1:
            se = math.sqrt(va / na + vb / nb)
            if se > 0:
                df = se**4 / ((va / na) ** 2 / (na - 1) + (vb / nb) ** 2 / (nb - 1))
                tcrit = float(stats.t.ppf(1 - alpha / 2, df))
                lo, hi = diff - tcrit * se, diff + tcrit * se
                p = float(2 * stats.t.sf(abs(diff) / se, df))
            else:
                lo = hi = diff
                p = 1.0 if diff == 0 else 0.0
    return {**row, "a": ma, "b": mb, "difference": diff, "lower": lo, "upper": hi, "p_value": p, "test": test}


def paired_differences(
    results: Results,
    a: str,
    b: str,
    days: Sequence[float] = (7, 30, 90),
    alpha: float = 0.05,
    measures: Sequence[str | Measure] | None = None,
) -> pd.DataFrame:
    """What changed from scenario `a` to `b`, per measure: the mean of each, the difference b-a with interval.

    Paired (t on the pair differences; pairs where either value is n/a are left out) when the replications share
    seeds, unpaired otherwise (column ``test``); with fewer than two values the interval and p-value are NaN.
    Columns: measure, label, kind, statistic, a, b (the means), difference, lower, upper, p_value, significant,
    n_pairs, n_a, n_b, test, p_holm. ``significant`` is Holm-corrected over the measures compared (`holm`).
    """
    chosen = resolve(results, measures, days)
    m = outcome_measures(results, days, chosen)
    paired = is_paired(results, a, b)
    left = m[m["scenario"] == _entry(results, a)["name"]].set_index("replication")
    right = m[m["scenario"] == _entry(results, b)["name"]].set_index("replication")
    if paired:
        common = left.index.intersection(right.index)
        if len(common) == 0:
            raise AnalysisError(f"scenarios {a!r} and {b!r} share no replication index; compare within one batch")
        left, right = left.loc[common], right.loc[common]
    rows = []
    for measure in chosen:
        x, y = left[measure.name].to_numpy(dtype=float), right[measure.name].to_numpy(dtype=float)
        if np.isnan(x).all() or np.isnan(y).all():  # n/a in one scenario (e.g. beyond its horizon): n/a here
            x, y = np.full(len(x), np.nan), np.full(len(y), np.nan)
        row = paired_interval(x, y, alpha) if paired else _unpaired_row(x, y, measure.is_probability, alpha)
        p = row["p_value"]
        rows.append(
            {
                "measure": measure.name,
                "label": measure.label,
                "kind": measure.kind,
                "unit": measure.unit,
                "statistic": "mean",
                a: row["a"],
                b: row["b"],
                "difference": row["difference"],
                "lower": row["lower"],
                "upper": row["upper"],
                "p_value": p,
                "significant": bool(p < alpha),
                "n_pairs": row["n_pairs"],
                "n_a": row["n_a"],
                "n_b": row["n_b"],
                "test": row["test"],
            }
        )
    table = pd.DataFrame(rows)
    return holm(table, alpha)


def holm(table: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Holm's step-down correction over the measures of one comparison (a family of tests): ``p_holm``, and
    ``significant`` only where it is below `alpha`, so that a table that calls differences real keeps the chance of
    calling any noise real at `alpha`."""
    from statsmodels.stats.multitest import multipletests

    table = table.copy()
    finite = table["p_value"].notna().to_numpy()
    adjusted = np.full(len(table), np.nan)
    if finite.any():
        adjusted[finite] = multipletests(table["p_value"].to_numpy()[finite], alpha=alpha, method="holm")[1]
    table["p_holm"] = adjusted
    table["significant"] = table["p_holm"] < alpha
    return table


def _horizon(results: Results, name: str) -> float:
    try:
        return float(results.scenario_config(name)["simulation"]["horizon_days"])
    except (KeyError, TypeError):
        return results.horizon


def logrank(results: Results, a: str, b: str, which: str = "first") -> dict[str, float]:
    """Log-rank test of the survival of ceasefires in scenarios a and b, censored at the shorter horizon."""
    data = durations(results, "first" if which == "first" else "all")
    horizon = min(_horizon(results, a), _horizon(results, b))
    x, y = data[data["scenario"] == a], data[data["scenario"] == b]

    def cut(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        beyond = df["duration"] > horizon
        return df["duration"].clip(upper=horizon), df["observed"].astype(bool) & ~beyond

    (dx, ox), (dy, oy) = cut(x), cut(y)
    test = logrank_test(dx, dy, event_observed_A=ox, event_observed_B=oy)
    return {"statistic": float(test.test_statistic), "p_value": float(test.p_value), "horizon": horizon}


@dataclass(repr=False)
class Comparison(Rendered):
    """Every scenario against a baseline: `table_` (tidy: one row per scenario and measure) and `logrank_`.

    ``table_`` columns: scenario, baseline, measure, label, kind, unit, statistic ("mean"), baseline_value,
    scenario_value, difference, lower, upper, p_value, significant, n_pairs, n_baseline, n_scenario, test, paired,
    logrank_p. ``logrank_``: baseline, scenario, statistic, p_value, horizon.
    """

    table_: pd.DataFrame
    logrank_: pd.DataFrame
    baseline: str
    alpha: float
    family: str = "the measures of each comparison"  # what Holm's correction was over (a sweep: its whole table)

    @property
    def table(self) -> pd.DataFrame:
        return self.table_

    def pairs(self) -> list[str]:
        return list(dict.fromkeys(self.table_["scenario"]))

    def shown(self, all: bool = False) -> pd.DataFrame:
        t = self.table_
        return t if all else t[t["significant"] | t["measure"].str.startswith("holds_")]

    def heading(self) -> str:
        level = f"{1 - self.alpha:.0%}"
        return (
            f"Differences of means (scenario minus the baseline, {self.baseline}; probabilities and shares in "
            "percentage points), "
            f"{level} intervals"
        )

    def to_text(self, all: bool = False, name: Callable[[str], str] = python_name) -> str:
        """Per scenario: the test used, one line per measure (all, or the significant ones and P(holds)),
        and the log-rank test. `name` says how the note on hidden measures names the option `all` (the CLI: --all)."""
        lines = [
            self.heading()
            + f" (each measure's own); REAL = distinguishable from noise at {self.alpha:g} after Holm's correction "
            f"over {self.family} (p: Holm-adjusted); {AFTER_HOLM}"
        ]
        shown = self.shown(all)
        for other in self.pairs():
            rows = shown[shown["scenario"] == other]
            full = self.table_[self.table_["scenario"] == other]
            paired = bool(full["paired"].iloc[0])
            how = (
                f"paired by replication (common random numbers, {int(full['n_pairs'].max())} pairs)"
                if paired
                else "UNPAIRED (different seeds or sizes): Welch t for amounts, two-proportion z for probabilities"
            )
            lines.append(f"\n{other} vs {self.baseline}: {how}")
            lines.append(f"  {'measure':<30}{'baseline':>12}{'scenario':>12}  {'difference [interval]':<30}{'p':>8}")
            for _, r in rows.iterrows():
                fmt, diff = _fmt(r), _fmt_diff(r)
                interval = interval_text(r["lower"], r["upper"], diff, r["difference"])
                said = verdict(r["significant"], r["lower"], r["upper"], r["difference"])
                lines.append(
                    f"  {r['measure']:<30}{fmt(r['baseline_value']):>12}{fmt(r['scenario_value']):>12}  "
                    f"{interval:<34}{pvalue(r['p_holm']):>8}  {said}"
                )
            if len(rows) < len(full):
                lines.append(f"  ({len(full) - len(rows)} measures within noise not shown; {name('all')} shows them)")
            lr = self.logrank_[self.logrank_["scenario"] == other].iloc[0]
            lines.append(
                f"  log-rank test of first-ceasefire survival (to day {lr['horizon']:g}): "
                f"chi2 = {lr['statistic']:.2f}, p = {pvalue(lr['p_value'])}"
            )
        return "\n".join(lines)

    def views(self, all: bool = True) -> list[View]:
        """Per scenario: the test it used, one row per measure (all, or the significant ones and P(holds)), and the
        log-rank test."""

        def figure(column: str) -> Column:
            return Column(
                {"baseline_value": "baseline (mean)", "scenario_value": "scenario (mean)"}.get(column, column),
                lambda r: _fmt(r)(r[column]),
                style="num",
            )

        columns = [
            Column("measure", "measure", hint=lambda r: r["label"]),
            figure("baseline_value"),
            figure("scenario_value"),
            Column("difference", lambda r: _fmt_diff(r)(r["difference"]), style="num"),
            Column("interval", lambda r: interval_text(r["lower"], r["upper"], _fmt_diff(r)), style="num"),
            Column("p (Holm)", "p_holm", pvalue, "num"),
            Column("verdict", lambda r: verdict(r["significant"], r["lower"], r["upper"], r["difference"])),
            Column("test", "test"),
        ]
        shown = self.shown(all)
        out = []
        for i, other in enumerate(self.pairs()):
            full = self.table_[self.table_["scenario"] == other]
            test = "paired t on the replication pairs" if bool(full["paired"].iloc[0]) else "unpaired tests"
            lr = self.logrank_[self.logrank_["scenario"] == other].iloc[0]
            out.append(
                View(
                    shown[shown["scenario"] == other],
                    columns,
                    heading=f"{other} vs {self.baseline} ({test})",
                    lead=f"{self.heading()} (each measure's own); {AFTER_HOLM}." if i == 0 else "",
                    after=f"Log-rank test of first-ceasefire survival, {self.baseline} vs {other} (to day "
                    f"{lr['horizon']:g}): chi2 = {lr['statistic']:.2f}, p = {pvalue(lr['p_value'])}.",
                    row_class=lambda r: "sig" if r["significant"] else "",
                )
            )
        return out

    def to_html(self, all: bool = True) -> str:
        """A fragment: one table per scenario pair, the test it used, and the log-rank result."""
        return to_html(self.views(all))

    def plot(
        self, kind: str = "differences", ax: Axes | None = None, scenario: str | None = None, unit: str | None = None
    ) -> Figure:
        """A forest plot of the differences of one scenario (default: the first) against the baseline, one panel per
        unit; with `ax`, the panel of one `unit` ("probabilities", "territory", "deaths"; default: the first) there."""
        if kind != "differences":
            raise AnalysisError(f"unknown plot kind {kind!r} for a comparison; kinds: differences")
        from scenarios.plots.whatif import paired_differences as forest

        other = scenario or self.pairs()[0]
        rows = self.table_[self.table_["scenario"] == other]
        rows = rows[~rows["difference"].isna()]
        try:
            return forest(rows, rows["measure"].tolist(), f"{other} vs {self.baseline}", ax=ax, unit=unit)
        except ValueError as exc:
            raise AnalysisError(str(exc)) from None

    def __repr__(self) -> str:
        t = self.table_
        return (
            f"<Comparison against {self.baseline!r}: {', '.join(map(str, self.pairs()))}; {t['measure'].nunique()} "
            f"measures, {int(t['significant'].sum())} significant at {self.alpha:g}>"
        )

    def _repr_html_(self) -> str:
        return self.to_html(all=False)


def _fmt(row: pd.Series) -> Callable[[float], str]:
    """How a measure's figures read: probabilities and shares in percent, amounts to three digits."""
    return pvaluect if in_percent(row) else _fmt_num


def _fmt_diff(row: pd.Series) -> Callable[[float], str]:
    """How a difference reads: of probabilities and shares in percentage points, of amounts to three digits."""
    return pp if in_percent(row) else _fmt_num


def pvaluect(v: float) -> str:
    return pct(v)


def _fmt_num(v: float) -> str:
    return num(v)


def compare(
    results: Results,
    baseline: str | None = None,
    alpha: float = 0.05,
    measures: Sequence[str | Measure] | None = None,
    days: Sequence[float] = (7, 30, 90),
) -> Comparison:
    """Every scenario against the first (or `baseline`): what changed, by how much, with which test."""
    names = results.scenarios
    base = baseline or names[0]
    if base not in names:
        raise AnalysisError(f"baseline {base!r} is not a scenario of these results; choose one of {', '.join(names)}")
    frames = []
    ranks = []
    for other in names:
        if other == base:
            continue
        table = paired_differences(results, base, other, days=days, alpha=alpha, measures=measures)
        table = table.rename(
            columns={base: "baseline_value", other: "scenario_value", "n_a": "n_baseline", "n_b": "n_scenario"}
        )
        table.insert(0, "scenario", other)
        table.insert(1, "baseline", base)
        table["paired"] = is_paired(results, base, other)
        lr = logrank(results, base, other)
        table["logrank_p"] = lr["p_value"]
        ranks.append({"baseline": base, "scenario": other, **lr})
        frames.append(table)
    if not frames:
        raise AnalysisError("compare needs at least two scenarios")
    return Comparison(pd.concat(frames, ignore_index=True), pd.DataFrame(ranks), base, alpha)


def merge_batches(batches: Sequence[Results]) -> Results:
    """Put scenarios from several batches side by side, warning (ConfigMismatchWarning) where that misleads.

    - different seeds or sizes: replications are not paired, so `compare` uses unpaired tests;
    - different horizons: survival is comparable only up to the shorter one (P(holds d days) beyond it is n/a);
    - a scenario name in two folders: the later one is shown as ``name@folder`` (``name@folder-2``, ... when folders
      share their name), and the warning says whether its configuration differs (config hash) and how to list the
      differences.

    Each scenario's manifest entry records its batch's seed and size (``batch_seed``, ``batch_replications``).
    """
    if not batches:
        raise AnalysisError("give at least one results folder")
    if len(batches) == 1:
        return batches[0]
    seeds = {b.manifest["seed"] for b in batches}
    ns = {b.manifest["replications"] for b in batches}
    if len(seeds) > 1 or len(ns) > 1:
        warnings.warn(
            "comparing batches with different seeds or sizes: replications are not paired (no common random "
            "numbers), so compare uses unpaired tests and intervals are wider; run the scenarios in one batch "
            "(`scenarios run A.yaml B.yaml`) for a sharp comparison",
            ConfigMismatchWarning,
            stacklevel=2,
        )
    horizons = {b.horizon for b in batches}
    if len(horizons) > 1:
        warnings.warn(
            f"comparing batches with different horizons ({sorted(horizons)} days): survival and outcome classes "
            f"are comparable only up to {min(horizons):g} days",
            ConfigMismatchWarning,
            stacklevel=2,
        )
    names: list[str] = []
    entries: list[dict[str, Any]] = []
    renames: list[dict[str, str]] = []
    seen: dict[str, tuple[Path, str | None]] = {}
    for b in batches:
        rename: dict[str, str] = {}
        for entry in b.manifest["scenarios"]:
            name = entry["name"]
            shown = name
            if name in seen:
                shown = f"{name}@{b.directory.name}"
                k = 2
                while shown in names:  # folders of the same base name: a number tells them apart
                    shown = f"{name}@{b.directory.name}-{k}"
                    k += 1
                first_dir, first_hash = seen[name]
                same = first_hash is not None and first_hash == entry.get("config_hash")
                warnings.warn(
                    f"scenario {name!r} is in both {first_dir} and {b.directory}"
                    + (" with the same configuration" if same else " with different configurations")
                    + f"; the second is shown as {shown!r}"
                    + ("" if same else f" (`scenarios diff {first_dir}:{name} {b.directory}:{name}` to compare)"),
                    ConfigMismatchWarning,
                    stacklevel=2,
                )
            seen.setdefault(name, (b.directory, entry.get("config_hash")))
            rename[name] = shown
            names.append(shown)
            entries.append(
                {
                    **entry,
                    "name": shown,
                    "batch_seed": entry.get("batch_seed", b.manifest["seed"]),
                    "batch_replications": entry.get("batch_replications", b.manifest["replications"]),
                }
            )
        renames.append(rename)
    manifest = dict(batches[0].manifest)
    manifest["scenarios"] = entries

    def cat(attr: str) -> pd.DataFrame:
        frames: list[pd.DataFrame] = [
            getattr(b, attr).assign(scenario=getattr(b, attr)["scenario"].astype(str).map(rename))
            for b, rename in zip(batches, renames, strict=True)
            if not getattr(b, attr).empty
        ]
        if not frames:
            return pd.DataFrame()
        df = pd.concat(frames, ignore_index=True)
        df["scenario"] = pd.Categorical(df["scenario"], categories=names)
        return df

    reps = cat("replications")
    classes = [*OUTCOME_CLASSES]  # today's classes, then those of an older folder (format 1), never NaN
    for b in batches:
        classes += [c for c in b.replications["outcome_class"].cat.categories if c not in classes]
    reps["outcome_class"] = pd.Categorical(reps["outcome_class"].astype(str), categories=classes)
    lazy = {t: functools.partial(cat, t) for t in ("ceasefires", "events", "timeseries", "errors", "offers", "daily")}
    return Results(batches[0].directory, manifest, reps, **lazy)  # each table merged when first used


@dataclass(frozen=True)
class Sizing:
    """Pairs needed to detect a change of `effect` in one probability, from a pilot's paired differences.

    `discordant`: pilot pairs whose two arms differ. With none, the pilot's sd is 0 and says nothing: `sd` is then
    the upper 95 % bound of the discordance rate by the rule of three (3 / pairs), so n is a bound, not a guess of 0.
    """

    measure: str
    label: str
    n: int
    sd: float
    pairs: int
    discordant: int

    @property
    def degenerate(self) -> bool:
        return self.discordant == 0


def pairs_needed(
    results: Results,
    a: str,
    b: str,
    measures: Sequence[str | Measure],
    effect: float = 0.05,
    alpha: float = 0.05,
    power: float = 0.8,
) -> list[Sizing]:
    """For each probability among `measures`, the pairs needed to detect a change of `effect` (two-sided test at
    `alpha` with `power`) from the sd of the paired differences in these results: n = ((z_a/2 + z_b) sd / effect)^2.
    Measures that are not probabilities, or are defined in no pair, are skipped: a 5-point change means nothing for
    the first, and there is no pilot for the second."""
    z = float(stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power))
    out = []
    for measure in resolve(results, measures):
        if measure.kind != "probability":
            continue
        m = outcome_measures(results, measures=[measure])
        left = m[m["scenario"] == a].set_index("replication")[measure.name]
        right = m[m["scenario"] == b].set_index("replication")[measure.name]
        common = left.index.intersection(right.index)
        d = (right.loc[common] - left.loc[common]).dropna().to_numpy()
        if not len(d):
            continue  # defined in no pair (P(holds 90 days) on a 60-day horizon): nothing to size
        discordant = int(np.count_nonzero(d))
        # with no pair differing, the rule of three: the share that differs is below 3 / pairs with 95 % confidence,
        # and var(d) is at most that share
        sd = float(d.std(ddof=1)) if discordant and len(d) > 1 else math.sqrt(min(1.0, 3.0 / len(d)))
        out.append(Sizing(measure.name, measure.label, int(np.ceil((z * sd / effect) ** 2)), sd, len(d), discordant))
    return out
