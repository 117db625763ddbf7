"""What an actor sees at a decision epoch: an immutable snapshot of the world, built by the simulation by keyword.

What one policy needs to know of another is here as a fact in role terms (the patron presses the defender, the
attacker is on the offensive, the defender has conceded), worked out by the core through the policy contract, so
that no policy reads another's option strings. Observations are named tuples: immutable like a frozen dataclass,
and several times cheaper to build, which matters at hundreds of decision epochs per replication.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from scenarios.roles import Role


class Roles(NamedTuple):
    """The actor names by role ("" where a scenario has no such actor): how policies address one another."""

    attacker: str
    defender: str
    patron: str = ""  # the defender's patron (a second track of support for it)
    supporter: str = ""  # the attacker's supporter (a ladder of support rungs)


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

    actor: str  # who observes (its own name)
    roles: Roles
    day: float
    winter: bool
    days_to_winter: float  # 0 in winter; days until the next winter otherwise (inf if none)
    ceasefire: bool
    ceasefire_kind: str | None
    peacekeepers: bool
    ceasefire_days: float  # days the ceasefire in force has held (0 at war)
    war_days: float  # days of open war since the start date
    war_spell_days: float  # days of the current spell of open war (0 under a ceasefire)
    attacker_share: float  # share of the contested value held by the attacker
    start_share: float  # the same on the start date
    attention: float
    postures: Mapping[str, str]  # read-only; track -> posture
    support_level: int  # rungs of the supporter's ladder in place (0 without a supporter)
    support_levels: int  # rungs on the ladder
    support_start_level: int
    support_floor: int  # the lowest rungs the supporter never withdraws (it backs off no lower)
    days_since_support_changed: float  # days since the support level last changed
    support_in_place: float  # the support weights of the supporter's rungs in place (`support_weight` effects)
    support_total: float  # the same over the whole ladder
    deterrence: float  # the attacker's support in place that deters the defender's retaliation (utility)
    patron_backs_defender: bool
    patron_presses: Role | None  # the party the patron presses to back down or concede, if any
    attacker_on_offensive: bool
    defender_conceded: bool  # the defender has conceded (or agreed to withdraw)
    help_requested: bool  # the defender has asked its patron for help
    flags: Mapping[str, float]  # read-only; "actor.act" -> first day
    recent_attacks: int  # the attacker's violations, city strikes, objectives taken, days of offensive in the
    # defender's grievance window (its `grievance_window_days`)
    days_since_front_moved: float
    centre_lost: bool  # the defender's `signal`: a place it cannot hold the centre without has fallen
    intervention_trigger: bool  # the patron's `signal`: something it guarantees has been lost
    operation: OperationView | None  # the attacker's current operation, re-planned from today
    operation_losses: float  # attacker deaths since the operation was launched, over its plan (1 = as planned)
    operations: tuple[OperationView, ...]  # operations the attacker could launch; empty for actors that do not read
    offer: OfferView | None  # the offer being answered, if any

    @property
    def defender_losses(self) -> float:
        """Share of the contested value lost by the defender since the start date."""
        return max(0.0, self.attacker_share - self.start_share)
