"""A joint sample of parameter quantiles: the region calibration did not rule out, drawn from as a whole.

History matching rules out combinations of values, not single ranges (the expectations constrain parameters
jointly), so narrowing each range alone loses what it learnt. A calibrated scenario instead names a CSV file of
points that survived (``joint: {sample: FILE}``): one column per parameter path, one row per point, each cell the
parameter's quantile (0-1) in its own distribution. Each replication draws one row, uniformly, and the listed
parameters take that row's quantiles; every other parameter is drawn as usual, so a calibrated scenario stays
paired with its original. A parameter fixed by a variant or ``--set`` keeps its fixed value.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scenarios.config.params import ValueProblem
from scenarios.exceptions import ConfigError
from scenarios.yamlio import read_file_bytes

__all__ = ["JointSample", "read_joint_sample"]


@dataclass(frozen=True)
class JointSample:
    """The points of a joint sample: `rows[i, j]` is the quantile of parameter `columns[j]` at point i."""

    columns: tuple[str, ...]
    rows: np.ndarray
    digest: str  # of the file's bytes: part of the config hash, so an edited sample is a different scenario

    def row(self, u: float) -> np.ndarray:
        """The point at uniform number u in (0, 1)."""
        point: np.ndarray = self.rows[min(int(u * len(self.rows)), len(self.rows) - 1)]
        return point


def read_joint_sample(path: str | Path, parameters: Collection[str]) -> JointSample:
    """Read and check a joint sample; a ValueProblem (placed at `joint.sample`) says what is wrong with it."""
    path = Path(path)
    try:
        raw = read_file_bytes(path, str(path))
    except ConfigError as exc:
        first = exc.problems[0]
        raise ValueProblem(f"{path}: {first.message}", first.hint, at=("sample",)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueProblem(f"{path.name} is not a UTF-8 text file (byte {exc.start})", at=("sample",)) from None
    header, _, body = text.partition("\n")
    columns = tuple(c.strip() for c in header.strip().split(","))
    hint = "a CSV file: a header of parameter paths, then one row of quantiles (0-1) per point"
    unknown = [c for c in columns if c not in parameters]
    if not header.strip() or unknown:
        shown = ", ".join(repr(c) for c in unknown[:3]) or "(no header)"
        what = "is not a parameter" if len(unknown) == 1 else "are not parameters"
        raise ValueProblem(
            f"{path.name}: {shown} {what} of this scenario",
            hint,
            at=("sample",),
        )
    if len(set(columns)) < len(columns):
        raise ValueProblem(f"{path.name}: a parameter appears twice in the header", hint, at=("sample",))
    try:
        rows = np.loadtxt(io.StringIO(body), delimiter=",", dtype=float, ndmin=2)
    except ValueError as exc:
        raise ValueProblem(f"{path.name}: not a table of numbers ({exc})", hint, at=("sample",)) from None
    if rows.shape[0] == 0 or rows.shape[1] != len(columns):
        raise ValueProblem(
            f"{path.name}: {rows.shape[0]} rows of {rows.shape[1]} values under a header of {len(columns)}",
            hint,
            at=("sample",),
        )
    bad = ~((rows > 0) & (rows < 1))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueProblem(
            f"{path.name}: row {i + 1}, {columns[j]} = {float(rows[i, j])!r} is not a quantile strictly inside (0, 1)",
            hint,
            at=("sample",),
        )
    return JointSample(columns, rows, hashlib.sha256(raw).hexdigest()[:16])
