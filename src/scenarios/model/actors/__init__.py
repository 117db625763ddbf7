"""The policy registry: one module per policy, each pure, addressed by the role it plays.

A scenario names its actors freely; each actor's block under ``actors:`` says which policy it follows
(``policy: attacker``), and the policy fixes its role. The simulation core addresses actors by role (the attacker,
the defender, the patron of the defender, the supporter of the attacker, mediators), never by name, so a second
case with other actors runs through the same core.

A policy module defines ``POLICY`` (its key in YAML), ``ROLE`` (one of `ROLES`), ``OPTIONS``, ``Params`` (a subclass
of `ActorParams`) and ``decide(observation, params, rng, explain=True) -> tuple[Decision, ...]`` (one decision per
track it reviews, and acts such as a request for help; ``observation.actor`` is its own name, ``observation.roles``
the names of the others by role; with ``explain=False``, in untraced runs, it may choose from each option's total
utility alone, `choice.logit_totals`, provided the totals are the terms' sums to the bit: tests/model/
test_fast_path.py holds the two paths equal). Optionally: ``TRACKS`` ({track suffix: options}) for postures beyond
its main one, kept under ``<actor>.<suffix>`` (their start values are ``Params.start_<suffix>``); ``PARTY = True``
for a party to the conflict, which answers mediation offers with ``answer(observation, params, rng, explain=True) ->
Decision`` (accept | refuse);
``BROKER = True`` for an actor that makes offers every ``Params.offer_every_days`` (only in the postures
``OFFERS_WHEN`` if given), with ``Params.mediation_credibility``; ``PEACEKEEPERS = True`` if it can offer its own
peacekeepers; ``READS_FRONT = True`` if its policy reads the operations it could launch; ``apply(state, decision,
observation)`` for its effect on the world beyond its posture; ``option_posture(option)`` where options are finer
than postures; ``REVIEWS_ON`` (triggers that bring it to a review); ``FLAGS`` (acts remembered for good);
``OPTION_TRIGGERS`` ({option: trigger}) for options that bring others to a review; ``QUIET_ACTS`` (acts that
change nothing, left out of the event log); ``signal(state, params, block,
start_share) -> bool`` for what it contributes to the observation (see `Observation`), a function of the holdings
(read again only after a capture). Role-specific hooks:
the attacker's ``position_met_state(state, params, roles)`` and ``OFFENSIVE``/``TALKS`` postures; the patron's
``BACKING``/``INTERVENED`` postures of its support track and ``SUPPORT_CHANGED`` trigger.
To add a policy, write its module and list it in ``_MODULES``; an actor that follows it is a block in YAML.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from scenarios.model.actors import armenia, azerbaijan, cochairs, russia, turkey
from scenarios.model.actors.base import ActorParams
from scenarios.model.observation import Roles

_MODULES: tuple[ModuleType, ...] = (azerbaijan, armenia, russia, turkey, cochairs)

ROLES = ("attacker", "defender", "patron", "supporter", "mediator")
ONE_EACH = ("attacker", "defender")  # roles a scenario must fill exactly once
AT_MOST_ONE = ("patron", "supporter")  # roles a scenario may fill once or leave empty


def _same(option: str) -> str:
    return option


@dataclass(frozen=True)
class ActorSpec:
    """A policy as the simulation core sees it."""

    policy: str
    role: str
    module: ModuleType
    params: type[ActorParams]
    options: tuple[str, ...]
    track_options: dict[str, tuple[str, ...]]  # second tracks: suffix -> options
    decide: Callable[..., Any]
    answer: Callable[..., Any] | None  # parties answer offers
    apply: Callable[..., Any] | None
    signal: Callable[..., bool] | None
    posture_of: Callable[[str], str]
    party: bool
    broker: bool
    offers_when: tuple[str, ...] | None  # postures in which a broker makes offers (None: always)
    peacekeepers: bool
    reads_front: bool
    reviews_on: frozenset[str] | None  # triggers that bring a review (None: all)
    flags: tuple[str, ...]
    option_triggers: Mapping[str, str]
    quiet_acts: tuple[str, ...]  # acts (decisions on no track) that do nothing and are not logged


@dataclass(frozen=True)
class Actor:
    """An actor of a scenario: its name and the policy it follows."""

    name: str
    spec: ActorSpec

    @property
    def tracks(self) -> dict[str, tuple[str, ...]]:
        """Every posture key it decides -> its options (its own name -> OPTIONS first)."""
        return {
            self.name: self.spec.options,
            **{f"{self.name}.{suffix}": options for suffix, options in self.spec.track_options.items()},
        }

    def __getattr__(self, attr: str) -> Any:
        """The policy's attributes (party, broker, decide, ...), kept on the actor after the first look-up."""
        value = getattr(self.spec, attr)
        object.__setattr__(self, attr, value)
        return value


def _spec(module: ModuleType) -> ActorSpec:
    return ActorSpec(
        policy=module.POLICY,
        role=module.ROLE,
        module=module,
        params=module.Params,
        options=tuple(module.OPTIONS),
        track_options=dict(getattr(module, "TRACKS", {})),
        decide=module.decide,
        answer=getattr(module, "answer", None),
        apply=getattr(module, "apply", None),
        signal=getattr(module, "signal", None),
        posture_of=getattr(module, "option_posture", _same),
        party=bool(getattr(module, "PARTY", False)),
        broker=bool(getattr(module, "BROKER", False)),
        offers_when=getattr(module, "OFFERS_WHEN", None),
        peacekeepers=bool(getattr(module, "PEACEKEEPERS", False)),
        reads_front=bool(getattr(module, "READS_FRONT", False)),
        reviews_on=frozenset(getattr(module, "REVIEWS_ON", ())) or None,
        flags=tuple(getattr(module, "FLAGS", ())),
        option_triggers=dict(getattr(module, "OPTION_TRIGGERS", {})),
        quiet_acts=tuple(getattr(module, "QUIET_ACTS", ())),
    )


POLICIES: dict[str, ActorSpec] = {m.POLICY: _spec(m) for m in _MODULES}


def cast(blocks: Mapping[str, Any]) -> dict[str, Actor]:
    """The actors of a scenario, in the order written, from its `actors:` blocks (each naming its `policy`)."""
    return {name: Actor(name, POLICIES[block.policy]) for name, block in blocks.items()}


def roles_of(actors: Iterable[Actor]) -> Roles:
    """Who plays which role (validated by the schema: one attacker, one defender, at most one of the others)."""
    by_role: dict[str, str] = {}
    for actor in actors:
        by_role.setdefault(actor.spec.role, actor.name)
    return Roles(
        by_role.get("attacker", ""),
        by_role.get("defender", ""),
        by_role.get("patron", ""),
        by_role.get("supporter", ""),
    )


__all__ = [
    "AT_MOST_ONE",
    "ONE_EACH",
    "POLICIES",
    "ROLES",
    "Actor",
    "ActorParams",
    "ActorSpec",
    "Roles",
    "cast",
    "roles_of",
]
