"""Direction-of-change tests: change one judgment; the outcome must move the way the report says.

Both arms run on common random numbers: replication i of each arm uses SeedSequence([base, i]) and the same
drawn parameters but for the ones set. A move must be in the report's direction and significant at ALPHA
(one-sided, paired: Wilcoxon signed-rank for quantities, exact McNemar for yes/no outcomes) at a fixed seed.
A direction the current model does not show is an expected failure (strict) with the numbers in its reason.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from scipy import stats

from scenarios.config.schema import Scenario
from scenarios.model.simulation import ReplicationResult

from .support import load_baseline, paired, paired_many, terrain_of, value_taken

pytestmark = pytest.mark.slow

ALPHA = 0.01
N = 80  # replication pairs per comparison: the file runs in under two minutes on a quiet core
N_FEW_DIFFER = 120  # where only a third of the pairs differ at all (the move is rare but one-sided)

Metric = Callable[[ReplicationResult], float]


def assert_rises(before: np.ndarray, after: np.ndarray, what: str) -> None:
    d = after - before
    assert d.mean() > 0, f"{what}: moved the wrong way ({before.mean():.4g} -> {after.mean():.4g})"
    p = stats.wilcoxon(d, alternative="greater").pvalue
    assert p < ALPHA, f"{what}: {before.mean():.4g} -> {after.mean():.4g} is not significant (p={p:.3g})"


def assert_falls(before: np.ndarray, after: np.ndarray, what: str) -> None:
    assert_rises(-before, -after, f"minus {what}")


def assert_not_raised(before: np.ndarray, after: np.ndarray, what: str) -> None:
    """No significant rise (one-sided), whichever way the mean moved."""
    d = after - before
    if not d.any():
        return
    p = stats.wilcoxon(d, alternative="greater").pvalue
    assert p >= ALPHA, f"{what}: rose significantly, {before.mean():.4g} -> {after.mean():.4g} (p={p:.3g})"


def assert_more_often(before: np.ndarray, after: np.ndarray, what: str) -> None:
    """Exact McNemar test: of the pairs that disagree, more turned yes than turned no."""
    up = int(((before == 0) & (after == 1)).sum())
    down = int(((before == 1) & (after == 0)).sum())
    assert up > down, f"{what}: {before.mean():.3f} -> {after.mean():.3f} (up {up}, down {down})"
    p = stats.binomtest(up, up + down, 0.5, alternative="greater").pvalue
    assert p < ALPHA, f"{what}: {before.mean():.3f} -> {after.mean():.3f} is not significant (p={p:.3g})"


def assert_less_often(before: np.ndarray, after: np.ndarray, what: str) -> None:
    assert_more_often(1 - before, 1 - after, f"not {what}")


def outcome(key: str) -> Metric:
    return lambda r: float(r.outcome[key])


def mean_attention(r: ReplicationResult) -> float:
    assert r.timeseries is not None
    return float(np.mean([row["attention"] for row in r.timeseries]))


def arms(path: str, low: float, high: float) -> tuple[dict[str, float], dict[str, float]]:
    return {path: low}, {path: high}


def test_an_earlier_winter_lowers_gains_in_the_mountains(baseline: Scenario) -> None:
    """Winter from late October, against winter from late December: less mountain value taken.

    Report, para 11: "Armenian forces defend the higher ground in mountainous Nagorno Karabakh region. An
    Azerbaijani offensive during winter would likely lead to high casualties among its forces."
    """
    late, early = arms("season.winter_start", 80.0, 20.0)
    mountains = lambda r: value_taken(r, baseline, ("mountain",))  # noqa: E731
    before, after = paired(baseline, N_FEW_DIFFER, 101, late, early, mountains)
    assert_falls(before, after, "mountain value taken")


def test_a_higher_casualty_weight_lowers_the_chance_of_an_operation_into_the_mountains(baseline: Scenario) -> None:
    """The more Baku weighs its military dead, the less often it launches an operation on a mountain objective.

    Report, para 11: "An Azerbaijani offensive during winter would likely lead to high casualties among its
    forces."; para 15: "but avoid a protracted, costly conflict."
    """
    terrain = terrain_of(baseline)

    def into_the_mountains(r: ReplicationResult) -> float:
        assert r.timeseries is not None
        return float(any(row["operation"] and terrain[row["operation"]] == "mountain" for row in r.timeseries))

    light, heavy = arms("actors.azerbaijan.military_casualty_weight", 0.1, 1.0)
    before, after = paired(baseline, N, 102, light, heavy, into_the_mountains, record_trace=True)
    assert_less_often(before, after, "an operation into the mountains")


def test_more_drone_effect_raises_gains(baseline: Scenario) -> None:
    """A larger drone bonus to the advance gives Azerbaijan a larger share of the contested value.

    Report, para 1: "Azerbaijan reportedly purchased Turkish-made drones in June 2020 and is deploying them to
    great effect."
    """
    without, drones = arms("world.capabilities.drones.effects.advance_bonus", 0.0, 1.0)
    before, after = paired(baseline, N, 103, without, drones, outcome("attacker_share"))
    assert_rises(before, after, "Azerbaijani share")


def test_a_populated_town_attacked_raises_civilian_deaths_and_attention(baseline: Scenario) -> None:
    """Fuzuli with 60 thousand residents instead of its own: more Armenian civilian dead, more attention.

    Baku's weight on civilian deaths is set to 0 in both arms, so the town is attacked alike and the
    comparison is of what an assault on a populated town does (whether it deters Baku is another question).

    Report, para 12: "An offensive would likely cause high civilian casualties and destruction"; para 13: "A
    prolonged conflict could bring increased international attention into the conflict".
    """
    populated = load_baseline("world.sectors.south.objectives.fuzuli.population=60")
    blind = {"actors.azerbaijan.civilian_casualty_weight": 0.0}
    metrics = {"civilians": outcome("civilian_defender"), "attention": mean_attention}
    got = paired_many(baseline, N, 104, blind, blind, metrics, record_trace=True, scenario_b=populated)
    assert_rises(*got["civilians"], "Armenian civilian deaths")
    assert_rises(*got["attention"], "mean attention")


def test_stronger_russian_backing_lowers_gains_and_does_not_lengthen_wars(baseline: Scenario) -> None:
    """The more Russian backing slows an Azerbaijani advance, the smaller Baku's gains; the war is no longer.

    Report, para 14: "Azerbaijan likely believes Armenia will blink first in a standoff due to Azerbaijan's
    stronger economy and overt Turkish military support ... in the absence of similar Russian support to
    Armenia."; para 6: "Putin will likely support his ally Armenia in the end".
    """
    weak, strong = arms("combat.patron_backing_advance_factor", 0.9, 0.2)
    metrics = {"share": outcome("attacker_share"), "war": outcome("war_days")}
    got = paired_many(baseline, N, 105, weak, strong, metrics)
    assert_falls(*got["share"], "Azerbaijani share")
    assert_not_raised(*got["war"], "days of open war")


def test_russian_pressure_on_baku_shortens_wars(baseline: Scenario) -> None:
    """The more Russian pressure weighs in Baku, the fewer days of open war.

    Report, para 7: "Putin likely desires to pressure Azerbaijan – and Turkey – to back down and retain the
    status quo ante".
    """
    deaf, heeding = arms("actors.azerbaijan.patron_pressure_weight", 0.0, 5.0)
    before, after = paired(baseline, N, 106, deaf, heeding, outcome("war_days"))
    assert_falls(before, after, "days of open war")


def test_turkish_escalation_raises_gains_or_war_length(baseline: Scenario) -> None:
    """Cheap Turkish escalation (each rung costing nothing) against dear: Baku gains more, or fights longer.

    Report, para 15: "Erdogan has also demonstrated his willingness to support Azerbaijani operations at
    low-cost and would likely support a protracted conflict"; para 14: "to deepen Turkish support".
    """
    dear, cheap = arms("actors.turkey.escalation_cost", 2.0, 0.0)
    metrics = {"share": outcome("attacker_share"), "war": outcome("war_days")}
    got = paired_many(baseline, N_FEW_DIFFER, 107, dear, cheap, metrics)
    failures = []
    for name, what in (("share", "Azerbaijani share"), ("war", "days of open war")):
        try:
            assert_rises(*got[name], what)
        except AssertionError as e:
            failures.append(str(e))
    assert len(failures) < 2, "; ".join(failures)


N_PEACEKEEPERS = 400  # guarded lines are ones both sides accepted: only about one pair in twenty differs


def test_peacekeepers_accepted_lengthen_ceasefires(baseline: Scenario) -> None:
    """Peacekeepers that guard the line (fewer violations, a cost to fire past them) against peacekeepers with no
    effect: more days under ceasefires with peacekeepers.

    The report is silent on peacekeepers: this checks the modeller's assumptions in baseline.yaml,
    ceasefire.peacekeeper_multiplier "Armed peacekeepers between the lines cut violations sharply" and
    actors.azerbaijan.peacekeeper_breach_cost "Breaking a ceasefire guarded by peacekeepers means firing on them or
    past them". The effect is rare (peacekeepers are accepted only on a line both parties can live with, so few
    such ceasefires are tested), hence the larger N.
    """
    offered = {"mediation.peacekeepers_offered": 1.0}
    inert = {**offered, "ceasefire.peacekeeper_multiplier": 1.0, "actors.azerbaijan.peacekeeper_breach_cost": 0.0}
    guarding = {**offered, "ceasefire.peacekeeper_multiplier": 0.2, "actors.azerbaijan.peacekeeper_breach_cost": 3.0}
    guarded = lambda r: float(sum(c["duration_days"] for c in r.ceasefires if c["peacekeepers"]))  # noqa: E731
    before, after = paired(baseline, N_PEACEKEEPERS, 108, inert, guarding, guarded)
    assert_rises(before, after, "days under ceasefires with peacekeepers")


def test_peacekeepers_cut_violations_on_their_line(baseline: Scenario) -> None:
    """A stronger peacekeeper effect means fewer violations during ceasefires with peacekeepers.

    Assumption ceasefire.peacekeeper_multiplier: "Armed peacekeepers between the lines cut violations sharply:
    general experience of monitored lines of contact."
    """
    offered = {"mediation.peacekeepers_offered": 1.0}
    weak, strong = (
        {**offered, "ceasefire.peacekeeper_multiplier": 1.0},
        {**offered, "ceasefire.peacekeeper_multiplier": 0.05},
    )
    violations = lambda r: float(sum(c["violations"] for c in r.ceasefires if c["peacekeepers"]))  # noqa: E731
    before, after = paired(baseline, N, 108, weak, strong, violations)
    assert_falls(before, after, "violations under ceasefires with peacekeepers")


def test_a_party_whose_aims_are_unmet_breaks_a_truce_sooner(baseline: Scenario) -> None:
    """An Azerbaijan that needs half the contested value ends the first ceasefire sooner than one whose aim is
    already held (limited aims in both arms).

    Report, para 9: "Azerbaijan and Turkey are setting conditions to break the ceasefire, citing unaddressed
    Azerbaijani claims in negotiations."
    """
    limited = {"actors.azerbaijan.limited_aims_probability": 1.0}
    met = {**limited, "actors.azerbaijan.target_share": 0.05}
    unmet = {**limited, "actors.azerbaijan.target_share": 0.5}
    before, after = paired(baseline, N, 109, met, unmet, outcome("first_ceasefire_end_day"))
    assert_falls(before, after, "first ceasefire's end day")


def test_maximalist_aims_lengthen_wars(baseline: Scenario) -> None:
    """An Azerbaijan whose real aim is the maximalist claim fights more days than one that means to improve its
    position.

    Report, para 10: "Despite Turkish and Azerbaijani maximalist framing, Azerbaijan's real strategic objective
    is likely to improve its position on the ground ahead of future diplomatic negotiations."
    """
    limited, maximalist = arms("actors.azerbaijan.limited_aims_probability", 1.0, 0.0)
    before, after = paired(baseline, N, 110, limited, maximalist, outcome("war_days"))
    assert_rises(before, after, "days of open war")
