"""The actor registry: one module per actor, each a pure policy.

An actor module defines ``NAME``, ``OPTIONS``, ``Params`` (a subclass of `ActorParams`), ``decide(observation,
params, rng) -> Decision``, optionally ``MEDIATES`` (options that put a mediation offer on the table, with
``Params.mediation_credibility``), ``apply(state, decision)`` (its effect on the world beyond its posture),
``PARTY = True`` for a party to the conflict (it answers mediation offers) and ``READS_FRONT = True`` if its policy
reads the front assessment, and ``STAND_DOWN`` ({posture: posture}) for postures it leaves when a mediated
ceasefire is agreed. To add
an actor, write its module, list it in ``_MODULES`` and give it a block under ``actors:`` in YAML.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from scenarios.model.actors import armenia, azerbaijan, cochairs, russia, turkey
from scenarios.model.actors.base import ActorParams

_MODULES: tuple[ModuleType, ...] = (azerbaijan, armenia, russia, turkey, cochairs)


@dataclass(frozen=True)
class ActorSpec:
    """An actor as the simulation core sees it."""

    name: str
    module: ModuleType
    params: type[ActorParams]
    options: tuple[str, ...]
    decide: Callable[..., Any]
    mediates: frozenset[str]
    apply: Callable[..., Any] | None
    party: bool  # a party to the conflict: reviews its posture when a mediation offer arrives
    reads_front: bool  # its policy reads the front assessment of the observation
    stand_down: dict[str, str]  # posture -> posture taken when a mediated ceasefire is agreed


def _spec(module: ModuleType) -> ActorSpec:
    return ActorSpec(
        name=module.NAME,
        module=module,
        params=module.Params,
        options=tuple(module.OPTIONS),
        decide=module.decide,
        mediates=frozenset(getattr(module, "MEDIATES", ())),
        apply=getattr(module, "apply", None),
        party=bool(getattr(module, "PARTY", False)),
        reads_front=bool(getattr(module, "READS_FRONT", False)),
        stand_down=dict(getattr(module, "STAND_DOWN", {})),
    )


REGISTRY: dict[str, ActorSpec] = {m.NAME: _spec(m) for m in _MODULES}

__all__ = ["REGISTRY", "ActorParams", "ActorSpec"]
