"""The discrete-event simulation: the only module that imports simpy.

Events: periodic reviews of each actor (a chain of timeouts with a callback), brokers' offers (each party answers
by its own policy; an agreement needs both), the violation process while a truce is in force, the end of each day
(each party's operation, city strikes and spillover at open war, the parties' stocks, the day's account of the truce
in force, the daily record), the arrival of support decided earlier (a rung's lag), the turns of the seasons, and the
truces a scenario knows were agreed (`world.history`). Triggers (`policy.Trigger`) bring the actors that care about
them (each policy's `reviews_on`) to an extra review. Recording never changes a run.

The core names no actor, option or rung: the scenario's actors are cast from its `actors:` blocks, each following a
policy whose role (attacker, defender, patron, supporter, mediator) is how the core addresses it, and it talks to
them only through the contract of `model.policy`. What a capability or rung does is its declared `effects`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import simpy

from scenarios.config.blocks import BlockFactory
from scenarios.config.draw import draw_parameters
from scenarios.config.mechanisms import (
    AttentionValues,
    CombatValues,
    EffectValues,
    EnduranceValues,
    FortificationValues,
    MediationValues,
    TerrainValues,
    TruceValues,
)
from scenarios.config.policies import ActorValues
from scenarios.config.schema import HistoryTruce, Scenario
from scenarios.exceptions import ModelError
from scenarios.model import attention, ceasefire, combat, endurance, mediation, outcomes
from scenarios.model.actors import cast, roles_of
from scenarios.model.choice import Decision
from scenarios.model.observation import Observation, OfferView, OperationView, Roles, RungView
from scenarios.model.policy import (
    AttackerPolicy,
    BackerPolicy,
    DefenderPolicy,
    PartyPolicy,
    PatronPolicy,
    Policy,
    Trigger,
)
from scenarios.model.random import Stream, child_seed, named_streams
from scenarios.model.state import Ladder, OfferRecord, Place, SectorState, WorldState
from scenarios.roles import Role

MECHANISM_STREAMS = ("violations", "combat", "mediation")
PERIODIC = "periodic review"


@dataclass(frozen=True)
class ReplicationResult:
    """Everything one replication produced: drawn parameters, outcomes, truces, offers, and its story."""

    parameters: dict[str, float]
    outcome: dict[str, Any]
    ceasefires: list[dict[str, Any]]
    offers: list[dict[str, Any]]
    events: list[dict[str, Any]] | None = None
    timeseries: list[dict[str, Any]] | None = None
    daily: list[tuple[Any, ...]] | None = None  # every `simulation.daily_every` days (io.records.DAILY_FIELDS)


class Prepared:
    """What a scenario needs before its first replication, worked out once per scenario: its actors cast by policy,
    who plays which role, and how each block of typed values is built from a replication's draw."""

    def __init__(self, scenario: Scenario):
        self.actors: dict[str, Policy[Any]] = cast(scenario.actors)
        self.roles: Roles = roles_of(self.actors.values())
        attacker, defender = self.actors[self.roles.attacker], self.actors[self.roles.defender]
        assert isinstance(attacker, AttackerPolicy) and isinstance(defender, DefenderPolicy)
        self.attacker, self.defender = attacker, defender
        self.backers: dict[str, BackerPolicy[Any]] = {
            name: a for name, a in self.actors.items() if isinstance(a, BackerPolicy)
        }
        self.labels = {name: scenario.label(name) for name in self.actors}
        first = {
            "attacker": self.roles.attacker,
            "defender": self.roles.defender,
            "patron": next(iter(self.roles.patrons), ""),
            "supporter": next(iter(self.roles.supporters), ""),
            "mediator": next(iter(self.roles.mediators), ""),
        }
        self.role_labels = {role: self.labels[name] for role, name in first.items() if name}
        self.actor_values = {
            name: BlockFactory(actor.values, scenario.actors[name], f"actors.{name}")
            for name, actor in self.actors.items()
        }
        self.ceasefire = BlockFactory(TruceValues, scenario.ceasefire, "ceasefire")
        self.combat = BlockFactory(CombatValues, scenario.combat, "combat")
        self.attention = BlockFactory(AttentionValues, scenario.attention, "attention")
        self.mediation = BlockFactory(MediationValues, scenario.mediation, "mediation")
        self.endurance = {
            role: BlockFactory(EnduranceValues, block, f"endurance.{role}")
            for role, block in scenario.endurance.items()
        }
        self.terrain = {
            kind: BlockFactory(TerrainValues, block, f"ground.terrain.{kind}")
            for kind, block in scenario.ground.terrain.items()
        }
        self.fortification = {
            level: BlockFactory(FortificationValues, block, f"ground.fortification.{level}")
            for level, block in scenario.ground.fortification.items()
        }
        effects = {  # capabilities first, then every backer's rungs, in order
            name: BlockFactory(EffectValues, c.effects, f"world.capabilities.{name}.effects")
            for name, c in scenario.world.capabilities.items()
        }
        self.rungs: dict[str, dict[str, Any]] = {}  # backer -> rung -> its block
        for name, backer in self.backers.items():
            self.rungs[name] = backer.rungs()
            for rung, r in self.rungs[name].items():
                effects[rung] = BlockFactory(EffectValues, r.effects, f"actors.{name}.ladder.{rung}.effects")
        self.effects = effects
        self.settlements = {sid: tuple(s.handover) for sid, s in scenario.settlements.items()}
        self.settlement_peacekeepers = {sid: s.peacekeepers for sid, s in scenario.settlements.items()}
        self.settlement_keeps = {sid: tuple(s.keeps) for sid, s in scenario.settlements.items()}
        self.brokers = [name for name, a in self.actors.items() if a.broker]
        joint = {name: self.actors[name].joint_with() for name in self.brokers}
        self.offer_groups: dict[str, tuple[str, ...]] = {}  # the broker that makes the offer -> every broker of it
        claimed: set[str] = set()
        for name in self.brokers:  # the first of a group (in the scenario's order) makes its offers
            if name in claimed or any(name in joint[other] for other in self.offer_groups):
                continue  # its offers are made by a broker it is joint with
            group = (name, *(b for b in joint[name] if b in self.actors and b != name))
            group += tuple(b for b in self.brokers if name in joint[b] and b not in group)  # named the other way
            claimed.update(group)
            self.offer_groups[name] = group
        self.history = sorted(scenario.world.history, key=lambda h: h.date)
        start = scenario.world.ceasefire
        known = [(t.known_in_force, t) for t in (start, *self.history) if t is not None and t.known_in_force]
        self.known = known[0] if known else None
        began = scenario.outcomes.war_began
        self.days_before_start = float((scenario.simulation.start_date - began).days) if began is not None else 0.0


_PREPARED: dict[int, tuple[Scenario, Prepared]] = {}


def prepared(scenario: Scenario) -> Prepared:
    """The scenario's `Prepared` form (kept for the last few scenarios a process has run)."""
    hit = _PREPARED.get(id(scenario))
    if hit is None or hit[0] is not scenario:
        if len(_PREPARED) >= 16:
            _PREPARED.clear()
        hit = _PREPARED[id(scenario)] = (scenario, Prepared(scenario))
    return hit[1]


def run_replication(
    scenario: Scenario,
    seed_sequence: np.random.SeedSequence,
    record_trace: bool = False,
    parameters: Mapping[str, float] | None = None,
) -> ReplicationResult:
    """Run one replication; a pure function of its inputs (the same inputs give the same result to the bit).

    `parameters` replaces the draw of parameter values (designed experiments such as Sobol samples).

    Where the scenario says that a truce was still formally in force on a later date (`known_in_force`), a path that
    contradicts it is dropped as soon as it does and drawn again from a child of the seed, with the same parameter
    values: the ranges in the YAML are already the report's view, which includes that fact, so only the chance
    events are held to it (the batch keeps the parameter distribution the scenario gives). The first path is the
    seed's own, so a replication that agrees at once is the one the scenario without the condition runs.
    """
    if parameters is None:
        rng = np.random.default_rng(child_seed(seed_sequence, "parameters"))
        flat = draw_parameters(scenario, rng, scenario.parameter_specs())
    else:
        flat = dict(parameters)
    dispositions = child_seed(seed_sequence, "dispositions")  # shared by every path: they are not chance events
    known = prepared(scenario).known
    if known is None:
        return _Replication(scenario, flat, seed_sequence, record_trace, dispositions).run()
    fact, truce = known
    through = (fact.until - scenario.simulation.start_date).days + 1  # to the end of that date
    known_day = float(min(through, scenario.simulation.horizon_days))  # a shorter run keeps it to its horizon
    for redraws in range(fact.max_redraws):
        seed = seed_sequence if redraws == 0 else child_seed(seed_sequence, f"history redraw {redraws}")
        replication = _Replication(scenario, flat, seed, record_trace, dispositions)
        if replication.known_truce_holds_until(known_day):
            return replication.run(redraws)
    where = "world.ceasefire" if truce is scenario.world.ceasefire else "world.history"
    raise ModelError(
        f"{where}.known_in_force: a replication's parameter values contradicted it on all of its {fact.max_redraws} "
        f"paths (the truce formally ended by {fact.until} every time). They make what the report knew nearly "
        "impossible: look at what pulls the attacker to end a truce (its breach cost, the strain's weight) and the "
        f"violation rates, or raise {where}.known_in_force.max_redraws"
    )


class _Replication:
    def __init__(
        self,
        scenario: Scenario,
        flat: dict[str, float],
        seed: np.random.SeedSequence,
        trace: bool,
        dispositions: np.random.SeedSequence | None = None,
    ):
        """`dispositions`: the seed the actors' dispositions are drawn from (by default a child of `seed`); the
        paths of one replication redrawn for known history share it, as they share the parameter values."""
        self.scenario = scenario
        self.flat = flat
        self.trace = trace
        self.events: list[dict[str, Any]] = []
        self.series: list[dict[str, Any]] = []
        self.daily: list[tuple[Any, ...]] = []
        self.daily_every = int(scenario.simulation.daily_every)
        prep = self.prep = prepared(scenario)
        self.labels = prep.role_labels
        self.actors = prep.actors
        self.roles: Roles = prep.roles
        roles = self.roles
        self.attacker: AttackerPolicy[Any] = prep.attacker
        self.defender: DefenderPolicy[Any] = prep.defender
        self.streams = named_streams(seed, [*MECHANISM_STREAMS, *self.actors])
        self.horizon = float(scenario.simulation.horizon_days)
        self.actor_values: dict[str, ActorValues] = {name: build(flat) for name, build in prep.actor_values.items()}
        self.cf_values = prep.ceasefire(flat)
        self.combat_values = prep.combat(flat)
        self.attention_values = prep.attention(flat)
        self.mediation_values = prep.mediation(flat)
        self.endurance_values = {
            roles.attacker: prep.endurance["attacker"](flat),
            roles.defender: prep.endurance["defender"](flat),
        }
        self.ground = combat.Ground(
            {kind: build(flat) for kind, build in prep.terrain.items()},
            {level: build(flat) for level, build in prep.fortification.items()},
            self.combat_values.dig_in_days,
            self.combat_values.dig_in_level,
        )
        self.effects = {name: build(flat) for name, build in prep.effects.items()}
        self.lags = {
            name: {rung: flat.get(f"actors.{name}.ladder.{rung}.lag_days", 0.0) for rung in rungs}
            for name, rungs in prep.rungs.items()
        }
        self.rung_costs = {
            name: {rung: flat.get(f"actors.{name}.ladder.{rung}.cost") for rung in rungs}
            for name, rungs in prep.rungs.items()
        }
        self.settlement_thresholds = {sid: flat[f"settlements.{sid}.offered_from_share"] for sid in prep.settlements}
        self.treaties = {
            name: (
                b.treaty(),
                flat[f"actors.{name}.treaty.strikes_to_trigger"],
                flat.get(f"actors.{name}.treaty.strikes_to_trigger_on_application"),
            )
            for name, b in prep.backers.items()
            if b.treaty() is not None
        }
        self.grievance_window = self.defender.grievance_window(self.actor_values[roles.defender])
        disposing = Stream.from_seed(dispositions if dispositions is not None else child_seed(seed, "dispositions"))
        self.disposed = {name: self._dispose(actor, disposing) for name, actor in self.actors.items()}
        self.state = self._initial_state()
        self.total_value = self.state.total_value()
        self.start_share = self.state.share()
        self.start_taken = sum(o.held_by == roles.attacker for o in self.state.places.values() if o.contested)
        self.env = simpy.Environment()
        self._calm_wake: simpy.Event | None = None
        self._arrival_wake: simpy.Event | None = None
        self._arrival_process: simpy.Process | None = None
        self._arrival_due = math.inf  # the day the arrivals process is waiting for
        self._known_started = False  # the truce the scenario knows held has taken effect (`known_truce_holds_until`)
        self._rates = ceasefire.violation_rates(self.state, self.cf_values)
        self._pending: set[Trigger] = set()
        self._trigger_pending = False
        self._violation_process: simpy.Process | None = None
        self._last_review: dict[str, float] = {}
        self._postures_seen: Mapping[str, str] | None = None
        self._reviews_on = {name: actor.reviews_on for name, actor in self.actors.items()}
        self._signal_seen: dict[str, tuple[int, bool]] = {}  # actor -> (captures when read, value)
        self._flags_seen = MappingProxyType(self.state.flags)  # a read-only view of the live flags
        self._taken_seen = MappingProxyType(self.state.first_option_day)  # the same of the options taken
        self._op_alarm: dict[str, bool] = {party: False for party in (roles.attacker, roles.defender)}
        self._presses: Role | None = None  # what the observation reads of the postures (set with `_postures_seen`)
        self._on_offensive = False
        self._help_key = f"{roles.defender}.{self.defender.help_flag}"
        self._conceded_keys = self.state.conceded_flags
        self._flags_count = -1  # the number of flags when `_conceded` and `_helped` were read
        self._conceded = self._helped = False
        self._quiet_threshold = float(scenario.outcomes.quiet_violations_per_day)
        self._started = False  # the processes are in the environment
        self.fought_by_known = 0  # days fought under the first truce by the date the scenario knows it held

    # --- set-up ------------------------------------------------------------------------------------------

    def _dispose(self, actor: Policy[Any], rng: Stream) -> frozenset[str]:
        """The courses this world's actor is disposed to take: one draw per disposition, in the order its policy
        declares them, yes with the chance its propensity gives. Dispositions are the analyst's uncertainty about the
        actor, like the parameters: drawn once per replication, not again with the chance events."""
        v = self.actor_values[actor.name]
        chances = [(course, getattr(v, field)) for course, field in actor.dispositions.items()]
        # a propensity the scenario leaves out disposes it always, and draws nothing (the others' draws unchanged)
        return frozenset(course for course, p in chances if p is None or rng.uniform() < p)

    def _initial_state(self) -> WorldState:
        sc = self.scenario
        flat = self.flat
        routes = sc.world.routes()
        sectors = []
        for sid, sector in sc.world.sectors.items():
            places = [
                Place(
                    oid,
                    sid,
                    o.label,
                    o.terrain,
                    o.city,
                    o.value,
                    o.population,
                    flat.get(f"world.sectors.{sid}.objectives.{oid}.difficulty", 1.0),  # own territory: unused
                    o.held_by,
                    tuple(routes[oid]),
                    o.fortification,
                    o.core,
                    o.territory_of,
                    overlooked_from=tuple(o.overlooked_from),
                )
                for oid, o in sector.objectives.items()
            ]
            sectors.append(SectorState(sid, sector.label, places))
        roles = self.roles
        postures: dict[str, str] = {}
        for actor in self.actors.values():
            postures.update(actor.start_postures())
        ladders = {}
        for name, backer in self.prep.backers.items():
            rungs = self.prep.rungs[name]
            level = sum(r.in_place_at_start for r in rungs.values())
            side = roles.defender if backer.backs is Role.DEFENDER else roles.attacker
            ladders[name] = Ladder(
                name,
                side,
                tuple(rungs),
                level,
                floor=sum(not r.withdrawable for r in rungs.values()),
                arrival={rung: 0.0 for rung in tuple(rungs)[:level]},
                start_level=level,
                max_level=level,
                min_level_at_war=level,
            )
        state = WorldState(
            start_date=sc.simulation.start_date,
            winter_day=flat["season.winter_start"],
            winter_end_day=flat["season.winter_end"],
            sectors=sectors,
            postures=postures,
            attention=flat["world.start_attention"],
            attacker=roles.attacker,
            defender=roles.defender,
            patrons=roles.patrons,
            supporters=roles.supporters,
            ladders=ladders,
            owned=frozenset(name for name, c in sc.world.capabilities.items() if c.held),
            effects=self.effects,
            conceded_flags=tuple(f"{roles.defender}.{f}" for f in self.defender.conceded_flags),
            attacker_talks=self.attacker.talks,
            defender_retaliation=self.defender.retaliation,
        )
        for name in ladders:
            self._set_ladder_posture(state, name)
        for track, posture in state.postures.items():
            state.first_option_day[f"{track.split('.')[0]}.{posture}"] = 0.0
        for ladder in ladders.values():
            for rung in ladder.decided():
                ladder.first_decided.setdefault(rung, 0.0)
                ladder.first_arrived.setdefault(rung, 0.0)
        for sid, sector in sc.world.sectors.items():  # fighting for a place under way on the start date
            for oid, o in sector.objectives.items():
                if o.progress_at_start is not None:
                    place = state.places[oid]
                    share = flat[f"world.sectors.{sid}.objectives.{oid}.progress_at_start"]
                    place.progress, place.progress_by = (
                        share * self.ground.effort(place, state.other(place.held_by), 0.0),
                        state.other(place.held_by),
                    )
        start = sc.world.ceasefire
        if start is not None:
            ceasefire.start(state, start.kind, (start.broker,), start.peacekeepers)
        else:
            state.war_since = 0.0
        return state

    def _set_ladder_posture(self, state: WorldState, backer: str) -> None:
        """A ladder's posture is its top rung decided ("none" below the first)."""
        ladder = state.ladders[backer]
        suffix = self.prep.backers[backer].ladder_track
        track = f"{backer}.{suffix}" if suffix else backer
        posture = ladder.rungs[ladder.level - 1] if ladder.level else "none"
        if state.postures.get(track) != posture:
            state.postures[track] = posture
            state.first_option_day.setdefault(f"{backer}.{posture}", state.day)

    def known_truce_holds_until(self, day: float) -> bool:
        """Run up to (not including) `day`, stopping early if the known truce formally ends first; whether it held.

        The known truce is the first one in force (at the start, or agreed on the day history says)."""
        self._start_processes()
        env = self.env
        known_start = self._known_start()
        self._known_started = known_start == 0.0 and self.scenario.world.ceasefire is not None
        while env.peek() < day:
            env.step()
            if self._known_started and self.state.ceasefire is None:
                return False
        ceasefires = self.state.ceasefires
        self.fought_by_known = ceasefires[0].fighting_days if ceasefires else 0  # history the report already knew
        return True

    def _known_start(self) -> float:
        fact = self.prep.known
        if fact is None or fact[1] is self.scenario.world.ceasefire:
            return 0.0
        truce = fact[1]
        assert isinstance(truce, HistoryTruce)
        return float((truce.date - self.scenario.simulation.start_date).days)

    def _start_processes(self) -> None:
        if self._started:
            return
        self._started = True
        env = self.env
        for name in self.actors:
            self._start_periodic_reviews(name)
        for broker in self.prep.offer_groups:
            env.process(self._offers(broker))
        self._violation_process = env.process(self._violations())
        env.process(self._days())
        env.process(self._seasons())
        self._arrival_process = env.process(self._arrivals())
        if self.prep.history:
            env.process(self._history())
        if self.trace:
            start = self.scenario.world.ceasefire
            if start is not None:
                self._log("ceasefire_start", start.broker, f"{start.kind} truce in force")
            else:
                self._log("war", "", "open war on day 0")
            for name, actor in self.actors.items():
                if actor.dispositions:
                    self._log("disposition", name, self._disposition_text(name, actor))

    def _disposition_text(self, name: str, actor: Policy[Any]) -> str:
        """What this world's actor is disposed to, in words: `press_defender` -> "press <the defender's label>"."""
        labels = {
            role.value: self.prep.labels[self.roles.attacker if role is Role.ATTACKER else self.roles.defender]
            for role in (Role.ATTACKER, Role.DEFENDER)
        }

        def words(course: str) -> str:
            if course in actor.disposition_words:
                return actor.disposition_words[course]
            verb, _, role = course.partition("_")
            return f"{verb} {labels.get(role, role)}".strip()

        yes = [words(c) for c in actor.dispositions if c in self.disposed[name]]
        no = [words(c) for c in actor.dispositions if c not in self.disposed[name]]
        return "; ".join(
            part
            for part in (f"disposed to {', '.join(yes)}" if yes else "", f"not to {', '.join(no)}" if no else "")
            if part
        )

    def run(self, redraws: int = 0) -> ReplicationResult:
        """The replication to its horizon (on from where `known_truce_holds_until` stopped, if it ran);
        `redraws`: the draws dropped before this one for contradicting what the report knew."""
        self._start_processes()
        self.env.run(until=self.horizon)
        self._now()
        self.state.close_levels()  # close the influence integrals
        sc = self.scenario
        record = outcomes.outcome_record(
            self.state,
            self.horizon,
            sc.outcomes,
            self.start_share,
            self.start_taken,
            {name: tuple(o for opts in a.all_tracks().values() for o in opts) for name, a in self.actors.items()},
            tuple(f"{name}.{flag}" for name, a in self.actors.items() for flag in a.flags),
            days_before_start=self.prep.days_before_start,
        )
        record["history_redraws"] = redraws
        if self.state.ceasefires:
            record["first_ceasefire_fighting_days_after_known"] = (
                self.state.ceasefires[0].fighting_days - self.fought_by_known
            )
        else:
            record["first_ceasefire_fighting_days_after_known"] = 0
        for name, actor in self.actors.items():
            for course in actor.dispositions:
                record[f"disposed.{name}.{course}"] = course in self.disposed[name]
        rows = [outcomes.ceasefire_row(cf, self.horizon, sc.outcomes.durable_days) for cf in self.state.ceasefires]
        offers = [outcomes.offer_row(o) for o in self.state.offers]
        return ReplicationResult(
            self.flat,
            record,
            rows,
            offers,
            self.events if self.trace else None,
            self.series if self.trace else None,
            self.daily,
        )

    # --- helpers -----------------------------------------------------------------------------------------

    def _now(self) -> None:
        self.state.day = float(self.env.now)
        attention.advance(self.state, self.attention_values)
        ceasefire.decay_strain(self.state, self.cf_values)

    def _log(self, kind: str, actor: str, detail: str, data: Mapping[str, Any] | None = None) -> None:
        if self.trace:
            self.events.append(
                {
                    "day": float(self.env.now),
                    "kind": kind,
                    "actor": actor,
                    "detail": detail,
                    "data": json.dumps(data, sort_keys=True) if data else "",
                }
            )

    def _label(self, actor: str) -> str:
        return self.prep.labels.get(actor, actor)

    def _operations(self, spec: Policy[Any]) -> tuple[tuple[OperationView, ...], OperationView | None, float]:
        """The operations a party could launch, its current one re-planned, and its losses over plan."""
        s = self.state
        if not spec.reads_front or not isinstance(spec, PartyPolicy):
            return (), None, 0.0
        party = spec.name
        values = self.actor_values[party]
        max_route, max_days = spec.operation_limits(values)
        unbounded = spec.unbounded_targets(values)
        views = combat.operation_views(
            s, party, self.combat_values, self.ground, self.endurance_values[party], max_route, max_days, unbounded
        )
        op = s.operations.get(party)
        current = next((v for v in views if v.target == op.target), None) if op is not None else None
        losses = 0.0
        if op is not None and op.planned_casualties > 0:
            elapsed = max(s.day - op.launched, 0.0)
            planned = op.planned_casualties * min(1.0, elapsed / max(op.planned_days, 1e-9))
            losses = (self._deaths(party) - op.casualties_at_launch) / max(planned, 1.0)
        return views, current, losses

    def _deaths(self, party: str) -> float:
        c = self.state.casualties
        return c.military_attacker if party == self.roles.attacker else c.military_defender

    def _centre_lost(self) -> bool:
        """The defender's signal; it reads the holdings only, so (untraced) it is read again only after a capture.
        Traced runs read it every time: the reference the fast path is tested against."""
        captures = self.state.captures
        seen = self._signal_seen.get("centre")
        if seen is not None and seen[0] == captures and not self.trace:
            return seen[1]
        value = bool(self.defender.signal(self.state, self.actor_values[self.roles.defender], self.start_share))
        self._signal_seen["centre"] = (captures, value)
        return value

    def _next_rung(self, backer: str) -> RungView | None:
        """The rung a backer could climb now: the next above its level, if its condition holds."""
        ladder = self.state.ladders[backer]
        if ladder.level >= len(ladder.rungs):
            return None
        name = ladder.rungs[ladder.level]
        block = self.prep.rungs[backer][name]
        if block.requires == "treaty" and not self._obliged(backer):
            return None
        effect = self.effects[name]
        weight = effect.support_weight if effect.support_weight is not None else 0.0
        return RungView(name, ladder.level + 1, self.rung_costs[backer][name], effect.fights, weight)

    def observe(self, spec: Policy[Any], offer: OfferView | None = None) -> Observation:
        """The common picture; the operations (the costliest part) only for parties."""
        s = self.state
        cf = s.ceasefire
        roles = self.roles
        postures = self._postures_seen
        if postures is None:  # a read-only copy, rebuilt only after a posture changed, with what others read of it
            postures = self._postures_seen = MappingProxyType(dict(s.postures))
            self._presses = next(
                (pressed for p in roles.patrons if (pressed := self._patron(p).presses(postures.get(p))) is not None),
                None,
            )
            self._on_offensive = postures.get(roles.attacker) == self.attacker.offensive
        views, current, losses = self._operations(spec)
        flags = s.flags
        if len(flags) != self._flags_count:  # acts are remembered for good: read again only when one is added
            self._flags_count = len(flags)
            self._conceded = any(key in flags for key in self._conceded_keys)
            self._helped = self._help_key in flags
        day = s.day
        if s.winter:
            to_winter = 0.0
        elif day < s.winter_day:
            to_winter = s.winter_day - day
        else:
            to_winter = math.inf
        me = spec.name
        ladder = s.ladders.get(me)
        if me == roles.attacker:
            own, enemy = s.stocks[roles.attacker].level(), s.stocks[roles.defender].level()
        elif me == roles.defender:
            own, enemy = s.stocks[roles.defender].level(), s.stocks[roles.attacker].level()
        elif ladder is not None:
            own, enemy = 1.0, s.stocks[s.other(ladder.side)].level()
        else:
            own, enemy = 1.0, 1.0
        retaken = sum(o.value for o in s.places.values() if o.contested and o.retaken_day is not None)
        return Observation(
            actor=me,
            roles=roles,
            day=day,
            winter=s.winter,
            days_to_winter=to_winter,
            ceasefire=cf is not None,
            ceasefire_kind=cf.kind if cf is not None else None,
            peacekeepers=cf is not None and cf.peacekeepers,
            patron_peacekeepers=cf is not None and cf.peacekeepers and any(self._keeps_peace(b) for b in cf.brokers),
            ceasefire_days=day - cf.start if cf is not None else 0.0,
            truces_broken=sum(c.broken_by == spec.name for c in s.ceasefires),
            strain=s.strain if cf is not None else 0.0,
            attacker_strain=s.strain_by.get(roles.attacker, 0.0) if cf is not None else 0.0,
            defender_strain=s.strain_by.get(roles.defender, 0.0) if cf is not None else 0.0,
            claims_refused=self._claims_refused(cf.start) if cf is not None else 0,
            war_claims_refused=self._claims_refused(s.war_since) if cf is None and s.war_since is not None else 0,
            war_days=s.war_days(),
            war_spell_days=day - s.war_since if s.war_since is not None else 0.0,
            fighting=s.fighting(),
            attacker_share=s.share(),
            start_share=self.start_share,
            attention=s.attention,
            postures=postures,
            support_level=ladder.level if ladder is not None else 0,
            support_levels=len(ladder.rungs) if ladder is not None else 0,
            support_floor=ladder.floor if ladder is not None else 0,
            days_since_support_changed=day - ladder.level_since if ladder is not None else 0.0,
            next_rung=self._next_rung(me) if ladder is not None else None,
            supporter_level=s.supporter_level(),
            supporter_levels=s.supporter_levels(),
            supporter_fights=any(s.fights(b) for b in s.supporters),
            support_in_place=s.expected[roles.attacker],
            support_total=s.expected_total[roles.attacker],
            defender_support=s.expected[roles.defender],
            defender_support_total=s.expected_total[roles.defender],
            deterrence=s.deterrence[roles.attacker],
            patron_backs_defender=s.patron_backs(),
            patron_fights=s.patron_intervened(),
            patron_presses=self._presses,
            attacker_on_offensive=self._on_offensive,
            defender_conceded=self._conceded,
            help_requested=self._helped,
            treaty_triggered=self._obliged(me),
            days_since_treaty_triggered=day - s.treaty_triggered.get(me, math.inf),
            flags=self._flags_seen,
            taken=self._taken_seen,
            own_territory_strikes=s.spillover_strikes.get(me, 0),
            recent_attacks=s.recent_attack_count(self.grievance_window),
            days_since_front_moved=day - s.front_moved_day,
            own_endurance=own,
            enemy_endurance=enemy,
            centre_lost=self._centre_lost(),
            operation=current,
            operation_losses=losses,
            operations=views,
            retaken_share=retaken / self.total_value,
            handed_over_share=self._handed_over_share(),
            offer=offer,
            disposed=self.disposed[me],
        )

    def _handed_over_share(self) -> float:
        """The contested value handed over by agreement that the attacker still holds."""
        s = self.state
        places = (s.places[p] for p in dict.fromkeys(s.handed_over))
        return sum(p.value for p in places if p.contested and p.held_by == s.attacker) / self.total_value

    def _patron(self, name: str) -> PatronPolicy[Any]:
        patron = self.actors[name]
        assert isinstance(patron, PatronPolicy)
        return patron

    # --- decisions ---------------------------------------------------------------------------------------

    def review(self, name: str, reason: str) -> None:
        """One actor observes, decides and acts now.

        A review prompted by a trigger is skipped if the actor has already decided at this instant: one decision
        per actor per moment, however many things happen at once.
        """
        now = self.env.now
        if reason != PERIODIC and self._last_review.get(name) == now:
            return
        self._last_review[name] = now
        self._now()
        spec = self.actors[name]
        obs = self.observe(spec)
        for decision in spec.decide(obs, self.actor_values[name], self.streams[name], self.trace):
            self._apply(spec, decision, reason, obs)

    def _apply(self, spec: Policy[Any], decision: Decision, reason: str, obs: Observation) -> None:
        s = self.state
        track = decision.track
        before = s.postures.get(track, "") if track else ""
        posture = spec.posture_of(decision.option)
        changed = bool(track) and posture != before
        if changed:
            self._set_posture(track, posture)
        had_ceasefire = s.ceasefire is not None
        was_fighting = s.fighting()
        support = s.patron_backs()
        operations = dict(s.operations)
        ladder_before = s.ladders[spec.name].level if spec.name in s.ladders else None
        spec.apply(s, decision, obs)
        if isinstance(spec, BackerPolicy) and decision.option in ("escalate", "back_off"):
            self._climb(spec.name, 1 if decision.option == "escalate" else -1)
        for party, op in s.operations.items():
            if op is not operations.get(party):
                self._op_alarm[party] = False
            elif op is not None and party == spec.name and obs.operation is not None:
                op.route = obs.operation.route  # carrying on, by today's quickest route
        if not track and decision.option not in ("escalate", "back_off", "hold"):
            s.first_option_day.setdefault(f"{spec.name}.{decision.option}", s.day)
        if self.trace and (track or decision.option not in spec.quiet_acts):
            was = f" (was {before})" if changed else ""
            new = s.operations.get(spec.name)
            old = operations.get(spec.name)
            if new is not old and new is not None and not changed:  # a new operation, the posture unchanged
                was = f" (was the operation on {old.target})" if old is not None else " (now launched)"
            if ladder_before is not None and s.ladders[spec.name].level != ladder_before:
                rung = s.ladders[spec.name]
                was = f" (now {rung.rungs[rung.level - 1] if rung.level else 'none'})"
            self._log(
                "decision" if track else "act",
                spec.name,
                f"[{reason}] {decision.explain()}{was}",
                {"utilities": decision.utilities, "probabilities": decision.probabilities},
            )
        if had_ceasefire and s.ceasefire is None:
            self._on_break(spec.name, decision.option)
        if changed or had_ceasefire != (s.ceasefire is not None) or was_fighting != s.fighting():
            self._rates_may_have_changed()
        if s.ceasefire is not None and not was_fighting and s.fighting():
            self._trigger(Trigger.TRUCE_FIGHTING)
            self._log("truce_fighting", spec.name, f"{self._label(spec.name)} fights under the truce")
        if s.patron_backs() != support and s.patrons:
            self._trigger(Trigger.PATRON_SUPPORT_CHANGED)
        trigger = spec.option_triggers.get(decision.option)
        if trigger is not None:
            self._trigger(trigger)

    def _climb(self, backer: str, step: int) -> None:
        """A backer climbs or backs off one rung today; a new rung arrives after its lag (without one, at once: the
        decision tells it)."""
        s = self.state
        ladder = s.ladders[backer]
        level = min(max(ladder.level + step, ladder.floor), len(ladder.rungs))
        if level == ladder.level:
            return
        s.set_level(backer, level, self.lags[backer])
        self._set_ladder_posture(s, backer)
        self._postures_seen = None
        suffix = self.prep.backers[backer].ladder_track
        track = f"{backer}.{suffix}" if suffix else backer  # its ladder's track
        s.posture_changes[track] = s.posture_changes.get(track, 0) + 1
        if step > 0:
            rung = ladder.rungs[level - 1]
            due = ladder.arrival[rung]
            if due <= s.day:  # no lag: on the battlefield at once
                self._arrived(ladder, tell=False)
            else:
                if self.trace:
                    self._log(
                        "support",
                        backer,
                        f"{self._label(backer)} commits {rung}: on the battlefield from day "
                        + f"{due:.1f}".removesuffix(".0"),
                    )
                if self._arrival_wake is not None and not self._arrival_wake.triggered:
                    self._arrival_wake.succeed()
                elif due < self._arrival_due and self._arrival_process is not None:
                    self._arrival_process.interrupt()  # it waits for a later arrival: wait for this one first
        self._rates_may_have_changed()

    def _set_posture(self, track: str, posture: str) -> None:
        s = self.state
        s.postures[track] = posture
        s.first_option_day.setdefault(f"{track.split('.')[0]}.{posture}", s.day)
        s.posture_changes[track] = s.posture_changes.get(track, 0) + 1
        self._postures_seen = None

    def _offer(self, broker: str) -> None:
        """An offer of a broker (and those it is joint with) today: its terms, each party's answer, and an agreement
        only if every party accepts."""
        s = self.state
        self._now()
        if s.ceasefire is None and s.war_since == s.day:
            return  # no talks at the very instant the fighting resumed
        brokers = self.prep.offer_groups[broker]
        attacker = self.attacker
        met = attacker.position_met(s, self.actor_values[attacker.name])
        conceded = s.defender_conceded()
        backing = any(b in s.patrons and s.backs(b) for b in brokers)
        spare_core = mediation.spares_core(conceded, conceded and self._centre_lost(), backing) or not all(
            self.actors[b].offers_core(self.actor_values[b]) for b in brokers
        )
        settlement = mediation.settlement_on_table(
            s,
            self.settlement_thresholds,
            self.prep.settlements,
            conceded,
            self.mediation_values.reoffer_after_days,
            spare_core,
            self.prep.settlement_keeps,
        )
        keeps_peace = any(self.actors[b].peacekeepers for b in brokers)
        if settlement:
            keeps_peace = keeps_peace and self.prep.settlement_peacekeepers[settlement]
        offer = mediation.terms(
            s,
            self.mediation_values,
            self.streams["mediation"],
            brokers,
            met,
            keeps_peace,
            settlement,
            self.prep.settlements.get(settlement, ()),
        )
        if offer is None:
            return
        if (
            s.ceasefire is None
            and offer.kind != "comprehensive"
            and not self.actors[broker].seeks_halt(self.disposed[broker])
        ):
            return  # not seeking an end to the fighting, it offers no plain halt: only a political process
        credibility = 0.0
        for b in brokers:
            credibility += self.actors[b].credibility(self.actor_values[b])
        partisan = any(b in s.patrons and s.backs(b) for b in brokers)
        handed = [s.places[pid] for pid in offer.handover]
        total = self.total_value
        view = OfferView(
            brokers,
            offer.kind,
            offer.upgrade,
            offer.peacekeepers,
            credibility,
            partisan,
            sum(p.value for p in handed) / total,
            sum(p.value for p in handed if p.core) / total,
            offer.settlement,
        )
        for name, party in self.actors.items():
            if not party.party:
                continue
            self._last_review[name] = self.env.now
            observed = self.observe(party, view)
            decision: Decision = party.answer(observed, self.actor_values[name], self.streams[name], self.trace)
            offer.answers[name] = decision.option
            if self.trace:
                self._log(
                    "answer",
                    name,
                    f"[offer by {' and '.join(brokers)}] {decision.explain()}",
                    {"utilities": decision.utilities},
                )
        offer.accepted = all(a == "accept" for a in offer.answers.values())
        s.offers.append(offer)
        self._log_offer(offer)
        if not offer.accepted:
            if offer.settlement:
                s.refused_settlements[offer.settlement] = mediation.refusal(
                    s, s.refused_settlements.get(offer.settlement)
                )
            key = mediation.terms_key(s, offer.kind, offer.upgrade, offer.settlement)
            s.refused_terms[key] = mediation.refusal(s, s.refused_terms.get(key))
            return
        if offer.upgrade:
            assert s.ceasefire is not None
            ceasefire.upgrade(s, offer.peacekeepers, offer.settlement, offer.handover)
            self._log("ceasefire_upgrade", broker, self._agreement_text("comprehensive terms", offer))
        else:
            ceasefire.start(s, offer.kind, brokers, offer.peacekeepers, offer.settlement, offer.handover)
            self._log("ceasefire_start", broker, self._agreement_text(f"a {offer.kind} truce", offer))
            if self._calm_wake is not None and not self._calm_wake.triggered:
                self._calm_wake.succeed()
        self._stand_down()
        if offer.handover:
            self._call_off_forces()
        self._rates_may_have_changed()
        self._trigger(Trigger.CEASEFIRE_AGREED)

    def _claims_refused(self, since: float) -> int:
        """Terms handing places to the attacker that it accepted and the defender refused, offered since `since`."""
        a, d = self.roles.attacker, self.roles.defender
        return sum(
            1
            for o in self.state.offers
            if o.day >= since and o.handover and o.answers.get(a) == "accept" and o.answers.get(d) == "refuse"
        )

    def _call_off_forces(self) -> None:
        """Terms that hand over places call off the defender's patrons' forces still on their way: a patron does not
        send them to fight for land its ally has agreed to give up (those already fighting stay)."""
        s = self.state
        for patron in s.patrons:
            ladder = s.ladders[patron]
            coming = [
                i
                for i, r in enumerate(ladder.rungs[: ladder.level])
                if s.effects[r].fights and ladder.arrival.get(r, 0.0) > s.day
            ]
            if not coming or coming[0] < ladder.floor:
                continue
            self._climb(patron, coming[0] - ladder.level)
            self._log("support", patron, f"{self._label(patron)} calls off its forces: the terms hand over the land")

    def _stand_down(self) -> None:
        """Under a new truce, a party that was attacking stands down (its operation has ended)."""
        for party in (self.attacker, self.defender):
            if self.state.postures.get(party.name) == party.attacking:
                self._set_posture(party.name, party.stand_down)

    def _agreement_text(self, what: str, offer: OfferRecord) -> str:
        guard = ", peacekeepers on the line" if offer.peacekeepers else ""
        if offer.handover:
            places = ", ".join(self.state.places[p].label for p in offer.handover)
            what += f" handing over {places} to {self._label(self.roles.attacker)}"
        return f"{what} agreed{guard}"

    def _log_offer(self, offer: OfferRecord) -> None:
        if self.trace:
            answers = ", ".join(f"{k} {v}s" for k, v in offer.answers.items())
            what = "comprehensive terms for the truce" if offer.upgrade else f"a {offer.kind} truce"
            if offer.handover:
                what += " handing over " + ", ".join(self.state.places[p].label for p in offer.handover)
            guard = " with peacekeepers" if offer.peacekeepers else ""
            by = " and ".join(self._label(b) for b in offer.brokers)
            self._log(
                "offer",
                offer.broker,
                f"{by} {'offer' if len(offer.brokers) > 1 else 'offers'} {what}{guard}: {answers} -> "
                + ("agreed" if offer.accepted else "no deal"),
            )

    def _keeps_peace(self, broker: str) -> bool:
        """Whether a broker of a truce with peacekeepers is a patron of the defender whose forces they are."""
        return broker in self.state.patrons and self.actors[broker].peacekeepers

    def _on_break(self, actor: str, why: str) -> None:
        """`actor` formally ended the truce by choosing `why`. An offensive through a patron's peacekeepers is an
        attack on the patron's forces: its treaty obligation (or, without a treaty, the same condition) is
        triggered."""
        s = self.state
        cf = s.ceasefires[-1]
        for ladder in s.ladders.values():
            ladder.min_level_at_war = min(ladder.min_level_at_war, ladder.level)
        if self.trace:
            self._log("ceasefire_end", actor, f"truce {cf.number} formally ended ({cf.cause}): {actor} chose {why}")
        if cf.peacekeepers and actor == self.roles.attacker:
            for patron in (b for b in cf.brokers if self._keeps_peace(b)):
                s.attacked_day[patron] = s.day
                if patron not in s.treaty_triggered:
                    s.treaty_triggered[patron] = s.day
                    self._log("treaty", patron, f"{self._label(patron)}'s peacekeepers attacked")
                self._trigger(Trigger.TREATY_TRIGGERED)
        self._trigger(Trigger.CEASEFIRE_COLLAPSED)

    def _rates_may_have_changed(self) -> None:
        rates = ceasefire.violation_rates(self.state, self.cf_values)
        if rates != self._rates:
            self._rates = rates
            proc = self._violation_process
            if proc is not None and proc.is_alive and self.env.active_process is not proc:
                proc.interrupt("rates changed")

    def _trigger(self, reason: Trigger) -> None:
        self._pending.add(reason)
        if not self._trigger_pending:
            self._trigger_pending = True
            self.env.process(self._triggered_reviews())

    # --- processes ---------------------------------------------------------------------------------------

    def _triggered_reviews(self) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(0)
        self._trigger_pending = False
        reasons, self._pending = self._pending, set()
        for name in self.actors:
            cares = self._reviews_on[name]
            hit = reasons if cares is None else reasons & cares
            if hit:
                self.review(name, "; ".join(sorted(r.text(self.labels) for r in hit)))

    def _start_periodic_reviews(self, name: str) -> None:
        """Reviews every `review_every_days`, the first at a random offset within one interval; in a scenario that
        starts at open war, the parties also review on day 0 (the war begins with their choices).

        A chain of timeouts with a callback rather than a process: the same schedule, with less of SimPy's
        process machinery on the most frequent event of a replication.
        """
        env = self.env
        interval = self.actor_values[name].review_every_days

        def periodic_review(_: simpy.Event) -> None:
            self.review(name, PERIODIC)
            env.timeout(interval).callbacks.append(periodic_review)

        offset = interval * self.streams[name].uniform()
        if self.scenario.world.ceasefire is None and self.actors[name].party:
            env.timeout(0).callbacks.append(lambda _: self.review(name, "the war begins"))
        env.timeout(offset).callbacks.append(periodic_review)

    def _offers(self, broker: str) -> Generator[simpy.Event, Any, None]:
        """A broker's offers, every `offer_every_days`, while its posture allows."""
        spec = self.actors[broker]
        interval = spec.offer_interval(self.actor_values[broker])
        yield self.env.timeout(interval * self.streams["mediation"].uniform())
        while True:
            s = self.state
            if spec.offers_when is None or s.postures[broker] in spec.offers_when:
                self._offer(broker)
            yield self.env.timeout(interval)

    def _seasons(self) -> Generator[simpy.Event, Any, None]:
        s = self.state
        for day, what in ((s.winter_day, Trigger.WINTER_BEGINS), (s.winter_end_day, Trigger.WINTER_ENDS)):
            if day > self.env.now:
                yield self.env.timeout(day - self.env.now)
                self._now()
                self._log("season", "", what.text(self.labels))
                self._trigger(what)

    def _history(self) -> Generator[simpy.Event, Any, None]:
        """The truces history says were agreed, on their day (whatever the policies would have done)."""
        start = self.scenario.simulation.start_date
        for truce in self.prep.history:
            day = float((truce.date - start).days)
            if day >= self.horizon:
                return
            if day > self.env.now:
                yield self.env.timeout(day - self.env.now)
            yield self.env.timeout(0)  # after the end of the day before (scheduled earlier at this instant)
            self._now()
            s = self.state
            if self.prep.known is not None and day >= self._known_start():
                self._known_started = True  # the known truce (the first in force from here) is now the one to hold
            if s.ceasefire is None:
                ceasefire.start(s, truce.kind, (truce.broker,), truce.peacekeepers)
                self._log("ceasefire_start", truce.broker, f"{truce.kind} truce in force (as history has it)")
                self._stand_down()
                self._rates_may_have_changed()
                if self._calm_wake is not None and not self._calm_wake.triggered:
                    self._calm_wake.succeed()
                self._trigger(Trigger.CEASEFIRE_AGREED)

    def _arrivals(self) -> Generator[simpy.Event, Any, None]:
        """Support decided earlier arrives on the battlefield after its lag."""
        env, s = self.env, self.state
        while True:
            nxt = s.next_arrival()
            try:
                if nxt is None:
                    self._arrival_due = math.inf
                    self._arrival_wake = env.event()
                    yield self._arrival_wake
                    continue
                self._arrival_due = nxt
                yield env.timeout(nxt - env.now)
            except simpy.Interrupt:
                continue  # a rung due earlier was decided meanwhile
            self._arrival_due = math.inf
            self._now()
            before = s.in_place
            s.refresh_support()
            if s.in_place != before:
                for ladder in s.ladders.values():
                    self._arrived(ladder)
                self._rates_may_have_changed()
                self._trigger(Trigger.SUPPORT_ARRIVED)

    def _arrived(self, ladder: Ladder, tell: bool = True) -> list[str]:
        """Record (and tell, unless the caller does) the rungs of a ladder on the battlefield today for the first
        time; returns them."""
        s = self.state
        new = [rung for rung in ladder.arrived(s.day) if rung not in ladder.first_arrived]
        for rung in new:
            ladder.first_arrived[rung] = s.day
            if tell:
                self._log("support_arrived", ladder.backer, f"{self._label(ladder.backer)}'s {rung} arrives")
        return new

    def _violations(self) -> Generator[simpy.Event, Any, None]:
        env, s, p = self.env, self.state, self.cf_values
        rng = self.streams["violations"]
        while True:
            att, dfn = self._rates
            total = att + dfn
            try:
                if total <= 0.0:
                    self._calm_wake = env.event()
                    yield self._calm_wake
                    continue
                bound = ceasefire.settling(s, p)  # the rate only falls until it is drawn again: thinning
                yield env.timeout(rng.exponential(total * bound))
            except simpy.Interrupt:
                continue
            self._now()
            settled = ceasefire.settling(s, p)
            if settled < bound and rng.uniform() * bound > settled:
                continue  # the draw fell in what the truce has settled since
            initiator = self.roles.attacker if rng.uniform() * total < att else self.roles.defender
            v = ceasefire.violate(s, p, self.attention_values, rng, initiator, settled)
            if self.trace:
                self._log(
                    "violation",
                    initiator,
                    f"violation by {initiator}: {v.civilians} civilians killed"
                    + (", strike on a city" if v.city_strike else "")
                    + f"; strain {s.strain:.2f}",
                    {"civilians": v.civilians, "city_strike": v.city_strike, "strain": round(s.strain, 2)},
                )
            if v.mass_casualty:
                self._trigger(Trigger.MASS_CASUALTY)

    def _days(self) -> Generator[simpy.Event, Any, None]:
        """The end of every day: the fighting of the day that has passed, the parties' stocks, the truce's account,
        the treaties, an operation's alarm, then the day's record."""
        env, s = self.env, self.state
        rng = self.streams["combat"]
        self._record()
        while True:
            yield env.timeout(1.0)
            self._now()
            assaulted: set[str] = set()
            if s.at_war or s.fighting():
                day = combat.fight_day(
                    s,
                    self.combat_values,
                    self.ground,
                    self.endurance_values,
                    self.cf_values,
                    self.attention_values,
                    rng,
                )
                assaulted = day.assaulted
                for party, place in day.taken:
                    if any(place is g for g in day.given_up):
                        holder = self._label(s.other(party))
                        what = f"{place.label} ({place.sector}) given up by {holder}, cut off from its lines"
                    else:
                        what = f"{place.label} ({place.sector}) taken by {self._label(party)}"
                    self._log("objective_taken", party, what)
                for place in day.spillover:
                    self._log(
                        "spillover",
                        self.roles.attacker,
                        f"strike on {place.label}, {self._label(place.territory_of or '')}'s own territory",
                    )
                if day.taken:
                    for party in (self.roles.attacker, self.roles.defender):
                        op = s.operations.get(party)
                        if op is not None and s.places[op.target].held_by == party:
                            s.operations[party] = None  # its target taken: the operation is complete
                    self._trigger(Trigger.OBJECTIVE_TAKEN)
                    self._rates_may_have_changed()
                elif day.mass_casualty:
                    self._trigger(Trigger.MASS_CASUALTY)
                self._check_alarms()
            endurance.close_day(s, self.endurance_values, {p: p in assaulted for p in s.stocks})
            ceasefire.close_day(s, int(env.now) - 1, self._quiet_threshold, bool(assaulted))
            self._check_treaties()
            self._record()

    def _check_alarms(self) -> None:
        """An operation whose losses or days run beyond its plan's tolerance brings its party to a review (once)."""
        s = self.state
        for party in (self.roles.attacker, self.roles.defender):
            op = s.operations.get(party)
            if op is None or self._op_alarm[party]:
                continue
            spec = self.actors[party]
            assert isinstance(spec, PartyPolicy)
            tolerance = spec.loss_tolerance(self.actor_values[party])
            elapsed = s.day - op.launched
            lost = self._deaths(party) - op.casualties_at_launch
            planned = op.planned_casualties * min(1.0, elapsed / max(op.planned_days, 1e-9))
            if lost > tolerance * max(planned, 1.0) or elapsed > tolerance * op.planned_days:
                self._op_alarm[party] = True
                self._trigger(Trigger.OPERATION_BEHIND_PLAN)

    def _obliged(self, backer: str) -> bool:
        """Whether a backer's treaty obligation weighs now: triggered, and what it covers (or its peacekeepers)
        attacked within the treaty's `lapse_days`."""
        s = self.state
        if backer not in s.treaty_triggered:
            return False
        entry = self.treaties.get(backer)
        covered = tuple(entry[0].covers) if entry is not None else ()
        lapse = entry[0].lapse_days if entry is not None else 30.0
        last = max((s.attacked_day.get(a, -math.inf) for a in (*covered, backer)), default=-math.inf)
        return s.day - last <= lapse

    def _check_treaties(self) -> None:
        """A treaty is triggered once its covered territory is attacked: an operation into it, or as many strikes
        on it as the backer counts as an attack (fewer once a covered party has asked for help, where the treaty
        sets a number for that)."""
        s = self.state
        applied = self.roles.defender if self._help_key in s.flags else None
        for backer, (treaty, strikes, on_application) in self.treaties.items():
            if backer in s.treaty_triggered:
                continue
            if on_application is not None and applied in treaty.covers:
                strikes = min(strikes, on_application)
            struck = sum(s.spillover_strikes.get(owner, 0) for owner in treaty.covers)
            invaded = any(
                op is not None and any(s.places[p].territory_of in treaty.covers for p in op.route)
                for op in s.operations.values()
            )
            if invaded:
                for owner in treaty.covers:
                    s.attacked_day[owner] = s.day
            if struck >= strikes or invaded:
                s.treaty_triggered[backer] = s.day
                self._log("treaty", backer, f"{self._label(backer)}'s treaty obligation is triggered")
                self._trigger(Trigger.TREATY_TRIGGERED)

    def _record(self) -> None:
        """Today's rows; attention and strain are read without advancing them, so recording never changes a run."""
        s = self.state
        now = float(self.env.now)
        if not (self.trace or int(now) % self.daily_every == 0):
            return
        day, s.day = s.day, now  # read at today's date, then put the date back untouched
        level = attention.level(s, self.attention_values)
        if self.trace:
            row = outcomes.daily_row(s)
            row["attention"] = level
            row["strain"] = ceasefire.strain_level(s, self.cf_values) if s.ceasefire is not None else 0.0
            self.series.append(row)
        if int(now) % self.daily_every == 0:
            self.daily.append(outcomes.compact_daily_row(s, level))
        s.day = day
