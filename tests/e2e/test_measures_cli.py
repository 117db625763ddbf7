"""Measures from the command line: listing them, any days asked, expressions as outcomes, errors naming the flag."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.cli import main
from scenarios.io.load import Results

ROOT = Path(__file__).resolve().parents[2]


def test_measures_lists_builtins_and_a_scenarios_own(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "m.yaml"
    config.write_text(
        f"extends: {ROOT / 'configs' / 'baseline.yaml'}\nname: m\n"
        "measures:\n  short_war:\n    expression: war_days <= 20\n    label: a short war\n",
        encoding="utf-8",
    )
    assert main(["measures", str(config)]) == 0
    out = capsys.readouterr().out
    assert "holds_30_days" in out and "quiet_30_days" in out and "outcome:fighting_at_horizon" in out
    assert "share_north" in out
    line = next(line for line in out.splitlines() if line.startswith("short_war"))
    assert "probability" in line and "a short war" in line and "= war_days <= 20" in line


def test_summary_shows_any_days_and_extra_measures(two_scenario_batch: Results, capsys) -> None:
    d = str(two_scenario_batch.directory)
    assert main(["summary", d, "--days", "14", "45", "--measure", "count(ceasefires)"]) == 0
    out = capsys.readouterr().out
    assert "14 days" in out and "45 days" in out and "30 days" not in out
    assert "count(ceasefires)" in out


def test_report_shows_the_days_asked(two_scenario_batch: Results, tmp_path: Path, capsys) -> None:
    out = tmp_path / "r.html"
    assert main(["report", str(two_scenario_batch.directory), "-o", str(out), "--days", "14"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "P(holds 14 days)" in text and "P(holds 7 days)" not in text
    assert "ceasefire of 10 Oct 2020 (Russia-brokered)" in text  # from the scenario, not from code
    assert "Paired by replication" not in text and "paired t" in text


def test_compare_prints_text_with_logrank_and_takes_expressions(two_scenario_batch: Results, capsys) -> None:
    d = str(two_scenario_batch.directory)
    assert main(["compare", d, "--measure", "war_days > 10", "--all"]) == 0
    out = capsys.readouterr().out
    assert "Differences of means" in out and "log-rank test" in out and "war_days > 10" in out


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["compare", "{d}", "--baseline", "nope"], "--baseline nope"),
        (["compare", "{d}", "--measure", "war_dayz > 3"], "--measure war_dayz > 3"),
        (["importance", "{d}", "--outcome", "holds_30_day"], "--outcome holds_30_day"),
        (["discover", "{d}", "--outcome", "outcome_class > 1"], "--outcome outcome_class > 1"),
    ],
)
def test_analysis_mistakes_exit_2_naming_the_flag(two_scenario_batch: Results, capsys, argv, flag) -> None:
    d = str(two_scenario_batch.directory)
    assert main([a.replace("{d}", d) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {flag}") and "Traceback" not in err
