"""Builders for small synthetic scenarios in the v2 schema, a scripted random stream, a replication driven by hand,
and paired (common random numbers) runs.

The synthetic world has generic names and nothing of the shipped case. Its numbers are the tests' own, written
here, so recalibrating configs/ never moves a test (only the smoke tests read the shipped files):

    west:      outpost (lowland, held by red) | plain (lowland, on the line) -> ridge (mountain, fortified 1)
    east:      ford (lowland, fortified 2, on the line) -> town (urban, core, city, fortified 1; also after ridge)
               -> capital (mountain, core, city, fortified 2)
    homeland:  border (blue's own territory, outside the contested region; optional)

Red (attacker) holds 0.5 of 8.5 contested value. Blue (defender) is backed by Guardian (patron: backing ->
arms, lag 7 days -> intervention, `requires: treaty`, lag 3; its treaty covers Blue's own territory and is
triggered by 3 strikes) and brokers; Red is backed by Sponsor (supporter: pledge, in place and kept -> volunteers,
lag 5 -> troops, which fight, lag 3). Envoy is a mediator with no side. Optionally a second patron (Guardian 2:
loans -> advisers), a second supporter (Sponsor 2: funds -> drones, weather-bound) and more envoys. A humanitarian
truce brokered by Guardian is in force on day 0 (optional). Winter runs from day 60 to day 100.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import pickle
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from scenarios.config.draw import draw_parameters, parameters_at
from scenarios.config.inherit import apply_overrides, merge_into
from scenarios.config.loader import load_scenario, validate_tree
from scenarios.config.mechanisms import CombatParams
from scenarios.config.schema import Scenario
from scenarios.config.words import packaged_words
from scenarios.model.choice import Decision
from scenarios.model.observation import Observation
from scenarios.model.random import child_seed
from scenarios.model.simulation import PERIODIC, ReplicationResult, _Replication, run_replication
from scenarios.yamlio import Located

ROOT = Path(__file__).resolve().parents[2]
START = dt.date(2030, 3, 1)
WINTER_DAY, WINTER_END_DAY = 60, 100
ATTACKER, DEFENDER, PATRON, SUPPORTER, ENVOY = "red", "blue", "guardian", "sponsor", "envoy"
PLACES = ("outpost", "plain", "ridge", "ford", "town", "capital")  # the contested region
TOTAL_VALUE = 8.5
WHY = "a synthetic world for tests"
BRIEF = {"ref": "brief", "para": 1, "quote": "a truce was agreed"}


def p(value: Any, why: str = WHY) -> dict[str, Any]:
    """A parameter: its value (a number, a range [lo, hi], a word) and the modeller's reason."""
    return {"value": list(value) if isinstance(value, tuple) else value, "assumption": why}


def day(n: int) -> dt.date:
    """The date of day `n`."""
    return START + dt.timedelta(days=n)


def place(
    label: str,
    terrain: str,
    value: float,
    population: float,
    held_by: str = DEFENDER,
    after: Sequence[str] = (),
    difficulty: float | None = 3.0,
    fortification: int = 0,
    core: bool = False,
    city: bool = False,
    territory_of: str | None = None,
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "label": label,
        "terrain": terrain,
        "value": value,
        "population": population,
        "held_by": held_by,
        "after": list(after),
        "assumption": WHY,
    }
    if difficulty is not None:
        block["difficulty"] = p(difficulty)
    if fortification:
        block["fortification"] = fortification
    if core:
        block["core"] = True
    if city:
        block["city"] = True
    if territory_of is not None:
        block["territory_of"] = territory_of
    return block


def _rung(effects: Mapping[str, Any], in_place: bool = False, **more: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"in_place_at_start": in_place, "assumption": WHY, **more}
    out["effects"] = {k: (v if isinstance(v, bool) else p(v)) for k, v in effects.items()}
    return out


def tree(
    *,
    patrons: int = 1,
    supporters: int = 1,
    envoys: int = 1,
    territory: bool = True,
    start_truce: bool = True,
    capability: bool = True,
) -> dict[str, Any]:
    """The synthetic scenario as the YAML tree a file would hold (a fresh dict: edit it freely)."""
    actors: dict[str, Any] = {
        ATTACKER: {
            "label": "Red",
            "policy": "attacker",
            "start_posture": "hold",
            "review_every_days": p(4),
            "rationality": p(4.0),
            "min_choice_probability": p(0.02),
            "inertia": p(1.0),
            "target_share": p(0.3),
            "limited_aims_probability": p(0.7),
            "maximalist_target_share": p(1.0),
            "aims_draw": p((0.0, 1.0)),
            "core_value_limited": p(0.4),
            "core_value_maximalist": p(1.2),
            "gain_weight": p(40.0),
            "gain_weight_beyond_target": p(0.3),
            "max_operation_days": p(60.0),
            "max_route_objectives": p(3),
            "military_casualty_weight": p(0.3),
            "civilian_casualty_weight": p(3.0),
            "diplomatic_weight": p(3.0),
            "energy_trade_exposure": p(0.5),
            "ceasefire_breach_cost": p(1.0),
            "cover_cost": p(1.0),
            "settlement_breach_cost": p(1.0),
            "repeat_breach_cost": p(0.5),
            "strain_weight": p(0.05),
            "peacekeeper_breach_cost": p(3.0),
            "fresh_breach_cost": p(0.0),  # no extra weight on a fresh truce unless a test asks for it
            "fresh_breach_half_life_days": p(7.0),
            "supporter_weight": p(1.0),
            "patron_reaction_weight": p(3.0),
            "expected_patron_intervention": p(0.1),
            "expected_patron_backing": p(0.3),
            "fight_patron_cost": p(10.0),
            "defender_blinks_belief": p(0.7),
            "blink_weight": p(2.0),
            "endurance_weight": p(5.0),
            "talks_weight": p(2.0),
            "talks_value_below_target": p(0.2),
            "attention_talks_weight": p(0.2),
            "patron_pressure_weight": p(1.0),
            "settlement_weight": p(1.0),
            "partisan_broker_cost": p(1.5),
            "peacekeeper_cost": p(1.0),
            "loss_tolerance": p(2.0),
        },
        DEFENDER: {
            "label": "Blue",
            "policy": "defender",
            "start_posture": "defend",
            "review_every_days": p(4),
            "rationality": p(4.0),
            "min_choice_probability": p(0.02),
            "inertia": p(1.5),
            "retaliation_base": p(-1.0),
            "grievance_window_days": p(7),
            "grievance_weight": p(0.2),
            "ask_patron_base": p(-2.5),
            "ask_patron_loss_weight": p(15.0),
            "concession_base": p(-6.0),
            "concession_pressure_weight": p(2.0),
            "concession_loss_weight": p(12.0),
            "endurance_weight": p(5.0),
            "regain_weight": p(30.0),
            "counter_base": p(-2.0),
            "counter_casualty_weight": p(0.5),
            "max_counter_objectives": p(1),
            "max_counter_days": p(20.0),
            "counter_tolerance": p(2.0),
            "collapse_objectives": ["town"],
            "collapse_weight": p(6.0),
            "accept_base": p(1.0),
            "accept_loss_weight": p(6.0),
            "control_cost": p(1.5),
            "handover_cost": p(12.0),
            "core_handover_cost": p(60.0),
            "peacekeeper_value": p(1.0),
            "backing_resolve": p(0.6),
        },
    }
    if patrons:
        actors[PATRON] = {
            "label": "Guardian",
            "policy": "patron",
            "start_posture": "mediate",
            "review_every_days": p(5),
            "rationality": p(4.0),
            "min_choice_probability": p(0.02),
            "inertia": p(1.5),
            "ladder": {
                "backing": _rung({"support_weight": 1.0}),
                "arms": _rung(
                    {"enemy_advance_factor": 0.6, "replenish_materiel": 0.5, "support_weight": 1.0}, lag_days=p(7)
                ),
                "intervention": _rung(
                    {
                        "fights": True,
                        "enemy_advance_factor": 0.05,
                        "enemy_casualty_multiplier": 2.0,
                        "support_weight": 2.0,
                    },
                    requires="treaty",
                    lag_days=p(3),
                ),
            },
            "treaty": {"covers": [DEFENDER], "strikes_to_trigger": p(3), "assumption": WHY},
            "support_inertia": p(1.5),
            "min_dwell_days": p(14),
            "back_defender_propensity": p(0.6),
            "press_defender_propensity": p(0.5),
            "press_attacker_propensity": p(0.6),
            "mediation_weight": p(1.0),
            "alliance_weight": p(6.0),
            "request_weight": p(1.0),
            "outreach_weight": p(1.0),
            "supporter_influence_weight": p(1.0),
            "supporter_troops_weight": p(3.0),
            "offensive_pressure_weight": p(1.5),
            "ally_pressure_cost": p(3.0),
            "conflict_cost_weight": p(1.2),
            "escalation_cost": p(1.0),
            "crisis_weight": p(8.0),
            "refused_claims_weight": p(1.0),
            "violations_weight": p(0.05),
            "calm_weight": p(1.0),
            "intervention_cost": p(5.0),
            "guarantee_weight": p(4.0),
            "intervention_loss_weight": p(5.0),
            "mediation_credibility": p(0.5),
            "offer_every_days": p(5),
        }
    if supporters:
        actors[SUPPORTER] = {
            "label": "Sponsor",
            "policy": "supporter",
            "start_posture": "hold",
            "review_every_days": p(6),
            "rationality": p(4.0),
            "min_choice_probability": p(0.02),
            "inertia": p(1.0),
            "ladder": {
                "pledge": _rung({"deters_retaliation": 0.5, "support_weight": 1.0}, in_place=True, withdrawable=False),
                "volunteers": _rung(
                    {"advance_bonus": 0.2, "violation_multiplier": 1.2, "support_weight": 1.0},
                    lag_days=p(5),
                    cost=p(0.4),
                ),
                "troops": _rung(
                    {"fights": True, "advance_bonus": 0.3, "support_weight": 1.0}, lag_days=p(3), cost=p(4.0)
                ),
            },
            "influence_weight": p(3.0),
            "escalation_cost": p(0.3),
            "patron_backing_cost_multiplier": p(3.0),
            "domestic_benefit": p(1.0),
            "operation_weight": p(1.5),
            "back_off_weight": p(3.0),
            "pressure_weight": p(2.0),
            "patron_forces_weight": p(6.0),
            "stronger_position_gain": p(0.15),
            "stronger_position_weight": p(2.0),
            "quiet_truce_weight": p(1.0),
            "min_dwell_days": p(14),
        }
    if patrons > 1:  # a second patron of Blue: money, then advisers; no treaty
        second = copy.deepcopy(actors[PATRON])
        second.pop("treaty")
        second["label"] = "Guardian 2"
        second["ladder"] = {
            "loans": _rung({"replenish_money": 0.5, "support_weight": 1.0}),
            "advisers": _rung({"enemy_advance_factor": 0.8, "support_weight": 1.0}, lag_days=p(10)),
        }
        actors[f"{PATRON}2"] = second
    if supporters > 1:  # a second supporter of Red: funds, then drones (weather-bound)
        second = copy.deepcopy(actors[SUPPORTER])
        second["label"] = "Sponsor 2"
        second["ladder"] = {
            "funds": _rung({"replenish_money": 0.5, "support_weight": 1.0}),
            "drones": _rung({"advance_bonus": 0.2, "air": True, "support_weight": 1.0}, lag_days=p(4), cost=p(0.6)),
        }
        actors[f"{SUPPORTER}2"] = second
    for i in range(envoys):
        name = ENVOY if i == 0 else f"{ENVOY}{i + 1}"
        actors[name] = {
            "label": "Envoy" if i == 0 else f"Envoy {i + 1}",
            "policy": "envoy",
            "start_posture": "stand_by",
            "review_every_days": p(7),
            "rationality": p(1.5),
            "min_choice_probability": p(0.05),
            "inertia": p(1.0),
            "call_base": p(-1.0),
            "attention_weight": p(1.0),
            "patron_lead_deference": p(1.0),
            "partisan_patron_weight": p(2.0),
            "mediation_credibility": p(0.0),
            "offer_every_days": p(7),
        }
    sectors: dict[str, Any] = {
        "west": {
            "label": "West",
            "objectives": {
                "outpost": place("Outpost", "lowland", 0.5, 0.1, held_by=ATTACKER),
                "plain": place("Plain", "lowland", 1.0, 0.2),
                "ridge": place("Ridge", "mountain", 1.5, 0.5, after=["plain"], difficulty=4.0, fortification=1),
            },
        },
        "east": {
            "label": "East",
            "objectives": {
                "ford": place("Ford", "lowland", 1.0, 0.1, fortification=2),
                "town": place(
                    "Town",
                    "urban",
                    2.0,
                    20.0,
                    after=["ridge", "ford"],
                    difficulty=5.0,
                    fortification=1,
                    core=True,
                    city=True,
                ),
                "capital": place(
                    "Capital",
                    "mountain",
                    2.5,
                    50.0,
                    after=["town"],
                    difficulty=6.0,
                    fortification=2,
                    core=True,
                    city=True,
                ),
            },
        },
    }
    if territory:
        sectors["homeland"] = {
            "label": "Blue's homeland",
            "objectives": {
                "border": place("Border", "mountain", 1.0, 10.0, difficulty=None, territory_of=DEFENDER),
            },
        }
    world: dict[str, Any] = {"start_attention": p(1.0), "sectors": sectors}
    if capability:
        world["capabilities"] = {
            "artillery": {
                "held": True,
                "assumption": WHY,
                "effects": {"advance_bonus": p(0.3), "enemy_casualty_multiplier": p(1.3)},
            }
        }
    if start_truce:
        world["ceasefire"] = {
            "kind": "humanitarian",
            "broker": PATRON if patrons else ENVOY,
            "peacekeepers": False,
            "source": dict(BRIEF),
        }
    terrain = {
        "lowland": {"advance": p(1.0), "casualties": p(1.0), "winter_advance": p(0.9), "winter_casualties": p(1.1)},
        "mountain": {"advance": p(0.5), "casualties": p(1.8), "winter_advance": p(0.5), "winter_casualties": p(2.5)},
        "urban": {"advance": p(0.4), "casualties": p(2.5), "winter_advance": p(0.9), "winter_casualties": p(1.2)},
    }
    endurance = {
        "manpower": p(4000.0),
        "materiel_days": p(100.0),
        "positional_materiel_share": p(0.3),
        "money_days": p(300.0),
        "attention_money_cost": p(0.5),
        "advance_at_empty": p(0.4),
    }
    return {
        "name": "synthetic",
        "title": "A synthetic dispute for tests",
        "sources": {"brief": "brief.yaml"},
        "simulation": {"start_date": START.isoformat(), "horizon_days": 120, "trace_sample": 2},
        "season": {"winter_start": p(day(WINTER_DAY)), "winter_end": p(day(WINTER_END_DAY))},
        "world": world,
        "ground": {
            "terrain": terrain,
            "fortification": {
                1: {"difficulty": p(1.5), "casualties": p(1.2)},
                2: {"difficulty": p(2.5), "casualties": p(1.6)},
            },
        },
        "combat": {
            "attacker_advance_per_day": p(1.0),
            "defender_advance_per_day": p(0.5),
            "assault_casualties_per_day": p(20.0),
            "holding_casualties_per_day": p(15.0),
            "positional_casualties_per_day": p(4.0),
            "daily_progress_sd": p(0.5),
            "civilian_casualties_per_thousand_residents": p(0.05),
            "city_strike_probability_per_day": p(0.4),
            "retaliation_city_strike_multiplier": p(1.5),
            "spillover_strike_probability_per_day": p(0.15),
            "civilians_per_spillover_strike": p(0.5),
            "air_power_winter_factor": p(0.5),
            "local_route_objectives": p(1),
            "progress_half_life_days": p(14.0),
            **({"broad_front_effort": p(0.0)} if "broad_front_effort" in CombatParams.model_fields else {}),
        },
        "ceasefire": {
            "attacker_violation_rate": p(2.0),
            "defender_violation_rate": p(1.5),
            "retaliation_multiplier": p(1.5),
            "talks_multiplier": p(0.6),
            "local_operation_multiplier": p(2.0),
            "comprehensive_multiplier": p(0.3),
            "peacekeeper_multiplier": p(0.2),
            "civilian_harm_probability": p(0.05),
            "civilians_per_harmful_violation": p(2.0),
            "city_strike_probability": p(0.02),
            "civilians_per_city_strike": p(3.0),
            "mass_casualty_threshold": p(8.0),
            "strain_increment": p(1.0),
            "strain_retaliation_bonus": p(0.5),
            "strain_half_life_days": p(2.5),
            "settling_half_life_days": p(20.0),
            "settled_share": p(1.0),  # no settling unless a test asks for it
        },
        "attention": {
            "half_life_days": p(10.0),
            "per_civilian_casualty": p(0.01),
            "per_city_strike": p(0.1),
            "per_war_day": p(0.03),
        },
        "mediation": {
            "upgrade_after_days": p(14.0),
            "comprehensive_when_position_met": p(0.7),
            "comprehensive_otherwise": p(0.3),
            "peacekeepers_offered": p(0.5),
            "settlement_chance": p(0.5),
            "cooldown_days": p(5.0),
        },
        "endurance": {"attacker": dict(endurance), "defender": {**endurance, "manpower": p(3000.0)}},
        "settlements": {
            "districts": {
                "label": "The plain, the ford and the ridge",
                "handover": ["plain", "ford", "ridge"],
                "peacekeepers": True,
                "offered_from_share": p(0.2),
                "assumption": WHY,
            },
            "withdrawal": {
                "label": "Blue leaves the region",
                "handover": ["plain", "ford", "ridge", "town", "capital"],
                "peacekeepers": False,
                "offered_from_share": p(0.5),
                "assumption": WHY,
            },
        },
        "actors": actors,
    }


def joint_envoys(data: dict[str, Any]) -> None:
    """An `edit`: the first envoy's offers are made jointly with the second's."""
    data["actors"][ENVOY]["joint_with"] = [f"{ENVOY}2"]


def validate(data: Mapping[str, Any], overrides: Sequence[str] = ()) -> Scenario:
    """A scenario from a tree, with `--set`-style overrides (``"combat.daily_progress_sd=0"``)."""
    located = packaged_words()
    merge_into(located, Located(copy.deepcopy(dict(data)), {}))
    apply_overrides(located, list(overrides))
    return validate_tree(located, "<synthetic>")


def scenario(*overrides: str, edit: Callable[[dict[str, Any]], None] | None = None, **options: bool | int) -> Scenario:
    """The synthetic scenario (`tree` options), changed by `edit` (a function of the tree) and by overrides."""
    data = tree(**options)  # type: ignore[arg-type]
    if edit is not None:
        edit(data)
    return validate(data, overrides)


def medians(sc: Scenario, **changes: float) -> dict[str, float]:
    """Every parameter of `sc` at its median (its value, where fixed), with `changes` by dotted path."""
    flat = parameters_at(sc.parameter_specs(), {})
    unknown = set(changes) - set(flat)
    assert not unknown, f"not parameters: {sorted(unknown)}"
    return {**flat, **changes}


# --- random streams -------------------------------------------------------------------------------------------


class Scripted:
    """A `Random` that hands out given numbers in order and fails loudly on a call that was not scripted.

    `poisson(mean)` with mean <= 0 draws nothing (as `model.random.Stream`). Every call is kept in `calls` as
    (method, argument) for assertions on what was asked (the rate of an exponential, the mean of a Poisson).
    """

    def __init__(
        self,
        uniforms: Iterable[float] = (),
        normals: Iterable[float] = (),
        poissons: Iterable[int] = (),
        exponentials: Iterable[float] = (),
    ):
        self.uniforms = list(uniforms)
        self.normals = list(normals)
        self.poissons = list(poissons)
        self.exponentials = list(exponentials)
        self.calls: list[tuple[str, float | None]] = []

    def uniform(self) -> float:
        assert self.uniforms, "unexpected uniform() call"
        self.calls.append(("uniform", None))
        return self.uniforms.pop(0)

    def normal(self) -> float:
        assert self.normals, "unexpected normal() call"
        self.calls.append(("normal", None))
        return self.normals.pop(0)

    def exponential(self, rate: float) -> float:
        assert self.exponentials, f"unexpected exponential({rate}) call"
        self.calls.append(("exponential", rate))
        return self.exponentials.pop(0)

    def poisson(self, mean: float) -> int:
        if mean <= 0.0:
            return 0
        assert self.poissons, f"unexpected poisson({mean}) call"
        self.calls.append(("poisson", mean))
        return self.poissons.pop(0)

    def exhausted(self) -> bool:
        return not (self.uniforms or self.normals or self.poissons or self.exponentials)


# --- a replication driven by hand ---------------------------------------------------------------------------


class Hand(_Replication):
    """A traced replication whose processes a test starts one by one, and whose reviews are recorded as
    (day, actor, reason); with `deciding=False` a review is only recorded (no policy runs), so a test sees the
    wiring alone."""

    def __init__(self, sc: Scenario, flat: dict[str, float], seed: int = 7, deciding: bool = False):
        super().__init__(sc, flat, np.random.SeedSequence(seed), True)
        self.streams: dict[str, Any] = self.streams  # a test may put a `Scripted` stream in any slot
        self.deciding = deciding
        self.reviews: list[tuple[float, str, str]] = []
        self._started = True  # run() and known_truce_holds_until() start nothing behind the test's back

    def start(self, *names: str) -> Hand:
        """Start processes by name: violations, days, seasons, arrivals, history, offers:<broker>, reviews:<actor>."""
        for name in names:
            if name == "violations":
                self._violation_process = self.env.process(self._violations())
            elif name == "arrivals":
                self._arrival_process = self.env.process(self._arrivals())
            elif name.startswith("offers:"):
                self.env.process(self._offers(name.removeprefix("offers:")))
            elif name.startswith("reviews:"):
                self._start_periodic_reviews(name.removeprefix("reviews:"))
            else:
                self.env.process(getattr(self, f"_{name}")())
        return self

    def review(self, name: str, reason: str) -> None:
        now = self.env.now
        if reason != PERIODIC and self._last_review.get(name) == now:
            return  # one decision per actor per instant (as `_Replication.review`)
        self.reviews.append((float(now), name, reason))
        if self.deciding:
            super().review(name, reason)
        else:
            self._last_review[name] = now

    def until(self, t: float) -> Hand:
        """Run up to `t`, events at `t` not yet processed."""
        if t > self.env.now:
            self.env.run(until=t)
        return self

    def through(self, t: float) -> Hand:
        """Run up to `t` and every event at `t`."""
        self.until(t)
        while self.env.peek() <= t:
            self.env.step()
        return self

    def decide(self, actor: str, option: str, track: str | None = None, reason: str = "test") -> Observation:
        """`actor` decides `option` now (as its policy would return it) and the decision is applied; the observation
        it decided on is returned."""
        self._now()
        spec = self.actors[actor]
        obs = self.observe(spec)
        decision = Decision(actor, option, {}, {option: 1.0}, actor if track is None else track)
        self._last_review[actor] = self.env.now
        self._apply(spec, decision, reason, obs)
        return obs

    def story(self, *kinds: str) -> list[tuple[float, str, str, str]]:
        """(day, kind, actor, detail) of the logged events of these kinds (all if none given)."""
        return [(e["day"], e["kind"], e["actor"], e["detail"]) for e in self.events if not kinds or e["kind"] in kinds]


def deterministic(sc: Scenario, **changes: float) -> dict[str, float]:
    """Medians with the chance taken out of the fighting: no noise in progress, no materiel limit on it, no deaths,
    no strikes on cities or spillover, no capability bonus; `changes` on top."""
    base = {
        "combat.daily_progress_sd": 0.0,
        "combat.assault_casualties_per_day": 0.0,
        "combat.holding_casualties_per_day": 0.0,
        "combat.positional_casualties_per_day": 0.0,
        "combat.civilian_casualties_per_thousand_residents": 0.0,
        "combat.city_strike_probability_per_day": 0.0,
        "combat.spillover_strike_probability_per_day": 0.0,
        "endurance.attacker.advance_at_empty": 1.0,
        "endurance.defender.advance_at_empty": 1.0,
    }
    if "world.capabilities.artillery.effects.advance_bonus" in sc.parameter_specs():
        base["world.capabilities.artillery.effects.advance_bonus"] = 0.0
    return medians(sc, **{**base, **changes})


# --- whole replications and paired runs ---------------------------------------------------------------------


def seeds(n: int, base: int) -> list[np.random.SeedSequence]:
    """Replication i of every arm uses SeedSequence([base, i])."""
    return [np.random.SeedSequence([base, i]) for i in range(n)]


def drawn(sc: Scenario, seed: np.random.SeedSequence) -> dict[str, float]:
    """The parameters `run_replication` would draw for this seed."""
    rng = np.random.default_rng(child_seed(seed, "parameters"))
    return draw_parameters(sc, rng, sc.parameter_specs())


Metric = Callable[[ReplicationResult], float]


def paired_many(
    sc: Scenario,
    n: int,
    base: int,
    arm_a: Mapping[str, float],
    arm_b: Mapping[str, float],
    metrics: Mapping[str, Metric],
    record_trace: bool = False,
    scenario_b: Scenario | None = None,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Metrics of replication i under each arm: the same seed and the same drawn parameters but for the ones an arm
    sets; arm b may also run another scenario (`scenario_b`, with the parameters drawn from `sc`)."""
    out: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in metrics}
    for seed in seeds(n, base):
        flat = drawn(sc, seed)
        for i, (arm, arm_sc) in enumerate(((arm_a, sc), (arm_b, scenario_b or sc))):
            unknown = set(arm) - set(flat)
            assert not unknown, f"not parameters: {unknown}"
            result = run_replication(arm_sc, seed, record_trace=record_trace, parameters={**flat, **arm})
            for name, metric in metrics.items():
                out[name][i].append(metric(result))
    return {name: (np.asarray(a, dtype=float), np.asarray(b, dtype=float)) for name, (a, b) in out.items()}


def paired(
    sc: Scenario,
    n: int,
    base: int,
    arm_a: Mapping[str, float],
    arm_b: Mapping[str, float],
    metric: Metric,
    record_trace: bool = False,
    scenario_b: Scenario | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """One metric of paired runs (`paired_many`)."""
    return paired_many(sc, n, base, arm_a, arm_b, {"m": metric}, record_trace, scenario_b)["m"]


def records(result: ReplicationResult) -> bytes:
    """Everything but the trace, pickled: equal bytes are equal to the bit (NaN and the sign of zero included)."""
    return pickle.dumps(dataclasses.replace(result, events=None, timeseries=None))


def load_shipped(name: str, *overrides: str) -> Scenario:
    return load_scenario(ROOT / "configs" / name, overrides=list(overrides))
