"""Which assumptions differ between two scenarios, after `extends:` and overrides are resolved.

Compared at the level an analyst argues about: a parameter's value (number, range, word or distribution), or a
plain setting (a date, a label, an objective's holder). Provenance and notes are shown, not compared.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from scenarios.config.inspect import field_description
from scenarios.config.params import DateParam, Param
from scenarios.config.schema import Scenario

# Not assumptions: identity, where results go, and how results are read (`scenarios check` shows expectations)
IGNORED = {
    "name",
    "title",
    "description",
    "note",
    "sources",
    "simulation.output_dir",
    "measures",
    "expectations",
    "questions",
}


@dataclass(frozen=True)
class Difference:
    """One assumption that differs: both values, what it means, where each value was set, its provenance."""

    path: str
    a: str
    b: str
    meaning: str
    origin_a: str
    origin_b: str
    provenance_a: str
    provenance_b: str


def _leaves(node: Any, path: str) -> dict[str, Any]:
    """Comparable leaves: parameters whole, other models field by field, mappings key by key."""
    if isinstance(node, Param | DateParam):
        return {path: node}
    if isinstance(node, BaseModel):
        out: dict[str, Any] = {}
        for name in type(node).model_fields:
            child = f"{path}.{name}" if path else name
            if child not in IGNORED and name not in ("source", "assumption", "note"):
                out.update(_leaves(getattr(node, name), child))
        return out
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            out.update(_leaves(value, f"{path}.{key}"))
        return out
    return {path: node}


def _shown(value: Any) -> str:
    if value is None:
        return "(absent)"
    if isinstance(value, Param | DateParam):
        v = value.value
        if isinstance(v, BaseModel):
            return ", ".join(f"{k}={x}" for k, x in v.model_dump().items())
        if isinstance(v, tuple):
            return f"[{v[0]}, {v[1]}]"
        return str(v)
    if isinstance(value, list):
        return ", ".join(_shown(v.name if hasattr(v, "name") else v) for v in value)
    return str(value)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Param | DateParam) and isinstance(b, Param | DateParam):
        return a.value == b.value
    return bool(a == b)


def _provenance(value: Any) -> str:
    if isinstance(value, Param | DateParam):
        parts = []
        if value.source is not None:
            parts.append(f"\u00b6{value.source.para} \u201c{value.source.quote}\u201d")
        if value.assumption:
            parts.append(f"assumption: {value.assumption}")
        if value.note:
            parts.append(f"note: {value.note}")
        return "; ".join(parts)
    return ""


def diff_scenarios(a: Scenario, b: Scenario) -> list[Difference]:
    """Every assumption whose value differs between `a` and `b`, in schema order."""
    la, lb = _leaves(a, ""), _leaves(b, "")
    out = []
    for path in [*la, *(p for p in lb if p not in la)]:
        va, vb = la.get(path), lb.get(path)
        if _same(va, vb):
            continue
        out.append(
            Difference(
                path=path,
                a=_shown(va),
                b=_shown(vb),
                meaning=field_description(path),
                origin_a=a.origin_of(f"{path}.value" if isinstance(va, Param | DateParam) else path),
                origin_b=b.origin_of(f"{path}.value" if isinstance(vb, Param | DateParam) else path),
                provenance_a=_provenance(va),
                provenance_b=_provenance(vb),
            )
        )
    return out


def render_diff(differences: list[Difference], a: str, b: str) -> str:
    """The differences as text for the terminal: path, both values, meaning, where set, provenance."""
    if not differences:
        return f"no assumption differs between {a} and {b}"
    lines = [f"{len(differences)} assumption(s) differ: {a} -> {b}"]
    for d in differences:
        lines.append(f"  {d.path}: {d.a} -> {d.b}")
        if d.meaning:
            lines.append(f"      {d.meaning}")
        lines.append(f"      set at {d.origin_a} -> {d.origin_b}")
        provenance = d.provenance_b or d.provenance_a
        if provenance:
            lines.append(textwrap.fill(provenance, width=110, initial_indent="      ", subsequent_indent="        "))
    return "\n".join(lines)
