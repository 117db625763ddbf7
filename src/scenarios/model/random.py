"""Random streams for the model: numpy generators read in blocks, used from plain Python.

A numpy scalar call costs far more than the arithmetic of an event, so each stream draws uniforms and normals in
blocks and hands them out one by one. The sequence of values depends only on the seed and the order of calls,
so a replication stays reproducible to the bit.
"""

from __future__ import annotations

import math
import zlib
from typing import Protocol

import numpy as np

_BLOCK = 512


class Random(Protocol):
    """What policies and mechanisms may ask of a random stream."""

    def uniform(self) -> float: ...

    def normal(self) -> float: ...

    def exponential(self, rate: float) -> float: ...

    def poisson(self, mean: float) -> int: ...


class Stream:
    """A buffered random stream over one `numpy.random.Generator`."""

    __slots__ = ("_gen", "_n", "_normals", "_u", "_uniforms")

    def __init__(self, generator: np.random.Generator):
        self._gen = generator
        self._uniforms: list[float] = []
        self._u = 0
        self._normals: list[float] = []
        self._n = 0

    @classmethod
    def from_seed(cls, seed: int | np.random.SeedSequence) -> Stream:
        return cls(np.random.default_rng(seed))

    def uniform(self) -> float:
        """A uniform number in [0, 1)."""
        if self._u >= len(self._uniforms):
            self._uniforms = self._gen.random(_BLOCK).tolist()
            self._u = 0
        x = self._uniforms[self._u]
        self._u += 1
        return x

    def normal(self) -> float:
        """A standard normal number."""
        if self._n >= len(self._normals):
            self._normals = self._gen.standard_normal(_BLOCK).tolist()
            self._n = 0
        x = self._normals[self._n]
        self._n += 1
        return x

    def exponential(self, rate: float) -> float:
        """Waiting time of a Poisson process with this rate (per day)."""
        return -math.log(1.0 - self.uniform()) / rate

    def poisson(self, mean: float) -> int:
        """A Poisson count: inversion for small means, numpy beyond."""
        if mean <= 0.0:
            return 0
        if mean > 30.0:
            return int(self._gen.poisson(mean))
        u = self.uniform()
        k = 0
        p = math.exp(-mean)
        cdf = p
        while u > cdf and k < 1000:
            k += 1
            p *= mean / k
            cdf += p
        return k


def stream_key(name: str) -> int:
    """A stable 32-bit key for a named source of randomness (the same on every machine and Python)."""
    return zlib.crc32(name.encode("utf-8"))


def child_seed(parent: np.random.SeedSequence, name: str) -> np.random.SeedSequence:
    """The seed of a named stream under `parent`: adding a stream never shifts the others."""
    return np.random.SeedSequence(parent.entropy, spawn_key=(*parent.spawn_key, stream_key(name)))


def named_streams(parent: np.random.SeedSequence, names: list[str]) -> dict[str, Stream]:
    """One independent stream per source of randomness (each actor, violations, combat, ...)."""
    return {name: Stream(np.random.default_rng(child_seed(parent, name))) for name in names}
