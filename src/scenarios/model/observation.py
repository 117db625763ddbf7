"""What an actor sees at a decision epoch: an immutable snapshot of the world, built by the simulation by keyword.

What one policy needs to know of another is here as a fact in role terms (a patron presses the defender, the
attacker is on the offensive, the defender has conceded), worked out by the core through the policy contract, so
that no policy reads another's option strings. Observations are named tuples: immutable like a frozen dataclass,
and several times cheaper to build, which matters at hundreds of decision epochs per replication.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from scenarios.roles import Role


class RungView(NamedTuple):
    """The next rung a backer could climb, as its policy sees it."""

    name: str
    height: int  # its place on the ladder, from 1
    cost: float | None  # its declared `cost`, if any (else the policy's own cost per height)
    fights: bool  # its forces would fight
    weight: float  # its support weight in the parties' calculus


class Roles(NamedTuple):
    """The actor names by role: how policies address one another."""

    attacker: str
    defender: str
    patrons: tuple[str, ...] = ()  # backers of the defender
    supporters: tuple[str, ...] = ()  # backers of the attacker
    mediators: tuple[str, ...] = ()  # brokers with no side


class OperationView(NamedTuple):
    """An operation a party could launch (or is carrying on): target, route, and expected cost over time."""

    target: str
    route: tuple[str, ...]  # places to take in order, the target last
    value_share: float  # value of the route's places, as a share of the whole contested value
    days: float  # expected duration, with the seasons ahead
    casualties: float  # expected military deaths of the party (people)
    civilian_casualties: float  # expected civilian deaths in the places assaulted (people)
    winter_days: float  # expected days of the operation in winter conditions
    core_share: float = 0.0  # of `value_share`, the value of places of the region's core
    local: bool = False  # short enough to be fought under a truce that stays formally in force
    lost_again: int = 0  # times the party has taken the target before and lost it again


class OfferView(NamedTuple):
    """A mediation offer as the parties see it."""

    brokers: tuple[str, ...]
    kind: str  # humanitarian | comprehensive
    upgrade: bool  # terms for the truce in force rather than a halt to open fighting
    peacekeepers: bool
    credibility: float  # the brokers' standing with the parties (utility)
    partisan: bool  # a broker of it backs the defender now
    handover_share: float = 0.0  # the contested value the defender would hand over (places it still holds)
    handover_core: float = 0.0  # of which the region's core
    settlement: str = ""  # the settlement's id, if the terms hand over places


class Observation(NamedTuple):
    """The world as every actor observes it (the model assumes a common, accurate picture)."""

    actor: str  # who observes (its own name)
    roles: Roles
    day: float
    winter: bool
    days_to_winter: float  # 0 in winter; days until the next winter otherwise (inf if none)
    ceasefire: bool  # a truce formally in force
    ceasefire_kind: str | None
    peacekeepers: bool
    patron_peacekeepers: bool  # the truce's peacekeepers are the forces of a patron of the defender
    ceasefire_days: float  # days the truce in force has held (0 at war)
    truces_broken: int  # truces the observer has formally ended so far
    strain: float  # the truce's strain: both sides' violations weighed by recency, the spiral of fire (0 at war)
    attacker_strain: float  # the part of it the attacker's violations left
    defender_strain: float  # the part of it the defender's violations (and return fire) left
    claims_refused: int  # under the truce in force: terms handing the attacker places it accepted, the defender refused
    war_claims_refused: int  # at war: the same, offered in this spell of war
    war_days: float  # days of open war since the start date
    war_spell_days: float  # days of the current spell of open war (0 under a truce)
    fighting: bool  # an operation is being fought (at war or under a truce)
    attacker_share: float  # share of the contested value held by the attacker
    start_share: float  # the same on the start date
    attention: float
    postures: Mapping[str, str]  # read-only; track -> posture
    support_level: int  # rungs the observer's ladder has decided (0 for a party)
    support_levels: int  # rungs on its ladder
    support_floor: int  # the lowest rungs it never withdraws
    days_since_support_changed: float  # days since its ladder last changed
    next_rung: RungView | None  # the rung it could climb now (None at the top, or if its condition is not met)
    supporter_level: int  # rungs the attacker's supporters have decided, together
    supporter_levels: int  # rungs on their ladders, together
    supporter_fights: bool  # a supporter's forces are fighting
    support_in_place: float  # the support weights decided for the attacker (its backers' rungs)
    support_total: float  # the same over its backers' whole ladders
    defender_support: float  # the support weights decided for the defender
    defender_support_total: float  # the same over its patrons' whole ladders
    deterrence: float  # what deters the defender's retaliation (the attacker's side, in place)
    patron_backs_defender: bool  # a patron backs the defender beyond its floor
    patron_fights: bool  # a patron's forces are fighting
    patron_presses: Role | None  # the party a patron presses to back down or concede, if any
    attacker_on_offensive: bool
    defender_conceded: bool  # the defender has conceded
    help_requested: bool  # the defender has asked its patrons for help
    treaty_triggered: bool  # the observer's treaty obligation is triggered (its covered territory attacked)
    days_since_treaty_triggered: float  # since the observer's treaty was first triggered (inf: never)
    flags: Mapping[str, float]  # read-only; "actor.act" -> first day
    taken: Mapping[str, float]  # read-only; "actor.option" -> the first day it was taken (postures included)
    own_territory_strikes: int  # strikes on the observer's own territory so far (spillover)
    recent_attacks: int  # the attacker's attacks in the defender's grievance window
    days_since_front_moved: float
    own_endurance: float  # the observer's stocks, the scarcest (1 full, 0 exhausted); 1 for a backer
    enemy_endurance: float  # the other party's (for a backer: the party it backs against)
    centre_lost: bool  # the defender's `signal`: a place it cannot hold the centre without has fallen
    operation: OperationView | None  # the observer's current operation, re-planned from today
    operation_losses: float  # its deaths since the operation was launched, over its plan (1 = as planned)
    operations: tuple[OperationView, ...]  # operations the observer (a party) could launch
    retaken_share: float  # of the contested value the attacker took, what the defender has taken back
    handed_over_share: float  # of the contested value, what the defender handed over by agreement (and still lost)
    offer: OfferView | None  # the offer being answered, if any
    disposed: frozenset[str] = frozenset()  # the observer's courses it is disposed to take (`Policy.dispositions`)

    @property
    def defender_losses(self) -> float:
        """Share of the contested value the defender has lost by force since the start date (what it handed over by
        agreement is not a loss its patrons avenge or that drives it to concede)."""
        return max(0.0, self.attacker_share - self.start_share - self.handed_over_share)
