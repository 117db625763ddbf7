"""The headline figures of a batch, per scenario: computed once as a tidy table, rendered as text or HTML.

`summarize` fits each scenario's Kaplan-Meier curve once and reads P(the first truce stays formally in force d days)
for any days asked, beside the share of runs in which it held in fact d days (no operation fought under it, few
violations); the wording (the truce's date and broker) comes from the scenario, not from this module.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from lifelines.utils import median_survival_times

from scenarios.analysis.outcomes import CASUALTY_COLUMNS, outcome_probabilities, quantiles
from scenarios.analysis.render import Column, Rendered, View
from scenarios.analysis.survival import durations, fit_km, holds_at
from scenarios.io.load import Results
from scenarios.measures import Measure, builtin_measures
from scenarios.measures.builtin import holds, holds_label, holds_name

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MEDIANS = (*CASUALTY_COLUMNS, "attacker_share")
DESIGN_NOTE = (
    "A STUDY'S DESIGN, NOT A SAMPLE OF THE SCENARIO: its parameters follow the design (Sobol, Morris or a calibration "
    "wave), not their distributions, and its runs share seeds in blocks. The figures describe the design's runs, not "
    "the scenario, so they are given without intervals: one that took the runs as independent draws would be too "
    "narrow, and none would be an interval of the scenario's own figure. For the scenario's figures with intervals, "
    "run it: scenarios run CONFIG"
)


def ceasefire_phrase(config: dict[str, Any]) -> str:
    """How the text names the first truce, from the scenario: the one in force on day 0 ('the ceasefire of 10 Oct
    2020'), or, for a scenario that starts at war, 'the first truce agreed'."""
    start = (config.get("simulation") or {}).get("start_date")
    cf = (config.get("world") or {}).get("ceasefire") or {}
    if not cf:
        return "the first truce agreed"
    try:
        date = dt.date.fromisoformat(str(start))
        when = f" of {date.day} {date:%b %Y}"
    except ValueError:
        when = ""
    broker = str(cf.get("broker") or "")
    by = f" ({broker.capitalize()}-brokered)" if broker else ""
    return f"the ceasefire{when}{by}"


@dataclass(repr=False)
class Summary(Rendered):
    """Headline figures: `table_` has one row per scenario, measure and days.

    Columns: scenario, measure, label, statistic (``Kaplan-Meier``, ``median``, ``share``, ``mean``), days (for
    P(holds d days), else NaN), value, lower, upper, n. For P(holds) and outcome shares lower/upper are the
    confidence interval; for medians of casualties and territory they are the 5th and 95th percentiles.

    Of a study's design (`design`: `io.load.Results.design`) no confidence interval is valid: lower and upper are NaN
    but for the percentiles, and the text and HTML give point values, saying why once (`DESIGN_NOTE`).
    """

    table_: pd.DataFrame
    days: tuple[float, ...]
    alpha: float
    seed: Any
    horizons: dict[str, float]
    complete: bool = True
    reason: str | None = None
    phrase: str = "the first truce"
    extra: list[str] = field(default_factory=list)
    runs: dict[str, int] = field(default_factory=dict)  # replications per scenario
    design: bool = False  # the runs of a study's design (sensitivity, a calibration wave), not a sample of the scenario

    @property
    def scenarios(self) -> list[str]:
        return list(dict.fromkeys(self.table_["scenario"]))

    def value(self, scenario: str, measure: str, days: float | None = None) -> pd.Series:
        t = self.table_[(self.table_["scenario"] == scenario) & (self.table_["measure"] == measure)]
        if days is not None:
            t = t[t["days"] == days]
        return t.iloc[0]

    def to_text(self) -> str:
        """One block per scenario, as the terminal shows it."""
        lines = []
        if not self.complete:
            lines.append(
                f"!! PARTIAL BATCH ({self.reason or 'not finished'}): figures cover only the finished chunks !!"
            )
        if self.design:
            lines.append(f"!! {DESIGN_NOTE} !!")
        level = f"{1 - self.alpha:.0%}"
        for name in self.scenarios:
            n = int(self.value(name, holds_name(self.days[0]), self.days[0])["n"])
            runs = self.runs.get(name, n)
            had = f", a truce agreed in {n}" if n < runs else ""
            size = f"{runs:,} runs of the design" if self.design else f"n = {runs}"
            lines.append(f"{name}  ({size}, seed {self.seed}{had})")
            parts = []
            for d in self.days:
                r = self.value(name, holds_name(d), d)
                if math.isnan(r["value"]):
                    parts.append(f"{d:g} days n/a (beyond the {self.horizons[name]:g}-day horizon)")
                else:
                    parts.append(f"{d:g} days {_pct(r['value'], _digits(r))} {_interval(r)}".rstrip())
            known = self.table_[(self.table_["scenario"] == name) & (self.table_["statistic"] == "known history")]
            note = "; known history: a fact every run is held to, not an estimate" if len(known) else ""
            spans = "   ".join(parts)
            kind = (
                "no intervals: a design, see above"
                if self.design
                else f"{level} intervals: Kaplan-Meier with Greenwood's log-log, Wilson at 0 or 100 %"
            )
            lines.append(f"  P({self.phrase} stays formally in force)  {spans}   ({kind}{note})")
            quiet = []
            for d in self.days:
                r = self.value(name, holds_name(d, "quiet"), d)
                quiet.append(f"{d:g} days n/a" if math.isnan(r["value"]) else f"{d:g} days {_span(r)}")
            lines.append("  P(it holds in fact: no operation under it, few violations)  " + "   ".join(quiet))
            median = _median(self.value(name, "first_ceasefire_days"))
            method = "" if self.design else "  (Brookmeyer-Crowley interval)"
            lines.append(f"  median days formally in force  {median}{method}")
            shares = self.table_[(self.table_["scenario"] == name) & self.table_["measure"].str.startswith("outcome:")]
            shares = shares.sort_values("value", ascending=False)
            # each class by its label, as the plots name it ("limited gains for <the attacker>, truce 67%")
            named = [str(label).removeprefix("P(outcome: ").removesuffix(")") for label in shares["label"]]
            shown = [
                f"{name} {v:.0%}" if v >= 0.005 else f"{name} <1%"
                for name, v in zip(named, shares["value"], strict=True)
                if v > 0
            ]
            lines.append("  outcomes at the horizon        " + "; ".join(shown))
            for c in MEDIANS:  # labels and units from the measure registry
                r = self.value(name, c)
                figure = f"{r['value']:.0%}" if r["unit"] == "share" else f"{r['value']:,.0f}"
                lines.append(f"  median {r['label']}: {figure}")
            for m in self.extra:
                r = self.value(name, m)
                lines.append(f"  {r['label']:<30} {_fmt(r)}  (mean)")
        return "\n".join(lines)

    def cards(self) -> list[dict[str, Any]]:
        """Per scenario, the figures the report's headline cards show (formatted)."""
        out = []
        for name in self.scenarios:
            holds = []
            for d in self.days:
                r = self.value(name, holds_name(d), d)
                k = _digits(r)
                holds.append(
                    {
                        "days": f"{d:g}",
                        "p": _pct(r["value"], k),
                        "lower": _pct(r["lower"], k),
                        "upper": _pct(r["upper"], k),
                        "interval": _interval(r),
                    }
                )
            quiet = []
            for d in self.days:
                r = self.value(name, holds_name(d, "quiet"), d)
                k = _digits(r)
                quiet.append(
                    {
                        "days": f"{d:g}",
                        "p": _pct(r["value"], k),
                        "lower": _pct(r["lower"], k),
                        "upper": _pct(r["upper"], k),
                        "interval": _interval(r),
                    }
                )
            shares = self.table_[(self.table_["scenario"] == name) & self.table_["measure"].str.startswith("outcome:")]
            top = shares.sort_values("value", ascending=False).iloc[0]
            n = self.runs.get(name) or int(self.value(name, holds_name(self.days[0]), self.days[0])["n"])
            out.append(
                {
                    "scenario": name,
                    "n": n,
                    "holds": holds,
                    "quiet": quiet,
                    "median": _median(self.value(name, "first_ceasefire_days")),
                    "top_outcome": f"{top['measure'].removeprefix('outcome:').replace('_', ' ')} ({top['value']:.0%})",
                }
            )
        return out

    def views(self) -> list[View]:
        """One row per scenario: n, P(holds d days) with its interval, median survival, the most likely outcome."""

        def holds(d: float, kind: str = "holds") -> Column:
            def read(name: str) -> pd.Series:
                return self.value(name, holds_name(d, kind), d)

            return Column(
                f"P(holds {d:g} days)" if kind == "holds" else f"P(in fact {d:g} days)",
                lambda r: _pct(read(r["scenario"])["value"]),
                style="num",
                detail=lambda r: _interval(read(r["scenario"])),
            )

        rows = pd.DataFrame({"scenario": self.scenarios})
        cards = {c["scenario"]: c for c in self.cards()}
        columns = [
            Column("scenario", "scenario"),
            Column("n", lambda r: cards[r["scenario"]]["n"], style="num"),
            *(holds(d) for d in self.days),
            *(holds(d, "quiet") for d in self.days),
            Column("median days in force", lambda r: cards[r["scenario"]]["median"]),
            Column("most likely outcome", lambda r: cards[r["scenario"]]["top_outcome"]),
        ]
        intervals = "no intervals (a study's design)" if self.design else f"{1 - self.alpha:.0%} intervals"
        before = (
            f"P({self.phrase} stays formally in force at least d days), Kaplan-Meier; P(it holds in fact d days: no "
            f"operation fought under it, few violations), the share of runs; {intervals}."
        )
        if self.design:
            before = f"{DESIGN_NOTE}. {before}"
        return [View(rows, columns, before=before)]

    @property
    def table(self) -> pd.DataFrame:
        """The tidy table (`table_`)."""
        return self.table_

    def wide(self) -> pd.DataFrame:
        """One row per scenario (the former headline table): n, P(holds d), intervals, median, outcomes, medians."""
        rows = []
        for name in self.scenarios:
            row: dict[str, object] = {"scenario": name}
            row["n"] = self.runs.get(name) or int(self.value(name, holds_name(self.days[0]), self.days[0])["n"])
            for d in self.days:
                r = self.value(name, holds_name(d), d)
                row[f"P(holds {d:g}d)"], row[f"P(holds {d:g}d) lower"] = r["value"], r["lower"]
                row[f"P(holds {d:g}d) upper"] = r["upper"]
            for d in self.days:
                r = self.value(name, holds_name(d, "quiet"), d)
                row[f"P(in fact {d:g}d)"], row[f"P(in fact {d:g}d) lower"] = r["value"], r["lower"]
                row[f"P(in fact {d:g}d) upper"] = r["upper"]
            row["median days"] = self.value(name, "first_ceasefire_days")["value"]
            t = self.table_[(self.table_["scenario"] == name) & self.table_["measure"].str.startswith("outcome:")]
            for m, v in zip(t["measure"], t["value"], strict=True):
                row[f"outcome: {m.removeprefix('outcome:')}"] = v
            for c in MEDIANS:
                row[f"median {c}"] = self.value(name, c)["value"]
            rows.append(row)
        return pd.DataFrame(rows)

    def plot(self, kind: str = "holds", ax: Axes | None = None) -> Figure:
        """P(holds d days) with intervals against d, one line per scenario."""
        from scenarios.plots.figures import _axes, colour

        if kind != "holds":
            raise ValueError(f"unknown plot kind {kind!r} for a summary; kinds: holds")
        fig, ax = _axes(ax)
        for i, name in enumerate(self.scenarios):
            t = self.table_[(self.table_["scenario"] == name) & self.table_["measure"].str.startswith("holds_")]
            err = None if self.design else np.vstack([t["value"] - t["lower"], t["upper"] - t["value"]]).clip(min=0)
            ax.errorbar(t["days"], t["value"], yerr=err, marker="o", capsize=3, color=colour(i), label=name)
        ax.set_xlabel("days")
        ax.set_ylabel(f"P({self.phrase} stays formally in force)")
        ax.set_ylim(0, 1)
        ax.legend()
        return fig

    def __repr__(self) -> str:
        d = ", ".join(f"{x:g}" for x in self.days)
        return f"<Summary of {', '.join(self.scenarios)}: P(holds {d} days), outcomes, casualties; .to_text()>"


def _interval(r: pd.Series) -> str:
    """A probability's interval as shown, or why there is none (a fact of the known history); nothing where there is
    none to show (a study's design: said once, above the figures)."""
    if r["statistic"] == "known history":
        return "(known history)"
    if _pointless(r):
        return ""
    digits = _digits(r)
    return f"[{_pct(r['lower'], digits)}, {_pct(r['upper'], digits)}]"


def _pointless(r: pd.Series) -> bool:
    """Whether a figure has no interval: a study's design, or nothing to compute one from."""
    return bool(pd.isna(r["lower"]) or pd.isna(r["upper"]))


def _digits(r: pd.Series) -> int:
    """Decimals of a percentage that keep its interval from printing as a point: none, unless both ends round to
    the same whole per cent (0 of 3,000 runs: "0.0% [0.0%, 0.1%]", not "0% [0%, 0%]")."""
    lo, hi = r["lower"], r["upper"]
    if lo is None or hi is None or math.isnan(lo) or math.isnan(hi):
        return 0
    return 1 if f"{lo:.0%}" == f"{hi:.0%}" and hi > lo else 0


def _median(r: pd.Series) -> str:
    """The median survival with its interval (Brookmeyer-Crowley, read off the curve's band); inf is past the
    horizon."""

    def days(x: float) -> str:
        return "beyond the horizon" if math.isinf(x) else ("n/a" if math.isnan(x) else f"{x:.1f}")

    if math.isnan(r["value"]):
        return "n/a (no truce)"
    if math.isinf(r["value"]):
        lower = r["lower"]
        return "beyond the horizon" + (f" (at least {days(lower)} days)" if math.isfinite(lower) else "")
    if _pointless(r):
        return f"{days(r['value'])} days"
    return f"{days(r['value'])} days [{days(r['lower'])}, {days(r['upper'])}]"


def known_days(config: dict[str, Any]) -> float | None:
    """Days from the start through the date the report knew the ceasefire still in force (`known_in_force`), to the
    end of that date as the engine holds every replication to it; None without one."""
    known = ((config.get("world") or {}).get("ceasefire") or {}).get("known_in_force")
    if not known:
        return None
    try:
        start = dt.date.fromisoformat(str(config["simulation"]["start_date"]))
        until = dt.date.fromisoformat(str(known["until"]))
    except (KeyError, TypeError, ValueError):
        return None
    return float((until - start).days + 1)


def _pct(x: float, digits: int = 0) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{x:.{digits}%}"


def _span(r: pd.Series) -> str:
    digits = _digits(r)
    if _pointless(r):
        return _pct(r["value"], digits)
    return f"{_pct(r['value'], digits)} [{_pct(r['lower'], digits)}, {_pct(r['upper'], digits)}]"


def _fmt(r: pd.Series) -> str:
    v = r["value"]
    if math.isnan(v):
        return "n/a"
    if _pointless(r):
        return f"{v:.1%}" if r["statistic"] == "share" else f"{v:,.3g}"
    if r["statistic"] == "share":
        return f"{v:.1%} [{r['lower']:.1%}, {r['upper']:.1%}]"
    return f"{v:,.3g} [{r['lower']:,.3g}, {r['upper']:,.3g}]"


def _horizon(results: Results, name: str) -> float:
    try:
        return float(results.scenario_config(name)["simulation"]["horizon_days"])
    except (KeyError, TypeError):
        return results.horizon


def summarize(
    results: Results,
    days: Sequence[float] = (7, 30, 90),
    alpha: float = 0.05,
    measures: Sequence[Measure] = (),
) -> Summary:
    """Compute the headline figures once: one Kaplan-Meier fit per scenario, outcome shares, medians, `measures`."""
    days = tuple(float(d) for d in days)
    rows: list[dict[str, Any]] = []
    data = durations(results, "first")
    horizons = {name: _horizon(results, name) for name in results.scenarios}
    # a folder of format 1 did not record whether a truce held in fact: those rows are n/a
    recorded = "first_ceasefire_quiet_days" in results.replications.columns
    quiet = {d: holds(d, "quiet")(results) for d in days} if recorded else {}
    scenario = data["scenario"].astype(str)
    runs = {str(k): int(v) for k, v in results.replications["scenario"].astype(str).value_counts().items()}
    for name in results.scenarios:
        if not runs.get(name):
            continue  # no replication finished yet (a partial batch)
        group = data[scenario == name]
        n = len(group)  # the runs that had a truce (a run that starts at war may agree none)
        if n:
            km = fit_km(group["duration"], group["observed"], alpha, name)
            ci = km.confidence_interval_survival_function_
        known = known_days(results.scenario_config(name))
        for d in days:
            statistic = "Kaplan-Meier"
            if d > horizons[name] or not n:
                p = lo = hi = float("nan")
            elif known is not None and d <= known:  # every replication is held to it: a fact, not an estimate
                p = lo = hi = 1.0
                statistic = "known history"
            else:
                p, lo, hi = holds_at(km, group["duration"], d, alpha)
            rows.append(_row(name, holds_name(d), holds_label(d), statistic, d, p, lo, hi, n))
        for d in days:  # the first truce held in fact d days: a share of the runs where that is known
            v = quiet[d].xs(name, level="scenario").astype(float).dropna() if recorded else pd.Series(np.zeros(0))
            lo, hi = _wilson(float(v.sum()), len(v), alpha)
            mean = float(v.mean()) if len(v) else float("nan")
            rows.append(_row(name, holds_name(d, "quiet"), holds_label(d, "quiet"), "share", d, mean, lo, hi, len(v)))
        median = lower = upper = float("nan")
        if n:
            mci = median_survival_times(ci)
            median, lower, upper = km.median_survival_time_, mci.iloc[0, 0], mci.iloc[0, 1]
        label = "median days the first truce stays formally in force"
        rows.append(_row(name, "first_ceasefire_days", label, "median", None, median, lower, upper, n))
    registry = builtin_measures(results.labels())  # labels name the scenario's actors
    for _, r in outcome_probabilities(results, alpha).iterrows():
        cls = r["outcome_class"]
        known = f"outcome:{cls}" in registry.names()  # not a class of today's model: one an older folder holds
        rows.append(
            _row(
                r["scenario"],
                f"outcome:{cls}",
                registry.get(f"outcome:{cls}").label if known else f"P(outcome: {cls.replace('_', ' ')})",
                "share",
                None,
                r["p"],
                r["lower"],
                r["upper"],
                r["n"],
            )
        )
    for _, r in quantiles(results, MEDIANS).iterrows():
        m = registry.get(r["column"])
        rows.append(_row(r["scenario"], m.name, m.label, "median", None, r["q50"], r["q05"], r["q95"], None, m.unit))
    for m in measures:
        values = m.evaluate(results).astype(float)
        for key, v in values.groupby(level=0, sort=False):
            mean, lo, hi, k, _ = mean_interval(v.to_numpy(dtype=float), m.is_probability, alpha)
            rows.append(_row(str(key), m.name, m.label, "share" if m.is_probability else "mean", None, mean, lo, hi, k))
    table = pd.DataFrame(rows)
    if results.design:  # no confidence interval holds for a design's runs; the percentiles describe them as they are
        interval = ~table["measure"].isin(MEDIANS) & (table["statistic"] != "known history")
        table.loc[interval, ["lower", "upper"]] = float("nan")
    config = results.scenario_config(results.scenarios[0]) if results.scenarios else {}
    return Summary(
        table,
        days,
        alpha,
        results.manifest.get("seed"),
        horizons,
        results.complete,
        results.manifest.get("reason"),
        ceasefire_phrase(config),
        [m.name for m in measures],
        {name: k for name, k in runs.items() if k},
        results.design,
    )


def mean_interval(values: np.ndarray, probability: bool, alpha: float = 0.05) -> tuple[float, float, float, int, str]:
    """The mean of one measure's values in one scenario (NaN, n/a, left out) with its interval: (mean, lower, upper,
    n, method). A probability (values 0/1) gets Wilson's score interval, an amount Student's t interval of the mean;
    with no value (or one amount) the interval is NaN."""
    v = values[~np.isnan(values)]
    k = len(v)
    mean = float(v.mean()) if k else float("nan")
    if probability:
        lo, hi = _wilson(float(v.sum()), k, alpha)
        return mean, lo, hi, k, "Wilson"
    from scipy import stats

    half = float(stats.t.ppf(1 - alpha / 2, k - 1) * v.std(ddof=1) / math.sqrt(k)) if k > 1 else math.nan
    return mean, mean - half, mean + half, k, "t"


def _wilson(k: float, n: int, alpha: float) -> tuple[float, float]:
    if n == 0:
        return float("nan"), float("nan")
    from scipy import stats

    z = float(stats.norm.ppf(1 - alpha / 2))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def _row(
    scenario: str, measure: str, label: str, statistic: str, days: float | None, value: Any, lower: Any, upper: Any,
    n: Any, unit: str = "",
) -> dict[str, Any]:  # fmt: skip
    return {
        "scenario": scenario,
        "measure": measure,
        "label": label,
        "statistic": statistic,
        "days": float("nan") if days is None else float(days),
        "value": float(value),
        "lower": float(lower),
        "upper": float(upper),
        "n": n,
        "unit": unit,
    }


def headline(results: Results, days: Sequence[float] = (7, 30, 90), alpha: float = 0.05) -> pd.DataFrame:
    """One row per scenario: n, P(first ceasefire holds d days) with intervals, median, outcomes, deaths."""
    return summarize(results, days, alpha).wide()


def render(results: Results, days: Sequence[float] = (7, 30, 90), alpha: float = 0.05) -> str:
    """The headline as plain text: one block per scenario."""
    return summarize(results, days, alpha).to_text()
