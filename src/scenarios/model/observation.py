"""What an actor sees at a decision epoch: an immutable snapshot of the world, built by the simulation.

Observations are named tuples: immutable like a frozen dataclass, and several times cheaper to build, which
matters at hundreds of decision epochs per replication.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple


class FrontView(NamedTuple):
    """One sector as an attacker would assess it now (rates from the combat model, under current conditions)."""

    sector: str
    objective: str | None  # the next objective still held by Armenia, None when the sector is taken
    terrain: str | None
    value_share: float  # the objective's share of the whole contested value
    remaining: float  # offensive effort still needed to take it (difficulty units)
    advance_per_day: float  # expected progress per day of offensive
    attacker_casualties_per_day: float
    civilian_casualties_per_day: float


class Observation(NamedTuple):
    """The world as every actor observes it (the model assumes a common, accurate picture)."""

    day: float
    winter: bool
    ceasefire: bool
    ceasefire_kind: str | None
    peacekeepers: bool
    war_days: float  # days of open war since the start date
    azerbaijani_share: float  # share of the contested value held by Azerbaijan
    start_share: float  # the same on the start date
    attention: float
    postures: Mapping[str, str]  # read-only
    turkish_level: int
    turkish_level_max: int
    f16_present: bool
    russia_backs_armenia: bool
    armenia_asked_russia: bool
    armenia_conceded: bool
    recent_azerbaijani_attacks: int  # violations, city strikes, objectives taken, days of offensive in the
    # last actors.armenia.grievance_window_days
    days_since_front_moved: float
    front: tuple[FrontView, ...]  # empty for actors whose policy does not read it

    @property
    def armenian_losses(self) -> float:
        """Share of the contested value lost by Armenia since the start date."""
        return max(0.0, self.azerbaijani_share - self.start_share)
