"""The world state the actors observe and the mechanisms change; one instance per replication."""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from scenarios.config.mechanisms import EffectValues


@dataclass(slots=True)
class ObjectiveState:
    """A named objective, who holds it, and the routes into it."""

    id: str
    sector: str
    label: str
    terrain: str
    city: bool
    value: float
    population: float
    difficulty: float
    held_by: str
    after: tuple[str, ...] = ()  # objectives whose capture opens this one (any); () = on the line of contact
    taken_day: float | None = None
    progress: float = 0.0  # offensive effort spent against it so far (difficulty units)


@dataclass(slots=True)
class SectorState:
    """A sector of the front: a group of objectives, for shares and labels."""

    id: str
    label: str
    objectives: list[ObjectiveState]


@dataclass(slots=True)
class CeasefireRecord:
    """One ceasefire: when and how it began and ended, and what happened under it."""

    number: int
    kind: str
    broker: str
    peacekeepers: bool
    start: float
    share_at_start: float = 0.0  # attacker's share of the contested value when it was agreed
    end: float | None = None
    cause: str | None = None  # offensive | escalation_spiral | None while in force (censored)
    broken_by: str | None = None
    upgraded_day: float | None = None
    first_violation: float | None = None
    violations: int = 0


@dataclass(slots=True)
class OfferRecord:
    """One mediation offer: who offered what, and each party's answer."""

    number: int
    day: float
    broker: str
    kind: str  # humanitarian | comprehensive
    upgrade: bool  # terms for a ceasefire already in force
    peacekeepers: bool
    answers: dict[str, str] = field(default_factory=dict)  # party -> accept | refuse
    accepted: bool = False


@dataclass(slots=True)
class Operation:
    """An operation of the attacker: the objective it means to take, the route there, and its plan."""

    target: str
    route: tuple[str, ...]
    launched: float
    planned_days: float
    planned_casualties: float
    casualties_at_launch: float


@dataclass(slots=True)
class Casualties:
    """Deaths since the start date, by side (people)."""

    military_attacker: float = 0.0
    military_defender: float = 0.0
    civilian_attacker: float = 0.0  # civilians on the attacker's side (killed by the defender's strikes)
    civilian_defender: float = 0.0


@dataclass(slots=True)
class WorldState:
    """Everything the simulation tracks; mutated only by the mechanisms and actor effects."""

    start_date: dt.date
    winter_day: float
    winter_end_day: float
    sectors: list[SectorState]
    postures: dict[str, str]  # track -> posture (a track is an actor, or "actor.track" for a second track)
    support_ladder: tuple[str, ...]  # the supporter's rungs, lowest first (empty without a supporter)
    support_level: int
    attention: float
    attacker: str  # the attacker's name (objectives are held by it or by the defender)
    defender: str
    patron: str = ""  # the defender's patron; "" without one
    patron_track: str = ""  # the patron's support track ("<patron>.support"); "" without a patron
    backing: frozenset[str] = frozenset()  # support postures in which the patron backs the defender
    intervened: str = ""  # the support posture of the patron's military intervention
    owned: frozenset[str] = frozenset()  # capabilities the attacker owns outright (never withdrawn)
    support_floor: int = 0  # the supporter's lowest rungs it never withdraws
    # what each capability and rung does (this replication's values), by name; capabilities first, then the ladder
    effects: dict[str, EffectValues] = field(default_factory=dict)
    conceded_flags: tuple[str, ...] = ()  # the defender's flags ("actor.act") that put a concession on the table
    attacker_talks: str = ""  # the attacker's posture of talks (its violations fall)
    defender_retaliation: str = ""  # the defender's posture of retaliation (its strikes and violations rise)
    day: float = 0.0
    attention_day: float = 0.0
    casualties: Casualties = field(default_factory=Casualties)
    ceasefire: CeasefireRecord | None = None
    ceasefires: list[CeasefireRecord] = field(default_factory=list)
    offers: list[OfferRecord] = field(default_factory=list)
    operation: Operation | None = None
    operations: int = 0  # operations launched
    spiral: float = 0.0
    spiral_day: float = 0.0
    war_since: float | None = None  # start of the current spell of open war
    war_days_before: float = 0.0  # open-war days in earlier spells
    flags: dict[str, float] = field(default_factory=dict)  # "actor.act" -> first day (asked for help, conceded, ...)
    front_moved_day: float = 0.0
    recent_attacks: deque[float] = field(default_factory=deque)  # days of the attacker's attacks
    first_option_day: dict[str, float] = field(default_factory=dict)  # "actor.option" -> day
    posture_changes: dict[str, int] = field(default_factory=dict)  # track -> changes of posture
    support_level_days: float = 0.0  # integral of the level over time, for the influence index
    support_level_since: float = 0.0
    start_support_level: int = 0
    max_support_level: int = 0
    min_support_level_at_war: int = 0
    rungs: frozenset[str] = frozenset()  # support in place now: owned capabilities and the supporter's rungs
    in_place: tuple[EffectValues, ...] = ()  # their effects, capabilities first, then the ladder's rungs in order
    support_in_place: float = 0.0  # the `support_weight`s of the supporter's rungs in place
    support_total: float = 0.0  # ... and of its whole ladder
    deterrence: float = 0.0  # the `deters_retaliation` of what is in place
    objectives: dict[str, ObjectiveState] = field(default_factory=dict)
    rate_cache: dict[Any, Any] = field(default_factory=dict)  # combat rates by conditions (combat.season_rates)
    route_cache: dict[Any, Any] = field(default_factory=dict)  # quickest routes by holdings and conditions
    captures: int = 0  # objectives taken so far (a version number of the holdings)
    _total_value: float = 0.0
    _attacker_value: float = 0.0

    def __post_init__(self) -> None:
        self.objectives = {o.id: o for s in self.sectors for o in s.objectives}
        self.support_total = 0.0
        for name in self.support_ladder:
            weight = self.effects[name].support_weight
            if weight is not None:
                self.support_total += weight
        self._put_in_place(self.support_level)
        self.start_support_level = self.max_support_level = self.min_support_level_at_war = self.support_level
        self._total_value = sum(o.value for o in self.objectives.values())
        self._attacker_value = sum(o.value for o in self.objectives.values() if o.held_by == self.attacker)

    @property
    def winter(self) -> bool:
        return self.winter_day <= self.day < self.winter_end_day

    @property
    def at_war(self) -> bool:
        return self.ceasefire is None

    def war_days(self) -> float:
        return self.war_days_before + (self.day - self.war_since if self.war_since is not None else 0.0)

    def has_rung(self, name: str) -> bool:
        """Whether support (an owned capability or a rung of the supporter) includes this now."""
        return name in self.rungs

    def flag(self, name: str) -> bool:
        return name in self.flags

    def defender_conceded(self) -> bool:
        """Whether the defender has made a concession (or agreed to withdraw)."""
        return any(f in self.flags for f in self.conceded_flags)

    def set_flag(self, name: str) -> None:
        self.flags.setdefault(name, self.day)

    def support_posture(self) -> str | None:
        """The patron's posture on its support track (None without a patron)."""
        return self.postures.get(self.patron_track)

    def patron_backs(self) -> bool:
        """Whether the patron backs the defender now."""
        return self.postures.get(self.patron_track) in self.backing

    def patron_intervened(self) -> bool:
        return bool(self.intervened) and self.postures.get(self.patron_track) == self.intervened

    def total_value(self) -> float:
        return self._total_value

    def attacker_value(self) -> float:
        return self._attacker_value

    def share(self) -> float:
        """The attacker's share of the contested value."""
        return self._attacker_value / self._total_value

    def attackable(self) -> list[ObjectiveState]:
        """Objectives the attacker can attack now: not its own, on the line of contact or opened by a capture."""
        objectives = self.objectives
        return [
            o
            for o in objectives.values()
            if o.held_by != self.attacker
            and (not o.after or any(objectives[a].held_by == self.attacker for a in o.after))
        ]

    def take(self, objective: ObjectiveState) -> None:
        """The attacker takes an objective today."""
        objective.held_by = self.attacker
        objective.taken_day = self.day
        objective.progress = 0.0
        self.captures += 1
        self._attacker_value += objective.value
        self.front_moved_day = self.day

    def _put_in_place(self, level: int) -> None:
        """What is in place with `level` rungs of the ladder: its names, effects, support weight and deterrence."""
        names = [name for name in self.effects if name in self.owned] + list(self.support_ladder[:level])
        self.rungs = frozenset(names)
        self.in_place = tuple(self.effects[name] for name in names)
        self.support_in_place = 0.0
        for name in self.support_ladder[:level]:
            weight = self.effects[name].support_weight
            if weight is not None:
                self.support_in_place += weight
        self.deterrence = 0.0
        for effect in self.in_place:
            if effect.deters_retaliation is not None:
                self.deterrence += effect.deters_retaliation

    def defender_retaliates(self) -> bool:
        return self.postures.get(self.defender) == self.defender_retaliation

    def attacker_in_talks(self) -> bool:
        return self.postures.get(self.attacker) == self.attacker_talks

    def sector_share(self, sector: SectorState) -> float:
        total = sum(o.value for o in sector.objectives)
        return sum(o.value for o in sector.objectives if o.held_by == self.attacker) / total

    def note_attack(self) -> None:
        self.recent_attacks.append(self.day)

    def recent_attack_count(self, window_days: float) -> int:
        """The attacker's attacks in the last `window_days` (older ones are forgotten for good)."""
        cutoff = self.day - window_days
        while self.recent_attacks and self.recent_attacks[0] < cutoff:
            self.recent_attacks.popleft()
        return len(self.recent_attacks)

    def set_support_level(self, level: int) -> None:
        self.support_level_days += self.support_level * (self.day - self.support_level_since)
        self.support_level_since = self.day
        self.support_level = level
        self._put_in_place(level)
        self.max_support_level = max(self.max_support_level, level)
        if self.at_war:
            self.min_support_level_at_war = min(self.min_support_level_at_war, level)
