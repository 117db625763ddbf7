"""`scenarios check`, `forecast` and `score` end to end: real batches, real Parquet, exit codes and messages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scenarios.cli import main
from scenarios.config.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "configs" / "baseline.yaml"
FAST = ["--n", "60", "--executor", "serial", "--quiet", "--set", "simulation.horizon_days=60"]


def _variant(tmp_path: Path, name: str, expectations: str) -> Path:
    """A variant of the baseline that drops every inherited expectation and adds its own."""
    drops = "".join(
        f"  {eid}: {{drop: true, note: 'not checked by this test'}}\n"
        for eid in load_scenario(BASELINE).active_expectations()
    )
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"extends: {BASELINE}\nname: {name}\nexpectations:\n{drops}{expectations}", encoding="utf-8")
    return path


SOURCE = '    source: {ref: isw, para: 15, quote: "avoid a protracted, costly conflict"}\n'


def test_strict_check_exits_1_on_an_impossible_band(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _variant(
        tmp_path,
        "impossible",
        "  no_war_at_all:\n" + SOURCE + "    band: likely\n    measure: 'war_days < 0'\n"
        "    note: 'war_days is never negative: the frequency is 0, below the band'\n",
    )
    code = main(["check", str(config), "--strict", "--out", str(tmp_path / "r"), *FAST])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert re.search(r"no_war_at_all\s+0\.0% \[0\.0%, 6\.0%\]\s+band likely \(55%-80%\)\s+n=60\s+-> TOO LOW", out), out
    assert "1 judgment(s) inconsistent" in err
    assert (tmp_path / "r" / "check-impossible.png").stat().st_size > 1000
    # the same without --strict reports it and exits 0
    assert main(["check", str(tmp_path / "r")]) == 0
    assert "TOO LOW" in capsys.readouterr().out


def test_strict_check_exits_0_when_every_judgment_holds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _variant(
        tmp_path,
        "consistent",
        "  no_negative_war:\n" + SOURCE + "    band: [0.9, 1]\n    measure: 'war_days >= 0'\n"
        "    note: 'always true: the interval of 60 in 60 lies inside [90%, 100%]'\n"
        "  rarely_negative:\n" + SOURCE + "    band: {less_likely_than: no_negative_war}\n"
        "    measure: 'war_days < 0'\n    note: 'never true: less likely than the one always true'\n",
    )
    code = main(["check", str(config), "--strict", "--out", str(tmp_path / "r"), *FAST])
    out, err = capsys.readouterr()
    assert code == 0, err + out
    assert "2 judgments: 2 consistent, 0 too high, 0 too low, 0 undetermined" in out
    assert "60 replications per scenario, as asked" in out


def test_check_default_n_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _variant(
        tmp_path,
        "tiny",
        "  w:\n" + SOURCE + "    band: [0.9, 1]\n    measure: 'war_days >= 0'\n    note: 'always true'\n",
    )
    args = ["check", str(config), "--out", str(tmp_path / "r"), "--executor", "serial", "--quiet"]
    assert main([*args, "--set", "simulation.horizon_days=5"]) == 0
    out = capsys.readouterr().out
    assert "800 replications per scenario: a 5-point miss" in out and "n=800" in out


@pytest.mark.parametrize(
    ("body", "key", "words"),
    [
        ("    band: likely\n    measure: war_days\n", "expectations.e.measure", "is a days measure, not a probability"),
        ("    band: likely\n    measure: armenia_withdrew\n", "expectations.e.measure", "armenia_withdrew"),
        (
            "    band: likely\n    measure: 'taken_day.stepanakrt is not null'\n",
            "expectations.e.measure",
            "did you mean 'taken_day.stepanakert'",
        ),
        (
            "    band: likely\n    measure: 'war_days < 60'\n    given: attention\n",
            "expectations.e.given",
            "a condition is yes-no",
        ),
        ("    band: [0.8, 0.2]\n    measure: 'war_days < 60'\n", "expectations.e.band", "write [0.2, 0.8]"),
        ("    band: likley\n    measure: 'war_days < 60'\n", "expectations.e.band", "did you mean 'likely'"),
        (
            "    band: {more_likely_than: nope}\n    measure: 'war_days < 60'\n",
            "expectations.e.band.more_likely_than",
            "'nope' does not exist",
        ),
    ],
)
def test_bad_expectations_fail_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, key: str, words: str
) -> None:
    config = _variant(tmp_path, "bad", "  e:\n" + SOURCE + body + "    note: 'a note'\n")
    code = main(["check", str(config), "--out", str(tmp_path / "r"), *FAST])
    err = capsys.readouterr().err
    assert code == 2
    assert not (tmp_path / "r").exists()  # nothing ran
    line = next(
        i for i, t in enumerate(config.read_text().splitlines(), 1) if t.startswith(f"    {key.split('.')[2]}:")
    )
    assert re.search(rf"error: {re.escape(str(config))}:{line}:\d+: {re.escape(key)}: ", err), err
    assert words in err
    assert "Traceback" not in err


def test_a_quote_not_in_the_source_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _variant(
        tmp_path,
        "misquoted",
        "  e:\n    source: {ref: isw, para: 15, quote: 'avoid a long, costly conflict'}\n"
        "    band: likely\n    measure: 'war_days < 60'\n    note: n\n",
    )
    assert main(["validate", str(config)]) == 2
    err = capsys.readouterr().err
    assert "expectations.e.source.quote: quote not found in isw paragraph 15" in err


def test_a_variant_overrides_and_drops_with_notes() -> None:
    variant = load_scenario(ROOT / "configs" / "russia-backs-early.yaml")
    base = load_scenario(BASELINE)
    over = variant.expectations["russia_backs_armenia_in_the_end"]
    assert over.band == "very likely" and over.range == (0.8, 0.95)
    assert over.source == base.expectations["russia_backs_armenia_in_the_end"].source  # the words stay the report's
    assert over.note is not None and over.note.startswith("Variant:")
    assert set(variant.active_expectations()) == set(base.active_expectations())


def test_forecast_and_score_from_a_results_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r"
    assert main(["run", str(BASELINE), "--out", str(out), *FAST]) == 0
    capsys.readouterr()
    assert main(["forecast", str(out), "--questions", str(ROOT / "configs" / "questions" / "example.yaml")]) == 0
    text = capsys.readouterr().out
    assert "ceasefire_holds_a_month: Will the humanitarian ceasefire" in text
    assert re.search(r"baseline\s+\d+\.\d% \[\d+\.\d%, \d+\.\d%\]\s+\(n=60\)", text)
    assert re.search(r"war_days: .*\n.*\n\s+baseline\s+q05 \S+\s+q25", text)

    # resolutions come only from a user's file: here a made-up one, 12 questions so the diagram is drawn
    questions = {
        f"q{i}": {
            "text": f"made-up question {i}",
            "measure": f"war_days >= {i * 4}",
            "report_word": "likely" if i % 2 else None,
            "resolution": {"value": bool(i % 3), "date": "2020-11-01", "source": "a test"},
        }
        for i in range(12)
    }
    questions["numeric"] = {
        "text": "made-up number",
        "measure": "war_days",
        "resolution": {"value": 12.5, "date": "2020-11-01", "source": "a test"},
    }
    qfile = tmp_path / "resolved.yaml"
    qfile.write_text(json.dumps({"questions": questions}), encoding="utf-8")
    assert main(["score", str(out), "--questions", str(qfile)]) == 0
    text = capsys.readouterr().out
    assert "brier_uniform" in text and "log_word" in text and "crps" in text and "the report's word" in text
    assert "Murphy decomposition" in text and "reliability" in text
    assert (out / "reliability.png").stat().st_size > 1000


def test_scoring_names_the_question_and_the_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r"
    assert main(["run", str(BASELINE), "--out", str(out), *FAST]) == 0
    resolved = "    resolution: {value: true, date: 2020-11-01, source: s}\n"
    for body, words in [
        ("  battles:\n    text: t\n    measure: 'count(battles) > 0'\n", ["question 'battles'", "ceasefires"]),
        (
            "  wrong_type:\n    text: t\n    measure: war_days\n",
            ["question 'wrong_type': resolution.value", "a number"],
        ),
    ]:
        qfile = tmp_path / "q.yaml"
        qfile.write_text("questions:\n" + body + resolved, encoding="utf-8")
        capsys.readouterr()
        assert main(["score", str(out), "--questions", str(qfile)]) == 2
        err = capsys.readouterr().err
        assert all(w in err for w in words), err
        assert "Traceback" not in err


def test_duplicate_expectation_ids_are_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = "    band: likely\n    measure: 'war_days < 60'\n    note: n\n"
    config = _variant(tmp_path, "dup", "  e:\n" + SOURCE + body + "  e:\n" + SOURCE + body)
    assert main(["validate", str(config)]) == 2
    err = capsys.readouterr().err
    assert re.search(r"dup\.yaml:\d+:3: expectations\.e: duplicate key \(first at line \d+\)", err), err


def test_a_scenarios_own_questions_are_checked_at_load_and_forecast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    question = "questions:\n  long_war:\n    text: 'Will open war last 30 days or more?'\n    measure: war_days\n"
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        f"extends: {BASELINE}\nname: bad\n{question}    resolution: {{value: true, date: 2020-11-01, source: s}}\n",
        encoding="utf-8",
    )
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:7:" in err
    assert "questions.long_war.resolution.value: 'war_days' is a days measure: it resolves to a number" in err

    good = tmp_path / "good.yaml"
    good.write_text(f"extends: {BASELINE}\nname: good\n{question}", encoding="utf-8")
    out = tmp_path / "r"
    assert main(["run", str(good), "--out", str(out), *FAST]) == 0
    capsys.readouterr()
    assert main(["forecast", str(out)]) == 0
    text = capsys.readouterr().out
    assert "long_war: Will open war last 30 days or more?" in text
    assert re.search(r"good\s+q05 \S+\s+q25 \S+\s+q50 \S+\s+q75 \S+\s+q95 \S+\s+\(days\)\s+\(n=60\)", text), text


def test_a_results_folder_without_a_column_names_the_question_and_the_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pandas as pd

    out = tmp_path / "r"
    assert main(["run", str(BASELINE), "--out", str(out), *FAST]) == 0
    table = out / "replications.parquet"
    # as an older batch would lack columns
    pd.read_parquet(table).drop(columns=["war_days", "protracted"]).to_parquet(table)
    qfile = tmp_path / "q.yaml"
    qfile.write_text(
        "questions:\n  long_war:\n    text: t\n    measure: 'war_days >= 3'\n"
        "    resolution: {value: true, date: 2020-11-01, source: s}\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["score", str(out), "--questions", str(qfile)]) == 2
    err = capsys.readouterr().err
    assert "question 'long_war'" in err and "column 'war_days' is not in the results" in err
    assert main(["check", str(out)]) == 2
    err = capsys.readouterr().err
    assert "expectations.azerbaijan_avoids_protracted_conflict.measure" in err and "'protracted'" in err
