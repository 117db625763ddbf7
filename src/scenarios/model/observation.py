"""What an actor sees at a decision epoch: an immutable snapshot of the world, built by the simulation.

Observations are named tuples: immutable like a frozen dataclass, and several times cheaper to build, which
matters at hundreds of decision epochs per replication.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple


class OperationView(NamedTuple):
    """An operation the attacker could launch (or is carrying on): target, route, and expected cost over time."""

    target: str
    route: tuple[str, ...]  # objectives to take in order, the target last
    value_share: float  # value of the route's objectives, as a share of the whole contested value
    days: float  # expected duration, with the seasons ahead
    attacker_casualties: float  # expected military deaths of the attacker (people)
    civilian_casualties: float  # expected civilian deaths in the objectives assaulted (people)
    winter_days: float  # expected days of the operation in winter conditions


class OfferView(NamedTuple):
    """A mediation offer as the parties see it."""

    broker: str
    kind: str  # humanitarian | comprehensive
    upgrade: bool  # terms for the ceasefire in force rather than a halt to open war
    peacekeepers: bool
    credibility: float  # the broker's standing with the parties (utility)


class Observation(NamedTuple):
    """The world as every actor observes it (the model assumes a common, accurate picture)."""

    day: float
    winter: bool
    days_to_winter: float  # 0 in winter; days until the next winter otherwise (inf if none)
    ceasefire: bool
    ceasefire_kind: str | None
    peacekeepers: bool
    ceasefire_days: float  # days the ceasefire in force has held (0 at war)
    war_days: float  # days of open war since the start date
    war_spell_days: float  # days of the current spell of open war (0 under a ceasefire)
    azerbaijani_share: float  # share of the contested value held by Azerbaijan
    start_share: float  # the same on the start date
    attention: float
    postures: Mapping[str, str]  # read-only; track -> posture
    turkish_level: int
    turkish_level_max: int
    turkish_start_level: int
    days_since_support_changed: float  # days since the Turkish support level last changed
    f16_present: bool
    russia_backs_armenia: bool
    flags: Mapping[str, float]  # read-only; "actor.act" -> first day (e.g. "armenia.asked_russia")
    recent_azerbaijani_attacks: int  # violations, city strikes, objectives taken, days of offensive in the
    # last actors.armenia.grievance_window_days
    days_since_front_moved: float
    centre_lost: bool  # a place Armenia cannot hold the centre without has fallen (actors.armenia.collapse_objectives)
    intervention_trigger: bool  # something Russia guarantees has been lost (actors.russia.intervention_triggers)
    operation: OperationView | None  # the attacker's current operation, re-planned from today
    operation_losses: float  # attacker deaths since the operation was launched, over its plan (1 = as planned)
    operations: tuple[OperationView, ...]  # operations the attacker could launch; empty for actors that do not read
    offer: OfferView | None  # the offer being answered, if any

    @property
    def armenian_losses(self) -> float:
        """Share of the contested value lost by Armenia since the start date."""
        return max(0.0, self.azerbaijani_share - self.start_share)
