"""The world state the actors observe and the mechanisms change; one instance per replication."""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class ObjectiveState:
    """A named objective and who holds it."""

    id: str
    sector: str
    label: str
    terrain: str
    city: bool
    value: float
    population: float
    difficulty: float
    held_by: str
    taken_day: float | None = None


@dataclass(slots=True)
class SectorState:
    """A front sector: its objectives in order and the progress against the next one."""

    id: str
    label: str
    objectives: list[ObjectiveState]
    progress: float = 0.0

    def next_objective(self) -> ObjectiveState | None:
        for objective in self.objectives:
            if objective.held_by != "azerbaijan":
                return objective
        return None


@dataclass(slots=True)
class CeasefireRecord:
    """One ceasefire: when and how it began and ended, and what happened under it."""

    number: int
    kind: str
    broker: str
    peacekeepers: bool
    start: float
    end: float | None = None
    cause: str | None = None  # azerbaijani_offensive | escalation_spiral | None while in force (censored)
    upgraded_day: float | None = None
    first_violation: float | None = None
    violations: int = 0


@dataclass(slots=True)
class Casualties:
    """Deaths since the start date, by side (people)."""

    military_azerbaijan: float = 0.0
    military_armenia: float = 0.0
    civilian_azerbaijan: float = 0.0
    civilian_armenia: float = 0.0


@dataclass(slots=True)
class WorldState:
    """Everything the simulation tracks; mutated only by the mechanisms and actor effects."""

    start_date: dt.date
    winter_day: float
    sectors: list[SectorState]
    postures: dict[str, str]
    turkish_ladder: tuple[str, ...]
    turkish_level: int
    attention: float
    day: float = 0.0
    attention_day: float = 0.0
    casualties: Casualties = field(default_factory=Casualties)
    ceasefire: CeasefireRecord | None = None
    ceasefires: list[CeasefireRecord] = field(default_factory=list)
    spiral: float = 0.0
    spiral_day: float = 0.0
    war_since: float | None = None  # start of the current spell of open war
    war_days_before: float = 0.0  # open-war days in earlier spells
    armenia_asked_russia: bool = False
    armenia_conceded: bool = False
    russia_intervened: bool = False
    front_moved_day: float = 0.0
    recent_attacks: deque[float] = field(default_factory=deque)  # days of Azerbaijani attacks
    first_option_day: dict[str, float] = field(default_factory=dict)  # "actor.option" -> day
    turkish_level_days: float = 0.0  # integral of the level over time, for the influence index
    turkish_level_since: float = 0.0
    max_turkish_level: int = 0
    rungs: frozenset[str] = frozenset()  # Turkish support in place now (kept in step with turkish_level)
    _total_value: float = 0.0
    _azerbaijani_value: float = 0.0

    def __post_init__(self) -> None:
        self.rungs = frozenset(self.turkish_ladder[: self.turkish_level])
        self.max_turkish_level = self.turkish_level
        self._total_value = sum(o.value for s in self.sectors for o in s.objectives)
        self._azerbaijani_value = sum(o.value for s in self.sectors for o in s.objectives if o.held_by == "azerbaijan")

    @property
    def winter(self) -> bool:
        return self.day >= self.winter_day

    @property
    def at_war(self) -> bool:
        return self.ceasefire is None

    def war_days(self) -> float:
        return self.war_days_before + (self.day - self.war_since if self.war_since is not None else 0.0)

    def has_rung(self, name: str) -> bool:
        """Whether Turkish support includes this rung now."""
        return name in self.rungs

    def russia_backs_armenia(self) -> bool:
        return self.postures.get("russia") in ("back_armenia", "intervene")

    def total_value(self) -> float:
        return self._total_value

    def azerbaijani_value(self) -> float:
        return self._azerbaijani_value

    def take(self, objective: ObjectiveState) -> None:
        """Azerbaijan takes an objective today."""
        objective.held_by = "azerbaijan"
        objective.taken_day = self.day
        self._azerbaijani_value += objective.value
        self.front_moved_day = self.day

    def sector_share(self, sector: SectorState) -> float:
        total = sum(o.value for o in sector.objectives)
        return sum(o.value for o in sector.objectives if o.held_by == "azerbaijan") / total

    def note_attack(self) -> None:
        self.recent_attacks.append(self.day)

    def recent_attack_count(self, window_days: float) -> int:
        """Azerbaijani attacks in the last `window_days` (older ones are forgotten for good)."""
        cutoff = self.day - window_days
        while self.recent_attacks and self.recent_attacks[0] < cutoff:
            self.recent_attacks.popleft()
        return len(self.recent_attacks)

    def set_turkish_level(self, level: int) -> None:
        self.turkish_level_days += self.turkish_level * (self.day - self.turkish_level_since)
        self.turkish_level_since = self.day
        self.turkish_level = level
        self.rungs = frozenset(self.turkish_ladder[:level])
        self.max_turkish_level = max(self.max_turkish_level, level)

    def snapshot(self) -> dict[str, Any]:
        """The daily time-series row."""
        c = self.casualties
        row: dict[str, Any] = {
            "day": self.day,
            "ceasefire": self.ceasefire is not None,
            "attention": self.attention,
            "azerbaijani_share": self.azerbaijani_value() / self.total_value(),
            "military_azerbaijan": c.military_azerbaijan,
            "military_armenia": c.military_armenia,
            "civilian_azerbaijan": c.civilian_azerbaijan,
            "civilian_armenia": c.civilian_armenia,
            "turkish_level": self.turkish_level,
            "spiral": self.spiral,
        }
        for sector in self.sectors:
            row[f"share_{sector.id}"] = self.sector_share(sector)
        for actor, posture in self.postures.items():
            row[f"posture_{actor}"] = posture
        return row
