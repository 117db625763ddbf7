"""The discrete-event simulation: the only module that imports simpy.

Events: periodic reviews of each actor (a chain of timeouts with a callback), the violation process while a
ceasefire is in force, one combat tick per day of open war, and (when tracing) a daily recorder. Triggers
(ceasefire agreed or collapsed, objective taken, mass-casualty strike, mediation offer) bring every actor to an
extra review at once. Tracing never changes a run: the recorder reads the state without advancing it.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import simpy

from scenarios.config.draw import Values, draw_parameters, values_tree
from scenarios.model import attention, ceasefire, combat, mediation, outcomes
from scenarios.model.actors import REGISTRY, ActorSpec
from scenarios.model.choice import Decision
from scenarios.model.observation import FrontView, Observation
from scenarios.model.random import child_seed, named_streams
from scenarios.model.state import ObjectiveState, SectorState, WorldState

MECHANISM_STREAMS = ("violations", "combat", "mediation")
PERIODIC = "periodic review"


@dataclass(frozen=True)
class ReplicationResult:
    """Everything one replication produced: drawn parameters, outcomes, ceasefires, and optionally its story."""

    parameters: dict[str, float]
    outcome: dict[str, Any]
    ceasefires: list[dict[str, Any]]
    events: list[dict[str, Any]] | None = None
    timeseries: list[dict[str, Any]] | None = None


def run_replication(
    scenario: Any,
    seed_sequence: np.random.SeedSequence,
    record_trace: bool = False,
    parameters: Mapping[str, float] | None = None,
) -> ReplicationResult:
    """Run one replication; a pure function of its inputs (the same inputs give the same result to the bit).

    `parameters` replaces the draw of parameter values (designed experiments such as Sobol samples).
    """
    if parameters is None:
        rng = np.random.default_rng(child_seed(seed_sequence, "parameters"))
        flat = draw_parameters(scenario, rng, scenario.parameter_specs())
    else:
        flat = dict(parameters)
    return _Replication(scenario, flat, seed_sequence, record_trace).run()


class _Replication:
    def __init__(self, scenario: Any, flat: dict[str, float], seed: np.random.SeedSequence, trace: bool):
        self.scenario = scenario
        self.flat = flat
        self.v = values_tree(flat)
        self.trace = trace
        self.events: list[dict[str, Any]] = []
        self.series: list[dict[str, Any]] = []
        self.streams = named_streams(seed, [*MECHANISM_STREAMS, *REGISTRY])
        self.horizon = float(scenario.simulation.horizon_days)
        self.actor_values: dict[str, Values] = {name: getattr(self.v.actors, name) for name in REGISTRY}
        self.grievance_window = self.actor_values["armenia"].grievance_window_days
        self.state = self._initial_state()
        self.total_value = self.state.total_value()
        self.start_share = self.state.azerbaijani_value() / self.total_value
        self.start_taken = sum(o.held_by == "azerbaijan" for s in self.state.sectors for o in s.objectives)
        self.env = simpy.Environment()
        self._war_wake: simpy.Event | None = None
        self._calm_wake: simpy.Event | None = None
        self._rates = ceasefire.violation_rates(self.state, self.v.ceasefire)
        self._trigger_pending = False
        self._in_offer = False
        self._violation_process: simpy.Process | None = None
        self._last_review: dict[str, float] = {}
        self._postures_seen: Mapping[str, str] | None = None
        self._fight_days = 0  # days of war resolved so far: the front changes only then
        self._front: tuple[tuple[Any, ...], tuple[FrontView, ...]] | None = None

    # --- set-up ------------------------------------------------------------------------------------------

    def _initial_state(self) -> WorldState:
        sc = self.scenario
        sectors = []
        for sid, sector in sc.world.sectors.items():
            objective_values = getattr(self.v.world.sectors, sid).objectives
            objectives = [
                ObjectiveState(
                    oid,
                    sid,
                    o.label,
                    o.terrain,
                    o.city,
                    o.value,
                    o.population,
                    getattr(objective_values, oid).difficulty,
                    o.held_by,
                )
                for oid, o in sector.objectives.items()
            ]
            sectors.append(SectorState(sid, sector.label, objectives))
        turkey = sc.actors.turkey
        state = WorldState(
            start_date=sc.simulation.start_date,
            winter_day=self.v.season.winter_start,
            sectors=sectors,
            postures={name: getattr(sc.actors, name).start_posture for name in REGISTRY},
            turkish_ladder=tuple(r.name for r in turkey.ladder),
            turkish_level=turkey.start_level(),
            attention=self.v.world.start_attention,
        )
        for actor, posture in state.postures.items():
            state.first_option_day[f"{actor}.{posture}"] = 0.0
        start = sc.world.ceasefire
        ceasefire.start(state, start.kind, start.broker, start.peacekeepers)
        return state

    def run(self) -> ReplicationResult:
        env = self.env
        for name in REGISTRY:
            self._start_periodic_reviews(name)
        self._violation_process = env.process(self._violations())
        env.process(self._combat())
        if self.trace:
            env.process(self._recorder())
            start = self.scenario.world.ceasefire
            self._log("ceasefire_start", start.broker, f"{start.kind} ceasefire in force")
        env.run(until=self.horizon)
        self._now()
        self.state.set_turkish_level(self.state.turkish_level)  # close the influence integral
        sc = self.scenario
        record = outcomes.outcome_record(
            self.state,
            self.horizon,
            sc.outcomes.durable_days,
            sc.outcomes.major_gain_share,
            self.start_taken,
            {name: spec.options for name, spec in REGISTRY.items()},
        )
        rows = [outcomes.ceasefire_row(cf, self.horizon, sc.outcomes.durable_days) for cf in self.state.ceasefires]
        return ReplicationResult(
            self.flat,
            record,
            rows,
            self.events if self.trace else None,
            self.series if self.trace else None,
        )

    # --- helpers -----------------------------------------------------------------------------------------

    def _now(self) -> None:
        self.state.day = float(self.env.now)
        attention.advance(self.state, self.v.attention)

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

    def observe(self, front: bool = True) -> Observation:
        """The common picture; the front assessment (the costliest part) only for actors that read it."""
        s = self.state
        cf = s.ceasefire
        postures = self._postures_seen
        if postures is None:  # a read-only copy, rebuilt only after a posture changed
            postures = self._postures_seen = MappingProxyType(dict(s.postures))
        # positional arguments: a named tuple builds twice as fast so (the field names are in the comments)
        return Observation(
            s.day,  # day
            s.day >= s.winter_day,  # winter
            cf is not None,  # ceasefire
            cf.kind if cf is not None else None,  # ceasefire_kind
            cf is not None and cf.peacekeepers,  # peacekeepers
            s.war_days(),  # war_days
            s.azerbaijani_value() / self.total_value,  # azerbaijani_share
            self.start_share,  # start_share
            s.attention,  # attention
            postures,  # postures
            s.turkish_level,  # turkish_level
            len(s.turkish_ladder),  # turkish_level_max
            "f16_deterrent" in s.rungs,  # f16_present
            s.russia_backs_armenia(),  # russia_backs_armenia
            s.armenia_asked_russia,  # armenia_asked_russia
            s.armenia_conceded,  # armenia_conceded
            s.recent_attack_count(self.grievance_window),  # recent_azerbaijani_attacks
            s.day - s.front_moved_day,  # days_since_front_moved
            self._front_view() if front else (),  # front
        )

    def _front_view(self) -> tuple[FrontView, ...]:
        """The front assessment, rebuilt only when something it depends on has changed."""
        s = self.state
        key = (s.day >= s.winter_day, s.rungs, s.russia_backs_armenia(), s.russia_intervened, self._fight_days)
        if self._front is None or self._front[0] != key:
            self._front = (key, combat.front_view(s, self.v.combat, self.total_value))
        return self._front[1]

    # --- decisions ---------------------------------------------------------------------------------------

    def review(self, name: str, reason: str) -> Decision | None:
        """One actor observes, decides and acts now.

        A review prompted by a trigger or an offer is skipped if the actor has already decided at this instant:
        one decision per actor per moment, however many things happen at once.
        """
        now = self.env.now
        if reason != PERIODIC and self._last_review.get(name) == now:
            return None
        self._last_review[name] = now
        self._now()
        spec = REGISTRY[name]
        obs = self.observe(spec.reads_front)
        decision: Decision = spec.decide(obs, self.actor_values[name], self.streams[name])
        self._apply(spec, decision, reason)
        return decision

    def _apply(self, spec: ActorSpec, decision: Decision, reason: str) -> None:
        s = self.state
        before = s.postures[spec.name]
        changed = decision.option != before
        if changed:
            s.postures[spec.name] = decision.option
            s.first_option_day.setdefault(f"{spec.name}.{decision.option}", s.day)
            self._postures_seen = None
        had_ceasefire = s.ceasefire is not None
        level = s.turkish_level
        if spec.apply is not None:
            spec.apply(s, decision)
        if self.trace:
            self._log(
                "decision",
                spec.name,
                f"[{reason}] {decision.explain()}" + ("" if before == decision.option else f" (was {before})"),
                {"utilities": decision.utilities, "probabilities": decision.probabilities},
            )
        if had_ceasefire and s.ceasefire is None:
            self._on_collapse(spec.name, decision.option)
        # violation rates follow postures, Turkish support and the ceasefire: recompute only if one of them moved
        if changed or s.turkish_level != level or had_ceasefire != (s.ceasefire is not None):
            self._rates_may_have_changed()
        if decision.option in spec.mediates and not self._in_offer:
            self._offer(spec.name)

    def _offer(self, broker: str) -> None:
        s = self.state
        if s.ceasefire is not None and s.ceasefire.kind == "comprehensive":
            return
        if s.ceasefire is None and s.war_since == s.day:
            return  # no talks at the very instant the fighting resumed
        in_force = s.ceasefire is not None
        self._in_offer = True
        try:
            for name, spec in REGISTRY.items():
                if spec.party:
                    self.review(name, "mediation offer by " + broker)
            if (s.ceasefire is not None) != in_force:
                if self.trace:
                    self._log("mediation", broker, f"offer by {broker} lapsed: the ceasefire broke during the talks")
                return
            credibility = self.actor_values[broker].mediation_credibility
            target = self.actor_values["azerbaijan"].target_share
            offer = mediation.attempt(s, self.v.mediation, self.streams["mediation"], broker, credibility, target)
        finally:
            self._in_offer = False
        if self.trace:
            what = "upgrade to a comprehensive ceasefire" if offer.upgrade else "ceasefire"
            self._log(
                "mediation",
                broker,
                f"{what} offered by {broker}: p={offer.probability:.2f}, "
                + ("accepted" if offer.success else "refused"),
                {"terms": offer.terms},
            )
        if not offer.success:
            return
        if offer.upgrade:
            if s.ceasefire is None or s.ceasefire.kind != "humanitarian":
                return
            ceasefire.upgrade(s, offer.peacekeepers)
            if self.trace:
                self._log("ceasefire_upgrade", broker, f"comprehensive ceasefire, peacekeepers={offer.peacekeepers}")
        else:
            if s.ceasefire is not None:
                return
            assert offer.kind is not None
            ceasefire.start(s, offer.kind, broker, offer.peacekeepers)
            for name, spec in REGISTRY.items():
                stood_down = spec.stand_down.get(s.postures[name])
                if stood_down is not None:
                    s.postures[name] = stood_down
                    s.first_option_day.setdefault(f"{name}.{stood_down}", s.day)
                    self._postures_seen = None
            if self.trace:
                self._log("ceasefire_start", broker, f"{offer.kind} ceasefire, peacekeepers={offer.peacekeepers}")
            if self._calm_wake is not None and not self._calm_wake.triggered:
                self._calm_wake.succeed()
        self._rates_may_have_changed()
        self._trigger("ceasefire agreed")

    def _on_collapse(self, actor: str, why: str) -> None:
        """`actor` chose `why`, or the escalation spiral (actor "") crossed its threshold."""
        if self.trace:
            cf = self.state.ceasefires[-1]
            reason = f"{actor} chose {why}" if actor else why
            self._log("ceasefire_end", "", f"ceasefire {cf.number} collapsed ({cf.cause}): {reason}")
        if self._war_wake is not None and not self._war_wake.triggered:
            self._war_wake.succeed()
        self._trigger("ceasefire collapsed")

    def _rates_may_have_changed(self) -> None:
        rates = ceasefire.violation_rates(self.state, self.v.ceasefire)
        if rates != self._rates:
            self._rates = rates
            proc = self._violation_process
            if proc is not None and proc.is_alive and self.env.active_process is not proc:
                proc.interrupt("rates changed")

    def _trigger(self, reason: str) -> None:
        if not self._trigger_pending:
            self._trigger_pending = True
            self.env.process(self._triggered_reviews(reason))

    # --- processes ---------------------------------------------------------------------------------------

    def _triggered_reviews(self, reason: str) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(0)
        self._trigger_pending = False
        for name in REGISTRY:
            self.review(name, reason)

    def _start_periodic_reviews(self, name: str) -> None:
        """Reviews every `review_every_days`, the first at a random offset within one interval.

        A chain of timeouts with a callback rather than a process: the same schedule, with less of SimPy's
        process machinery on the most frequent event of a replication.
        """
        env = self.env
        interval = self.actor_values[name].review_every_days

        def periodic_review(_: simpy.Event) -> None:
            self.review(name, PERIODIC)
            env.timeout(interval).callbacks.append(periodic_review)

        env.timeout(interval * self.streams[name].uniform()).callbacks.append(periodic_review)

    def _violations(self) -> Generator[simpy.Event, Any, None]:
        env, s, p = self.env, self.state, self.v.ceasefire
        rng = self.streams["violations"]
        while True:
            az, arm = self._rates
            total = az + arm
            try:
                if total <= 0.0:
                    self._calm_wake = env.event()
                    yield self._calm_wake
                    continue
                yield env.timeout(rng.exponential(total))
            except simpy.Interrupt:
                continue
            self._now()
            initiator = "azerbaijan" if rng.uniform() * total < az else "armenia"
            v = ceasefire.violate(s, p, self.v.attention, rng, initiator)
            if self.trace:
                self._log(
                    "violation",
                    initiator,
                    f"violation by {initiator}: {v.civilians} civilians killed"
                    + (", strike on a city" if v.city_strike else "")
                    + f"; escalation {s.spiral:.2f}",
                )
            if v.collapsed:
                self._rates = ceasefire.violation_rates(s, p)
                self._on_collapse("", "escalation spiral crossed its threshold")
            elif v.mass_casualty:
                self._trigger("mass-casualty strike")

    def _combat(self) -> Generator[simpy.Event, Any, None]:
        env, s = self.env, self.state
        rng = self.streams["combat"]
        while True:
            if s.ceasefire is not None:
                self._war_wake = env.event()
                yield self._war_wake
                continue
            yield env.timeout(1.0)
            if s.ceasefire is not None:
                continue
            self._now()
            day = combat.fight_day(s, self.v.combat, self.v.ceasefire, self.v.attention, rng)
            self._fight_days += 1
            if self.trace:
                for objective in day.taken:
                    self._log("objective_taken", "azerbaijan", f"{objective.label} ({objective.sector}) taken")
            if day.taken:
                self._trigger("objective taken")
            elif day.mass_casualty:
                self._trigger("mass-casualty strike")

    def _recorder(self) -> Generator[simpy.Event, Any, None]:
        """The daily row; it reads attention and the spiral without advancing them, so tracing never changes a run."""
        s = self.state
        while True:
            s.day = float(self.env.now)
            row = s.snapshot()
            row["attention"] = attention.level(s, self.v.attention)
            row["spiral"] = ceasefire.spiral_level(s, self.v.ceasefire)
            self.series.append(row)
            yield self.env.timeout(1.0)
