"""The contract between the simulation core and the policies: roles, triggers, and one base class per role.

The core addresses actors only through this contract: it never reads a policy's option strings or module
attributes, and policies never test each other's options (what one needs of another is a field of the
`Observation`, worked out by the core through the contract: the patron presses the defender, the attacker is on the
offensive, ...). A policy is a subclass of its role's base with typed values (`config.policies.ActorValues`
extended), built once per replication from the draw; its `PolicySchema` is registered as an entry point so that the
scenario schema can validate actors without importing the model.

Each utility is written once, as a named tuple of terms per option (`Utility`): the untraced path sums it, the traced
path keeps it term by term, so the two cannot disagree.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from scenarios.config.policies import ActorParams, ActorValues
from scenarios.model.choice import Decision, logit_choice, logit_totals
from scenarios.model.random import Random
from scenarios.roles import PolicySchema, Role

if TYPE_CHECKING:
    from scenarios.model.observation import Observation
    from scenarios.model.state import WorldState

V = TypeVar("V", bound=ActorValues)


class Trigger(StrEnum):
    """Events that bring actors to a review besides their periodic one (`Policy.reviews_on`)."""

    CEASEFIRE_AGREED = "ceasefire agreed"
    CEASEFIRE_COLLAPSED = "ceasefire collapsed"
    OBJECTIVE_TAKEN = "objective taken"
    OPERATION_BEHIND_PLAN = "operation behind plan"
    PATRON_SUPPORT_CHANGED = "patron's support changed"
    SUPPORT_ARRIVED = "support arrived"
    HELP_REQUESTED = "help requested"
    TREATY_TRIGGERED = "treaty triggered"
    TRUCE_FIGHTING = "fighting under the truce"
    MASS_CASUALTY = "mass-casualty strike"
    WINTER_BEGINS = "winter begins"
    WINTER_ENDS = "winter ends"

    def text(self, labels: Mapping[str, str]) -> str:
        """The trigger in the words of a story: the actors by their labels (`labels`: role -> label)."""
        if self is Trigger.PATRON_SUPPORT_CHANGED:
            return f"{labels.get('patron', 'the patron')}'s support changed"
        if self is Trigger.HELP_REQUESTED:
            return f"{labels.get('defender', 'the defender')} asked {labels.get('patron', 'its patron')} for help"
        if self is Trigger.TREATY_TRIGGERED:
            return f"{labels.get('patron', 'the patron')}'s treaty obligation triggered"
        return str(self.value)


Utility = tuple[float, ...] | Mapping[str, float]
"""An option's utility, term by term: a named tuple of terms (summed in field order; its field names name the
terms), or a mapping for the rare option whose terms are named at run time."""


def choose(
    actor: str,
    options: Mapping[str, Any],
    rationality: float,
    rng: Random,
    explain: bool,
    floor: float,
    track: str | None = None,
) -> Decision:
    """The logit choice among `options` (option -> `Utility`): term by term when `explain`, from each option's total
    otherwise (the same sums, so the same choice to the bit)."""
    if explain:
        terms = {k: (u._asdict() if hasattr(u, "_asdict") else dict(u)) for k, u in options.items()}
        return logit_choice(actor, terms, rationality, rng, track=track, floor=floor)
    totals = {k: sum(u) if type(u) is not dict else sum(u.values()) for k, u in options.items()}
    return logit_totals(actor, totals, rationality, rng, track=track, floor=floor)


class Policy(ABC, Generic[V]):
    """A policy as the core sees it; one instance per actor of a scenario (it holds the actor's validated block)."""

    schema: ClassVar[PolicySchema]
    values: ClassVar[type[ActorValues]]
    options: ClassVar[tuple[str, ...]]  # the options of its main track (its posture)
    tracks: ClassVar[Mapping[str, tuple[str, ...]]] = {}  # second tracks: suffix -> options
    reviews_on: ClassVar[frozenset[Trigger] | None] = None  # triggers that bring a review (None: all)
    flags: ClassVar[tuple[str, ...]] = ()  # acts remembered for good (flag_day.<actor>.<act>)
    option_triggers: ClassVar[Mapping[str, Trigger]] = {}  # options that bring others to a review
    quiet_acts: ClassVar[tuple[str, ...]] = ()  # acts that change nothing, left out of the event log
    party: ClassVar[bool] = False  # a party to the conflict: it answers offers and launches operations
    broker: ClassVar[bool] = False  # it makes ceasefire offers
    offers_when: ClassVar[tuple[str, ...] | None] = None  # postures in which a broker offers (None: always)
    peacekeepers: ClassVar[bool] = False  # a broker that can offer its own peacekeepers
    reads_front: ClassVar[bool] = False  # it reads the operations it could launch
    # courses the actor may or may not be disposed to take at all -> the propensity field that gives the chance it is:
    # the report's estimative word about a course is the analyst's uncertainty about the actor, so each replication
    # realises it once, as yes or no (`Observation.disposed`), and a course it is not disposed to is not open to it
    dispositions: ClassVar[Mapping[str, str]] = {}
    disposition_words: ClassVar[Mapping[str, str]] = {}  # a course in words, where "<verb> <role>" does not say it

    def __init__(self, name: str, block: ActorParams):
        self.name = name
        self.block = block

    @property
    def role(self) -> Role:
        return self.schema.role

    def all_tracks(self) -> dict[str, tuple[str, ...]]:
        """Every posture key it decides -> its options (its own name -> `options` first)."""
        return {self.name: self.options, **{f"{self.name}.{k}": v for k, v in self.tracks.items()}}

    def start_postures(self) -> dict[str, str]:
        """Each track's posture on the start date (its main track's is `start_posture`)."""
        return {self.name: str(getattr(self.block, "start_posture"))}  # noqa: B009  (declared by every block)

    @abstractmethod
    def decide(self, obs: Observation, v: V, rng: Random, explain: bool = True) -> tuple[Decision, ...]:
        """Its decisions at a review: one per track it reviews, and acts (an answer on no track)."""

    def answer(self, obs: Observation, v: V, rng: Random, explain: bool = True) -> Decision:
        """A party's answer to the offer in `obs.offer` (accept | refuse)."""
        raise NotImplementedError(f"{type(self).__name__} is not a party: it answers no offers")

    def apply(self, state: WorldState, decision: Decision, obs: Observation) -> None:
        """Its decision's effect on the world beyond its posture (none by default)."""

    def signal(self, state: WorldState, v: V, start_share: float) -> bool:
        """What it contributes to the observation (see `Observation`), read from the holdings; False by default."""
        return False

    def posture_of(self, option: str) -> str:
        """The posture an option puts it in (the option itself, unless options are finer than postures)."""
        return option

    def joint_with(self) -> tuple[str, ...]:
        """The brokers a broker's offers are made jointly with (none by default)."""
        return ()

    def offer_interval(self, v: V) -> float:
        """A broker's days between offers."""
        raise NotImplementedError(f"{type(self).__name__} is not a broker")

    def seeks_halt(self, disposed: frozenset[str]) -> bool:
        """Whether this world's broker (`disposed`: the courses it is disposed to take) offers a plain halt (a
        humanitarian truce) at open war; if not, only comprehensive terms there."""
        return True

    def credibility(self, v: V) -> float:
        """A broker's standing with the parties (utility)."""
        raise NotImplementedError(f"{type(self).__name__} is not a broker")

    def offers_core(self, v: V) -> bool:
        """Whether a broker ever puts terms handing over the core of the region on the table (when the defender has
        conceded and lost its centre); True by default."""
        return True


class PartyPolicy(Policy[V]):
    """A party to the conflict: it answers offers, and may launch operations."""

    party: ClassVar[bool] = True
    reads_front: ClassVar[bool] = True
    attacking: ClassVar[str]  # its posture while it fights an operation
    stand_down: ClassVar[str]  # the posture it stands down into when it accepts a truce

    @abstractmethod
    def operation_limits(self, v: V) -> tuple[int, float]:
        """The most places an operation's route may cross, and the longest operation it would plan (days)."""

    def unbounded_targets(self, v: V) -> frozenset[str]:
        """Targets it would fight for however long the operation takes (none by default)."""
        return frozenset()

    @abstractmethod
    def loss_tolerance(self, v: V) -> float:
        """Losses (or days) beyond this multiple of an operation's plan bring a review."""


class AttackerPolicy(PartyPolicy[V]):
    """The party that means to change the map: it launches operations and keeps, fights under or ends truces."""

    offensive: ClassVar[str]  # its posture while an operation is under way
    talks: ClassVar[str]  # its posture of talks

    @abstractmethod
    def position_met(self, state: WorldState, v: V) -> bool:
        """Whether its aim for the talks is met (for the brokers' terms)."""

    def in_talks(self, posture: str) -> bool:
        return posture == self.talks


class DefenderPolicy(PartyPolicy[V]):
    """The party that holds the contested region: it defends, retaliates, counter-attacks, concedes."""

    retaliation: ClassVar[str]  # its posture of strikes beyond the line of contact
    conceded_flags: ClassVar[tuple[str, ...]] = ()  # its acts that put a concession on the table
    help_flag: ClassVar[str] = ""  # its act of asking its patrons for help

    @abstractmethod
    def grievance_window(self, v: V) -> float:
        """How far back the attacker's attacks count as a grievance (days)."""

    def retaliating(self, posture: str | None) -> bool:
        return posture == self.retaliation


class BackerPolicy(Policy[V]):
    """A power that backs a party on a ladder of commitments (`config.mechanisms.Rung`): it climbs, holds or backs
    off one rung at a time; a rung's battlefield effects arrive after its lag."""

    backs: ClassVar[Role]  # the party it backs, by role
    ladder_track: ClassVar[str] = ""  # the track its ladder's top rung is kept under ("": its own posture)

    def rungs(self) -> dict[str, Any]:
        """Its rungs by name, lowest first (`config.mechanisms.Rung`)."""
        return dict(getattr(self.block, "ladder"))  # noqa: B009  (declared by every backer's block)

    def treaty(self) -> Any:
        """Its treaty obligation (`config.mechanisms.Treaty`), if any."""
        return getattr(self.block, "treaty", None)


class PatronPolicy(BackerPolicy[V]):
    """A power that backs the defender on its ladder, presses either party on a diplomatic track, and brokers."""

    backs: ClassVar[Role] = Role.DEFENDER
    pressing: ClassVar[Mapping[str, Role]]  # diplomatic postures that press a party -> that party's role

    def presses(self, posture: str | None) -> Role | None:
        return self.pressing.get(posture or "")


class SupporterPolicy(BackerPolicy[V]):
    """A power that backs the attacker on its ladder."""

    backs: ClassVar[Role] = Role.ATTACKER


class MediatorPolicy(Policy[V]):
    """A broker with no side."""

    broker: ClassVar[bool] = True
