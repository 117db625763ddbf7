"""Which files a scenario may make `scenarios` open: its own folder tree, and folders the user allows.

A scenario file can come from anyone. Its `extends:` and `sources:` may only name files inside the folder of
the file being loaded (and its subfolders, symbolic links resolved), or inside a folder the user allows with
``--allow-path DIR`` or the environment variable ``SCENARIOS_ALLOW_PATH`` (folders separated by ``:``).
Anything else is refused before it is opened, so validating a file someone sent you never reads, let alone
prints, your own files.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ENV = "SCENARIOS_ALLOW_PATH"

_allowed: list[Path] = []  # set by the CLI's --allow-path for the duration of one command


def allowed_folders() -> list[Path]:
    """The folders the user allows beyond a scenario's own: ``--allow-path`` and ``SCENARIOS_ALLOW_PATH``."""
    from_env = [Path(p).resolve() for p in os.environ.get(ENV, "").split(os.pathsep) if p.strip()]
    return [*_allowed, *from_env]


@contextmanager
def allowing(folders: Sequence[str | Path]) -> Iterator[None]:
    """Allow `folders` (as ``--allow-path`` does) while the block runs."""
    added = [Path(f).resolve() for f in folders]
    _allowed.extend(added)
    try:
        yield
    finally:
        del _allowed[len(_allowed) - len(added) :]


def roots_for(top: Path) -> list[Path]:
    """Where the files a scenario names may be: the folder of the file loaded, then the allowed folders."""
    try:
        folder = top.resolve().parent
    except (OSError, RuntimeError):  # a link loop, a name too long: reading the file says what is wrong with it
        folder = top.absolute().parent
    return [folder, *allowed_folders()]


def is_inside(path: Path, roots: Sequence[Path]) -> bool:
    """Whether `path` (resolved, so a symbolic link counts where it points) lies in one of `roots`."""
    target = path.resolve()
    return any(target == root or root in target.parents for root in roots)


ALLOW_HINT = f"a scenario may only name files in its own folder tree; allow another with --allow-path DIR or {ENV}=DIR"
