"""Does the model say what the report says? Each expectation's band against the model's frequency.

A frequency is estimated with a 95 % Wilson interval; the verdict is *consistent* when the interval lies inside
the band, *too high* / *too low* when it lies wholly beyond an edge, and *undetermined* when it straddles an edge
(then the number of replications that would settle it is given), and *n/a* when the measure is undefined by
definition in the batch (a ceasefire holding 30 days, asked of a 20-day horizon). A relation ("more likely than")
compares two frequencies paired by replication: the interval is the paired difference's (Agresti-Min), with McNemar's
test beside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint

from scenarios.analysis.render import Column, Rendered, View, pvalue
from scenarios.exceptions import ConfigError, ScenarioError
from scenarios.labels import expectation_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from scenarios.config.params import Source
    from scenarios.config.schema import Scenario
    from scenarios.io.load import Results

ALPHA = 0.05
INCONSISTENT = ("too high", "too low")
VERDICTS = ("consistent", *INCONSISTENT, "undetermined", "n/a")
_Z = float(norm.ppf(1 - ALPHA / 2))


class CheckError(ScenarioError):
    """An expectation that cannot be checked against this batch (a measure that is not yes-no, a missing column)."""


def wilson(k: int, n: int, alpha: float = ALPHA) -> tuple[float, float]:
    """The Wilson score interval of k successes in n (statsmodels)."""
    if n == 0:
        return (0.0, 1.0)
    lo, hi = proportion_confint(k, n, alpha=alpha, method="wilson")
    return float(lo), float(hi)


def replications_for_miss(miss: float = 0.05, power: float = 0.8, alpha: float = ALPHA, p: float = 0.5) -> int:
    """Replications that detect a frequency `miss` away from p with this power (two-sided normal test)."""
    z = norm.ppf(1 - alpha / 2) + norm.ppf(power)
    return math.ceil(float(z) ** 2 * p * (1 - p) / miss**2)


def default_n() -> tuple[int, str]:
    """The default batch size of a check and the sentence that says why."""
    need = replications_for_miss()
    n = math.ceil(need / 100) * 100
    return n, (
        f"{n} replications per scenario: a 5-point miss of a band at p = 0.5 is detected with power 0.8 at "
        f"alpha 0.05 (needs {need})"
    )


def verdict(lower: float, upper: float, band: tuple[float, float]) -> str:
    """consistent / too high / too low / undetermined, from an interval and a band."""
    lo, hi = band
    if lower > hi:
        return "too high"
    if upper < lo:
        return "too low"
    if lower >= lo and upper <= hi:
        return "consistent"
    return "undetermined"


def to_settle(p: float, variance: float, lower: float, upper: float, band: tuple[float, float]) -> int | None:
    """Observations that would bring the interval off the band edges it straddles (None: the estimate is on one).

    With per-observation variance `variance`, the interval's half-width z*sqrt(variance/n) must fall below the
    distance from the estimate to each straddled edge.
    """
    edges = [e for e in band if lower < e < upper]
    needed = 0
    for e in edges:
        gap = abs(p - e)
        if gap == 0 or variance == 0:
            return None
        needed = max(needed, math.ceil(_Z**2 * variance / gap**2))
    return needed or None


def chance_outside(judgments: int) -> str:
    """What many verdicts mean together: each stands on its own 95% interval, so even a model that met every band
    could show a few too high or too low by chance (at most 2.5 % each, the band's edge on one side)."""
    return (
        f"each verdict stands on its own 95% interval, not corrected for the {judgments} judgments: a model that met "
        f"every band could still show up to about {judgments * 0.025:.1f} of them too high or too low by chance alone, "
        "so one such verdict near its band's edge is weak evidence, several are not"
    )


@dataclass(frozen=True)
class Row:
    """One expectation's inputs: which scenario, its words and band, and the per-replication values."""

    scenario: str
    expectation: str
    para: int
    quote: str
    words: str
    measure: str
    given: str | None
    note: str
    band: tuple[float, float] | None
    relation: tuple[str, str] | None  # (op, other expectation) for a relation
    values: np.ndarray  # bool per replication (NaN-free)
    condition: np.ndarray | None  # bool per replication, or None
    na: str = ""  # why the expectation cannot be asked of this batch (then values and condition are ignored)
    origin: str = ""  # where the band comes from: the report's word, or the modeller's reading or band
    label: str = ""  # a short name for charts (the id, as words, unless the YAML gives one)


def evaluate_rows(rows: list[Row]) -> pd.DataFrame:
    """The check table: one row per (scenario, expectation) with estimate, interval, verdict and settle count."""
    by_id = {(r.scenario, r.expectation): r for r in rows}
    out = []
    for r in rows:
        rel = r.relation
        other = by_id[(r.scenario, rel[1])] if rel is not None else None
        na = r.na or (other.na if other is not None else "")
        if na:
            stats = _na_stats(r, other)
        elif other is None:
            stats = _band_stats(r)
        else:
            stats = _relation_stats(r, other)
        out.append(
            {
                "scenario": r.scenario,
                "expectation": r.expectation,
                "label": expectation_label(r.expectation, r.label),
                "para": r.para,
                "quote": r.quote,
                "words": r.words,
                "origin": r.origin,
                "measure": r.measure,
                "given": r.given,
                **stats,
                "na_reason": na,
                "note": r.note,
            }
        )
    columns = ["scenario", "expectation", "label", "para", "quote", "words", "origin", "measure", "given", "band_lo"]
    columns += ["band_hi", "n", "k", "estimate", "lower", "upper", "verdict", "settle_n", "p_value", "na_reason"]
    columns += ["note"]
    return pd.DataFrame(out, columns=columns)


def _band_stats(r: Row) -> dict[str, Any]:
    """A frequency (over the replications where `given` holds) against a fixed band."""
    assert r.band is not None
    values = r.values[r.condition] if r.condition is not None else r.values
    n, k = len(values), int(values.sum())
    p = k / n if n else math.nan
    lower, upper = wilson(k, n)
    v = verdict(lower, upper, r.band) if n else "undetermined"
    settle = to_settle(p, p * (1 - p), lower, upper, r.band) if v == "undetermined" and n else None
    if settle is not None and r.condition is not None:  # only replications where `given` holds count
        settle = math.ceil(settle * len(r.values) / n)
    return _stats(r.band, n, k, p, lower, upper, v, settle, math.nan)


def _na_stats(r: Row, other: Row | None) -> dict[str, Any]:
    """An expectation the batch cannot answer: no estimate, no interval, verdict n/a."""
    band = r.band if other is None or r.band is not None else (0.0, 1.0)
    assert band is not None
    return _stats(band, 0, 0, math.nan, math.nan, math.nan, "n/a", None, math.nan)


def _relation_stats(r: Row, other: Row) -> dict[str, Any]:
    """Two frequencies paired by replication: the paired difference's Agresti-Min interval, McNemar's exact test
    beside it.

    Shown on the probability scale: the band runs from the other's frequency up to 1 (more likely than) or from 0
    up to it (less likely than), and the interval is the other's frequency plus the difference's interval (clipped to
    [0, 1]). Agresti and Min (2005) add 0.5 to each cell of the paired table before the Wald interval: it keeps its
    coverage near the edges and never collapses to a point when every pair agrees (a Wald interval of the raw
    differences did: "100.0% [100.0%, 100.0%]").
    """
    assert r.relation is not None
    more = r.relation[0] == "more_likely_than"
    a, b = r.values.astype(float), other.values.astype(float)
    n = len(a)
    q = float(b.mean())
    d = a - b
    diff = float(d.mean())
    only_a, only_b = float((a * (1 - b)).sum()), float(((1 - a) * b).sum())
    pa, pb = (only_a + 0.5) / (n + 2), (only_b + 0.5) / (n + 2)
    shift = pa - pb
    half = _Z * math.sqrt(max(pa + pb - shift**2, 0.0) / (n + 2))
    lower, upper = max(q + shift - half, 0.0), min(q + shift + half, 1.0)
    sd = float(d.std(ddof=1)) if n > 1 else 0.0
    if lower > q:
        v = "consistent" if more else "too high"
    elif upper < q:
        v = "too low" if more else "consistent"
    else:
        v = "undetermined"
    settle = math.ceil(_Z**2 * sd**2 / diff**2) if v == "undetermined" and diff != 0 else None
    table = [[int((a * b).sum()), int((a * (1 - b)).sum())], [int(((1 - a) * b).sum()), int(((1 - a) * (1 - b)).sum())]]
    p_value = float(mcnemar(table, exact=True).pvalue)
    band = (q, 1.0) if more else (0.0, q)
    return _stats(band, n, int(a.sum()), float(a.mean()), lower, upper, v, settle, p_value)


def _stats(
    band: tuple[float, float],
    n: int,
    k: int,
    p: float,
    lower: float,
    upper: float,
    v: str,
    settle: int | None,
    p_value: float,
) -> dict[str, Any]:
    return {
        "band_lo": band[0],
        "band_hi": band[1],
        "n": n,
        "k": k,
        "estimate": p,
        "lower": max(lower, 0.0),
        "upper": min(upper, 1.0),
        "verdict": v,
        "settle_n": settle,
        "p_value": p_value,
    }


@dataclass(frozen=True, repr=False)
class Check(Rendered):
    """The report's judgments against a batch: a tidy table (one row per scenario and expectation), rendered."""

    table: pd.DataFrame
    n_reason: str = ""
    without_expectations: list[str] = field(default_factory=list)
    data: pd.DataFrame = field(default_factory=pd.DataFrame)  # one row per (scenario, observation): `data:` targets

    @property
    def inconsistent(self) -> pd.DataFrame:
        """The judgments and the observations the model contradicts (what `check --strict` fails on)."""
        judged = self.table[self.table["verdict"].isin(INCONSISTENT)]
        if self.data.empty:
            return judged
        observed = self.data[self.data["verdict"].isin(INCONSISTENT)].rename(columns={"target": "expectation"})
        return pd.concat([judged, observed], ignore_index=True)

    @property
    def scenarios(self) -> list[str]:
        return list(dict.fromkeys(self.table["scenario"]))

    def __repr__(self) -> str:
        counts = self.table["verdict"].value_counts().to_dict() if not self.table.empty else {}
        shown = ", ".join(f"{v} {n}" for v, n in counts.items())
        return f"Check({len(self.table)} judgments over {', '.join(self.scenarios) or 'no scenario'}: {shown})"

    def to_text(self) -> str:
        lines = []
        if self.n_reason:
            lines.append(f"Does the model say what the report says? ({self.n_reason})")
        for name in self.scenarios:
            rows = self.table[self.table["scenario"] == name]
            lines.append(f"\n{name}")
            width = max(len(x) for x in rows["expectation"])
            for _, r in rows.iterrows():
                settle = ""
                if r["verdict"] == "undetermined":
                    if pd.notna(r["settle_n"]):
                        settle = f" (about {int(r['settle_n']):,} replications would settle it)"
                    elif r["n"] == 0:
                        settle = " (no replication meets the condition)"
                    else:
                        settle = " (the estimate sits on the band's edge)"
                elif r["verdict"] == "n/a":
                    settle = f" ({r['na_reason']})"
                given = f"  given: {r['given']}" if r["given"] else ""
                if pd.notna(r["p_value"]):
                    given += f"  (paired; McNemar p = {pvalue(r['p_value'])})"
                lines.append(
                    f"  {r['expectation']:<{width}}  {_p(r['estimate'])} [{_p(r['lower'])}, {_p(r['upper'])}]  "
                    f"band {r['words']}  n={r['n']}  -> {r['verdict'].upper()}{settle}"
                )
                lines.append(f"      {_words(r)}  measure: {r['measure']}{given}")
                if r["origin"]:
                    lines.append(f"      band: {r['origin']}" + (f": {r['note']}" if _is_reading(r) else ""))
            counts = rows["verdict"].value_counts()
            summary = ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS if v != "n/a" or v in counts)
            lines.append(f"  {len(rows)} judgments: {summary}")
            lines.append(f"  ({chance_outside(len(rows))})")
        for name in self.without_expectations:
            lines.append(f"\n{name}: no expectations")
        if not self.data.empty:
            lines.append(f"\nDoes the model reproduce what was observed? ({IMPLAUSIBILITY_METHOD})")
            for name in dict.fromkeys(self.data["scenario"]):
                rows = self.data[self.data["scenario"] == name]
                lines.append(f"\n{name}")
                width = max(len(x) for x in rows["target"])
                for _, r in rows.iterrows():
                    lines.append(
                        f"  {r['target']:<{width}}  observed {r['observed']}  model {_num(r['mean'])} "
                        f"(90% of runs in [{_num(r['p05'])}, {_num(r['p95'])}])  I = {r['implausibility']:.2f}  "
                        f"n={r['n']}  -> {r['verdict'].upper()}"
                    )
                    lines.append(f"      {r['reading']}  measure: {r['measure']}")
                counts = rows["verdict"].value_counts()
                summary = ", ".join(f"{counts.get(v, 0)} {v}" for v in ("consistent", *INCONSISTENT))
                lines.append(f"  {len(rows)} observations: {summary}")
        return "\n".join(lines).lstrip("\n")

    def views(self) -> list[View]:
        """One table per scenario: each judgment, the report's words, the band, the model with its interval, the
        verdict (and what would settle an undetermined one); inconsistent rows are marked."""
        columns = [
            Column("judgment", "expectation", style="code", detail=lambda r: r["measure"] + _given(r)),
            Column("the report\u2019s words", _words, style="quote"),
            Column("band", "words", detail=_origin),
            Column("model", "estimate", _p, "num"),
            Column("95% interval", lambda r: f"[{_p(r['lower'])}, {_p(r['upper'])}]", style="num"),
            Column("verdict", "verdict", style="strong", detail=_settle),
        ]
        views = []
        for name in self.scenarios:
            rows = self.table[self.table["scenario"] == name]
            after = chance_outside(len(rows)).capitalize() + "."
            views.append(View(rows, columns, heading=name, css="check", row_class=_row_class, after=after))
        if not self.data.empty:
            observed = [
                Column("observation", "target", style="code", detail=lambda r: r["measure"]),
                Column("what was observed", "reading", style="quote"),
                Column("observed", "observed", style="num"),
                Column("model", "mean", _num, "num"),
                Column("90% of runs", lambda r: f"[{_num(r['p05'])}, {_num(r['p95'])}]", style="num"),
                Column("implausibility", "implausibility", lambda x: f"{x:.2f}", "num"),
                Column("verdict", "verdict", style="strong"),
            ]
            views += [
                View(
                    self.data[self.data["scenario"] == name],
                    observed,
                    heading=f"{name}: what was observed",
                    caption=IMPLAUSIBILITY_METHOD,
                    css="check",
                    row_class=_row_class,
                )
                for name in dict.fromkeys(self.data["scenario"])
            ]
        return views

    def plot(self, scenario: str | None = None, ax: Axes | None = None) -> Any:
        """One row per judgment: the band shaded, the estimate and its interval as a dot; misses in red."""
        from matplotlib.figure import Figure

        name = scenario or (self.scenarios[0] if self.scenarios else "")
        rows = self.table[self.table["scenario"] == name].reset_index(drop=True)
        fig: Any
        if ax is None:
            # a Figure, not pyplot: pyplot keeps every figure open for the life of the process
            fig = Figure(figsize=(9.5, 0.45 * len(rows) + 1.4), layout="constrained")
            ax = fig.add_subplot()
        else:
            fig = ax.get_figure(root=True)
        for i, r in rows.iterrows():
            y = len(rows) - 1 - int(str(i))
            ax.barh(  # the report's own word: solid; the modeller's reading or band: hatched
                y,
                r["band_hi"] - r["band_lo"],
                left=r["band_lo"],
                height=0.7,
                color="#d9e6f2",
                hatch="///" if _is_reading(r) else None,
                edgecolor="#9fb8d0" if _is_reading(r) else None,
                linewidth=0,
                zorder=1,
            )
            if r["n"] == 0:  # nothing to draw: say why
                why = f"n/a: {r['na_reason']}" if r["verdict"] == "n/a" else f"no replication meets: {r['given']}"
                ax.text(0.5, y, why, ha="center", va="center", fontsize=7, color="#7f7f7f")
                continue
            bad = r["verdict"] in INCONSISTENT
            color = "#c0392b" if bad else ("#7f7f7f" if r["verdict"] == "undetermined" else "#1f5f99")
            ax.errorbar(
                r["estimate"],
                y,
                xerr=[[max(r["estimate"] - r["lower"], 0.0)], [max(r["upper"] - r["estimate"], 0.0)]],
                fmt="o",
                color=color,
                capsize=3,
                zorder=3,
                clip_on=False,
            )
        ax.set_yticks(range(len(rows)))
        misses = [v in INCONSISTENT for v in rows["verdict"]][::-1]
        words = [_chart_label(r) for _, r in rows.iterrows()][::-1]
        labels = [("\u00d7 " if bad else "") + w for w, bad in zip(words, misses, strict=True)]
        ax.set_yticklabels(labels, fontsize=8)
        for label, bad in zip(ax.get_yticklabels(), misses, strict=True):
            if bad:
                label.set_color("#c0392b")
        ax.set_xlim(-0.01, 1.01)
        ax.set_xlabel(
            "probability; dot: the model, 95% interval\n"
            "shaded: the band, solid where the report says the word, hatched where it is the modeller's reading",
            fontsize=8,
        )
        ax.set_title(f"Does the model say what the report says? ({name})", fontsize=10)
        ax.grid(axis="x", alpha=0.3)
        return fig


def _chart_label(row: pd.Series) -> str:
    """A judgment as the chart names it: its label (YAML) and the paragraph of the report's words; the id is for
    tables and `--set`."""
    para = row.get("para")
    label = str(row["label"])
    if para is None or pd.isna(para) or str(para) == "" or int(para) <= 0:  # 0: a coherence check, no paragraph
        return label
    return f"{label} (\u00b6{int(para)})"


def _is_reading(row: pd.Series) -> bool:
    """Whether a band is the modeller's (a reading of a sentence, or a range), not a word the report says."""
    return str(row.get("origin", "")).startswith("the modeller")


def _origin(row: pd.Series) -> str:
    """Where the band comes from; for the modeller's, its note (why)."""
    origin = str(row.get("origin", ""))
    return f"{origin}: {row['note']}" if _is_reading(row) and row.get("note") else origin


def _given(row: pd.Series) -> str:
    return f" given {row['given']}" if row["given"] else ""


def _settle(row: pd.Series) -> str:
    """What would settle an undetermined judgment, or why one is n/a ("" otherwise)."""
    if row["verdict"] == "undetermined" and pd.notna(row["settle_n"]):
        return f"(about {int(row['settle_n']):,} replications would settle it)"
    if row["verdict"] == "n/a":
        return f"({row['na_reason']})"
    return ""


def _row_class(row: pd.Series) -> str:
    return "inconsistent" if row["verdict"] in INCONSISTENT else str(row["verdict"]).replace(" ", "-").replace("/", "")


def _p(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.1%}" if x < 0.995 or x == 1 else f"{x:.2%}"


def _bool_values(series: pd.Series, what: str) -> np.ndarray | None:
    """0/1 per replication; None where the measure is n/a in every replication (n/a by definition, as
    ``holds_<d>_days`` beyond the horizon); a null in only some replications is an error in the measure."""
    values = series.to_numpy()
    if values.dtype != bool:
        null = pd.isna(series).to_numpy()
        if len(null) and null.all():
            return None
        if null.any():
            raise CheckError(
                f"{what}: the measure is undefined (null) in {int(null.sum())} of {len(null)} replications; "
                "a band needs a yes-no value in each (a comparison with a null is false, e.g. `day_x < 30`)"
            )
        values = values.astype(bool)
    return values


def _na_reason(text: str, horizon: float) -> str:
    return f"{text} is undefined in every replication: it asks beyond the {horizon:g}-day horizon"


def _yes_no(measures: Any, results: Results, scenario: str, text: str, where: str) -> np.ndarray | None:
    """A yes-no measure's values in one scenario of a batch (None: n/a in all of them); a CheckError names the
    expectation otherwise."""
    from scenarios.exceptions import MeasureError

    try:
        m = measures.get(text)
        if m.kind != "probability":
            raise CheckError(f"{where}: {text!r} is a {m.kind} measure; a band or a condition needs a yes-no one")
        series = m.evaluate(results).xs(scenario, level="scenario")
    except MeasureError as exc:
        raise CheckError(f"{where}: {exc}") from None
    return _bool_values(series, where)


def expectation_values(results: Results, scenario: str) -> dict[str, pd.Series]:
    """Each active expectation's measure per replication of `scenario` as 0/1, NaN where its `given` fails."""
    from scenarios.measures import measure_set

    spec = judged_scenario(results, scenario)
    measures = measure_set(spec.config if isinstance(spec, Judgments) else spec)
    out = {}
    for eid, exp in spec.active_expectations().items():
        assert exp.measure is not None
        where = f"{scenario}: expectations.{eid}"
        measured = _yes_no(measures, results, scenario, exp.measure, f"{where}.measure")
        condition = _yes_no(measures, results, scenario, exp.given, f"{where}.given") if exp.given else None
        n = int((results.replications["scenario"] == scenario).sum())
        if measured is None or (exp.given and condition is None):
            values = np.full(n, np.nan)
        else:
            values = measured.astype(float)
            if condition is not None:
                values[~condition] = np.nan
        out[f"expectation:{eid}"] = pd.Series(values)
    return out


def _words(r: Any) -> str:
    """The report's words a row answers, or (a coherence check) the absurd story it rules out."""
    if r["para"] == 0:
        return f"coherence: {r['quote']}"
    return f"\u00b6{r['para']} \u201c{r['quote']}\u201d"


@dataclass(frozen=True)
class Judgments:
    """The judgments of a scenario that today's schema cannot rebuild whole: one a results folder of format 1
    stored (written for model v1, whose mechanisms and keys are gone). Its expectations are read alone, against its
    own estimative words, and checked against the replications that folder holds."""

    config: dict[str, Any]
    expectations: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)  # format 1 had no observations

    def active_expectations(self) -> dict[str, Any]:
        return {k: e for k, e in self.expectations.items() if not e.drop}

    @classmethod
    def of(cls, config: dict[str, Any], display: str) -> Judgments:
        from pydantic import ValidationError

        from scenarios.config.expectations import Expectation
        from scenarios.config.params import EstimativeWords

        try:
            words = EstimativeWords.model_validate(config.get("estimative_words") or {"words": {}})
            expectations = {
                k: Expectation.model_validate(e, context={"words": words})
                for k, e in (config.get("expectations") or {}).items()
            }
        except ValidationError as exc:
            raise CheckError(f"{display}: the stored expectations cannot be read: {exc}") from None
        return cls(config, expectations)


def judged_scenario(results: Results, name: str, given: Mapping[str, Scenario] | None = None) -> Scenario | Judgments:
    """The scenario whose judgments a batch is checked against: the one given, else rebuilt from the manifest (for
    a folder of format 1, its judgments alone: `Judgments`)."""
    from scenarios.config.loader import scenario_from_dump
    from scenarios.io.legacy import FORMAT_1

    if given and name in given:
        return given[name]
    config = results.scenario_config(name)
    display = f"{results.directory}/manifest.json"
    if results.manifest.get("migrated_from") == FORMAT_1:
        return Judgments.of(config, display)
    return scenario_from_dump(config, display)


def _origin_of(scenario: Scenario | Judgments, exp: Any) -> str:
    """Where an expectation's band comes from (`Expectation.origin`), read against the sentence it quotes; "" for a
    coherence check (no sentence) or the judgments of a folder of format 1."""
    if exp.source is None or isinstance(scenario, Judgments):
        return ""
    return str(exp.origin(_sentence(scenario, exp.source), scenario.estimative_words))


def _sentence(scenario: Scenario, source: Source) -> str:
    """The sentence of the report a quote comes from (the quote itself if the document cannot be read here, e.g. a
    results folder from another machine)."""
    from scenarios.config.provenance import load_source, sentence_of

    try:
        doc = load_source(scenario.sources[source.ref])
        return sentence_of(doc.paragraphs[source.para - 1], source.quote)
    except (ConfigError, KeyError, IndexError, OSError):
        return source.quote


def check(results: Results, scenarios: Mapping[str, Scenario] | None = None, n_reason: str = "") -> Check:
    """Every active expectation of every scenario of a batch against the batch (expectations from the manifest)."""
    from scenarios.measures import measure_set

    rows: list[Row] = []
    without = []
    for name in results.scenarios:
        scenario = judged_scenario(results, name, scenarios)
        expectations = scenario.active_expectations()
        if not expectations:
            without.append(name)
            continue
        measures = measure_set(scenario.config if isinstance(scenario, Judgments) else scenario)
        for eid, exp in expectations.items():
            assert exp.measure is not None
            where = f"{name}: expectations.{eid}"
            values = _yes_no(measures, results, name, exp.measure, f"{where}.measure")
            condition = _yes_no(measures, results, name, exp.given, f"{where}.given") if exp.given else None
            na = ""
            if values is None or (exp.given and condition is None):
                na = _na_reason(exp.measure if values is None else str(exp.given), results.horizon_of(name))
            rel = exp.relation
            rows.append(
                Row(
                    scenario=name,
                    expectation=eid,
                    para=exp.source.para if exp.source is not None else 0,  # 0: a coherence check
                    quote=exp.source.quote if exp.source is not None else str(exp.coherence),
                    words=exp.band_text(),
                    origin=_origin_of(scenario, exp),
                    measure=exp.measure,
                    given=exp.given,
                    note=exp.note or str(exp.coherence),
                    label=exp.label or "",
                    band=exp.range,
                    relation=(rel.op, rel.other) if rel is not None else None,
                    values=values if values is not None else np.zeros(0, dtype=bool),
                    condition=condition,
                    na=na,
                )
            )
    return Check(evaluate_rows(rows), n_reason, without, observation_table(results, scenarios))


IMPLAUSIBILITY_METHOD = (
    "implausibility of the observed value under the model's predictive distribution, history matching's measure: "
    "the distance from the model's mean to the observed range over the model's spread and the observation's own; "
    "consistent up to 3 (Pukelsheim's three-sigma rule)"
)


def observation_table(results: Results, scenarios: Mapping[str, Scenario] | None = None) -> pd.DataFrame:
    """Each scenario's `data:` targets against its replications: the model's mean and spread, the implausibility of
    what was observed, and the verdict (too high / too low beyond the cut, consistent otherwise)."""
    from scenarios.analysis.history_matching import CUT, data_implausibility
    from scenarios.exceptions import MeasureError
    from scenarios.measures import measure_set

    out = []
    for name in results.scenarios:
        scenario = judged_scenario(results, name, scenarios)
        if not scenario.data or isinstance(scenario, Judgments):
            continue
        measures = measure_set(scenario)
        for tid, target in scenario.data.items():
            where = f"{name}: data.{tid}.measure"
            try:
                series = measures.get(target.measure).evaluate(results).xs(name, level="scenario")
            except MeasureError as exc:
                raise CheckError(f"{where}: {exc}") from None
            values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
            values = values[~np.isnan(values)]
            if len(values) == 0:
                raise CheckError(f"{where}: the measure is undefined (null) in every replication")
            lo, hi = target.range
            mean, var = float(values.mean()), float(values.var(ddof=1)) if len(values) > 1 else 0.0
            i = float(data_implausibility(np.array([mean]), np.array([var]), (lo, hi), target.variance)[0])
            v = "consistent" if i <= CUT else ("too high" if mean > hi else "too low")
            out.append(
                {
                    "scenario": name,
                    "target": tid,
                    "measure": target.measure,
                    "observed": target.value_text(),
                    "observed_lo": lo,
                    "observed_hi": hi,
                    "n": len(values),
                    "mean": mean,
                    "sd": math.sqrt(var),
                    "p05": float(np.quantile(values, 0.05)),
                    "p95": float(np.quantile(values, 0.95)),
                    "implausibility": i,
                    "verdict": v,
                    "reading": target.observed.reading,
                }
            )
    return pd.DataFrame(out)


def _num(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"
