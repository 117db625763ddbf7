"""Scenario files of format 1 load: `io.legacy` renames and moves their keys, and the positions of what was read move
with them, so that an error still names the file and line it comes from. A warning says what was renamed."""

from __future__ import annotations

import warnings
from typing import Any

from scenarios.io import legacy
from scenarios.yamlio import Located, Path_


class LegacyFormatWarning(UserWarning):
    """A scenario file written in format 1 was read and renamed."""


def _follow(tree: Located, moves: list[legacy.Move]) -> list[str]:
    """Move the origins of what was read along with the tree's moves; what the moves say."""
    for move in moves:
        if move.new == move.old:
            continue
        n = len(move.old)
        for key in [k for k in tree.origins if k[:n] == move.old]:
            origin = tree.origins.pop(key)
            if move.new is not None:
                tree.origins[(*move.new, *key[n:])] = origin
    return [m.said for m in moves if m.said]


def rename_file(tree: Located) -> list[str]:
    """Rename a file's format-1 keys and values in place (before merging); what was renamed."""
    return _follow(tree, legacy.rename_keys(tree.data))


def move_effects(tree: Located, renamed: bool) -> list[str]:
    """After merging: format 1's fixed effects to the capabilities and rungs they acted on (`io.legacy`)."""
    return _follow(tree, legacy.move_effects(tree.data, renamed))


def rename_path(path: Path_, data: Any) -> Path_:
    """An override's key path (`--set a.b.c=v`) with format-1 keys renamed, and format 1's fixed effects moved to
    the capability or rung they act on (`data`: the merged tree, for the ids of the supporter and the defender)."""
    supporter, defender = legacy.roles(data) if isinstance(data, dict) else (None, None)
    head = 3 if path[:1] == ("actors",) else 2
    if len(path) >= head and all(isinstance(p, str) for p in path[:head]):
        old = ".".join(map(str, path[:head]))
        new = legacy.parameter_path(old, supporter, defender)
        if new != old:
            return (*new.split("."), *path[head:])
    return path


def warn(display: str, done: list[str]) -> None:
    if done:
        shown = "; ".join(done[:6]) + (f"; and {len(done) - 6} more" if len(done) > 6 else "")
        warnings.warn(
            f"{display}: read as format 1 and renamed ({shown}). Rename the keys in the file to today's names "
            "(docs/configuration.md, 'Files of format 1').",
            LegacyFormatWarning,
            stacklevel=3,
        )
