"""The shipped policies, one module each, addressed by the role they play (`model.policy`).

A scenario names its actors freely; each actor's block under ``actors:`` says which policy it follows
(``policy: attacker``), and the policy fixes its role. The simulation core addresses actors by role (the attacker,
the defender, the patron of the defender, the supporter of the attacker, mediators), never by name, so a second
case with other actors runs through the same core.

To add a policy: write a module with a `PolicySchema` (its key in YAML, role and parameter block), a subclass of its
role's base in `model.policy`, list the class in `POLICIES` below, and register the schema as an entry point of
``scenarios.policies`` in pyproject.toml (that is how the scenario schema finds it without importing the model).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scenarios.model.actors.attacker import Attacker
from scenarios.model.actors.defender import Defender
from scenarios.model.actors.envoy import Envoy
from scenarios.model.actors.patron import Patron
from scenarios.model.actors.supporter import Supporter
from scenarios.model.observation import Roles
from scenarios.model.policy import Policy
from scenarios.roles import Role

POLICIES: dict[str, type[Policy[Any]]] = {p.schema.name: p for p in (Attacker, Defender, Patron, Supporter, Envoy)}


def cast(blocks: Mapping[str, Any]) -> dict[str, Policy[Any]]:
    """The actors of a scenario, in the order written, from its `actors:` blocks (each naming its `policy`)."""
    return {name: POLICIES[block.policy](name, block) for name, block in blocks.items()}


def roles_of(actors: Iterable[Policy[Any]]) -> Roles:
    """Who plays which role (validated by the schema: one attacker, one defender, any number of the others)."""
    by_role: dict[Role, list[str]] = {}
    for actor in actors:
        by_role.setdefault(actor.role, []).append(actor.name)
    return Roles(
        by_role[Role.ATTACKER][0],
        by_role[Role.DEFENDER][0],
        tuple(by_role.get(Role.PATRON, ())),
        tuple(by_role.get(Role.SUPPORTER, ())),
        tuple(by_role.get(Role.MEDIATOR, ())),
    )


__all__ = ["POLICIES", "Policy", "Roles", "cast", "roles_of"]
