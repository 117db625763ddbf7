"""Direction-of-change tests: change one judgment; the outcome must move the way the report says.

Both arms run on common random numbers: replication i of each arm uses SeedSequence([base, i]) and the same
drawn parameters but for the ones set. A move must be in the report's direction and significant at ALPHA
(one-sided, paired: Wilcoxon signed-rank for quantities, exact McNemar for yes/no outcomes) at a fixed seed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from scipy import stats

from scenarios.config.schema import Scenario
from scenarios.model.simulation import ReplicationResult

from .support import paired, value_taken

pytestmark = pytest.mark.slow

ALPHA = 0.01
N = 100  # replications per arm
NEVER = 1000.0  # a winter that does not come within the horizon (days after the start)

Metric = Callable[[ReplicationResult], float]


def assert_rises(before: np.ndarray, after: np.ndarray, what: str) -> None:
    d = after - before
    assert d.mean() > 0, f"{what}: moved the wrong way ({before.mean():.4g} -> {after.mean():.4g})"
    p = stats.wilcoxon(d, alternative="greater").pvalue
    assert p < ALPHA, f"{what}: {before.mean():.4g} -> {after.mean():.4g} is not significant (p={p:.3g})"


def assert_falls(before: np.ndarray, after: np.ndarray, what: str) -> None:
    assert_rises(-before, -after, f"minus {what}")


def assert_more_often(before: np.ndarray, after: np.ndarray, what: str) -> None:
    """Exact McNemar test: of the pairs that disagree, more turned yes than turned no."""
    up = int(((before == 0) & (after == 1)).sum())
    down = int(((before == 1) & (after == 0)).sum())
    assert up > down, f"{what}: {before.mean():.3f} -> {after.mean():.3f} (up {up}, down {down})"
    p = stats.binomtest(up, up + down, 0.5, alternative="greater").pvalue
    assert p < ALPHA, f"{what}: {before.mean():.3f} -> {after.mean():.3f} is not significant (p={p:.3g})"


def assert_less_often(before: np.ndarray, after: np.ndarray, what: str) -> None:
    assert_more_often(1 - before, 1 - after, f"not {what}")


def ever(actor_option: str) -> Metric:
    """1 if the actor took this option at some point."""
    return lambda r: float(r.outcome[f"first_day.{actor_option}"] is not None)


def outcome(key: str) -> Metric:
    return lambda r: float(r.outcome[key])


def share_of_days(actor: str, posture: str) -> Metric:
    def metric(r: ReplicationResult) -> float:
        assert r.timeseries is not None
        return sum(row[f"posture_{actor}"] == posture for row in r.timeseries) / len(r.timeseries)

    return metric


def mean_attention(r: ReplicationResult) -> float:
    assert r.timeseries is not None
    return float(np.mean([row["attention"] for row in r.timeseries]))


def arms(path: str, low: float, high: float) -> tuple[dict[str, float], dict[str, float]]:
    return {path: low}, {path: high}


def test_winter_deters_the_major_offensive(baseline: Scenario) -> None:
    """Winter from the first day, against no winter: fewer major offensives, less of the mountains taken.

    Report, para 11: "Armenian forces defend the higher ground in mountainous Nagorno Karabakh region. An
    Azerbaijani offensive during winter would likely lead to high casualties among its forces."
    """
    summer, winter = arms("season.winter_start", NEVER, 0.0)
    before, after = paired(baseline, N, 101, summer, winter, ever("azerbaijan.major_offensive"))
    assert_less_often(before, after, "major offensive")
    mountains = lambda r: value_taken(r, baseline, ("mountain",))  # noqa: E731
    before, after = paired(baseline, N, 102, summer, winter, mountains)
    assert_falls(before, after, "mountain value taken")


def test_winter_casualties_deter_the_major_offensive(baseline: Scenario) -> None:
    """In winter, the higher the multiplier on mountain casualties, the rarer a major offensive.

    Report, para 11: "An Azerbaijani offensive during winter would likely lead to high casualties among its
    forces."
    """
    mild = {"season.winter_start": 0.0, "combat.winter_mountain_casualty_multiplier": 1.0}
    harsh = {"season.winter_start": 0.0, "combat.winter_mountain_casualty_multiplier": 3.0}
    before, after = paired(baseline, N, 103, mild, harsh, ever("azerbaijan.major_offensive"))
    assert_less_often(before, after, "major offensive in a harsh winter")


def test_russian_backing_curbs_turkish_escalation(baseline: Scenario) -> None:
    """A Russia disposed to back Armenia early lowers Turkey's support over the horizon (its influence).

    Report, para 3: "Erdogan likely assesses he has a low cost means to expand Turkish influence through
    support and encouragement to Azerbaijan as long as Russian President Vladimir Putin remains unwilling
    fully to back Armenia"
    """
    hedging, backing = arms("actors.russia.back_armenia_propensity", 0.3, 0.95)
    before, after = paired(baseline, N, 104, hedging, backing, outcome("turkish_influence"))
    assert_falls(before, after, "Turkish influence")


def test_russian_backing_limits_azerbaijani_gains(baseline: Scenario) -> None:
    """With Russian support to Armenia likely early, Azerbaijan ends with a smaller share of the territory.

    Report, para 14: "Azerbaijan likely believes Armenia will blink first in a standoff due to Azerbaijan's
    stronger economy and overt Turkish military support ... in the absence of similar Russian support to
    Armenia."
    """
    hedging, backing = arms("actors.russia.back_armenia_propensity", 0.3, 0.95)
    before, after = paired(baseline, N, 105, hedging, backing, outcome("azerbaijani_share"))
    assert_falls(before, after, "Azerbaijani share")


def test_drones_raise_azerbaijani_gains(baseline: Scenario) -> None:
    """A larger drone bonus to the advance gives Azerbaijan a larger share of the contested value.

    Report, para 1: "Azerbaijan reportedly purchased Turkish-made drones in June 2020 and is deploying them to
    great effect."
    """
    without, drones = arms("combat.drone_advance_bonus", 0.0, 1.0)
    before, after = paired(baseline, N, 106, without, drones, outcome("azerbaijani_share"))
    assert_rises(before, after, "Azerbaijani share")


def test_peacekeepers_lengthen_ceasefires(baseline: Scenario) -> None:
    """Settlements that bring peacekeepers mean fewer days of war; stronger peacekeepers, fewer violations.

    The report is silent on peacekeepers: this checks the modeller's assumptions in baseline.yaml,
    ceasefire.peacekeeper_multiplier "Peacekeepers on the line of contact cut violations sharply" and
    actors.azerbaijan.peacekeeper_breach_cost "Breaking a ceasefire guarded by (Russian) peacekeepers means
    firing on them or past them."
    """
    never, always = arms("mediation.peacekeepers_probability", 0.0, 1.0)
    before, after = paired(baseline, N, 107, never, always, outcome("war_days"))
    assert_falls(before, after, "days of open war")
    weak = {**always, "ceasefire.peacekeeper_multiplier": 1.0}
    strong = {**always, "ceasefire.peacekeeper_multiplier": 0.05}
    violations = lambda r: float(sum(c["violations"] for c in r.ceasefires))  # noqa: E731
    before, after = paired(baseline, N, 108, weak, strong, violations)
    assert_falls(before, after, "violations under ceasefires")


def test_strikes_on_cities_raise_attention_and_the_pull_of_talks(baseline: Scenario) -> None:
    """When strikes on cities draw more attention, attention is higher and Azerbaijan is in talks more days.

    Report, para 4: "including a missile attack on Azerbaijan's second largest city, Ganja"; para 13: "A
    prolonged conflict could bring increased international attention into the conflict, increasing the
    diplomatic cost for Azerbaijan"
    """
    quiet, loud = arms("attention.per_city_strike", 0.0, 1.0)
    before, after = paired(baseline, N, 109, quiet, loud, mean_attention, record_trace=True)
    assert_rises(before, after, "mean attention")
    talks = share_of_days("azerbaijan", "talks")
    before, after = paired(baseline, N, 110, quiet, loud, talks, record_trace=True)
    assert_rises(before, after, "days Azerbaijan is in talks")


@pytest.mark.parametrize(
    ("parameter", "low", "high"),
    [
        ("actors.azerbaijan.diplomatic_weight", 0.0, 6.0),
        ("actors.azerbaijan.energy_trade_exposure", 0.1, 1.0),
    ],
)
def test_diplomatic_cost_shortens_the_war(baseline: Scenario, parameter: str, low: float, high: float) -> None:
    """The more attention costs Azerbaijan (diplomatic weight, energy-trade exposure), the fewer days of war.

    Report, para 13: "A prolonged conflict could bring increased international attention into the conflict,
    increasing the diplomatic cost for Azerbaijan and harming its international energy trade."
    """
    before, after = paired(baseline, N, 111, *arms(parameter, low, high), outcome("war_days"))
    assert_falls(before, after, f"days of open war as {parameter} rises")


def test_tolerance_of_violations_lengthens_the_first_ceasefire(baseline: Scenario) -> None:
    """The more escalation a ceasefire absorbs before it collapses, the longer the first one holds.

    Report, para 4: "As of October 12, neither Azerbaijan or Armenia have formally ended the ceasefire despite
    major violations with civilian casualties on both sides."
    """
    fragile, tolerant = arms("ceasefire.spiral_threshold", 5.0, 20.0)
    before, after = paired(baseline, N, 112, fragile, tolerant, outcome("first_ceasefire_end_day"))
    assert_rises(before, after, "first ceasefire's end day")


def test_f16s_deter_armenian_retaliation(baseline: Scenario) -> None:
    """The stronger the F-16s' deterrence, the fewer days Armenia spends retaliating.

    Report, para 1: "Following the exercises, Turkey left behind F-16 fighter jets in Azerbaijan as a
    "deterrent" against Armenia."
    """
    none, strong = arms("actors.armenia.f16_deterrence", 0.0, 2.0)
    retaliating = share_of_days("armenia", "retaliate")
    before, after = paired(baseline, N, 113, none, strong, retaliating, record_trace=True)
    assert_falls(before, after, "days Armenia retaliates")


def test_costlier_escalation_lowers_turkish_support(baseline: Scenario) -> None:
    """Raise the cost of each rung and Turkey's support over the horizon falls.

    Report, para 15: "Erdogan has also demonstrated his willingness to support Azerbaijani operations at
    low-cost"
    """
    cheap, dear = arms("actors.turkey.escalation_cost", 0.1, 2.0)
    before, after = paired(baseline, N, 114, cheap, dear, outcome("turkish_influence"))
    assert_falls(before, after, "Turkish influence")


def test_russian_pressure_brings_armenian_concessions(baseline: Scenario) -> None:
    """The more Russian pressure weighs in Yerevan, the more often Armenia concedes.

    Report, para 7: "The Kremlin may pressure Armenia to accept some form of concession to defuse the crisis"
    """
    deaf, heeding = arms("actors.armenia.concession_pressure_weight", 0.0, 4.0)
    before, after = paired(baseline, N, 115, deaf, heeding, ever("armenia.concede"))
    assert_more_often(before, after, "Armenian concession")


def test_expected_russian_support_deters_offensives(baseline: Scenario) -> None:
    """An Azerbaijan that expects Russia to back Armenia attacks in force less often and fights fewer days.

    Report, para 14: "Azerbaijan likely believes Armenia will blink first in a standoff ... in the absence of
    similar Russian support to Armenia."
    """
    doubt, expect = arms("actors.azerbaijan.expected_russian_backing", 0.05, 0.95)
    before, after = paired(baseline, N, 116, doubt, expect, ever("azerbaijan.major_offensive"))
    assert_less_often(before, after, "major offensive")
    before, after = paired(baseline, N, 117, doubt, expect, outcome("war_days"))
    assert_falls(before, after, "days of open war")
