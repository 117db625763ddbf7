"""The vocabulary the core speaks in: roles, the policies registered to play them, and the names readers see.

Nothing below this module names a case: the core addresses actors by role (attacker, defender, patron, supporter,
mediator), and every name a reader sees comes from a scenario's `label:`s, filled into texts that speak of roles
(``"military deaths, {attacker}"``). Policies are registered at run time, as entry points of the group
``scenarios.policies``: each is a `PolicySchema` (its key in YAML, its role, the block an actor following it takes),
so the scenario schema validates actors without importing the model, and another package may add policies.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from importlib import metadata
from typing import Any

ENTRY_POINTS = "scenarios.policies"


class Role(StrEnum):
    """What an actor is to the conflict; the core addresses actors by role, never by name."""

    ATTACKER = "attacker"  # the party that means to change the map
    DEFENDER = "defender"  # the party that holds the contested region
    PATRON = "patron"  # a power that backs the defender (and may broker)
    SUPPORTER = "supporter"  # a power that backs the attacker
    MEDIATOR = "mediator"  # a broker with no side


ONE_EACH = (Role.ATTACKER, Role.DEFENDER)  # roles a scenario must fill exactly once


@dataclass(frozen=True)
class PolicySchema:
    """A policy as the schema sees it: its key in YAML, its role, and the block (a pydantic model) an actor following
    it takes."""

    name: str
    role: Role
    params: Any  # type[config.policies.ActorParams]
    broker: bool = False  # it makes ceasefire offers


class PolicyRegistryError(RuntimeError):
    """No policy is registered, or two policies claim one name."""


@functools.cache
def policy_schemas() -> dict[str, PolicySchema]:
    """Every registered policy by its key in YAML (entry points of ``scenarios.policies``), loaded once."""
    found: dict[str, PolicySchema] = {}
    for point in sorted(metadata.entry_points(group=ENTRY_POINTS), key=lambda p: p.name):
        schema = point.load()
        if not isinstance(schema, PolicySchema):
            raise PolicyRegistryError(f"entry point {point.name!r} ({point.value}) is not a PolicySchema")
        if schema.name in found:
            raise PolicyRegistryError(f"two policies are registered as {schema.name!r}")
        found[schema.name] = schema
    if not found:
        raise PolicyRegistryError(
            f"no policies are registered (entry points {ENTRY_POINTS!r}): install the package (make install)"
        )
    return found


DEFAULT_LABELS = {role.value: f"the {role.value}" for role in Role}


def actor_label(actor: str, block: Mapping[str, Any] | None) -> str:
    """An actor's name for readers: its `label`, or its id capitalised."""
    label = block.get("label") if isinstance(block, Mapping) else None
    return str(label) if label else actor.replace("_", " ").title()


def role_labels(config: Mapping[str, Any] | None) -> dict[str, str]:
    """Role -> the name readers see, from a scenario's resolved config (a mapping: a YAML tree or a manifest's dump).

    The first actor of each role names it; a role no actor plays keeps a generic name ("the patron").
    """
    labels = dict(DEFAULT_LABELS)
    actors = (config or {}).get("actors") or {}
    schemas = policy_schemas()
    seen: set[str] = set()
    for name, block in actors.items():
        schema = schemas.get(str(block.get("policy"))) if isinstance(block, Mapping) else None
        if schema is not None and schema.role.value not in seen:
            seen.add(schema.role.value)
            labels[schema.role.value] = actor_label(str(name), block)
    return labels


def actors_by_role(config: Mapping[str, Any] | None) -> dict[str, str]:
    """Role -> the id of the first actor playing it, from a resolved config (roles no actor plays are absent)."""
    out: dict[str, str] = {}
    schemas = policy_schemas()
    for name, block in ((config or {}).get("actors") or {}).items():
        schema = schemas.get(str(block.get("policy"))) if isinstance(block, Mapping) else None
        if schema is not None:
            out.setdefault(schema.role.value, str(name))
    return out


def fill(template: str, labels: Mapping[str, str]) -> str:
    """A text that speaks of roles (``"military deaths, {attacker}"``) with the scenario's names; a capitalised
    placeholder (``{Attacker}``) starts a sentence."""
    out = template
    for role, label in labels.items():
        out = out.replace("{" + role + "}", label).replace("{" + role.capitalize() + "}", label[:1].upper() + label[1:])
    return out
