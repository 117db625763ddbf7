"""The world state the actors observe and the mechanisms change; one instance per replication.

Places are held by either party and change hands both ways. A truce has a formal life (agreed, in force, formally
ended by a party's decision) and an effective one (the days fought and the quiet days under it). Each backer climbs
a ladder of commitments whose battlefield effects arrive after a lag. Each party's stocks (manpower, materiel, money)
deplete with the war and are replenished by its backers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from scenarios.config.mechanisms import EffectValues


@dataclass(slots=True)
class Place:
    """A named place, who holds it, and the roads that join it to others."""

    id: str
    sector: str
    label: str
    terrain: str
    city: bool
    value: float
    population: float
    difficulty: float  # effort on open ground, before terrain and fortification (days at the attacker's base rate)
    held_by: str
    after: tuple[str, ...] = ()  # places whose capture opens this one to the attacker; () = on the line of contact
    fortification: int = 0
    core: bool = False
    territory_of: str | None = None  # an actor's own land outside the contested region
    neighbours: tuple[str, ...] = ()  # joined by a road, either way (from `after` both ways)
    overlooked_from: tuple[str, ...] = ()  # heights that command it from above
    start_holder: str = ""
    taken_day: float | None = None  # first day the attacker took it
    retaken_day: float | None = None  # first day the defender took it back from the attacker (whoever held it first)
    lost_day: float | None = None  # last day it changed hands
    changes: int = 0  # times it changed hands since the start
    progress: float = 0.0  # effort spent against it by the party assaulting it now
    progress_by: str = ""
    pressed_day: float = 0.0  # last day it was assaulted (the start date for a fight under way then)
    cut_off_since: float | None = None  # the day its holder's lines stopped reaching it (None: they reach it)

    @property
    def contested(self) -> bool:
        return self.territory_of is None

    @property
    def on_line(self) -> bool:
        """On the line of contact at the start: whoever does not hold it may assault it."""
        return not self.after


@dataclass(slots=True)
class SectorState:
    """A sector of the front: a group of places, for shares and labels."""

    id: str
    label: str
    places: list[Place]


@dataclass(slots=True)
class CeasefireRecord:
    """One truce: when and how it was agreed and formally ended, and what happened under it in fact."""

    number: int
    kind: str  # humanitarian | comprehensive
    brokers: tuple[str, ...]
    peacekeepers: bool
    start: float
    share_at_start: float = 0.0  # attacker's share of the contested value when it was agreed
    end: float | None = None  # formal end (None while in force)
    cause: str | None = None  # offensive | denounced | None while in force
    broken_by: str | None = None
    upgraded_day: float | None = None
    first_violation: float | None = None
    violations: int = 0
    first_fighting: float | None = None  # first day an operation was fought under it
    fighting_days: int = 0  # days an operation was fought under it
    noisy_days: int = 0  # days without an operation but with many violations
    settlement: str = ""  # the terms it carried, if a settlement
    handed_over: tuple[str, ...] = ()  # places the defender handed over under it
    quiet_until: float | None = None  # the first day it stopped being quiet (fighting or many violations)
    quiet_since: float | None = None  # when its current quiet spell began (None: its last day was not quiet)
    longest_quiet: float = 0.0  # its longest quiet spell that has ended (days)
    _day_violations: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.quiet_since = self.start  # a truce begins quiet

    @property
    def broker(self) -> str:
        return self.brokers[0] if self.brokers else ""

    def longest_quiet_spell(self, horizon: float) -> float:
        """Its longest run of quiet days (no operation fought under it, few violations), the one under way counted
        to its formal end or the horizon: a truce that settles after a noisy first week and holds for months held
        in fact (story reading 19), though `quiet_until` ended its first spell early."""
        end = self.end if self.end is not None else horizon
        current = end - self.quiet_since if self.quiet_since is not None else 0.0
        return max(self.longest_quiet, current, 0.0)


@dataclass(slots=True)
class OfferRecord:
    """One mediation offer: who offered what, and each party's answer."""

    number: int
    day: float
    brokers: tuple[str, ...]
    kind: str  # humanitarian | comprehensive
    upgrade: bool  # terms for a truce already in force
    peacekeepers: bool
    settlement: str = ""  # a settlement's terms (`settlements:` id), if any
    handover: tuple[str, ...] = ()  # the places the defender would hand over
    answers: dict[str, str] = field(default_factory=dict)  # party -> accept | refuse
    accepted: bool = False

    @property
    def broker(self) -> str:
        return self.brokers[0]


@dataclass(slots=True)
class Operation:
    """An operation of a party: the place it means to take, the route there, and its plan."""

    target: str
    route: tuple[str, ...]
    launched: float
    planned_days: float
    planned_casualties: float
    casualties_at_launch: float
    party: str = ""
    local: bool = False  # fought under a truce that stays formally in force


@dataclass(slots=True)
class Casualties:
    """Deaths since the start date, by side (people)."""

    military_attacker: float = 0.0
    military_defender: float = 0.0
    civilian_attacker: float = 0.0  # civilians on the attacker's side (killed by the defender's strikes)
    civilian_defender: float = 0.0


@dataclass(slots=True)
class Ladder:
    """A backer's ladder of commitments: the rungs it has decided, and when each arrives on the battlefield."""

    backer: str
    side: str  # the party it backs (an actor id)
    rungs: tuple[str, ...]
    level: int  # rungs decided (the lowest `level`)
    floor: int = 0  # rungs it never withdraws
    arrival: dict[str, float] = field(default_factory=dict)  # rung -> day its battlefield effects arrive
    level_since: float = 0.0
    start_level: int = 0
    max_level: int = 0
    min_level_at_war: int = 0
    level_days: float = 0.0  # integral of the level over time, for the influence index
    first_decided: dict[str, float] = field(default_factory=dict)  # rung -> first day decided
    first_arrived: dict[str, float] = field(default_factory=dict)  # rung -> first day arrived

    def decided(self) -> tuple[str, ...]:
        return self.rungs[: self.level]

    def arrived(self, day: float) -> tuple[str, ...]:
        return tuple(r for r in self.rungs[: self.level] if self.arrival.get(r, 0.0) <= day)


@dataclass(slots=True)
class Stocks:
    """A party's stocks as fractions of what it started with (1 = full, 0 = exhausted)."""

    manpower: float = 1.0
    materiel: float = 1.0
    money: float = 1.0

    def level(self) -> float:
        """Its endurance: the scarcest of its stocks."""
        return min(self.manpower, self.materiel, self.money)


@dataclass(slots=True)
class WorldState:
    """Everything the simulation tracks; mutated only by the mechanisms and actor effects."""

    start_date: dt.date
    winter_day: float
    winter_end_day: float
    sectors: list[SectorState]
    postures: dict[str, str]  # track -> posture (a track is an actor, or "actor.track" for a second track)
    attention: float
    attacker: str  # the parties (places are held by one of them)
    defender: str
    patrons: tuple[str, ...] = ()  # backers of the defender
    supporters: tuple[str, ...] = ()  # backers of the attacker
    ladders: dict[str, Ladder] = field(default_factory=dict)  # backer -> its ladder
    owned: frozenset[str] = frozenset()  # capabilities the attacker owns outright (never withdrawn)
    # what each capability and rung does (this replication's values), by name
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
    operations: dict[str, Operation | None] = field(default_factory=dict)  # party -> its operation
    launched: dict[str, int] = field(default_factory=dict)  # party -> operations launched
    strain: float = 0.0
    strain_by: dict[str, float] = field(default_factory=dict)  # party -> the part of the strain its violations left
    strain_day: float = 0.0
    war_since: float | None = None  # start of the current spell of open war (no truce in force)
    war_days_before: float = 0.0  # open-war days in earlier spells
    fighting_days: int = 0  # days an operation was fought (under a truce or not)
    flags: dict[str, float] = field(default_factory=dict)  # "actor.act" -> first day (asked for help, conceded, ...)
    front_moved_day: float = -math.inf  # the last day a place changed hands in this run (-inf: none yet)
    recent_attacks: deque[float] = field(default_factory=deque)  # days of the attacker's attacks
    first_option_day: dict[str, float] = field(default_factory=dict)  # "actor.option" -> day
    posture_changes: dict[str, int] = field(default_factory=dict)  # track -> changes of posture
    stocks: dict[str, Stocks] = field(default_factory=dict)  # party -> its stocks
    spillover_strikes: dict[str, int] = field(default_factory=dict)  # territory owner -> strikes on it
    treaty_triggered: dict[str, float] = field(default_factory=dict)  # backer -> day its treaty was triggered
    attacked_day: dict[str, float] = field(default_factory=dict)  # actor -> last day its own land or forces were hit
    broken_day: float | None = None  # the last day a party formally ended a truce
    handed_over: list[str] = field(default_factory=list)  # places handed over by settlements, in order
    core_handed_day: float | None = None  # the day a settlement first handed over a place of the core
    # settlement -> (`captures`, day) when last refused, and how many times on this map
    refused_settlements: dict[str, tuple[int, float, int]] = field(default_factory=dict)
    refused_terms: dict[tuple[Any, ...], tuple[int, float, int]] = field(default_factory=dict)  # terms -> the same
    places: dict[str, Place] = field(default_factory=dict)
    rate_cache: dict[Any, Any] = field(default_factory=dict)  # combat rates by conditions
    route_cache: dict[Any, Any] = field(default_factory=dict)  # quickest routes by holdings and conditions
    supply_cache: dict[tuple[str, int], frozenset[str]] = field(default_factory=dict)  # supplied places by holdings
    captures: int = 0  # places that changed hands so far (a version number of the holdings)
    support_version: int = 0  # changes of what is in place on the battlefield (a version of the combat rates)
    in_place: dict[str, tuple[EffectValues, ...]] = field(default_factory=dict)  # party -> effects on the field
    expected: dict[str, float] = field(default_factory=dict)  # party -> support weights decided for it
    expected_total: dict[str, float] = field(default_factory=dict)  # party -> support weights of all its ladders
    deterrence: dict[str, float] = field(default_factory=dict)  # party -> what deters its enemy's retaliation
    heights: tuple[str, ...] = ()  # places that command others from above: the rates change with their holders
    _total_value: float = 0.0
    _attacker_value: float = 0.0

    def __post_init__(self) -> None:
        self.places = {p.id: p for s in self.sectors for p in s.places}
        for p in self.places.values():
            p.start_holder = p.held_by
        self.heights = tuple(sorted({h for p in self.places.values() for h in p.overlooked_from}))
        neighbours: dict[str, set[str]] = {pid: set() for pid in self.places}
        for p in self.places.values():
            for a in p.after:
                neighbours[p.id].add(a)
                neighbours[a].add(p.id)
        for pid, ns in neighbours.items():
            self.places[pid].neighbours = tuple(sorted(ns))
        contested = [p for p in self.places.values() if p.contested]
        self._total_value = sum(p.value for p in contested)
        self._attacker_value = sum(p.value for p in contested if p.held_by == self.attacker)
        for party in (self.attacker, self.defender):
            self.operations.setdefault(party, None)
            self.launched.setdefault(party, 0)
            self.stocks.setdefault(party, Stocks())
        self.refresh_support()

    # --- the calendar and the fighting ------------------------------------------------------------------------

    @property
    def winter(self) -> bool:
        return self.winter_day <= self.day < self.winter_end_day

    @property
    def at_war(self) -> bool:
        """No truce formally in force."""
        return self.ceasefire is None

    @property
    def operation(self) -> Operation | None:
        """The attacker's operation."""
        return self.operations.get(self.attacker)

    def fighting(self) -> bool:
        """Whether either party is fighting an operation now."""
        return any(op is not None for op in self.operations.values())

    def war_days(self) -> float:
        return self.war_days_before + (self.day - self.war_since if self.war_since is not None else 0.0)

    def flag(self, name: str) -> bool:
        return name in self.flags

    def set_flag(self, name: str) -> None:
        self.flags.setdefault(name, self.day)

    def defender_conceded(self) -> bool:
        """Whether the defender has made a concession (or agreed to withdraw)."""
        return any(f in self.flags for f in self.conceded_flags)

    def defender_retaliates(self) -> bool:
        return self.postures.get(self.defender) == self.defender_retaliation

    def attacker_in_talks(self) -> bool:
        return self.postures.get(self.attacker) == self.attacker_talks

    def other(self, party: str) -> str:
        return self.defender if party == self.attacker else self.attacker

    # --- the map ----------------------------------------------------------------------------------------------

    def total_value(self) -> float:
        return self._total_value

    def attacker_value(self) -> float:
        return self._attacker_value

    def share(self) -> float:
        """The attacker's share of the contested value."""
        return self._attacker_value / self._total_value

    def open_to(self, party: str) -> list[Place]:
        """Places of the contested region `party` can assault now: not its own, on the line of contact or joined by a
        road to a place it holds and supplies (`supplied`)."""
        places = self.places
        supplied = self.supplied(party)
        return [
            p
            for p in places.values()
            if p.contested and p.held_by != party and (p.on_line or any(n in supplied for n in p.neighbours))
        ]

    def supplied(self, party: str) -> frozenset[str]:
        """The places `party` holds that its lines reach: on the line of contact (its rear lies behind it) or its own
        at the start, or joined to one of those by a road through places it holds. Ground cut off behind a hub the
        other side took back is held, but no operation starts from it: the next step goes through the hub again."""
        key = (party, self.captures)
        found = self.supply_cache.get(key)
        if found is None:
            places = self.places
            reached = [
                pid for pid, p in places.items() if p.held_by == party and (p.on_line or p.start_holder == party)
            ]
            seen = set(reached)
            while reached:
                for n in places[reached.pop()].neighbours:
                    if n not in seen and places[n].held_by == party:
                        seen.add(n)
                        reached.append(n)
            if len(self.supply_cache) > 8:
                self.supply_cache.clear()
            found = self.supply_cache[key] = frozenset(seen)
        return found

    def change_hands(self, place: Place, to: str) -> None:
        """`to` takes `place` today."""
        if place.held_by == to:
            return
        if place.contested:
            self._attacker_value += place.value if to == self.attacker else -place.value
        place.held_by = to
        place.lost_day = self.day
        place.changes += 1
        place.progress = 0.0
        place.progress_by = ""
        if to == self.attacker:
            if place.taken_day is None:
                place.taken_day = self.day
        elif place.retaken_day is None and place.contested:
            place.retaken_day = self.day  # taken back: what the attacker holds of the contested region, it took
        self.captures += 1
        self.front_moved_day = self.day

    def sector_share(self, sector: SectorState) -> float:
        contested = [p for p in sector.places if p.contested]
        total = sum(p.value for p in contested)
        return sum(p.value for p in contested if p.held_by == self.attacker) / total if total else 0.0

    def note_attack(self) -> None:
        self.recent_attacks.append(self.day)

    def recent_attack_count(self, window_days: float) -> int:
        """The attacker's attacks in the last `window_days` (older ones are forgotten for good)."""
        cutoff = self.day - window_days
        while self.recent_attacks and self.recent_attacks[0] < cutoff:
            self.recent_attacks.popleft()
        return len(self.recent_attacks)

    # --- support ----------------------------------------------------------------------------------------------

    def side_of(self, backer: str) -> str:
        return self.ladders[backer].side

    def backers_of(self, party: str) -> tuple[str, ...]:
        return self.supporters if party == self.attacker else self.patrons

    def set_level(self, backer: str, level: int, lag: dict[str, float]) -> None:
        """A backer decides `level` rungs today; a newly decided rung arrives after its lag (`lag`: rung -> days)."""
        ladder = self.ladders[backer]
        ladder.level_days += ladder.level * (self.day - ladder.level_since)
        ladder.level_since = self.day
        for rung in ladder.rungs[ladder.level : level]:  # climbing: the new rungs are on their way
            ladder.arrival[rung] = self.day + lag.get(rung, 0.0)
            ladder.first_decided.setdefault(rung, self.day)
        for rung in ladder.rungs[level : ladder.level]:  # backing off: withdrawn at once
            ladder.arrival.pop(rung, None)
        ladder.level = level
        ladder.max_level = max(ladder.max_level, level)
        if self.at_war:
            ladder.min_level_at_war = min(ladder.min_level_at_war, level)
        self.refresh_support()

    def next_arrival(self) -> float | None:
        """The next day a decided rung arrives on the battlefield, if any is on its way."""
        days = [d for ladder in self.ladders.values() for r, d in ladder.arrival.items() if d > self.day]
        return min(days) if days else None

    def refresh_support(self) -> None:
        """What each party has in place on the battlefield (arrived rungs and its own capabilities), what it expects
        (the weights of the rungs decided for it) and what deters its enemy's retaliation."""
        before = self.in_place
        in_place: dict[str, list[EffectValues]] = {self.attacker: [], self.defender: []}
        expected = {self.attacker: 0.0, self.defender: 0.0}
        total = {self.attacker: 0.0, self.defender: 0.0}
        for name, effect in self.effects.items():  # capabilities first, in the scenario's order
            if name in self.owned:
                in_place[self.attacker].append(effect)
        for ladder in self.ladders.values():
            arrived = set(ladder.arrived(self.day))
            for i, rung in enumerate(ladder.rungs):
                effect = self.effects[rung]
                if effect.support_weight is not None:
                    total[ladder.side] += effect.support_weight
                    if i < ladder.level:
                        expected[ladder.side] += effect.support_weight
                if rung in arrived:
                    in_place[ladder.side].append(effect)
        self.in_place = {party: tuple(effects) for party, effects in in_place.items()}
        self.expected, self.expected_total = expected, total
        self.deterrence = {
            party: sum(e.deters_retaliation for e in effects if e.deters_retaliation is not None)
            for party, effects in self.in_place.items()
        }
        if self.in_place != before:
            self.support_version += 1

    def fights(self, backer: str) -> bool:
        """Whether a backer's forces are fighting (a rung that `fights` has arrived)."""
        ladder = self.ladders[backer]
        return any(self.effects[r].fights for r in ladder.arrived(self.day))

    def backs(self, backer: str) -> bool:
        """Whether a backer backs its side beyond the rungs it holds for good (its floor)."""
        ladder = self.ladders[backer]
        return ladder.level > ladder.floor

    def patron_backs(self) -> bool:
        """Whether any patron backs the defender now."""
        return any(self.backs(p) for p in self.patrons)

    def patron_intervened(self) -> bool:
        """Whether any patron's forces are fighting."""
        return any(self.fights(p) for p in self.patrons)

    def supporter_level(self) -> int:
        """The rungs the attacker's supporters have decided, together."""
        return sum(self.ladders[s].level for s in self.supporters)

    def supporter_levels(self) -> int:
        return sum(len(self.ladders[s].rungs) for s in self.supporters)

    def close_levels(self) -> None:
        """Bring every ladder's influence integral up to today."""
        for ladder in self.ladders.values():
            ladder.level_days += ladder.level * (self.day - ladder.level_since)
            ladder.level_since = self.day
