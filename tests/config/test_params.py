"""Uncertain quantities: numbers, ranges, estimative words, distributions; their domains and inverse CDFs."""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError
from scipy import stats

from scenarios.config.loader import load_scenario
from scenarios.config.params import (
    AtLeastOne,
    DateParam,
    EstimativeWords,
    NonNegative,
    Param,
    Positive,
    Probability,
    Real,
    Share,
    Spec,
)
from scenarios.config.words import packaged_words
from scenarios.exceptions import ConfigError
from scenarios.yamlio import parse_yaml

from .conftest import problems_with, variant

WORDS = EstimativeWords.model_validate(packaged_words().data["estimative_words"])

# ICD 203 (2015), D.6.e(2)(a), with the synonyms the table lists and two the report uses ("may", "extremely")
ICD_203 = {
    "almost no chance": (0.01, 0.05),
    "remote": (0.01, 0.05),
    "very unlikely": (0.05, 0.20),
    "highly improbable": (0.05, 0.20),
    "extremely unlikely": (0.05, 0.20),
    "unlikely": (0.20, 0.45),
    "improbable": (0.20, 0.45),
    "roughly even chance": (0.45, 0.55),
    "roughly even odds": (0.45, 0.55),
    "may": (0.45, 0.55),
    "likely": (0.55, 0.80),
    "probable": (0.55, 0.80),
    "very likely": (0.80, 0.95),
    "highly probable": (0.80, 0.95),
    "almost certain": (0.95, 0.99),
    "nearly certain": (0.95, 0.99),
    "almost certainly": (0.95, 0.99),
}


def make(cls: type[Param], value: Any, words: EstimativeWords | None = WORDS) -> Param:
    return cls.model_validate({"value": value, "assumption": "test"}, context={"words": words})


def error_of(cls: type[Param], value: Any) -> str:
    with pytest.raises(ValidationError) as info:
        make(cls, value)
    return str(info.value)


# --- estimative words ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("word", "bounds"), sorted(ICD_203.items()))
def test_icd_203_table(word: str, bounds: tuple[float, float]) -> None:
    assert WORDS.range_of(word) == bounds
    spec = make(Probability, word).spec
    assert (spec.kind, spec.lo, spec.hi) == ("uniform", *bounds)


def test_every_word_of_the_shipped_table_resolves() -> None:
    for word in WORDS.known():
        lo, hi = make(Probability, word).spec.lo, make(Probability, word).spec.hi
        assert 0 <= lo < hi <= 1, word


@pytest.mark.parametrize("written", ["Very Likely", "very  likely", " VERY likely "])
def test_words_ignore_case_and_spacing(written: str) -> None:
    assert make(Probability, written).spec.lo == 0.8


def test_the_table_file_is_packaged() -> None:
    text = resources.files("scenarios.data").joinpath("estimative_words.yaml").read_text(encoding="utf-8")
    assert parse_yaml(text, "words").data["words"]["likely"] == [0.55, 0.8]


def test_unknown_word_lists_the_closest() -> None:
    message = error_of(Probability, "likley")
    assert "unknown estimative word 'likley'" in message


@pytest.mark.parametrize("cls", [Share, NonNegative, Positive, AtLeastOne, Real])
def test_words_are_for_probabilities_only(cls: type[Param]) -> None:
    assert "got 'likely'" in error_of(cls, "likely")


def test_config_can_extend_and_override_the_words_table(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        """
        estimative_words:
          words:
            likely: [0.6, 0.7]
            a safe bet: [0.85, 0.9]
          synonyms:
            odds-on: a safe bet
        actors:
          russia:
            press_defender_propensity: odds-on
          azerbaijan:
            defender_blinks_belief: A Safe Bet
        """,
    )
    scenario = load_scenario(path)
    # the override applies to every use of the word, including the baseline's own
    spec = scenario.actors.russia.back_defender_propensity.spec
    assert (spec.lo, spec.hi) == (0.6, 0.7)
    # a synonym of a changed word follows it
    assert scenario.estimative_words.range_of("probable") == (0.6, 0.7)
    # new words and synonyms
    assert (
        scenario.actors.russia.press_defender_propensity.spec.lo,
        scenario.actors.russia.press_defender_propensity.spec.hi,
    ) == (0.85, 0.9)
    assert scenario.actors.azerbaijan.defender_blinks_belief.spec.hi == 0.9
    # the packaged table is still there
    assert scenario.estimative_words.range_of("remote") == (0.01, 0.05)


@pytest.mark.parametrize(
    ("body", "line", "key", "message"),
    [
        (
            "estimative_words:\n  words:\n    likely: [0.8, 0.6]\n",
            5,
            "estimative_words.words.likely",
            "range must satisfy 0 <= lo <= hi <= 1, got [0.8, 0.6]",
        ),
        (
            "estimative_words:\n  words:\n    sure thing: [0.9, 1.2]\n",
            5,
            "estimative_words.words.sure thing",
            "range must satisfy 0 <= lo <= hi <= 1, got [0.9, 1.2]",
        ),
        (
            "estimative_words:\n  synonyms:\n    odds-on: a sure thing\n",
            5,
            "estimative_words.synonyms.odds-on",
            "synonym 'odds-on' points to 'a sure thing', which is not in `words`",
        ),
    ],
)
def test_bad_words_table_is_reported_where_it_is_written(
    tmp_path: Path, body: str, line: int, key: str, message: str
) -> None:
    path = variant(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_scenario(path)
    (p,) = info.value.problems
    assert (p.file, p.line, p.key, p.message) == (str(path), line, key, message)


# --- numbers and ranges -------------------------------------------------------------------------------------


def test_number_is_fixed() -> None:
    spec = make(NonNegative, 3).spec
    assert (spec.kind, spec.lo, spec.hi, spec.uncertain) == ("fixed", 3.0, 3.0, False)
    assert spec.ppf(0.0) == spec.ppf(0.5) == spec.ppf(1.0) == 3.0


def test_range_is_uniform() -> None:
    spec = make(Real, [-1, 3]).spec
    assert (spec.kind, spec.lo, spec.hi, spec.uncertain) == ("uniform", -1.0, 3.0, True)
    assert [spec.ppf(u) for u in (0.0, 0.25, 0.5, 1.0)] == [-1.0, 0.0, 1.0, 3.0]


def test_degenerate_range_is_certain() -> None:
    spec = make(Share, [0.4, 0.4]).spec
    assert not spec.uncertain and spec.ppf(0.9) == 0.4


@pytest.mark.parametrize(
    ("cls", "good", "bad"),
    [
        (Probability, [0, 1, 0.5, [0, 1]], [-0.01, 1.7, [0.2, 1.2]]),
        (Share, [0, 1, [0.1, 0.9]], [1.01, -1]),
        (NonNegative, [0, 1e6, [0, 3]], [-1e-9, [-1, 2]]),
        (Positive, [1e-9, 5, [0.1, 2]], [0, -1, [0, 1]]),
        (AtLeastOne, [1, 2.5, [1, 3]], [0.99, [0.5, 2]]),
        (Real, [-1e6, 0, [-3, -1]], []),
    ],
)
def test_domains(cls: type[Param], good: list[Any], bad: list[Any]) -> None:
    for value in good:
        make(cls, value)
    for value in bad:
        assert "is outside the valid range" in error_of(cls, value), value


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "[0, .inf]", "[.nan, 1]", "true", "[false, 1]"])
@pytest.mark.parametrize(
    "path",
    ["actors.armenia.retaliation_base", "world.capabilities.drones.effects.advance_bonus", "actors.russia.inertia"],
)
def test_non_finite_and_boolean_values_are_refused(path: str, value: str) -> None:
    (p,) = problems_with(f"{path}={value}")
    assert p.key == path
    assert p.message.startswith("expected a number")
    assert p.file == f"--set {path}={value}"


def test_direct_validation_refuses_non_finite_numbers() -> None:
    for value in (math.inf, math.nan, [0, math.inf], True):
        with pytest.raises(ValidationError):
            make(Real, value)


def test_provenance_is_required() -> None:
    with pytest.raises(ValidationError, match="needs its provenance"):
        Real.model_validate({"value": 1}, context={"words": WORDS})
    assert Real.model_validate({"value": 1, "source": {"ref": "r", "para": 1, "quote": "abc"}}).spec.lo == 1


# --- distributions ------------------------------------------------------------------------------------------


def test_beta_from_mean_and_sd() -> None:
    spec = make(Probability, {"dist": "beta", "mean": 0.3, "sd": 0.1}).spec
    a, b = spec.a, spec.b
    assert a / (a + b) == pytest.approx(0.3)
    assert math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1))) == pytest.approx(0.1)
    assert spec.ppf(0.5) == pytest.approx(stats.beta(a, b).ppf(0.5))


def test_scaled_beta() -> None:
    spec = make(NonNegative, {"dist": "beta", "mean": 15, "sd": 2, "lo": 10, "hi": 30}).spec
    assert (spec.lo, spec.hi) == (10, 30)
    draws = np.array([spec.ppf(u) for u in np.linspace(0.0005, 0.9995, 1000)])
    assert draws.mean() == pytest.approx(15, abs=0.05)
    assert draws.std() == pytest.approx(2, abs=0.05)


def test_triangular() -> None:
    spec = make(Positive, {"dist": "triangular", "lo": 1, "mode": 2, "hi": 5}).spec
    assert spec.ppf(0.0) == 1 and spec.ppf(1.0) == 5
    assert spec.ppf(0.25) == pytest.approx(2.0)  # F(mode) = (mode - lo) / (hi - lo)
    for u in (0.1, 0.6, 0.9):
        assert spec.ppf(u) == pytest.approx(stats.triang(c=0.25, loc=1, scale=4).ppf(u))


def test_uniform_dist_is_a_range() -> None:
    assert make(Real, {"dist": "uniform", "lo": 1, "hi": 2}).spec == make(Real, [1, 2]).spec


def test_normal_is_truncated_to_the_parameter_domain() -> None:
    spec = make(Probability, {"dist": "normal", "mean": 0.9, "sd": 0.2}).spec
    assert (spec.lo, spec.hi) == (0.0, 1.0)
    assert spec.ppf(1.0) <= 1.0 and spec.ppf(0.0) >= 0.0
    expected = stats.truncnorm((0 - 0.9) / 0.2, (1 - 0.9) / 0.2, loc=0.9, scale=0.2)
    for u in (0.1, 0.5, 0.9):
        assert spec.ppf(u) == pytest.approx(expected.ppf(u), rel=1e-6)
    narrow = make(Real, {"dist": "normal", "mean": 0, "sd": 1, "lo": -0.5, "hi": 2}).spec
    assert (narrow.lo, narrow.hi) == (-0.5, 2)


def test_normal_never_draws_the_open_bound_of_a_positive_parameter() -> None:
    spec = make(Positive, {"dist": "normal", "mean": 0.1, "sd": 0.1}).spec
    assert spec.ppf(0.0) > 0
    assert min(spec.ppf(u) for u in np.linspace(0, 1e-6, 50)) > 0


P = "ceasefire.civilian_harm_probability"
L = "actors.armenia.retaliation_base"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (P, "{dist: beta, mean: 0.5, sd: 0.6}", "beta: sd 0.6 too large for mean 0.5"),
        (P, "{dist: beta, mean: 1.2, sd: 0.1}", "beta: mean 1.2 must lie strictly between"),
        (P, "{dist: beta, mean: 0.5, sd: 0.1, lo: -1}", "beta lo -1 is outside the valid range"),
        (P, "{dist: beta, mean: 0.5}", "beta: missing key `sd`"),
        (L, "{dist: triangular, lo: 0, mode: 3, hi: 2}", "triangular: need lo <= mode <= hi"),
        (L, "{dist: uniform, lo: 2, hi: 1}", "uniform: lo 2 must not exceed hi 1"),
        (P, "{dist: normal, mean: 0, sd: 1, lo: 2}", "normal: empty truncation interval"),
        (L, "{dist: normal, mean: 0, sd: 0}", "normal: sd: Input should be greater than 0"),
        (L, "{dist: normal, mean: .nan, sd: 1}", "normal: mean: Input should be a finite number"),
        (L, "{dist: normal, mean: 0, sd: 1, shape: 2}", "normal: unknown key `shape`"),
        (L, "{dist: lognormal, mean: 0, sd: 1}", "unknown distribution 'lognormal'"),
        (L + ".value", "{mean: 0, sd: 1}", "a distribution needs `dist:`"),
    ],
)
def test_invalid_distributions(path: str, value: str, message: str) -> None:
    (p,) = problems_with(f"{path}={value}")
    assert p.key == path.removesuffix(".value")  # a parameter's problem is named by the parameter
    assert p.message.startswith(message)


# --- dates --------------------------------------------------------------------------------------------------


def test_date_range_is_drawn_by_whole_days_both_ends_included() -> None:
    import datetime as dt

    p = DateParam.model_validate({"value": ["2020-11-15", "2020-11-17"], "assumption": "x"})
    spec = p.day_spec(dt.date(2020, 11, 10))
    values = {spec.ppf(u) for u in np.linspace(0, 1, 301)}
    assert values == {5.0, 6.0, 7.0}
    fixed = DateParam.model_validate({"value": "2020-11-15", "assumption": "x"}).day_spec(dt.date(2020, 11, 10))
    assert not fixed.uncertain and fixed.lo == 5


def test_reversed_date_range() -> None:
    with pytest.raises(ValidationError, match=r"date range \[2020-12-01, 2020-11-01\] is reversed"):
        DateParam.model_validate({"value": ["2020-12-01", "2020-11-01"], "assumption": "x"})


def test_spec_clamps_rounding_into_its_support() -> None:
    spec = Spec("uniform", 0.1, 0.7)
    assert spec.ppf(1.0) <= 0.7 and spec.ppf(0.0) >= 0.1


def test_baseline_uses_words_as_written(baseline) -> None:
    russia = baseline.actors.russia
    assert russia.back_defender_propensity.value == "likely"
    # "may" is the outcome's word (expectations.russia_may_press_armenia); the disposition runs from its lower edge
    # upward and carries the calibration that narrowed it (docs/model.md, dispositions)
    press = russia.press_defender_propensity
    assert press.spec.lo >= 0.45 and press.calibrated and "history matching" in press.calibrated
    assert baseline.expectations["russia_may_press_armenia"].band == "may"


def test_a_broken_words_table_does_not_hide_other_problems(tmp_path: Path) -> None:
    path = variant(
        tmp_path,
        """
        estimative_words:
          words:
            likely: [0.8, 0.6]
        simulation:
          horizon_days: 0
        """,
    )
    with pytest.raises(ConfigError) as info:
        load_scenario(path)
    assert [(p.line, p.key) for p in info.value.problems] == [
        (5, "estimative_words.words.likely"),
        (7, "simulation.horizon_days"),
    ]
