"""The discrete-event simulation: the only module that imports simpy.

Events: periodic reviews of each actor (a chain of timeouts with a callback), brokers' offers (each party answers
by its own policy; a ceasefire needs both), the violation process while a ceasefire is in force, one combat tick
per day of open war, the turns of the seasons, and a daily recorder (the compact daily table of every replication;
when tracing, the full daily series too). Triggers (`policy.Trigger`: ceasefire agreed or collapsed,
objective taken, an operation's losses beyond plan, a mass-casualty strike, the patron's support changing, an act
that names a trigger, winter) bring the actors that care about them (each policy's `reviews_on`) to an extra review.
Recording never changes a run: the recorder reads the state without advancing it.

The core names no actor, option or rung: the scenario's actors are cast from its `actors:` blocks, each following a
policy whose role (attacker, defender, patron, supporter, mediator) is how the core addresses it, and it talks to
them only through the contract of `model.policy` (what a role's policy means by backing, an offensive or talks is
the policy's own). What a capability or rung does is its declared `effects`.
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
    CeasefireValues,
    CombatValues,
    EffectValues,
    MediationValues,
)
from scenarios.config.policies import ActorValues
from scenarios.config.schema import Scenario
from scenarios.exceptions import ModelError
from scenarios.model import attention, ceasefire, combat, mediation, outcomes
from scenarios.model.actors import cast, roles_of
from scenarios.model.choice import Decision
from scenarios.model.observation import Observation, OfferView, OperationView, Roles
from scenarios.model.policy import (
    AttackerPolicy,
    DefenderPolicy,
    PatronPolicy,
    Policy,
    SupporterPolicy,
    Trigger,
)
from scenarios.model.random import child_seed, named_streams
from scenarios.model.state import ObjectiveState, OfferRecord, SectorState, WorldState
from scenarios.roles import Role

MECHANISM_STREAMS = ("violations", "combat", "mediation")
PERIODIC = "periodic review"


@dataclass(frozen=True)
class ReplicationResult:
    """Everything one replication produced: drawn parameters, outcomes, ceasefires, offers, and its story."""

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
        by_name = self.actors
        attacker, defender = by_name[self.roles.attacker], by_name[self.roles.defender]
        patron = by_name.get(self.roles.patron)
        supporter = by_name.get(self.roles.supporter)
        assert isinstance(attacker, AttackerPolicy) and isinstance(defender, DefenderPolicy)
        assert patron is None or isinstance(patron, PatronPolicy)
        assert supporter is None or isinstance(supporter, SupporterPolicy)
        self.attacker, self.defender, self.patron, self.supporter = attacker, defender, patron, supporter
        self.labels = {name: scenario.label(name) for name in self.actors}
        self.role_labels = {role: self.labels[name] for role, name in self.roles._asdict().items() if name}
        self.actor_values = {
            name: BlockFactory(actor.values, scenario.actors[name], f"actors.{name}")
            for name, actor in self.actors.items()
        }
        self.ceasefire = BlockFactory(CeasefireValues, scenario.ceasefire, "ceasefire")
        self.combat = BlockFactory(CombatValues, scenario.combat, "combat")
        self.attention = BlockFactory(AttentionValues, scenario.attention, "attention")
        self.mediation = BlockFactory(MediationValues, scenario.mediation, "mediation")
        effects = {  # capabilities first, then the supporter's rungs, in order
            name: BlockFactory(EffectValues, c.effects, f"world.capabilities.{name}.effects")
            for name, c in scenario.world.capabilities.items()
        }
        if self.roles.supporter:
            ladder = getattr(scenario.actors[self.roles.supporter], "ladder")  # noqa: B009
            for rung, r in ladder.items():
                effects[rung] = BlockFactory(
                    EffectValues, r.effects, f"actors.{self.roles.supporter}.ladder.{rung}.effects"
                )
        self.effects = effects


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

    Where the scenario says what the report knew of its date (`world.ceasefire.known_in_force`), a path that
    contradicts it is dropped as soon as it does (at the latest at the end of that date) and drawn again from a
    child of the seed, with the same parameter values: the ranges in the YAML are already the report's view, which
    includes that fact, so only the chance events are held to it (the batch keeps the parameter distribution the
    scenario gives). The first path is the seed's own, so a replication that agrees at once is the one the
    scenario without the condition runs.
    """
    if parameters is None:
        rng = np.random.default_rng(child_seed(seed_sequence, "parameters"))
        flat = draw_parameters(scenario, rng, scenario.parameter_specs())
    else:
        flat = dict(parameters)
    known = scenario.world.ceasefire.known_in_force
    if known is None:
        return _Replication(scenario, flat, seed_sequence, record_trace).run()
    through = (known.until - scenario.simulation.start_date).days + 1  # to the end of that date
    known_day = float(min(through, scenario.simulation.horizon_days))  # a shorter run keeps it to its horizon
    for redraws in range(known.max_redraws):
        seed = seed_sequence if redraws == 0 else child_seed(seed_sequence, f"history redraw {redraws}")
        replication = _Replication(scenario, flat, seed, record_trace)
        if replication.start_ceasefire_holds_until(known_day):
            return replication.run(redraws)
    raise ModelError(
        f"world.ceasefire.known_in_force: a replication's parameter values contradicted it on all of its "
        f"{known.max_redraws} paths (the start ceasefire ended by {known.until} every time). They make what the "
        "report knew nearly impossible: look at the violation rates, the spiral's threshold and who may break the "
        "ceasefire early, or raise known_in_force.max_redraws"
    )


class _Replication:
    def __init__(self, scenario: Scenario, flat: dict[str, float], seed: np.random.SeedSequence, trace: bool):
        self.scenario = scenario
        self.flat = flat
        self.trace = trace
        self.events: list[dict[str, Any]] = []
        self.series: list[dict[str, Any]] = []
        self.daily: list[tuple[Any, ...]] = []
        self.daily_every = int(scenario.simulation.daily_every)
        prep = prepared(scenario)
        self.labels = prep.role_labels
        self.actors = prep.actors
        self.roles: Roles = prep.roles
        roles = self.roles
        self.attacker: AttackerPolicy[Any] = prep.attacker
        self.defender: DefenderPolicy[Any] = prep.defender
        self.patron: PatronPolicy[Any] | None = prep.patron
        self.supporter: SupporterPolicy[Any] | None = prep.supporter
        self.streams = named_streams(seed, [*MECHANISM_STREAMS, *self.actors])
        self.horizon = float(scenario.simulation.horizon_days)
        self.actor_values: dict[str, ActorValues] = {name: build(flat) for name, build in prep.actor_values.items()}
        self.cf_values = prep.ceasefire(flat)
        self.combat_values = prep.combat(flat)
        self.attention_values = prep.attention(flat)
        self.mediation_values = prep.mediation(flat)
        self.effects = {name: build(flat) for name, build in prep.effects.items()}
        self.grievance_window = self.defender.grievance_window(self.actor_values[roles.defender])
        self.state = self._initial_state()
        self.total_value = self.state.total_value()
        self.start_share = self.state.share()
        self.start_taken = sum(o.held_by == roles.attacker for o in self.state.objectives.values())
        self.env = simpy.Environment()
        self._war_wake: simpy.Event | None = None
        self._calm_wake: simpy.Event | None = None
        self._rates = ceasefire.violation_rates(self.state, self.cf_values)
        self._pending: set[Trigger] = set()
        self._trigger_pending = False
        self._in_offer = False
        self._violation_process: simpy.Process | None = None
        self._last_review: dict[str, float] = {}
        self._postures_seen: Mapping[str, str] | None = None
        self._reviews_on = {name: actor.reviews_on for name, actor in self.actors.items()}
        self._signals: dict[str, tuple[Policy[Any], ActorValues] | None] = {  # the observation's fields fed by a role
            "centre_lost": (self.defender, self.actor_values[roles.defender]),
            "intervention_trigger": (self.patron, self.actor_values[roles.patron]) if self.patron else None,
        }
        self._signal_seen: dict[str, tuple[int, bool]] = {}  # field -> (captures when read, value)
        self._flags_seen = MappingProxyType(self.state.flags)  # a read-only view of the live flags
        self._presses: Role | None = None  # what the observation reads of the postures (set with `_postures_seen`)
        self._on_offensive = False
        self._help_key = f"{roles.defender}.{self.defender.help_flag}"
        self._conceded_keys = self.state.conceded_flags
        self._flags_count = -1  # the number of flags when `_conceded` and `_helped` were read
        self._conceded = self._helped = False
        self._op_alarm = False  # the current operation has already raised its losses-beyond-plan trigger
        self._started = False  # the processes are in the environment

    # --- set-up ------------------------------------------------------------------------------------------

    def _initial_state(self) -> WorldState:
        sc = self.scenario
        flat = self.flat
        routes = sc.world.routes()
        sectors = []
        for sid, sector in sc.world.sectors.items():
            objectives = [
                ObjectiveState(
                    oid,
                    sid,
                    o.label,
                    o.terrain,
                    o.city,
                    o.value,
                    o.population,
                    flat[f"world.sectors.{sid}.objectives.{oid}.difficulty"],
                    o.held_by,
                    tuple(routes[oid]),
                )
                for oid, o in sector.objectives.items()
            ]
            sectors.append(SectorState(sid, sector.label, objectives))
        roles = self.roles
        supporter = self.supporter
        patron = self.patron
        ladder = supporter.ladder() if supporter is not None else ()
        postures: dict[str, str] = {}
        for actor in self.actors.values():
            postures.update(actor.start_postures())
        level = sum(r.in_place_at_start for r in ladder)
        state = WorldState(
            start_date=sc.simulation.start_date,
            winter_day=flat["season.winter_start"],
            winter_end_day=flat["season.winter_end"],
            sectors=sectors,
            postures=postures,
            support_ladder=tuple(r.name for r in ladder),
            support_level=level,
            attention=flat["world.start_attention"],
            attacker=roles.attacker,
            defender=roles.defender,
            patron=roles.patron,
            patron_track=f"{roles.patron}.{patron.support_track}" if patron is not None else "",
            backing=patron.backing if patron is not None else frozenset(),
            intervened=patron.intervened if patron is not None else "",
            owned=frozenset(name for name, c in sc.world.capabilities.items() if c.held),
            support_floor=sum(not r.withdrawable for r in ladder),
            effects=self.effects,
            conceded_flags=tuple(f"{roles.defender}.{f}" for f in self.defender.conceded_flags),
            attacker_talks=self.attacker.talks,
            defender_retaliation=self.defender.retaliation,
        )
        if supporter is not None:  # the ladder's posture is its top rung in place
            postures[roles.supporter] = ladder[level - 1].name if level else "none"
        for track, posture in state.postures.items():
            state.first_option_day[f"{track.split('.')[0]}.{posture}"] = 0.0
        start = sc.world.ceasefire
        ceasefire.start(state, start.kind, start.broker, start.peacekeepers)
        return state

    def start_ceasefire_holds_until(self, day: float) -> bool:
        """Run up to (not including) `day`, stopping early if the start ceasefire ends first; whether it held."""
        self._start_processes()
        first = self.state.ceasefires[0]
        env = self.env
        while env.peek() < day:
            env.step()
            if first.end is not None:
                return False
        return True

    def _start_processes(self) -> None:
        if self._started:
            return
        self._started = True
        env = self.env
        for name, actor in self.actors.items():
            self._start_periodic_reviews(name)
            if actor.broker:
                env.process(self._offers(name))
        self._violation_process = env.process(self._violations())
        env.process(self._combat())
        env.process(self._seasons())
        env.process(self._recorder())
        if self.trace:
            start = self.scenario.world.ceasefire
            self._log("ceasefire_start", start.broker, f"{start.kind} ceasefire in force")

    def run(self, redraws: int = 0) -> ReplicationResult:
        """The replication to its horizon (on from where `start_ceasefire_holds_until` stopped, if it ran);
        `redraws`: the draws dropped before this one for contradicting what the report knew."""
        self._start_processes()
        self.env.run(until=self.horizon)
        self._now()
        self.state.set_support_level(self.state.support_level)  # close the influence integral
        sc = self.scenario
        record = outcomes.outcome_record(
            self.state,
            self.horizon,
            sc.outcomes,
            self.start_share,
            self.start_taken,
            {name: tuple(o for opts in a.all_tracks().values() for o in opts) for name, a in self.actors.items()},
            tuple(f"{name}.{flag}" for name, a in self.actors.items() for flag in a.flags),
        )
        record["history_redraws"] = redraws
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

    def _operations(self, spec: Policy[Any]) -> tuple[tuple[OperationView, ...], OperationView | None, float]:
        s = self.state
        if not spec.reads_front:
            return (), None, 0.0
        max_route, max_days = self.attacker.operation_limits(self.actor_values[self.roles.attacker])
        views = combat.operation_views(s, self.combat_values, max_route, max_days)
        op = s.operation
        current = next((v for v in views if v.target == op.target), None) if op is not None else None
        losses = 0.0
        if op is not None and op.planned_casualties > 0:
            elapsed = max(s.day - op.launched, 0.0)
            planned = op.planned_casualties * min(1.0, elapsed / max(op.planned_days, 1e-9))
            losses = (s.casualties.military_attacker - op.casualties_at_launch) / max(planned, 1.0)
        return views, current, losses

    def _signal(self, field: str) -> bool:
        """A policy's signal; it reads the holdings only, so (untraced) it is read again only after a capture.
        Traced runs read it every time: the reference the fast path is tested against."""
        hook = self._signals[field]
        if hook is None:
            return False
        captures = self.state.captures
        seen = self._signal_seen.get(field)
        if seen is not None and seen[0] == captures and not self.trace:
            return seen[1]
        policy, values = hook
        value = bool(policy.signal(self.state, values, self.start_share))
        self._signal_seen[field] = (captures, value)
        return value

    def observe(self, spec: Policy[Any], offer: OfferView | None = None) -> Observation:
        """The common picture; the operations (the costliest part) only for actors that read them."""
        s = self.state
        cf = s.ceasefire
        postures = self._postures_seen
        if postures is None:  # a read-only copy, rebuilt only after a posture changed, with what others read of it
            postures = self._postures_seen = MappingProxyType(dict(s.postures))
            patron = self.patron
            self._presses = patron.presses(postures.get(patron.name)) if patron is not None else None
            self._on_offensive = postures.get(self.attacker.name) == self.attacker.offensive
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
        return Observation(
            actor=spec.name,
            roles=self.roles,
            day=day,
            winter=s.winter,
            days_to_winter=to_winter,
            ceasefire=cf is not None,
            ceasefire_kind=cf.kind if cf is not None else None,
            peacekeepers=cf is not None and cf.peacekeepers,
            ceasefire_days=day - cf.start if cf is not None else 0.0,
            war_days=s.war_days(),
            war_spell_days=day - s.war_since if s.war_since is not None else 0.0,
            attacker_share=s.share(),
            start_share=self.start_share,
            attention=s.attention,
            postures=postures,
            support_level=s.support_level,
            support_levels=len(s.support_ladder),
            support_start_level=s.start_support_level,
            support_floor=s.support_floor,
            days_since_support_changed=day - s.support_level_since,
            support_in_place=s.support_in_place,
            support_total=s.support_total,
            deterrence=s.deterrence,
            patron_backs_defender=s.patron_backs(),
            patron_presses=self._presses,
            attacker_on_offensive=self._on_offensive,
            defender_conceded=self._conceded,
            help_requested=self._helped,
            flags=self._flags_seen,
            recent_attacks=s.recent_attack_count(self.grievance_window),
            days_since_front_moved=day - s.front_moved_day,
            centre_lost=self._signal("centre_lost"),
            intervention_trigger=self._signal("intervention_trigger"),
            operation=current,
            operation_losses=losses,
            operations=views,
            offer=offer,
        )

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
        level = s.support_level
        support = s.patron_backs()
        operation = s.operation
        spec.apply(s, decision, obs)
        if s.operation is not operation:
            self._op_alarm = False
        elif s.operation is not None and obs.operation is not None:
            s.operation.route = obs.operation.route  # carrying on, by today's quickest route
        if not track:
            s.first_option_day.setdefault(f"{spec.name}.{decision.option}", s.day)
        if self.trace and (track or decision.option not in spec.quiet_acts):
            was = f" (was {before})" if changed else ""
            if s.operation is not operation and s.operation is not None and operation is not None:
                was = f" (was operation:{operation.target})"  # a new operation, the posture unchanged
            self._log(
                "decision" if track else "act",
                spec.name,
                f"[{reason}] {decision.explain()}{was}",
                {"utilities": decision.utilities, "probabilities": decision.probabilities},
            )
        if had_ceasefire and s.ceasefire is None:
            self._on_collapse(spec.name, decision.option)
        if changed or s.support_level != level or had_ceasefire != (s.ceasefire is not None):
            self._rates_may_have_changed()
        if s.support_level != level:  # the ladder's posture is its top rung in place
            self._set_posture(spec.name, s.support_ladder[s.support_level - 1] if s.support_level else "none")
        if s.patron_backs() != support and self.patron is not None:
            self._trigger(Trigger.PATRON_SUPPORT_CHANGED)
        trigger = spec.option_triggers.get(decision.option)
        if trigger is not None:
            self._trigger(trigger)

    def _set_posture(self, track: str, posture: str) -> None:
        s = self.state
        s.postures[track] = posture
        s.first_option_day.setdefault(f"{track.split('.')[0]}.{posture}", s.day)
        s.posture_changes[track] = s.posture_changes.get(track, 0) + 1
        self._postures_seen = None

    def _offer(self, broker: str) -> None:
        """A broker's offer today: its terms, each party's answer, and a ceasefire only if every party accepts."""
        s = self.state
        self._now()
        if s.ceasefire is None and s.war_since == s.day:
            return  # no talks at the very instant the fighting resumed
        spec = self.actors[broker]
        attacker = self.attacker
        met = attacker.position_met(s, self.actor_values[attacker.name])
        offer = mediation.terms(s, self.mediation_values, self.streams["mediation"], broker, met, spec.peacekeepers)
        if offer is None:
            return
        view = OfferView(
            broker, offer.kind, offer.upgrade, offer.peacekeepers, spec.credibility(self.actor_values[broker])
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
                    "answer", name, f"[offer by {broker}] {decision.explain()}", {"utilities": decision.utilities}
                )
        offer.accepted = all(a == "accept" for a in offer.answers.values())
        s.offers.append(offer)
        self._log_offer(offer)
        if not offer.accepted:
            return
        if offer.upgrade:
            assert s.ceasefire is not None
            ceasefire.upgrade(s, offer.peacekeepers)
            self._log("ceasefire_upgrade", broker, f"comprehensive ceasefire, peacekeepers={offer.peacekeepers}")
        else:
            ceasefire.start(s, offer.kind, broker, offer.peacekeepers)
            self._log("ceasefire_start", broker, f"{offer.kind} ceasefire, peacekeepers={offer.peacekeepers}")
            if self._calm_wake is not None and not self._calm_wake.triggered:
                self._calm_wake.succeed()
        attacker = self.attacker  # having accepted, an attacker on the offensive stands down into talks
        if s.postures.get(attacker.name) == attacker.offensive:
            self._set_posture(attacker.name, attacker.talks)
        self._rates_may_have_changed()
        self._trigger(Trigger.CEASEFIRE_AGREED)

    def _log_offer(self, offer: OfferRecord) -> None:
        if self.trace:
            answers = ", ".join(f"{k} {v}s" for k, v in offer.answers.items())
            what = "comprehensive terms for the ceasefire" if offer.upgrade else f"a {offer.kind} ceasefire"
            guard = " with its peacekeepers" if offer.peacekeepers else ""
            self._log(
                "offer",
                offer.broker,
                f"{offer.broker} offers {what}{guard}: {answers} -> " + ("agreed" if offer.accepted else "no deal"),
            )

    def _on_collapse(self, actor: str, why: str) -> None:
        """`actor` chose `why`, or the escalation spiral (actor "") crossed its threshold."""
        s = self.state
        s.min_support_level_at_war = min(s.min_support_level_at_war, s.support_level)
        if self.trace:
            cf = s.ceasefires[-1]
            reason = f"{actor} chose {why}" if actor else why
            self._log("ceasefire_end", "", f"ceasefire {cf.number} collapsed ({cf.cause}): {reason}")
        if self._war_wake is not None and not self._war_wake.triggered:
            self._war_wake.succeed()
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

    def _offers(self, broker: str) -> Generator[simpy.Event, Any, None]:
        """A broker's offers, every `offer_every_days` while there is open war or a humanitarian ceasefire."""
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
                self._log("season", "", what.text(self.labels))
                self._trigger(what)

    def _violations(self) -> Generator[simpy.Event, Any, None]:
        env, s, p = self.env, self.state, self.cf_values
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
            initiator = self.roles.attacker if rng.uniform() * total < az else self.roles.defender
            v = ceasefire.violate(s, p, self.attention_values, rng, initiator)
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
                self._trigger(Trigger.MASS_CASUALTY)

    def _combat(self) -> Generator[simpy.Event, Any, None]:
        env, s = self.env, self.state
        rng = self.streams["combat"]
        attacker = self.roles.attacker
        tolerance = self.attacker.loss_tolerance(self.actor_values[attacker])
        while True:
            if s.ceasefire is not None:
                self._war_wake = env.event()
                yield self._war_wake
                continue
            yield env.timeout(1.0)
            if s.ceasefire is not None:
                continue
            self._now()
            day = combat.fight_day(s, self.combat_values, self.cf_values, self.attention_values, rng)
            if self.trace:
                for objective in day.taken:
                    self._log("objective_taken", attacker, f"{objective.label} ({objective.sector}) taken")
            op = s.operation
            if day.taken:
                self._trigger(Trigger.OBJECTIVE_TAKEN)
            elif day.mass_casualty:
                self._trigger(Trigger.MASS_CASUALTY)
            if op is not None and not self._op_alarm:
                elapsed = s.day - op.launched
                lost = s.casualties.military_attacker - op.casualties_at_launch
                planned = op.planned_casualties * min(1.0, elapsed / max(op.planned_days, 1e-9))
                if lost > tolerance * max(planned, 1.0) or elapsed > tolerance * op.planned_days:
                    self._op_alarm = True
                    self._trigger(Trigger.OPERATION_BEHIND_PLAN)

    def _recorder(self) -> Generator[simpy.Event, Any, None]:
        """The daily rows; they read attention and the spiral without advancing them, so recording never changes a
        run. One process for both tables, so the daily table equals the traced series on the days it holds."""
        s = self.state
        every = self.daily_every
        while True:
            now = float(self.env.now)
            if self.trace or int(now) % every == 0:
                day, s.day = s.day, now  # read at today's date, then put the date back untouched
                level = attention.level(s, self.attention_values)
                if self.trace:
                    row = outcomes.daily_row(s)
                    row["attention"] = level
                    row["spiral"] = ceasefire.spiral_level(s, self.cf_values)
                    self.series.append(row)
                if int(now) % every == 0:
                    self.daily.append(outcomes.compact_daily_row(s, level))
                s.day = day
            yield self.env.timeout(1.0)
