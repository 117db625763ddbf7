"""The measure language on a tiny hand-written batch: each construct, each error with its position, hostile input."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scenarios.exceptions import MeasureError, ScenarioError
from scenarios.io.load import Results
from scenarios.io.records import OUTCOME_CLASSES
from scenarios.measures import builtin_measures, measure_set
from scenarios.measures.expr import parse


def tiny() -> Results:
    """Three replications of one scenario, with ceasefires 2, 1 and 0 rows... and a horizon of 60 days."""
    reps = pd.DataFrame(
        {
            "scenario": pd.Categorical(["a", "a", "a"]),
            "replication": [0, 1, 2],
            "war_days": [0.0, 10.0, 40.0],
            "military_defender": [5.0, 20.0, 80.0],
            "ceasefire_at_horizon": [True, True, False],
            "durable_ceasefire": [True, False, False],
            "first_ceasefire_start_day": [0.0, 0.0, 0.0],
            "first_ceasefire_end_day": [60.0, 31.0, 3.0],
            "first_ceasefire_days": [60.0, 31.0, 3.0],  # formally in force (the first to the horizon)
            "first_ceasefire_quiet_days": [60.0, 5.0, 0.0],  # held in fact: the second fought under from day 5
            "outcome_class": pd.Categorical(["frozen_status_quo", "limited_gains_truce", "fighting_at_horizon"]),
            "final_posture.russia": pd.Categorical(["mediate", "back_defender", "intervene"]),
            "taken_day.martakert": [np.nan, 12.0, 30.0],
        }
    )
    cfs = pd.DataFrame(
        {
            "scenario": pd.Categorical(["a", "a", "a"]),
            "replication": [0, 0, 1],
            "number": [1, 2, 1],
            "kind": pd.Categorical(["humanitarian", "comprehensive", "humanitarian"]),
            "duration_days": [20.0, 40.0, 31.0],
            "violations": [3.0, 0.0, 7.0],
            "upgraded_day": [np.nan, 25.0, np.nan],
        }
    )
    manifest = {
        "seed": 1,
        "status": "complete",
        "scenarios": [{"name": "a", "config": {"simulation": {"horizon_days": 60}}}],
    }
    empty = pd.DataFrame()
    return Results(Path("tiny"), manifest, reps, cfs, empty, empty, empty)


SCENARIO = measure_set({"world": {"sectors": {"north": {"objectives": {"martakert": {}, "talish": {}}}}}})


def values(expression: str) -> list[object]:
    return builtin_measures().get(expression).evaluate(tiny()).tolist()


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("war_days <= 10", [True, True, False]),
        ("0 < war_days <= 10", [False, True, False]),  # a chain
        ("war_days > 5 and ceasefire_at_horizon", [False, True, False]),
        ("war_days > 5 or durable_ceasefire", [True, True, True]),
        ("not ceasefire_at_horizon", [False, False, True]),
        ("military_defender + war_days", [5.0, 30.0, 120.0]),
        ("military_defender - war_days * 2", [5.0, 0.0, 0.0]),
        ("-war_days", [-0.0, -10.0, -40.0]),
        ("military_defender / 5", [1.0, 4.0, 16.0]),
        ('outcome_class == "fighting_at_horizon"', [False, False, True]),
        ('outcome_class != "fighting_at_horizon"', [True, True, False]),
        ('final_posture.russia in ["back_defender", "intervene"]', [False, True, True]),
        ('final_posture.russia not in ["back_defender", "intervene"]', [True, False, False]),
        ("war_days in [0, 40]", [True, False, True]),
        ("taken_day.martakert is null", [True, False, False]),
        ("taken_day.martakert is not null", [False, True, True]),
        ("taken_day.martakert is None", [True, False, False]),
        ("taken_day.martakert <= 20", [False, True, False]),  # null in a comparison is false
        ("taken_day.martakert != 12", [False, False, True]),  # ... also for !=
        ("durable_ceasefire == True", [True, False, False]),
        ('any(ceasefires, kind == "comprehensive")', [True, False, False]),
        ("all(ceasefires, violations > 0)", [False, True, True]),  # all of nothing is true
        ("count(ceasefires)", [2.0, 1.0, 0.0]),
        ("count(ceasefires, duration_days >= 30)", [1.0, 1.0, 0.0]),
        ("sum(ceasefires, violations)", [3.0, 7.0, 0.0]),  # sum of nothing is 0
        ("max(ceasefires, duration_days)", [40.0, 31.0, np.nan]),  # empty min/max/mean is null
        ("min(ceasefires, duration_days)", [20.0, 31.0, np.nan]),
        ("mean(ceasefires, duration_days)", [30.0, 31.0, np.nan]),
        ("any(ceasefires, upgraded_day is not null)", [True, False, False]),
        ("any(ceasefires, duration_days > war_days)", [True, True, False]),  # an outer column inside
        ("count(ceasefires) >= 1 and war_days < 20", [True, True, False]),
        ("holds_30_days", [True, True, False]),  # a measure used in an expression
        ("quiet_30_days", [True, False, False]),  # ... the truce in fact: fought under from day 5
        ("holds_30_days and not quiet_30_days", [False, True, False]),  # in force in name only
    ],
)
def test_each_construct(expression: str, expected: list[object]) -> None:
    got = values(expression)
    assert (
        got == pytest.approx(expected, nan_ok=True) if any(isinstance(v, float) for v in expected) else got == expected
    )


def test_kinds_and_dtypes() -> None:
    ms = builtin_measures()
    assert ms.get("war_days <= 10").kind == "probability"
    assert ms.get("war_days <= 10").evaluate(tiny()).dtype == bool
    assert ms.get("war_days * 2").kind == "amount"
    assert ms.get("outcome_class").kind == "category"
    series = ms.get("outcome_class").evaluate(tiny())
    assert series.index.names == ["scenario", "replication"]
    assert list(series.index) == [("a", 0), ("a", 1), ("a", 2)]


def test_holds_beyond_the_horizon_is_na_not_false() -> None:
    got = builtin_measures().get("holds_90_days").evaluate(tiny())
    assert got.isna().all()
    assert builtin_measures().get("holds_45_days").evaluate(tiny()).tolist() == [True, False, False]
    assert builtin_measures().get("quiet_90_days").evaluate(tiny()).isna().all()
    assert builtin_measures().get("quiet_4_days").evaluate(tiny()).tolist() == [True, True, False]


@pytest.mark.parametrize(
    ("expression", "message", "column"),
    [
        ("taken_day.martakrt <= 90", "unknown column 'taken_day.martakrt'", 1),
        ("war_days <= 60 and ceasefire_at_horizn", "unknown column 'ceasefire_at_horizn'", 20),
        ("war_days <=", "not a valid expression", None),
        ("outcome_class > 3", "cannot compare a category (text) with a number", 1),
        ('outcome_class < "x"', "categories have no order", 1),
        ("war_days == null", "is null", 1),
        ("war_days and True", "and/or needs true/false, got a number", 1),
        ("not war_days", "not needs true/false", 5),
        ('war_days + "x"', "arithmetic needs a number", 12),
        ("war_days / 0", "division by zero", 12),
        ("war_days in [1, 'a']", "only strings or only numbers", 13),
        ("outcome_class in [1, 2]", "`in` compares a category", 1),
        ("war_days in war_days", "`in` needs a list of constants", 13),
        ("count(replications)", "must be a per-replication table", 7),
        ("count(ceasefires, kind)", "count() needs true/false, got a category", 19),
        ("sum(ceasefires)", "takes 2 argument(s)", 1),
        ("any(ceasefires, count(ceasefires) > 1)", "cannot be nested", 17),
        ("any(ceasefires, x=1)", "no keyword arguments", 1),
        ("ceasefires.kind", "unknown column 'ceasefires.kind'", 1),
        ("war_days is 3", "`is` only tests for null", 13),
        ("true", "write True", 1),
        ('outcome_class == "fighting_at_horizn"', "'fighting_at_horizn' is not a value of outcome_class", 18),
        ('"frozen" == outcome_class', "its values: patron_intervention", 1),
        ('outcome_class in ["fighting_at_horizon", "frozen"]', "'frozen' is not a value of outcome_class", 42),
        ('first_ceasefire_cause == "spiral"', "'spiral' is not a value of first_ceasefire_cause", 26),
        ('any(ceasefires, kind == "comprehensiv")', "did you mean 'comprehensive'", 25),
        ("", "empty expression", None),
    ],
)
def test_each_error_names_the_problem_and_its_column(expression: str, message: str, column: int | None) -> None:
    with pytest.raises(MeasureError) as info:
        parse(expression, SCENARIO.schema())
    text = str(info.value)
    assert message in text
    assert repr(expression.strip()) in text or expression == ""
    if column is not None:
        assert f"(column {column})" in text


def test_did_you_mean_for_objectives_of_the_scenario() -> None:
    ms = SCENARIO
    with pytest.raises(MeasureError, match=r"did you mean 'taken_day.martakert'"):
        ms.get("taken_day.martakrt <= 90")
    with pytest.raises(MeasureError, match="did you mean 'holds_30_days'"):
        ms.get("holds_30_day")
    with pytest.raises(MeasureError, match="did you mean 'outcome:fighting_at_horizon'"):
        ms.get("outcome:fighting_at_horizn")


def test_division_by_zero_at_evaluation_is_an_error_not_nan() -> None:
    with pytest.raises(MeasureError, match=r"division by zero in 1 row\(s\)"):
        builtin_measures().get("military_defender / war_days").evaluate(tiny())


def test_a_column_missing_from_older_results_is_an_error_naming_it() -> None:
    with pytest.raises(MeasureError, match=r"measure 'share_north'.*column 'share_north' is not in the results"):
        builtin_measures().get("share_north").evaluate(tiny())
    assert issubclass(MeasureError, ScenarioError)


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os')",
        "__import__('os').system('true')",
        "().__class__.__bases__[0].__subclasses__()",
        "war_days.__class__",
        "open('/etc/passwd')",
        "lambda: 1",
        "[x for x in [1, 2]]",
        "{x: 1 for x in [1]}",
        "(x for x in [1])",
        "war_days[0]",
        "war_days if True else 1",
        "(y := 1)",
        "f'{war_days}'",
        "war_days ** 2",
        "war_days // 2",
        "war_days % 2",
        "war_days @ war_days",
        "~war_days",
        "{1, 2}",
        "{'a': 1}",
        "x" * 100_000,
        "(" * 10_000 + "1" + ")" * 10_000,
        "not " * 400 + "True",
        "-" * 1500 + "1",
        "1 + " * 450 + "1",
        "eval('1')",
        "getattr(war_days, 'x')",
    ],
)
def test_hostile_input_is_refused_quickly(expression: str) -> None:
    began = time.perf_counter()
    with pytest.raises(MeasureError):
        builtin_measures().get(expression)
    assert time.perf_counter() - began < 0.5


def test_names_list_the_builtins_once() -> None:
    names = builtin_measures().names()
    assert len(names) == len(set(names))
    for name in (
        "holds_7_days",
        "holds_30_days",
        "holds_90_days",
        "durable_ceasefire",
        "quiet_7_days",
        "quiet_30_days",
        "quiet_90_days",
        "quiet_ceasefire",
        "fighting_at_horizon",
        "conflict_days",
        "first_ceasefire_days",
        "first_ceasefire_quiet_days",
        *(f"outcome:{c}" for c in OUTCOME_CLASSES),
        "outcome_class",
        "ceasefire_at_horizon",
        "attacker_share",
        "war_days",
        "attention",
        "ceasefires",
        "military_defender",
        "casualties_total",
    ):
        assert name in names


def test_holds_and_quiet_are_na_for_a_run_that_never_had_a_truce() -> None:
    """A run that starts at war and agrees no truce has no first truce: not 'did not hold', unknown (the model writes
    no start day, and 0 quiet days)."""
    results = tiny()
    r = results.replications
    r.loc[2, ["first_ceasefire_start_day", "first_ceasefire_end_day", "first_ceasefire_days"]] = np.nan
    r.loc[2, "first_ceasefire_quiet_days"] = 0.0
    for name in ("holds_7_days", "quiet_7_days"):
        got = builtin_measures().get(name).evaluate(results)
        assert got.iloc[:2].tolist() == [True, name == "holds_7_days"] and np.isnan(got.iloc[2]), name
