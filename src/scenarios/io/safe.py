"""Files inside a results folder, read and written without following symbolic links.

A results folder may come from anyone (a colleague's archive, a download), so what is inside it is untrusted input:
a `.lock`, a table or `parts/` that is a symbolic link must not make the tool read or write the file it points to,
a FIFO must not make it hang, a device such as /dev/zero must not exhaust memory. Every file the tool reads or
writes inside a results folder goes through this module:

- every folder between the results folder (`root`, named by the user: it may itself be reached through a link) and
  the file is a real folder, not a symbolic link, and the path does not climb out of `root`;
- the file itself is opened with ``O_NOFOLLOW`` (a link is refused, not followed) and ``O_NONBLOCK`` (a FIFO does
  not block), must be a regular file, and is read only up to a cap;
- a file is written to a temporary file created with ``O_EXCL | O_NOFOLLOW`` and renamed over the target, so a link
  planted at either name is never written through; a target that is a link, a FIFO or a device is refused.

Errors are `UnsafeFile` (a `ResultsError`): one message naming the file and why it was refused.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import BinaryIO

from scenarios.exceptions import ResultsError

READ_CHUNK = 1 << 20
MAX_NAME_BYTES = 255  # of one file or folder name (Linux, macOS)
MAX_PATH_BYTES = 4000  # of a whole path (PATH_MAX is 4096)


class UnsafeFile(ResultsError):
    """A file in a results folder that the tool refuses to read or write (a link, a FIFO, too large, outside)."""


def name_problem(text: str) -> str | None:
    """What makes `text` unusable as a file or folder name (empty, blank, a NUL byte, too long), or None."""
    if not text.strip():
        return "an empty name"
    if "\x00" in text:
        return "a name with a NUL byte"
    size = len(text.encode("utf-8", "surrogateescape"))
    if size > MAX_PATH_BYTES:
        return f"a path of {size:,} bytes; at most {MAX_PATH_BYTES:,}"
    for part in PurePath(text).parts:
        size = len(part.encode("utf-8", "surrogateescape"))
        if size > MAX_NAME_BYTES:
            return f"a name of {size} bytes ({part[:24]}...); a file or folder name has at most {MAX_NAME_BYTES}"
    return None


def relative_inside(root: Path, path: Path) -> PurePath:
    """`path` relative to `root` (lexically: `path` is built from `root`); an error if it climbs out."""
    try:
        rel = PurePath(os.path.normpath(path)).relative_to(os.path.normpath(root))
    except ValueError:
        raise UnsafeFile(f"{path}: outside the results folder {root}") from None
    if any(part == ".." for part in rel.parts):
        raise UnsafeFile(f"{path}: outside the results folder {root}")
    return rel


def check_folders(root: Path, path: Path) -> None:
    """Every folder between `root` and `path` (excluded) that exists is a real folder, not a symbolic link."""
    rel = relative_inside(root, path)
    here = Path(root)
    for part in rel.parts[:-1]:
        here = here / part
        try:
            mode = os.lstat(here).st_mode
        except FileNotFoundError:
            return
        except OSError as exc:
            raise UnsafeFile(f"{here}: cannot be examined ({exc.strerror})") from None
        if stat.S_ISLNK(mode):
            raise UnsafeFile(
                f"{here}: a symbolic link inside the results folder {root}; scenarios does not follow links there"
            )
        if not stat.S_ISDIR(mode):
            raise UnsafeFile(f"{here}: is not a folder")


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def open_regular(path: Path, root: Path | None = None, cap: int | None = None) -> int:
    """A file descriptor of the regular file `path` (not a link, a FIFO or a device; at most `cap` bytes), with the
    folders between `root` and it checked. FileNotFoundError propagates (callers say what a missing file means)."""
    if root is not None:
        check_folders(root, path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeFile(
                f"{path}: is a symbolic link; scenarios does not follow links in a results folder"
            ) from None
        if exc.errno in (errno.EISDIR,):
            raise UnsafeFile(f"{path}: is a folder, not a file") from None
        raise UnsafeFile(f"{path}: cannot be read ({exc.strerror})") from None
    except ValueError as exc:  # a NUL byte
        raise UnsafeFile(f"{path}: not a usable file name ({exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile(f"{path}: is {kind_of(info.st_mode)}, not a regular file; it is not read")
        if cap is not None and info.st_size > cap:
            raise UnsafeFile(f"{path}: too large ({info.st_size:,} bytes; at most {cap:,} are read)")
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~os.O_NONBLOCK)
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_file(path: Path, root: Path | None = None, cap: int | None = None) -> BinaryIO:
    """`open_regular` as a binary file object (closed by the caller)."""
    return os.fdopen(open_regular(path, root, cap), "rb")


def read_bytes(path: Path, root: Path | None = None, cap: int | None = None) -> bytes:
    """The bytes of a regular file (see `open_regular`); never more than `cap` (a file that grows is cut off)."""
    with open_file(path, root, cap) as fh:
        data = fh.read() if cap is None else fh.read(cap + 1)
    if cap is not None and len(data) > cap:
        raise UnsafeFile(f"{path}: too large (more than {cap:,} bytes)")
    return data


def sha256_of(fh: BinaryIO) -> str:
    """SHA-256 of an open file from its start, read in chunks (memory stays flat); the position is restored."""
    h = hashlib.sha256()
    fh.seek(0)
    while chunk := fh.read(READ_CHUNK):
        h.update(chunk)
    fh.seek(0)
    return h.hexdigest()


def check_target(path: Path) -> bool:
    """Whether `path` exists; an error if it exists as anything but a regular file (a link is never replaced, since
    the tool did not make it)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise UnsafeFile(f"{path}: cannot be examined ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        raise UnsafeFile(f"{path}: is {kind_of(mode)}; scenarios replaces only regular files it wrote")
    return True


def _create_temporary(path: Path) -> tuple[Path, int]:
    """A new temporary file beside `path`, created exclusively (a link planted at its name is removed, not
    followed)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    for _ in range(2):
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
            return tmp, fd
        except FileExistsError:
            os.unlink(tmp)  # a stale temporary file of a crashed writer with our pid, or a planted link: not followed
    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(tmp))


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_stream(path: Path, root: Path | None = None) -> Iterator[BinaryIO]:
    """A binary file to write `path` through: written to a temporary file, fsynced and renamed over `path` when the
    block ends without an error (removed otherwise). The target, if it exists, must be a regular file."""
    if root is not None:
        check_folders(root, path)
    check_target(path)
    tmp, fd = _create_temporary(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        check_target(path)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def write_atomic(path: Path, data: bytes, root: Path | None = None) -> None:
    """After this returns the file holds `data` whole; if the process dies first, the old file (if any) stays."""
    with atomic_stream(path, root) as fh:
        fh.write(data)


def append_durable(path: Path, line: str, root: Path | None = None) -> None:
    """Append one line and fsync it (a journal entry); a torn last line is ignored by readers."""
    if root is not None:
        check_folders(root, path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeFile(
                f"{path}: is a symbolic link; scenarios does not follow links in a results folder"
            ) from None
        raise
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UnsafeFile(f"{path}: is {kind_of(mode)}, not a regular file; nothing is written to it")
        fh.write(line.rstrip("\n") + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def make_folders(root: Path, folder: Path) -> None:
    """Create `folder` (and the folders between `root` and it) as real folders; a link or a file on the way is an
    error."""
    rel = relative_inside(root, folder)
    here = Path(root)
    for part in rel.parts:
        here = here / part
        try:
            os.mkdir(here)
            continue
        except FileExistsError:
            pass
        mode = os.lstat(here).st_mode
        if stat.S_ISLNK(mode):
            raise UnsafeFile(
                f"{here}: a symbolic link inside the results folder {root}; scenarios does not follow links there"
            )
        if not stat.S_ISDIR(mode):
            raise UnsafeFile(f"{here}: is {kind_of(mode)}, where scenarios keeps a folder")


def is_regular(path: Path) -> bool:
    """Whether `path` is a regular file itself (a link to one is not)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def is_folder(path: Path) -> bool:
    """Whether `path` is a folder itself (a link to one is not)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False
