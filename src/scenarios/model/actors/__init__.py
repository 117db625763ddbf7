"""The actor registry: one module per actor, each a pure policy.

An actor module defines ``NAME``, ``OPTIONS``, ``Params`` (a subclass of `ActorParams`) and
``decide(observation, params, rng) -> tuple[Decision, ...]`` (one decision per track it reviews, and acts such as a
request for help). Optionally: ``TRACKS`` ({track key: options}) for postures beyond its main one (their start
values are ``Params.start_<track>``); ``PARTY = True`` for a party to the conflict, which answers mediation offers
with ``answer(observation, params, rng) -> Decision`` (accept | refuse); ``BROKER = True`` for an actor that makes
offers every ``Params.offer_every_days`` (only in the postures ``OFFERS_WHEN`` if given), with
``Params.mediation_credibility``; ``PEACEKEEPERS = True`` if it can offer its own peacekeepers;
``READS_FRONT = True`` if its policy reads the operations it could launch; ``apply(state, decision, observation)``
for its effect on the world beyond its posture; ``option_posture(option)`` where options are finer than postures.
To add an actor, write its module, list it in ``_MODULES`` and give it a block under ``actors:`` in YAML.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from scenarios.model.actors import armenia, azerbaijan, cochairs, russia, turkey
from scenarios.model.actors.base import ActorParams

_MODULES: tuple[ModuleType, ...] = (azerbaijan, armenia, russia, turkey, cochairs)


def _same(option: str) -> str:
    return option


@dataclass(frozen=True)
class ActorSpec:
    """An actor as the simulation core sees it."""

    name: str
    module: ModuleType
    params: type[ActorParams]
    options: tuple[str, ...]
    tracks: dict[str, tuple[str, ...]]  # every posture key it decides -> its options (its name -> OPTIONS first)
    decide: Callable[..., Any]
    answer: Callable[..., Any] | None  # parties answer offers
    apply: Callable[..., Any] | None
    posture_of: Callable[[str], str]
    party: bool
    broker: bool
    offers_when: tuple[str, ...] | None  # postures in which a broker makes offers (None: always)
    peacekeepers: bool
    reads_front: bool


def _spec(module: ModuleType) -> ActorSpec:
    return ActorSpec(
        name=module.NAME,
        module=module,
        params=module.Params,
        options=tuple(module.OPTIONS),
        tracks={module.NAME: tuple(module.OPTIONS), **dict(getattr(module, "TRACKS", {}))},
        decide=module.decide,
        answer=getattr(module, "answer", None),
        apply=getattr(module, "apply", None),
        posture_of=getattr(module, "option_posture", _same),
        party=bool(getattr(module, "PARTY", False)),
        broker=bool(getattr(module, "BROKER", False)),
        offers_when=getattr(module, "OFFERS_WHEN", None),
        peacekeepers=bool(getattr(module, "PEACEKEEPERS", False)),
        reads_front=bool(getattr(module, "READS_FRONT", False)),
    )


REGISTRY: dict[str, ActorSpec] = {m.NAME: _spec(m) for m in _MODULES}

__all__ = ["REGISTRY", "ActorParams", "ActorSpec"]
