"""Builders for hand-made worlds, parameter blocks and observations; a scripted random stream; paired runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from scenarios.config.draw import Values, draw_parameters, parameters_at, values_tree
from scenarios.config.loader import load_scenario
from scenarios.config.schema import Scenario
from scenarios.model.observation import FrontView, Observation
from scenarios.model.random import child_seed
from scenarios.model.simulation import ReplicationResult, run_replication
from scenarios.model.state import ObjectiveState, SectorState, WorldState

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "configs" / "baseline.yaml"
LADDER = ("diplomatic", "drones", "syrian_fighters", "f16_deterrent", "personnel")


def load_baseline(*overrides: str) -> Scenario:
    return load_scenario(BASELINE, overrides=list(overrides))


_MEDIANS: dict[str, float] | None = None


def medians() -> dict[str, float]:
    """Every baseline parameter at its median (a fresh copy)."""
    global _MEDIANS
    if _MEDIANS is None:
        _MEDIANS = parameters_at(load_baseline().parameter_specs(), {})
    return dict(_MEDIANS)


def values(**overrides: float) -> Values:
    """The baseline medians as a values tree; keyword `a__b__c=x` sets the parameter `a.b.c`."""
    flat = medians()
    for key, value in overrides.items():
        path = key.replace("__", ".")
        assert path in flat, f"not a parameter: {path}"
        flat[path] = value
    return values_tree(flat)


class Scripted:
    """A `Random` that hands out given numbers in order and fails loudly when a call was not expected."""

    def __init__(
        self,
        uniforms: Iterable[float] = (),
        normals: Iterable[float] = (),
        poissons: Iterable[int] = (),
    ):
        self.uniforms = list(uniforms)
        self.normals = list(normals)
        self.poissons = list(poissons)
        self.poisson_means: list[float] = []

    def uniform(self) -> float:
        assert self.uniforms, "unexpected uniform() call"
        return self.uniforms.pop(0)

    def normal(self) -> float:
        assert self.normals, "unexpected normal() call"
        return self.normals.pop(0)

    def exponential(self, rate: float) -> float:
        raise AssertionError("unexpected exponential() call")

    def poisson(self, mean: float) -> int:
        assert self.poissons, f"unexpected poisson({mean}) call"
        self.poisson_means.append(mean)
        return self.poissons.pop(0)

    def exhausted(self) -> bool:
        return not (self.uniforms or self.normals or self.poissons)


def objective(
    oid: str,
    sector: str,
    terrain: str = "lowland",
    value: float = 1.0,
    population: float = 1.0,
    difficulty: float = 5.0,
    held_by: str = "armenia",
    city: bool = False,
) -> ObjectiveState:
    return ObjectiveState(oid, sector, oid.title(), terrain, city, value, population, difficulty, held_by)


def small_world(
    *,
    turkish_level: int = 4,
    day: float = 0.0,
    winter_day: float = 50.0,
    postures: Mapping[str, str] | None = None,
    attention: float = 1.0,
) -> WorldState:
    """Two sectors: a lowland south (one objective held, two to take) and a mountain centre (two to take)."""
    south = SectorState(
        "south",
        "South",
        [
            objective("jabrayil", "south", held_by="azerbaijan"),
            objective("fuzuli", "south", value=2.0, population=2.0, difficulty=6.0),
            objective("zangilan", "south", difficulty=4.0),
        ],
    )
    centre = SectorState(
        "centre",
        "Centre",
        [
            objective("shusha", "centre", terrain="mountain", value=3.0, population=4.0, difficulty=20.0, city=True),
            objective("stepanakert", "centre", terrain="mountain", value=3.0, population=50.0, difficulty=30.0),
        ],
    )
    state = WorldState(
        start_date=dt.date(2020, 10, 10),
        winter_day=winter_day,
        sectors=[south, centre],
        postures=dict(
            postures
            or {
                "azerbaijan": "hold",
                "armenia": "defend",
                "russia": "mediate",
                "turkey": "hold",
                "cochairs": "stand_by",
            }
        ),
        turkish_ladder=LADDER,
        turkish_level=turkish_level,
        attention=attention,
    )
    state.day = day
    state.attention_day = day
    return state


def front(
    *views: tuple[str, str | None, float, float, float, float, float],
) -> tuple[FrontView, ...]:
    """Front views from (terrain, objective, value_share, remaining, advance, attacker, civilians) tuples."""
    return tuple(
        FrontView(f"s{i}", obj, terrain if obj else None, share, remaining, adv, att, civ)
        for i, (terrain, obj, share, remaining, adv, att, civ) in enumerate(views)
    )


DEFAULT_FRONT = front(
    ("lowland", "fuzuli", 0.1, 6.0, 1.5, 15.0, 0.1),
    ("mountain", "shusha", 0.2, 20.0, 0.7, 27.0, 0.2),
)


def observation(**changes: Any) -> Observation:
    """An observation of a quiet humanitarian ceasefire on day 10; keywords change any field."""
    fields: dict[str, Any] = {
        "day": 10.0,
        "winter": False,
        "ceasefire": True,
        "ceasefire_kind": "humanitarian",
        "peacekeepers": False,
        "war_days": 0.0,
        "azerbaijani_share": 0.1,
        "start_share": 0.1,
        "attention": 1.0,
        "postures": {
            "azerbaijan": "hold",
            "armenia": "defend",
            "russia": "mediate",
            "turkey": "hold",
            "cochairs": "stand_by",
        },
        "turkish_level": 4,
        "turkish_level_max": 5,
        "f16_present": True,
        "russia_backs_armenia": False,
        "armenia_asked_russia": False,
        "armenia_conceded": False,
        "recent_azerbaijani_attacks": 0,
        "days_since_front_moved": 10.0,
        "front": DEFAULT_FRONT,
    }
    postures = changes.pop("postures", None)
    if postures:
        fields["postures"] = {**fields["postures"], **postures}
    fields.update(changes)
    return Observation(**fields)


# --- paired (common random numbers) runs --------------------------------------------------------------------


def seeds(n: int, base: int) -> list[np.random.SeedSequence]:
    """Replication i of every arm uses SeedSequence([base, i])."""
    return [np.random.SeedSequence([base, i]) for i in range(n)]


def drawn(scenario: Scenario, seed: np.random.SeedSequence) -> dict[str, float]:
    """The parameters `run_replication` would draw for this seed."""
    rng = np.random.default_rng(child_seed(seed, "parameters"))
    return draw_parameters(scenario, rng, scenario.parameter_specs())


def paired(
    scenario: Scenario,
    n: int,
    base: int,
    arm_a: Mapping[str, float],
    arm_b: Mapping[str, float],
    metric: Callable[[ReplicationResult], float],
    record_trace: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Metric of replication i under each arm: same seed, same drawn parameters but for the ones set."""
    a, b = [], []
    for seed in seeds(n, base):
        flat = drawn(scenario, seed)
        for arm, out in ((arm_a, a), (arm_b, b)):
            unknown = set(arm) - set(flat)
            assert not unknown, f"not parameters: {unknown}"
            result = run_replication(scenario, seed, record_trace=record_trace, parameters={**flat, **arm})
            out.append(metric(result))
    return np.asarray(a, dtype=float), np.asarray(b, dtype=float)


def terrain_of(scenario: Scenario) -> dict[str, str]:
    return {oid: o.terrain for s in scenario.world.sectors.values() for oid, o in s.objectives.items()}


def value_taken(result: ReplicationResult, scenario: Scenario, terrains: Sequence[str] = ("mountain",)) -> float:
    """Value of the objectives of these terrains Azerbaijan took during the replication."""
    total = 0.0
    for s in scenario.world.sectors.values():
        for oid, o in s.objectives.items():
            if o.terrain in terrains and result.outcome[f"taken_day.{oid}"] is not None:
                total += o.value
    return total
