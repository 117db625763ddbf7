"""Resolve a scenario's parameters to one flat set of numbers per replication.

Each parameter gets its own quantile u, derived from the replication's seed and a stable hash of its dotted
path (so adding or changing one parameter never shifts the draws of the others: scenarios stay paired), and
its value is the inverse CDF at u. The flat record ``{"actors.<id>.rationality": 5.0, ...}`` is
what each replication stores and what sensitivity analysis reads; dates are stored as days after the start
date. A scenario with a joint sample (`config.joint`) takes some parameters' quantiles from one of its points.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from pydantic import BaseModel

from scenarios.config.params import DateParam, Param, Spec

_MASK = (1 << 64) - 1
JOINT_PATH = "joint"  # the "path" whose quantile picks a replication's point of a joint sample (not a parameter)


def _splitmix64(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


@functools.lru_cache(maxsize=8192)
def _path_hash(path: str) -> int:
    """The stable hash of a parameter path, worked out once per path rather than once per replication."""
    return zlib.crc32(path.encode("utf-8"))


def path_quantile(key: int, path: str) -> float:
    """A uniform number in (0, 1) determined by a 64-bit key and a parameter path."""
    h = _splitmix64(key ^ _path_hash(path))
    return ((h >> 11) + 0.5) * (1.0 / (1 << 53))


def _walk(node: Any, path: str, start: Any) -> Iterator[tuple[str, Spec]]:
    if isinstance(node, Param):
        yield path, node.spec
    elif isinstance(node, DateParam):
        yield path, node.day_spec(start)
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _walk(getattr(node, name), f"{path}.{name}" if path else name, start)
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}", start)


def parameter_specs(scenario: Any) -> dict[str, Spec]:
    """Every parameter of a scenario by dotted path, in schema order."""
    return dict(_walk(scenario, "", scenario.simulation.start_date))


def draw_parameters(scenario: Any, rng: np.random.Generator, specs: dict[str, Spec] | None = None) -> dict[str, float]:
    """Draw one value of every parameter; fixed parameters keep their value."""
    specs = parameter_specs(scenario) if specs is None else specs
    key = int(rng.integers(0, 1 << 63, dtype=np.int64))
    values = {path: spec.ppf(path_quantile(key, path)) if spec.uncertain else spec.lo for path, spec in specs.items()}
    joint = scenario.joint_sample() if hasattr(scenario, "joint_sample") else None
    if joint is not None:  # one point of the sample for its parameters (config.joint); the others are untouched
        for path, u in zip(joint.columns, joint.row(path_quantile(key, JOINT_PATH)), strict=True):
            spec = specs.get(path)
            if spec is not None and spec.uncertain:
                values[path] = spec.ppf(float(u))
    return values


def parameters_at(specs: dict[str, Spec], quantiles: Mapping[str, float]) -> dict[str, float]:
    """Values at given quantiles (for designed experiments); unnamed parameters take their median."""
    unknown = set(quantiles) - set(specs)
    if unknown:
        raise KeyError(f"not parameters of this scenario: {sorted(unknown)}")
    return {path: spec.ppf(quantiles.get(path, 0.5)) for path, spec in specs.items()}


class Values:
    """Resolved values of one block of parameters: attribute access gives floats or nested blocks."""

    def __init__(self, items: Mapping[str, Any]):
        self.__dict__.update(items)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"no parameter {name!r} here; have: {', '.join(sorted(self.__dict__))}")

    def __repr__(self) -> str:
        return f"Values({self.__dict__!r})"


Layout = tuple[tuple[str, Any], ...]  # (name, flat path | nested layout) per entry of a block


@functools.lru_cache(maxsize=64)
def _layout(paths: tuple[str, ...]) -> Layout:
    """How a flat record with these dotted paths nests into blocks (worked out once per parameter set)."""
    root: dict[str, Any] = {}
    for path in paths:
        node = root
        *heads, last = path.split(".")
        for head in heads:
            node = node.setdefault(head, {})
        node[last] = path

    def freeze(block: dict[str, Any]) -> Layout:
        return tuple((k, freeze(v) if isinstance(v, dict) else v) for k, v in block.items())

    return freeze(root)


def _build(layout: Layout, flat: Mapping[str, float]) -> Values:
    return Values({name: flat[v] if isinstance(v, str) else _build(v, flat) for name, v in layout})


def values_tree(flat: Mapping[str, float]) -> Values:
    """Nest a flat record into blocks: values_tree(flat).actors.<id>.rationality.

    The nesting of a parameter set is worked out once and cached: this runs once per replication.
    """
    return _build(_layout(tuple(flat)), flat)
