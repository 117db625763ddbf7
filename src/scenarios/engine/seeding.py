"""Seeds: one normaliser for every public entry point, and the seed of each replication.

Replication i of a batch with seed s gets ``SeedSequence(s, spawn_key=(i,))`` — the same child that
``SeedSequence(s).spawn(i + 1)[i]`` gives — so it depends only on (s, i): not on the worker, the chunk or the
executor, and not on the scenario, which gives common random numbers across the scenarios of a batch.
"""

from __future__ import annotations

import secrets

import numpy as np

from scenarios.exceptions import ScenarioError

SeedLike = int | np.random.SeedSequence | None
MAX_SEED = 2**63 - 1  # a batch seed is stored as a 64-bit integer (the errors table's `batch_seed`)


class SeedError(ScenarioError, ValueError):
    """A seed that cannot seed a batch (negative, not an integer)."""


def normalise_seed(seed: SeedLike) -> int:
    """A non-negative integer seed; a fresh random one when None (record it to re-run the batch)."""
    if seed is None:
        return secrets.randbits(63)
    if isinstance(seed, np.random.SeedSequence):
        entropy = seed.entropy
        if not isinstance(entropy, int):
            raise SeedError("a SeedSequence with a sequence of entropy words cannot be used as a batch seed")
        return normalise_seed(entropy)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise SeedError(f"the seed must be a non-negative integer, got {seed!r}")
    if seed > MAX_SEED:
        raise SeedError(f"the seed must be at most 2**63 - 1, got {seed}")
    return int(seed)


def replication_seed(batch_seed: int, replication: int) -> np.random.SeedSequence:
    """The seed of replication `replication` of a batch."""
    return np.random.SeedSequence(batch_seed, spawn_key=(replication,))
