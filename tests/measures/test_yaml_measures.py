"""Measures defined in YAML: checked at load time with their position, and equal to pandas by hand on a real batch."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scenarios.config.loader import load_scenario
from scenarios.exceptions import ConfigError, MeasureError
from scenarios.io.load import Results
from scenarios.measures import measure_set, results_measures

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "configs" / "baseline.yaml"

MEASURES = """
measures:
  russia_sides:
    expression: final_posture.russia in ["back_defender", "intervene"]
    label: Russia backs or defends Armenia at the horizon
  short_war_then_truce:
    expression: war_days <= 20 and ceasefire_at_horizon
  long_comprehensive:
    expression: any(ceasefires, kind == "comprehensive" and duration_days >= 20)
  truces:
    expression: count(ceasefires)
    unit: count
  violated_truces:
    expression: count(ceasefires, violations > 2)
  worst_truce_days:
    expression: min(ceasefires, duration_days)
    kind: days
  deaths_per_truce:
    expression: (military_defender + military_attacker) / truces
    unit: people
  martakert_early:
    expression: taken_day.martakert <= 30
"""


def scenario_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "with-measures.yaml"
    path.write_text(f"extends: {BASELINE}\nname: with-measures\n{body}", encoding="utf-8")
    return path


def test_yaml_measures_equal_pandas_by_hand(tmp_path: Path, two_scenario_batch: Results) -> None:
    ms = measure_set(load_scenario(scenario_file(tmp_path, MEASURES)))
    r = two_scenario_batch.replications.set_index(["scenario", "replication"])
    r.index = r.index.set_levels(r.index.levels[0].astype(str), level=0)
    c = two_scenario_batch.ceasefires.copy()
    c["scenario"] = c["scenario"].astype(str)
    groups = c.groupby(["scenario", "replication"])

    def by_rep(series: pd.Series, fill: object = None) -> pd.Series:
        out = series.reindex(r.index)
        return out if fill is None else out.fillna(fill)

    expected = {
        "russia_sides": r["final_posture.russia"].astype(str).isin(["back_defender", "intervene"]),
        "short_war_then_truce": (r["war_days"] <= 20) & r["ceasefire_at_horizon"],
        "long_comprehensive": by_rep(
            groups[["kind", "duration_days"]].apply(
                lambda g: ((g["kind"] == "comprehensive") & (g["duration_days"] >= 20)).any()
            ),
            False,
        ).astype(bool),
        "truces": by_rep(groups.size().astype(float), 0.0),
        "violated_truces": by_rep(groups["violations"].apply(lambda v: float((v > 2).sum())), 0.0),
        "worst_truce_days": by_rep(groups["duration_days"].min()),
        "martakert_early": r["taken_day.martakert"] <= 30,
    }
    expected["deaths_per_truce"] = (r["military_defender"] + r["military_attacker"]) / expected["truces"]
    for name, want in expected.items():
        got = ms.get(name).evaluate(two_scenario_batch)
        pd.testing.assert_series_equal(got, want.rename(name), check_names=False, check_dtype=False, obj=name)
        assert got.dtype == (bool if ms.get(name).kind == "probability" else float), name
    assert ms.get("russia_sides").label == "Russia backs or defends Armenia at the horizon"
    assert ms.get("truces").unit == "count" and ms.get("worst_truce_days").kind == "days"
    # the baseline's real numbers are not degenerate: the test would see a wrong aggregate
    assert 0 < expected["long_comprehensive"].mean() < 1
    assert expected["truces"].nunique() > 1


def test_a_bad_expression_is_reported_at_load_time_with_its_position(tmp_path: Path) -> None:
    body = "measures:\n  early:\n    expression: taken_day.martakrt <= 90\n  bad:\n    expression: outcome_class > 3\n"
    with pytest.raises(ConfigError) as info:
        load_scenario(scenario_file(tmp_path, body))
    assert isinstance(info.value, MeasureError)
    rendered = [p.render() for p in info.value.problems]
    assert len(rendered) == 2
    assert rendered[0].startswith(f"{tmp_path / 'with-measures.yaml'}:5:5: measures.early: unknown column")
    assert "did you mean 'taken_day.martakert'" in rendered[0]
    assert ":7:5: measures.bad: cannot compare a category (text) with a number" in rendered[1]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("measures:\n  supporter_level:\n    expression: war_days > 3\n", "is a column of the results"),
        ("measures:\n  holds_30_days:\n    expression: war_days > 3\n", "already a measure"),
        ("measures:\n  x:\n    expression: war_days\n    kind: probability\n", "kind probability needs a true/false"),
        ("measures:\n  x:\n    expression: war_days\n    colour: red\n", "colour"),
        ("measures:\n  bad-name:\n    expression: war_days\n", "not a valid measure name"),
        ("measures:\n  x:\n    expression: later > 1\n  later:\n    expression: war_days\n", "unknown column 'later'"),
    ],
)
def test_definition_errors(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_scenario(scenario_file(tmp_path, body))


def test_measures_file_and_results_manifest(tmp_path: Path, two_scenario_batch: Results) -> None:
    extra = tmp_path / "more.yaml"
    extra.write_text("measures:\n  long_war:\n    expression: war_days >= 10\n", encoding="utf-8")
    ms = results_measures(two_scenario_batch, [extra])
    got = ms.get("long_war").evaluate(two_scenario_batch)
    want = two_scenario_batch.replications["war_days"].to_numpy() >= 10
    assert got.tolist() == want.tolist()
    assert "share_north" in ms and ms.get("share_north").unit == "share"
    bad = tmp_path / "bad.yaml"
    bad.write_text("measures:\n  long_war:\n    expression: war_dayz >= 10\n", encoding="utf-8")
    with pytest.raises(MeasureError, match=r"bad.yaml:3:5: measures.long_war: unknown column 'war_dayz'"):
        results_measures(two_scenario_batch, [bad])
