"""Forecast questions: the file (round trip, errors), and the scores against hand-computed values."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ruamel.yaml import YAML

from scenarios.analysis.questions import Forecast, crps, murphy, score
from scenarios.config.expectations import Question, load_questions
from scenarios.exceptions import ConfigError
from scenarios.io.load import Results

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "configs" / "questions" / "example.yaml"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "q.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_file_loads_and_has_no_resolution() -> None:
    questions = load_questions(EXAMPLE)
    assert len(questions) >= 3
    assert all(q.resolution is None for q in questions.values())  # nothing known after 12 October 2020
    assert all(q.forecast_date is None or q.forecast_date.isoformat() <= "2020-10-12" for q in questions.values())


def test_question_file_round_trip(tmp_path: Path) -> None:
    text = """
questions:
  war_resumes:
    text: "Will open war resume within 30 days?"
    measure: "first_ceasefire_end_day < 30"
    forecast_date: 2020-10-12
    report_word: likely
    resolution: {value: true, date: 2020-11-01, source: "a user's file"}
  deaths:
    text: "How many military deaths by the horizon?"
    measure: military_total
    resolution: {value: 1234.5, date: 2020-12-01, source: "a user's file"}
"""
    first = load_questions(_write(tmp_path, text))
    dumped = {"questions": {k: q.model_dump(mode="json", exclude_none=True) for k, q in first.items()}}
    again = tmp_path / "again.yaml"
    with again.open("w", encoding="utf-8") as fh:
        YAML(typ="safe", pure=True).dump(dumped, fh)
    second = load_questions(again)
    assert second == first
    assert second["war_resumes"].word_probability == pytest.approx(0.675)
    assert second["deaths"].resolution is not None and second["deaths"].resolution.value == 1234.5


@pytest.mark.parametrize(
    ("body", "line", "key", "words"),
    [
        ("  a: {text: t, measure: m}\n  a: {text: u, measure: m}\n", 3, "questions.a", "duplicate key"),
        ("  a: {text: t, measure: m, report_word: likley}\n", 2, "questions.a.report_word", "did you mean 'likely'"),
        (
            "  a:\n    text: t\n    measure: m\n    resolution: {value: maybe, date: 2020-11-01, source: s}\n",
            5,
            "questions.a.resolution.value",
            "expected true, false or a number",
        ),
        (
            "  a:\n    text: t\n    measure: m\n    resolution: {value: true, source: s}\n",
            5,
            "questions.a.resolution.date",
            "Field required",
        ),
        (
            "  a:\n    text: t\n    measure: m\n    forecast_date: 2020-10-12\n"
            "    resolution: {value: true, date: 2020-10-01, source: s}\n",
            6,
            "questions.a.resolution.date",
            "before the forecast date",
        ),
        (
            "  a:\n    text: t\n    measure: m\n    report_word: likely\n"
            "    resolution: {value: 3, date: 2020-11-01, source: s}\n",
            6,
            "questions.a.resolution.value",
            "resolves true or false",
        ),
        ("  a: {text: t, measure: m, answer: 3}\n", 2, "questions.a.answer", "unknown key"),
    ],
)
def test_question_file_errors_name_the_line_and_key(tmp_path: Path, body: str, line: int, key: str, words: str) -> None:
    path = _write(tmp_path, "questions:\n" + body)
    with pytest.raises(ConfigError) as info:
        load_questions(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.key) == (line, key), problem.render()
    assert words in problem.render()
    assert problem.file == str(path)


def _forecast(rows: list[dict[str, object]], questions: dict[str, Question], samples: dict | None = None) -> Forecast:
    return Forecast(pd.DataFrame(rows), samples or {}, questions)


def _q(value: object = None, word: str | None = None) -> Question:
    resolution = None if value is None else {"value": value, "date": "2020-11-01", "source": "s"}
    data = {"text": "t", "measure": "m", "report_word": word, "resolution": resolution}
    from scenarios.config.params import EstimativeWords
    from scenarios.config.words import packaged_words

    words = EstimativeWords.model_validate(packaged_words().data["estimative_words"])
    return Question.model_validate(data, context={"words": words})


def test_brier_and_log_scores_against_hand_computed_values() -> None:
    questions = {"a": _q(True, "likely"), "b": _q(False), "c": _q(None)}
    rows = [
        {"scenario": "s", "question": "a", "kind": "probability", "n": 10, "p": 0.8},
        {"scenario": "s", "question": "b", "kind": "probability", "n": 10, "p": 0.3},
        {"scenario": "s", "question": "c", "kind": "probability", "n": 10, "p": 0.5},
    ]
    sc = score(_forecast(rows, questions))
    per = sc.per_question.set_index("question")
    assert list(per.index) == ["a", "b"]  # the unresolved question is not scored
    assert per.loc["a", "brier"] == pytest.approx(0.04)  # (1 - 0.8)^2
    assert per.loc["b", "brier"] == pytest.approx(0.09)  # (0 - 0.3)^2
    assert per.loc["a", "log"] == pytest.approx(-math.log(0.8))
    assert per.loc["b", "log"] == pytest.approx(-math.log(0.7))
    assert per.loc["a", "brier_uniform"] == pytest.approx(0.25)
    assert per.loc["a", "log_uniform"] == pytest.approx(math.log(2))
    assert per.loc["a", "brier_word"] == pytest.approx((1 - 0.675) ** 2)  # likely: the midpoint of 55-80%
    assert math.isnan(per.loc["b", "brier_word"])
    totals = sc.totals.set_index("against")
    assert totals.loc["uniform (0.5)", "questions"] == 2
    assert totals.loc["uniform (0.5)", "brier"] == pytest.approx(0.065)
    assert totals.loc["uniform (0.5)", "brier_other"] == pytest.approx(0.25)
    assert totals.loc["uniform (0.5)", "log"] == pytest.approx((-math.log(0.8) - math.log(0.7)) / 2)
    assert totals.loc["the report's word", "questions"] == 1  # only the question that names a word
    assert totals.loc["the report's word", "brier"] == pytest.approx(0.04)
    assert totals.loc["the report's word", "brier_other"] == pytest.approx((1 - 0.675) ** 2)


def test_a_certain_forecast_that_fails_scores_finitely() -> None:
    sc = score(
        _forecast([{"scenario": "s", "question": "a", "kind": "probability", "n": 5, "p": 0.0}], {"a": _q(True)})
    )
    assert sc.per_question["log"].iloc[0] == pytest.approx(-math.log(1e-3))


def test_crps_of_a_sample_against_hand_computed_values() -> None:
    # CRPS of an ensemble = mean|x_i - y| - 0.5 mean|x_i - x_j|
    assert crps(0.5, np.array([0.0, 1.0])) == pytest.approx(0.5 - 0.5 * 0.5)
    sample = np.array([1.0, 2.0, 4.0])
    y = 3.0
    by_hand = np.mean(np.abs(sample - y)) - 0.5 * np.mean(np.abs(sample[:, None] - sample[None, :]))
    assert crps(y, sample) == pytest.approx(by_hand)
    rows = [{"scenario": "s", "question": "d", "kind": "amount", "n": 3, "q50": 2.0}]
    sc = score(_forecast(rows, {"d": _q(3.0)}, {("s", "d"): sample}))
    assert sc.per_question["crps"].iloc[0] == pytest.approx(by_hand)
    assert sc.totals["crps"].iloc[0] == pytest.approx(by_hand)


def test_crps_is_averaged_only_over_questions_of_one_unit() -> None:
    """Issue 32 (new-user pass): `score` averaged CRPS over days, shares and deaths into one number. CRPS is in the
    outcome's unit: each question keeps its own, the totals give one mean per unit, and the text says so."""
    sample = np.array([1.0, 2.0, 4.0])
    questions = {k: _q(v) for k, v in {"d1": 3.0, "d2": 10.0, "deaths": 500.0, "share": 0.4, "raw": 2.0}.items()}
    rows = [
        {"scenario": "s", "question": "d1", "kind": "days", "n": 3, "q50": 2.0, "unit": "days"},
        {"scenario": "s", "question": "d2", "kind": "days", "n": 3, "q50": 2.0, "unit": "days"},
        {"scenario": "s", "question": "deaths", "kind": "amount", "n": 3, "q50": 2.0, "unit": "people"},
        {"scenario": "s", "question": "share", "kind": "amount", "n": 3, "q50": 2.0, "unit": "share"},
        {"scenario": "s", "question": "raw", "kind": "amount", "n": 3, "q50": 2.0, "unit": ""},
    ]
    sc = score(_forecast(rows, questions, {("s", q): sample for q in questions}))
    per = sc.per_question.set_index("question")
    assert per.loc["d1", "crps"] == pytest.approx(crps(3.0, sample))
    assert per.loc["raw", "unit"] == "units of m"  # a measure that states no unit: its own, pooled with none
    numeric = sc.totals.set_index("unit")
    assert list(numeric.index) == ["days", "people", "share", "units of m"]
    assert numeric.loc["days", "questions"] == 2
    assert numeric.loc["days", "crps"] == pytest.approx((crps(3.0, sample) + crps(10.0, sample)) / 2)
    assert numeric.loc["people", "crps"] == pytest.approx(crps(500.0, sample))
    assert numeric.loc["days", "against"] == "(numeric, in days: CRPS)"
    text = sc.to_text()
    assert "averaged only over the questions of one unit" in text
    assert sc.views()[1].after.startswith("CRPS is in the unit of the question's outcome")


def test_a_forecast_of_a_number_carries_its_measures_unit(batch: Results) -> None:
    """The unit comes from the measure (`scenarios measures`): war_days in days, attacker_share a share."""
    from scenarios.analysis.questions import forecast

    questions = {"war": _q(12.0), "share": _q(0.3)}
    questions = {
        "war": questions["war"].model_copy(update={"measure": "war_days"}),
        "share": questions["share"].model_copy(update={"measure": "attacker_share"}),
    }
    sc = score(forecast(batch, questions))
    units = sc.per_question.drop_duplicates("question").set_index("question")["unit"]
    assert units.to_dict() == {"war": "days", "share": "share"}
    assert set(sc.totals["unit"]) == {"days", "share"}  # per scenario and unit, never one mean of both


def test_murphy_decomposition_adds_up_when_forecasts_take_few_values() -> None:
    rng = np.random.default_rng(3)
    forecasts = rng.choice([0.1, 0.35, 0.6, 0.85], size=200)
    outcomes = (rng.random(200) < forecasts * 0.8 + 0.1).astype(float)
    m = murphy(forecasts, outcomes)
    assert m["brier"] == pytest.approx(np.mean((forecasts - outcomes) ** 2))
    assert m["reliability"] - m["resolution"] + m["uncertainty"] == pytest.approx(m["brier"], abs=1e-12)
    assert m["uncertainty"] == pytest.approx(outcomes.mean() * (1 - outcomes.mean()))
    assert m["reliability"] > 0 and m["resolution"] > 0
    assert m["within_bins"] == pytest.approx(0, abs=1e-12)


def test_murphy_says_what_binning_leaves_over() -> None:
    forecasts = np.array([0.51, 0.59, 0.12, 0.18])  # two bins, two different forecasts in each
    outcomes = np.array([1.0, 0.0, 0.0, 1.0])
    m = murphy(forecasts, outcomes)
    assert m["within_bins"] != pytest.approx(0, abs=1e-6)
    assert m["reliability"] - m["resolution"] + m["uncertainty"] + m["within_bins"] == pytest.approx(m["brier"])


def test_the_score_table_and_the_forecast_chart_name_questions_by_their_text() -> None:
    """Issue 32 item 7: tables and charts show what a question asks, not its id; the printed table keeps the id
    last (what the question file and the tidy table use)."""
    asked = "Will the ceasefire hold for thirty days?"
    question = _q(True).model_copy(update={"text": asked})
    fc = _forecast(
        [
            {
                "scenario": "s",
                "question": "holds_a_month",
                "kind": "probability",
                "n": 10,
                "p": 0.3,
                "lower": 0.1,
                "upper": 0.6,
            }
        ],
        {"holds_a_month": question},
    )
    header, row = score(fc).to_text().splitlines()[1:3]
    assert header.split()[:2] == ["scenario", "question"] and header.split()[-1] == "id"
    assert asked in row and row.rstrip().endswith("holds_a_month")
    labels = [t.get_text() for t in fc.plot().axes[0].get_yticklabels()]
    assert [t.replace("\n", " ") for t in labels] == [asked]
