"""Builders for hand-made worlds, parameter blocks and observations; a scripted random stream; paired runs."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from scenarios.config.draw import draw_parameters, parameters_at
from scenarios.config.inherit import apply_overrides
from scenarios.config.loader import load_located, load_scenario, validate_tree
from scenarios.config.mechanisms import EffectValues
from scenarios.config.schema import Scenario
from scenarios.model.observation import Observation, OfferView, OperationView, Roles
from scenarios.model.policy import Policy
from scenarios.model.random import child_seed
from scenarios.model.simulation import Prepared, ReplicationResult, prepared, run_replication
from scenarios.model.state import ObjectiveState, SectorState, WorldState
from scenarios.roles import Role

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "configs" / "baseline.yaml"
LADDER = ("diplomatic", "syrian_fighters", "f16_deterrent", "personnel")
POSTURES = {
    "azerbaijan": "hold",
    "armenia": "defend",
    "russia": "mediate",
    "russia.support": "none",
    "turkey": "f16_deterrent",
    "cochairs": "stand_by",
}


def load_baseline(*overrides: str) -> Scenario:
    return load_scenario(BASELINE, overrides=list(overrides))


_MEDIANS: dict[str, float] | None = None


def medians() -> dict[str, float]:
    """Every baseline parameter at its median (a fresh copy)."""
    global _MEDIANS
    if _MEDIANS is None:
        _MEDIANS = parameters_at(load_baseline().parameter_specs(), {})
    return dict(_MEDIANS)


_PREPARED: Prepared | None = None


def baseline_prepared() -> Prepared:
    """The baseline's actors, roles and blocks of typed values, as the simulation prepares them."""
    global _PREPARED
    if _PREPARED is None:
        _PREPARED = prepared(load_baseline())
    return _PREPARED


def policy(name: str) -> Policy[Any]:
    """The baseline actor `name`'s policy."""
    return baseline_prepared().actors[name]


def values(**overrides: float) -> SimpleNamespace:
    """The baseline medians as typed blocks (`.actors.<name>`, `.ceasefire`, `.combat`, `.attention`, `.mediation`,
    `.effects[<capability or rung>]`); keyword `a__b__c=x` sets the parameter `a.b.c`."""
    flat = medians()
    for key, value in overrides.items():
        path = key.replace("__", ".")
        assert path in flat, f"not a parameter: {path}"
        flat[path] = value
    prep = baseline_prepared()
    return SimpleNamespace(
        actors=SimpleNamespace(**{name: build(flat) for name, build in prep.actor_values.items()}),
        ceasefire=prep.ceasefire(flat),
        combat=prep.combat(flat),
        attention=prep.attention(flat),
        mediation=prep.mediation(flat),
        effects={name: build(flat) for name, build in prep.effects.items()},
    )


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
    after: Sequence[str] = (),
) -> ObjectiveState:
    return ObjectiveState(oid, sector, oid.title(), terrain, city, value, population, difficulty, held_by, tuple(after))


def small_world(
    *,
    supporter_level: int = 3,
    day: float = 0.0,
    winter_day: float = 50.0,
    winter_end_day: float = 120.0,
    postures: Mapping[str, str] | None = None,
    attention: float = 1.0,
    drones: bool = True,
    effects: Mapping[str, EffectValues] | None = None,
) -> WorldState:
    """Two sectors and a route graph, at open war (no ceasefire):

    south (lowland): jabrayil (held) -> zangilan; fuzuli on the line of contact (value 2, difficulty 6).
    centre (mountain): shusha after fuzuli or zangilan (value 3, a city of 4 thousand, difficulty 20);
    stepanakert after shusha (value 3, 50 thousand, difficulty 30). Total value 10, Azerbaijan holds 1.
    """
    south = SectorState(
        "south",
        "South",
        [
            objective("jabrayil", "south", held_by="azerbaijan"),
            objective("fuzuli", "south", value=2.0, population=2.0, difficulty=6.0),
            objective("zangilan", "south", difficulty=4.0, after=("jabrayil",)),
        ],
    )
    centre = SectorState(
        "centre",
        "Centre",
        [
            objective(
                "shusha",
                "centre",
                terrain="mountain",
                value=3.0,
                population=4.0,
                difficulty=20.0,
                city=True,
                after=("fuzuli", "zangilan"),
            ),
            objective(
                "stepanakert",
                "centre",
                terrain="mountain",
                value=3.0,
                population=50.0,
                difficulty=30.0,
                city=True,
                after=("shusha",),
            ),
        ],
    )
    state = WorldState(
        start_date=dt.date(2020, 10, 10),
        winter_day=winter_day,
        winter_end_day=winter_end_day,
        sectors=[south, centre],
        postures={**POSTURES, **(postures or {})},
        support_ladder=LADDER,
        support_level=supporter_level,
        attention=attention,
        attacker="azerbaijan",
        defender="armenia",
        patron="russia",
        patron_track="russia.support",
        backing=frozenset({"back_defender", "intervene"}),
        intervened="intervene",
        owned=frozenset({"drones"} if drones else ()),
        effects=dict(values().effects if effects is None else effects),
        conceded_flags=("armenia.conceded", "armenia.withdrew"),
        attacker_talks="talks",
        defender_retaliation="retaliate",
    )
    state.day = day
    state.attention_day = day
    state.war_since = day
    return state


def operation(
    target: str = "fuzuli",
    route: tuple[str, ...] | None = None,
    value_share: float = 0.2,
    days: float = 10.0,
    attacker_casualties: float = 150.0,
    civilian_casualties: float = 0.1,
    winter_days: float = 0.0,
) -> OperationView:
    return OperationView(
        target,
        route if route is not None else (target,),
        value_share,
        days,
        attacker_casualties,
        civilian_casualties,
        winter_days,
    )


DEFAULT_OPERATIONS = (
    operation("fuzuli", value_share=0.2, days=10.0, attacker_casualties=150.0, civilian_casualties=0.1),
    operation(
        "shusha", ("fuzuli", "shusha"), value_share=0.5, days=60.0, attacker_casualties=1500.0, civilian_casualties=1.0
    ),
)


def offer(
    broker: str = "russia",
    kind: str = "humanitarian",
    upgrade: bool = False,
    peacekeepers: bool = False,
    credibility: float = 1.0,
) -> OfferView:
    return OfferView(broker, kind, upgrade, peacekeepers, credibility)


ROLES = Roles("azerbaijan", "armenia", "russia", "turkey")


def f16_deterrence() -> float:
    """The deterrence of the F-16 rung at its baseline median (the default observation has the rung in place)."""
    value = values().effects["f16_deterrent"].deters_retaliation
    assert value is not None
    return value


OLD_FIELDS = {
    "attacker_share": "attacker_share",
    "supporter_level": "support_level",
    "turkish_level_max": "support_levels",
    "turkish_start_level": "support_start_level",
    "patron_backs_defender": "patron_backs_defender",
    "recent_azerbaijani_attacks": "recent_attacks",
}


def observation(**changes: Any) -> Observation:
    """An observation of a quiet humanitarian ceasefire on day 10; keywords change any field.

    `postures` is merged into the default postures; everything else replaces the field.
    """
    fields: dict[str, Any] = {
        "actor": "azerbaijan",
        "roles": ROLES,
        "day": 10.0,
        "winter": False,
        "days_to_winter": 40.0,
        "ceasefire": True,
        "ceasefire_kind": "humanitarian",
        "peacekeepers": False,
        "ceasefire_days": 10.0,
        "war_days": 0.0,
        "war_spell_days": 0.0,
        "attacker_share": 0.1,
        "start_share": 0.1,
        "attention": 1.0,
        "postures": dict(POSTURES),
        "support_level": 3,
        "support_levels": 4,
        "support_start_level": 3,
        "support_floor": 0,
        "days_since_support_changed": 100.0,
        "support_in_place": 3.0,
        "support_total": 4.0,
        "deterrence": f16_deterrence(),
        "patron_backs_defender": False,
        "patron_presses": None,
        "attacker_on_offensive": False,
        "defender_conceded": False,
        "help_requested": False,
        "flags": {},
        "recent_attacks": 0,
        "days_since_front_moved": 10.0,
        "intervention_trigger": False,
        "centre_lost": False,
        "operation": None,
        "operation_losses": 0.0,
        "operations": DEFAULT_OPERATIONS,
        "offer": None,
    }
    for old, new in OLD_FIELDS.items():  # the tests' names for role-named fields
        if old in changes:
            changes[new] = changes.pop(old)
    if "f16_present" in changes:
        fields["deterrence"] = f16_deterrence() if changes.pop("f16_present") else 0.0
    postures = changes.pop("postures", None)
    if postures:
        fields["postures"] = {**fields["postures"], **postures}
    # what the core works out from the postures and flags (the contract's facts), unless a test sets them
    merged = fields["postures"]
    pressing = {"press_defender": Role.DEFENDER, "press_attacker": Role.ATTACKER}
    fields.setdefault("patron_presses", None)
    if "patron_presses" not in changes:
        fields["patron_presses"] = pressing.get(merged.get("russia", ""))
    if "attacker_on_offensive" not in changes:
        fields["attacker_on_offensive"] = merged.get("azerbaijan") == "offensive"
    flags = changes.get("flags", fields["flags"])
    if "defender_conceded" not in changes:
        fields["defender_conceded"] = "armenia.conceded" in flags or "armenia.withdrew" in flags
    if "help_requested" not in changes:
        fields["help_requested"] = "armenia.asked_patron" in flags
    fields.update(changes)
    return Observation(**fields)


def at_war(**changes: Any) -> Observation:
    """The default observation with the ceasefire broken."""
    base: dict[str, Any] = {"ceasefire": False, "ceasefire_kind": None, "ceasefire_days": 0.0, "war_spell_days": 5.0}
    return observation(**{**base, **changes})


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
    return paired_many(scenario, n, base, arm_a, arm_b, {"metric": metric}, record_trace)["metric"]


def paired_many(
    scenario: Scenario,
    n: int,
    base: int,
    arm_a: Mapping[str, float],
    arm_b: Mapping[str, float],
    metrics: Mapping[str, Callable[[ReplicationResult], float]],
    record_trace: bool = False,
    scenario_b: Scenario | None = None,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Several metrics of the same paired runs; arm b may also run another scenario with the same parameters
    (say, a map with one more town), drawn from `scenario`."""
    out: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in metrics}
    for seed in seeds(n, base):
        flat = drawn(scenario, seed)
        for i, (arm, sc) in enumerate(((arm_a, scenario), (arm_b, scenario_b or scenario))):
            unknown = set(arm) - set(flat)
            assert not unknown, f"not parameters: {unknown}"
            result = run_replication(sc, seed, record_trace=record_trace, parameters={**flat, **arm})
            for name, metric in metrics.items():
                out[name][i].append(metric(result))
    return {name: (np.asarray(a, dtype=float), np.asarray(b, dtype=float)) for name, (a, b) in out.items()}


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


# --- a tiny scenario: the baseline's actors and mechanisms on a three-objective map ---------------------------


def _objective_block(
    label: str, terrain: str, value: float, population: float, held_by: str, after: list[str], difficulty: float
) -> dict[str, Any]:
    why = "a hand-made map for tests"
    return {
        "label": label,
        "terrain": terrain,
        "value": value,
        "population": population,
        "held_by": held_by,
        "after": after,
        "difficulty": {"value": difficulty, "assumption": why},
        "assumption": why,
    }


def _point_at(node: Any, ids: set[str], replacement: list[str]) -> None:
    """Replace every list of objective ids under `node` (intervention triggers and the like) by `replacement`."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in list(items):
        if isinstance(value, list) and value and all(isinstance(v, str) and v in ids for v in value):
            node[key] = list(replacement)
        else:
            _point_at(value, ids, replacement)


def tiny_scenario(*overrides: str) -> Scenario:
    """The baseline with its map replaced by one sector: `base` (held), `town` on the line of contact (lowland,
    2 thousand residents) and `hill` behind it (mountain, value 2); every list of objectives under `actors:`
    (Russia's intervention triggers and the like) becomes [hill]."""
    tree = copy.deepcopy(load_located(BASELINE))
    tree.data["world"]["sectors"] = {
        "front": {
            "label": "Front",
            "objectives": {
                "base": _objective_block("Base", "lowland", 1.0, 1.0, "azerbaijan", [], 2.0),
                "town": _objective_block("Town", "lowland", 1.0, 2.0, "armenia", [], 2.0),
                "hill": _objective_block("Hill", "mountain", 2.0, 0.0, "armenia", ["town"], 5.0),
            },
        }
    }
    baseline_ids = {oid for sector in load_baseline().world.sectors.values() for oid in sector.objectives}
    _point_at(tree.data["actors"], baseline_ids, ["hill"])
    apply_overrides(tree, list(overrides))
    return validate_tree(tree, "tiny.yaml")
