"""Forecast questions: the model's probabilities (or quantiles) read off a batch, and scores once they resolve.

Scores come from `scoringrules` (Brier, logarithmic, CRPS of the batch's sample for numeric questions); a
question is scored against the uniform forecaster (0.5) and, where it names one, against the report's own word
(the midpoint of its band). The Murphy decomposition bins forecasts by tenths; it adds up to the Brier score
exactly when forecasts within a bin are equal.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from scenarios.analysis.check import CheckError, _p, wilson
from scenarios.analysis.render import Column, Rendered, View, frame_columns

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from scenarios.config.expectations import Question
    from scenarios.io.load import Results

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
LOG_CLIP = 1e-3  # a 0% forecast that comes true would score infinity: forecasts are clipped to [0.001, 0.999]
MIN_FOR_DIAGRAM = 10
CRPS_NOTE = (
    "CRPS is in the unit of the question's outcome (days, people, a share ...; lower is better, 0 a forecast certain "
    "of the value that came), so it is averaged only over the questions of one unit: a mean over days, shares and "
    "deaths would mean nothing. No reference forecast is scored for numeric questions."
)


class QuestionError(CheckError):
    """A question that cannot be answered from this batch, or a resolution of the wrong type."""


@dataclass(frozen=True, repr=False)
class Forecast(Rendered):
    """Each question's forecast per scenario (probability with a Wilson interval, or quantiles), and its sample."""

    table: pd.DataFrame
    samples: Mapping[tuple[str, str], np.ndarray]
    questions: Mapping[str, Question]

    def __repr__(self) -> str:
        return f"Forecast({self.table['question'].nunique()} questions x {self.table['scenario'].nunique()} scenarios)"

    def to_text(self) -> str:
        lines = []
        for qid, rows in self.table.groupby("question", sort=False):
            q = self.questions[str(qid)]
            lines.append(f"{qid}: {q.text}" + (f"  (as of {q.forecast_date})" if q.forecast_date else ""))
            lines.append(f"  measure: {q.measure}" + (f"; the report says {q.report_word}" if q.report_word else ""))
            for _, r in rows.iterrows():
                if r["kind"] == "probability":
                    body = f"{_p(r['p'])} [{_p(r['lower'])}, {_p(r['upper'])}]"
                else:
                    body = "  ".join(f"q{round(p * 100):02d} {r[f'q{round(p * 100):02d}']:.4g}" for p in QUANTILES)
                    body += f"  ({r['unit']})"
                lines.append(f"  {r['scenario']:<24} {body}  (n={r['n']})")
        if (self.table["kind"] == "probability").any():
            lines.append("(probabilities: 95% Wilson intervals; quantiles: q05 ... q95 of the replications)")
        return "\n".join(lines)

    def views(self) -> list[View]:
        """One row per question and scenario: the forecast (a probability with its interval, or the median and the
        90% range) and n."""
        columns = [
            Column("question", lambda r: self.questions[r["question"]].text),
            Column("scenario", "scenario"),
            Column("forecast", _forecast, style="num"),
            Column("n", "n", style="num"),
        ]
        return [View(self.table, columns, css="forecast")]

    def plot(self, scenario: str | None = None, ax: Axes | None = None) -> Any:
        """Each yes-no question's probability with its 95% interval (one scenario, default the first)."""
        from scenarios.labels import short
        from scenarios.plots.figures import _axes

        name = scenario or str(self.table["scenario"].iloc[0])
        rows = self.table[(self.table["scenario"] == name) & (self.table["kind"] == "probability")]
        fig, ax = _axes(ax, (8.0, 0.75 * len(rows) + 1.2))  # room for each question's words on up to three lines
        y = np.arange(len(rows))
        p = rows["p"].to_numpy(dtype=float)
        err = np.vstack([p - rows["lower"].to_numpy(dtype=float), rows["upper"].to_numpy(dtype=float) - p]).clip(min=0)
        ax.errorbar(p, y, xerr=err, fmt="o", capsize=3)
        ax.set_yticks(y, [textwrap.fill(short(self.questions[str(q)].text, 120), 42) for q in rows["question"]])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("probability (95% interval)")
        ax.set_title(f"Forecasts of {name}", fontsize=10)
        return fig


def _forecast(row: pd.Series) -> str:
    if row["kind"] == "probability":
        return f"{_p(row['p'])} [{_p(row['lower'])}, {_p(row['upper'])}]"
    return f"median {row['q50']:.4g} {row['unit']} (90%: {row['q05']:.4g} to {row['q95']:.4g})"


def forecast(results: Results, questions: Mapping[str, Question] | None = None) -> Forecast:
    """Every question for every scenario of a batch; without `questions`, each scenario's own `questions:`."""
    from scenarios.config.loader import scenario_from_dump
    from scenarios.measures import MeasureError, measure_set

    rows: list[dict[str, Any]] = []
    samples: dict[tuple[str, str], np.ndarray] = {}
    used: dict[str, Question] = {}
    for name in results.scenarios:
        config = results.scenario_config(name)
        scenario = scenario_from_dump(config, f"{results.directory}/manifest.json", first_model=results.first_model)
        asked = dict(questions) if questions is not None else dict(scenario.questions)
        measures = measure_set(scenario)
        for qid, q in asked.items():
            try:
                m = measures.get(q.measure)
                series = m.evaluate(results).xs(name, level="scenario")
            except MeasureError as exc:
                raise QuestionError(f"question {qid!r} (measure {q.measure!r}): {exc}") from None
            _check_resolution(qid, q, m.kind)
            used[qid] = q
            row: dict[str, Any] = {"scenario": name, "question": qid, "kind": m.kind, "n": len(series)}
            if m.kind == "probability":
                values = series.to_numpy(dtype=bool)
                k = int(values.sum())
                row["p"] = k / len(values)
                row["lower"], row["upper"] = wilson(k, len(values))
                samples[(name, qid)] = values
            else:
                values = series.to_numpy(dtype=float)
                if np.isnan(values).any():
                    raise QuestionError(
                        f"question {qid!r}: measure {q.measure!r} is undefined (null) in some replications; "
                        "a numeric question needs a number in every one"
                    )
                for p in QUANTILES:
                    row[f"q{round(p * 100):02d}"] = float(np.quantile(values, p))
                row["mean"] = float(values.mean())
                row["unit"] = numeric_unit(m.unit, q.measure)
                samples[(name, qid)] = values
            rows.append(row)
    return Forecast(pd.DataFrame(rows), samples, used)


def _check_resolution(qid: str, q: Question, kind: str) -> None:
    from scenarios.config.expectations import question_problem

    problem = question_problem(q, kind)
    if problem is not None:
        key, message, hint = problem
        raise QuestionError(f"question {qid!r}: {key}: {message}" + (f" ({hint})" if hint else ""))


@dataclass(frozen=True, repr=False)
class Score(Rendered):
    """Scores of the resolved questions per scenario; totals; the Murphy decomposition; a reliability diagram."""

    per_question: pd.DataFrame
    totals: pd.DataFrame
    murphy: pd.DataFrame
    binary: pd.DataFrame  # scenario, question, forecast, outcome (the resolved yes-no questions)
    texts: Mapping[str, str] = field(default_factory=dict)  # question id -> its text, for the printed table

    def __repr__(self) -> str:
        return f"Score({self.per_question['question'].nunique()} resolved questions)"

    def to_text(self) -> str:
        """The scores per question (each question in words, shortened, its id last), the totals, the Murphy
        decomposition."""
        from scenarios.labels import short

        per = self.per_question
        asked = [short(self.texts.get(q, q)) for q in per["question"]]
        width = max(map(len, ["question", *asked]))
        shown = per.assign(question=[a.ljust(width) for a in asked]).assign(id=per["question"])
        shown = shown.rename(columns={"question": "question".ljust(width)})  # text reads flush left
        with pd.option_context("display.width", 160, "display.max_rows", 500, "display.float_format", "{:.4f}".format):
            parts = [
                "Scores per question (lower is better; uniform = 0.5 on every yes-no question; word = the midpoint "
                "of the report's band)",
                shown.to_string(index=False),
                "\nTotals: mean scores of the model and of the other forecaster over the questions both answered",
                self.totals.to_string(index=False),
            ]
            if "crps" in self.per_question:
                parts.append(CRPS_NOTE)
            if not self.murphy.empty:
                parts += [
                    "\nMurphy decomposition of the Brier score (forecasts binned by tenths): "
                    "brier = reliability - resolution + uncertainty",
                    self.murphy.to_string(index=False),
                ]
        return "\n".join(parts)

    @property
    def table(self) -> pd.DataFrame:
        """The tidy table: one row per scenario and resolved question (`per_question`)."""
        return self.per_question

    def views(self) -> list[View]:
        """The scores per question, then the totals."""
        return [
            View(self.per_question, frame_columns(self.per_question, "{:.4f}"), heading="Scores per question"),
            View(
                self.totals,
                frame_columns(self.totals, "{:.4f}"),
                heading="Totals",
                after=CRPS_NOTE if "crps" in self.per_question else "",
            ),
        ]

    def plot(self, scenario: str | None = None, ax: Axes | None = None) -> Any:
        """The reliability diagram: observed frequency per forecast bin against the diagonal."""
        from matplotlib.figure import Figure

        b = self.binary
        name = scenario or str(b["scenario"].iloc[0])
        b = b[b["scenario"] == name]
        fig: Any
        if ax is None:
            fig = Figure(figsize=(5, 5), layout="constrained")  # not pyplot, which keeps it open
            ax = fig.add_subplot()
        else:
            fig = ax.get_figure(root=True)
        table = reliability_table(b["forecast"].to_numpy(), b["outcome"].to_numpy())
        ax.plot([0, 1], [0, 1], color="#999", linestyle="--", label="perfect reliability")
        ax.scatter(
            table["forecast"], table["observed"], s=30 + 20 * table["n"], color="#1f5f99", zorder=3, clip_on=False
        )
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("forecast probability (mean of its tenth; dot size: questions)")
        ax.set_ylabel("observed frequency")
        ax.set_title(f"Reliability of {name} ({len(b)} resolved questions)", fontsize=10)
        ax.legend(loc="upper left", fontsize=8)
        return fig


def reliability_table(forecasts: np.ndarray, outcomes: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Per forecast bin (tenths): count, mean forecast and observed frequency."""
    idx = np.minimum((np.asarray(forecasts, dtype=float) * bins).astype(int), bins - 1)
    df = pd.DataFrame({"bin": idx, "f": forecasts, "o": np.asarray(outcomes, dtype=float)})
    g = df.groupby("bin")
    return pd.DataFrame({"n": g.size(), "forecast": g["f"].mean(), "observed": g["o"].mean()}).reset_index()


def murphy(forecasts: np.ndarray, outcomes: np.ndarray, bins: int = 10) -> dict[str, float]:
    """Reliability, resolution and uncertainty of the Brier score (binned by tenths), and the Brier score.

    With forecasts binned, the three add up to the Brier score only when forecasts within a bin are equal; the
    rest is returned as ``within_bins`` so the table adds up.
    """
    import scoringrules as sr

    o = np.asarray(outcomes, dtype=float)
    n = len(o)
    table = reliability_table(forecasts, o, bins)
    base = o.mean()
    rel = float((table["n"] * (table["forecast"] - table["observed"]) ** 2).sum() / n)
    res = float((table["n"] * (table["observed"] - base) ** 2).sum() / n)
    unc = float(base * (1 - base))
    brier = float(np.mean(sr.brier_score(o, np.asarray(forecasts, dtype=float))))
    # the part of the Brier score that spread of the forecasts within a bin adds (0 when they are equal)
    within = brier - (rel - res + unc)
    return {"reliability": rel, "resolution": res, "uncertainty": unc, "within_bins": within, "brier": brier}


def _log(obs: np.ndarray, p: np.ndarray) -> np.ndarray:
    import scoringrules as sr

    return np.asarray(sr.log_score(obs, np.clip(p, LOG_CLIP, 1 - LOG_CLIP)), dtype=float)


def score(fc: Forecast) -> Score:
    """Score every resolved question of a forecast (raises if none is resolved)."""
    import scoringrules as sr

    rows = []
    binary = []
    for _, r in fc.table.iterrows():
        q = fc.questions[r["question"]]
        if q.resolution is None:
            continue
        value = q.resolution.value
        row: dict[str, Any] = {"scenario": r["scenario"], "question": r["question"], "outcome": value}
        if r["kind"] == "probability":
            obs = np.array([float(bool(value))])
            p = np.array([r["p"]])
            row["forecast"] = r["p"]
            row["brier"] = float(sr.brier_score(obs, p)[0])
            row["log"] = float(_log(obs, p)[0])
            row["brier_uniform"] = float(sr.brier_score(obs, np.array([0.5]))[0])
            row["log_uniform"] = float(_log(obs, np.array([0.5]))[0])
            if q.word_probability is not None:
                w = np.array([q.word_probability])
                row["brier_word"] = float(sr.brier_score(obs, w)[0])
                row["log_word"] = float(_log(obs, w)[0])
            binary.append({"scenario": r["scenario"], "question": r["question"], "forecast": r["p"], "outcome": obs[0]})
        else:
            sample = fc.samples[(r["scenario"], r["question"])]
            row["forecast"] = r["q50"]
            row["crps"] = float(sr.crps_ensemble(float(value), sample))
            unit = r.get("unit")
            row["unit"] = unit if isinstance(unit, str) and unit else numeric_unit("", q.measure)
        rows.append(row)
    if not rows:
        raise QuestionError("no question is resolved: add `resolution: {value, date, source}` to the ones now known")
    per = pd.DataFrame(rows)
    totals = _totals(per)
    bdf = pd.DataFrame(binary, columns=["scenario", "question", "forecast", "outcome"])
    murphy_rows = []
    for name, g in bdf.groupby("scenario", sort=False):
        m = murphy(g["forecast"].to_numpy(), g["outcome"].to_numpy())
        murphy_rows.append({"scenario": name, "questions": len(g), **m})
    return Score(per, totals, pd.DataFrame(murphy_rows), bdf, {qid: q.text for qid, q in fc.questions.items()})


def _totals(per: pd.DataFrame) -> pd.DataFrame:
    """Mean scores per scenario, each comparison over the questions both forecasters answered."""
    rows = []
    for name, g in per.groupby("scenario", sort=False):
        binary = g[g["brier"].notna()] if "brier" in g else g.iloc[:0]
        if not binary.empty:
            rows.append(_mean_row(str(name), "uniform (0.5)", binary, "uniform"))
        worded = binary[binary["brier_word"].notna()] if "brier_word" in binary else binary.iloc[:0]
        if not worded.empty:
            rows.append(_mean_row(str(name), "the report's word", worded, "word"))
        numeric = g[g["crps"].notna()] if "crps" in g else g.iloc[:0]
        for unit, same in (
            numeric.groupby("unit", sort=False) if not numeric.empty else ()
        ):  # CRPS is in the outcome's unit: never pooled across
            rows.append(
                {
                    "scenario": name,
                    "against": f"(numeric, in {unit}: CRPS)",
                    "questions": len(same),
                    "crps": float(same["crps"].mean()),
                    "unit": unit,
                }
            )
    return pd.DataFrame(rows)


def numeric_unit(unit: str, measure: str) -> str:
    """The unit a numeric question's CRPS is in: its measure's (days, people, share, count ...), or, for a measure
    that states none, the measure's own, which is pooled with no other question's."""
    return unit or f"units of {measure}"


def _mean_row(name: str, against: str, g: pd.DataFrame, other: str) -> dict[str, Any]:
    return {
        "scenario": name,
        "against": against,
        "questions": len(g),
        "brier": float(g["brier"].mean()),
        "brier_other": float(g[f"brier_{other}"].mean()),
        "log": float(g["log"].mean()),
        "log_other": float(g[f"log_{other}"].mean()),
    }


def enough_for_diagram(sc: Score) -> bool:
    """A reliability diagram needs at least ten resolved yes-no questions."""
    return not sc.binary.empty and int(sc.binary.groupby("scenario").size().min()) >= MIN_FOR_DIAGRAM


def crps(value: float, sample: np.ndarray) -> float:
    """The CRPS of a sample forecast for an observed number (scoringrules)."""
    import scoringrules as sr

    return float(sr.crps_ensemble(float(value), np.asarray(sample, dtype=float)))
