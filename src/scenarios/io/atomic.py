"""Crash-safe file writes: write to a temporary file, fsync, rename over the target, fsync the folder.

Neither the temporary file nor the target is ever written through a symbolic link (`io.safe`).
"""

from __future__ import annotations

from pathlib import Path

from scenarios.io import safe

fsync_dir = safe.fsync_dir


def write_atomic(path: Path, data: bytes, root: Path | None = None) -> None:
    """After this returns the file holds `data` whole; if the process dies first, the old file (if any) stays.

    `root`: the results folder `path` lies in (every folder between is checked to be a real folder)."""
    safe.write_atomic(path, data, root)


def append_durable(path: Path, line: str, root: Path | None = None) -> None:
    """Append one line and fsync it (a journal entry); a torn last line is ignored by readers."""
    safe.append_durable(path, line, root)
