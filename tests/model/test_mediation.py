"""Mediation: the log-odds of success term by term, and what a success brings."""

from __future__ import annotations

import math

import pytest

from scenarios.model import ceasefire, mediation
from scenarios.model.state import WorldState

from .support import Scripted, small_world, values

M = values().mediation
TARGET = 0.4


def at_war(day: float = 20.0, **postures: str) -> WorldState:
    state = small_world(turkish_level=0, day=day, attention=0.0)
    state.postures.update(postures)
    state.front_moved_day = day
    return state


def terms(state: WorldState, credibility: float = 0.0, upgrade: bool = False) -> dict[str, float]:
    return mediation.success_terms(state, M, credibility, TARGET, upgrade)


def test_quiet_terms() -> None:
    t = terms(at_war())
    share = 1.0 / 10.0
    assert t["base"] == M.base_logit
    assert t["azerbaijani_position"] == pytest.approx(M.position_weight * share / TARGET)
    assert sum(abs(v) for k, v in t.items() if k not in ("base", "azerbaijani_position")) == 0.0


def test_position_term_saturates_at_the_target() -> None:
    state = at_war()
    for s in state.sectors:
        for o in s.objectives:
            state.take(o)
    assert terms(state)["azerbaijani_position"] == M.position_weight


@pytest.mark.parametrize(("idle", "fraction"), [(0.0, 0.0), (7.0, 0.5), (14.0, 1.0), (60.0, 1.0)])
def test_stalemate_grows_with_days_since_the_front_moved(idle: float, fraction: float) -> None:
    state = at_war(day=30.0)
    state.front_moved_day = 30.0 - idle
    assert M.stalemate_days == 14.0
    assert terms(state)["stalemate"] == pytest.approx(M.stalemate_weight * fraction)


@pytest.mark.parametrize(
    ("postures", "term", "value"),
    [
        ({"russia": "pressure_armenia"}, "russian_pressure_on_armenia", M.russian_pressure_weight),
        ({"russia": "back_armenia"}, "russian_backing_of_armenia", M.russian_backing_weight),
        ({"russia": "intervene"}, "russian_backing_of_armenia", M.russian_backing_weight),
        ({"azerbaijan": "talks"}, "azerbaijan_in_talks", M.talks_weight),
        ({"azerbaijan": "limited_offensive"}, "azerbaijani_offensive", -M.offensive_penalty),
        ({"azerbaijan": "major_offensive"}, "azerbaijani_offensive", -M.offensive_penalty),
    ],
)
def test_posture_terms(postures: dict[str, str], term: str, value: float) -> None:
    assert terms(at_war(**postures))[term] == value


def test_turkish_spoiling_attention_concession_credibility_and_upgrade() -> None:
    state = at_war()
    state.set_turkish_level(4)
    state.attention = 2.0
    state.armenia_conceded = True
    t = terms(state, credibility=0.8, upgrade=True)
    assert t["turkish_spoiling"] == pytest.approx(-M.turkish_spoiling_weight * 4 / 5)
    assert t["attention"] == pytest.approx(M.attention_weight * 2.0)
    assert t["armenian_concession"] == M.concession_weight
    assert t["broker_credibility"] == 0.8
    assert t["settlement_harder_than_halt"] == M.upgrade_logit_offset


def test_attempt_is_logistic_in_the_terms() -> None:
    state = at_war(azerbaijan="talks")
    t = terms(state, credibility=1.0)
    p = 1.0 / (1.0 + math.exp(-sum(t.values())))
    refused = mediation.attempt(state, M, Scripted([p + 1e-9]), "russia", 1.0, TARGET)
    assert (refused.success, refused.kind, refused.peacekeepers, refused.upgrade) == (
        False,
        None,
        False,
        False,
    )
    assert refused.probability == pytest.approx(p) and refused.terms == t
    # accepted; position not met, so a comprehensive ceasefire has the lower chance
    rng = Scripted([p - 1e-9, M.comprehensive_probability_otherwise - 1e-9, M.peacekeepers_probability - 1e-9])
    accepted = mediation.attempt(state, M, rng, "russia", 1.0, TARGET)
    assert (accepted.success, accepted.kind, accepted.peacekeepers) == (True, "comprehensive", True)
    rng = Scripted([0.0, M.comprehensive_probability_otherwise + 1e-9])
    humanitarian = mediation.attempt(state, M, rng, "russia", 1.0, TARGET)
    assert (humanitarian.kind, humanitarian.peacekeepers) == ("humanitarian", False) and rng.exhausted()


def test_a_concession_counts_as_position_met() -> None:
    state = at_war()
    state.armenia_conceded = True
    u = (M.comprehensive_probability_otherwise + M.comprehensive_probability_position_met) / 2
    offer = mediation.attempt(state, M, Scripted([0.0, u, 0.99]), "russia", 0.0, TARGET)
    assert (offer.kind, offer.peacekeepers) == ("comprehensive", False)


def test_an_upgrade_is_always_comprehensive() -> None:
    state = at_war()
    ceasefire.start(state, "humanitarian", "russia", False)
    offer = mediation.attempt(state, M, Scripted([0.0, 0.99]), "cochairs", 0.0, TARGET)
    assert offer.upgrade and offer.kind == "comprehensive" and not offer.peacekeepers


@pytest.mark.parametrize("base_logit", [-1000.0, 1000.0])
def test_extreme_log_odds_do_not_overflow(base_logit: float) -> None:
    """A YAML value far out of the usual range gives a probability of 0 or 1, not an OverflowError."""
    from pathlib import Path

    import numpy as np

    from scenarios.config.loader import load_scenario
    from scenarios.model.simulation import run_replication

    config = Path(__file__).resolve().parents[2] / "configs" / "baseline.yaml"
    scenario = load_scenario(config, [f"mediation.base_logit={base_logit}", "simulation.horizon_days=60"])
    result = run_replication(scenario, np.random.SeedSequence(4))
    if base_logit < 0:
        assert all(c["broker"] == "russia" and c["number"] == 1 for c in result.ceasefires)  # no offer succeeds
    else:
        assert result.outcome["ceasefire_at_horizon"]  # every offer succeeds: war never lasts
