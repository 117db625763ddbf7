"""The tool owns only what it wrote: which folders are its own, the only files it deletes or replaces, and the checks
every output path passes before a command does its work.

A folder is the tool's when it holds

- a batch: a ``manifest.json`` the tool reads as one of its manifests. The batch's own files are named by its format
  (the manifest, the journal, the tables, ``design.parquet``, ``parts/``, ``inputs/``, ``.cache/figures``,
  ``.lock``), and only files of those names and shapes are removed with it;
- or a ledger, ``written.jsonl``: one line per file (or folder of a batch) the tool wrote there beside a batch or in a
  study's folder (stored analyses, plots, a report, a calibration's waves).

Everything else in a folder is the user's: never deleted, never replaced. A folder that holds files but neither a
manifest nor a ledger is not the tool's: a command refuses to write there (it never cleans it). A file the tool is
asked to write (`check_output_file`) is never a scenario file, never one of a batch's own files, and replaces an
existing file only with the command's replace flag, or, when the tool chose the file's name itself (a stored
analysis, a check's plot), when the ledger of its folder lists it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from scenarios.exceptions import ResultsError
from scenarios.io import safe
from scenarios.io.records import TABLES
from scenarios.io.store import (
    ANALYSIS_PREFIX,
    CACHE,
    CHUNK_KEY,
    DESIGN,
    INPUTS,
    JOURNAL,
    LEDGER,
    LOCK,
    MANIFEST,
    PARTS,
    ManifestVersionError,
    read_manifest,
)

MAX_LEDGER_BYTES = 16 * 2**20
SCENARIO_SUFFIXES = (".yaml", ".yml")
# The files of a batch by name (the manifest is replaced, never removed, when a batch is replaced)
BATCH_FILES = (MANIFEST, JOURNAL, DESIGN, LEDGER, LOCK, *(f"{t}.parquet" for t in TABLES))
BATCH_FOLDERS = (PARTS, INPUTS, CACHE)
TEMPORARY = re.compile(r"^\..+\.(tmp|probe)-\d+$")  # what `io.safe` writes before renaming
INPUT_FILE = re.compile(r"^[0-9a-f]{16}\.[a-z]{1,5}$")
FIGURE_FILE = re.compile(r"^.+-[0-9a-f]{20}-\d+x\d+\.png$")  # report.figures.FigureCache


@dataclass(frozen=True)
class Folder:
    """What a folder is to the tool: ``missing``, ``empty``, ``batch`` (a manifest of its own), ``study`` (a ledger
    and no manifest), ``foreign`` (files of someone else), or ``file`` (not a folder at all)."""

    path: Path
    kind: str
    entries: tuple[str, ...] = ()
    manifest: dict[str, Any] | None = None

    @property
    def ours(self) -> bool:
        return self.kind in ("batch", "study")


def usable_path(text: str | Path, field: str, what: str = "a file") -> Path:
    """`text` as a path, or a ResultsError naming option `field`: empty, blank, a NUL byte, a name too long."""
    problem = safe.name_problem(str(text))
    if problem is not None:
        raise ResultsError.naming(field, "{" + field + "}: {problem}; give {what}", problem=problem, what=what)
    return Path(text)


def _our_lock(path: Path) -> bool:
    """Whether a `.lock` is one the tool left: a small regular file saying which process held it."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode) or info.st_size > 1024:
        return False
    try:
        text = safe.read_bytes(path, path.parent, 1024).decode("utf-8", "replace")
    except (OSError, ResultsError):
        return False
    return not text or text.startswith("pid ")


def examine(directory: Path, field: str = "out") -> Folder:
    """What `directory` is to the tool (see `Folder`); a path that cannot be examined is a ResultsError naming
    `field`."""
    directory = Path(directory)
    try:
        info = os.stat(directory)  # the folder itself may be reached through a link: the user named it
    except FileNotFoundError:
        return Folder(directory, "missing")
    except NotADirectoryError:
        raise ResultsError.naming(
            field, "{folder}: a part of this path is a file; give {" + field + "} a folder", folder=directory
        ) from None
    except OSError as exc:
        raise ResultsError.naming(
            field,
            "{folder}: cannot be used ({reason}); choose another {" + field + "}",
            folder=directory,
            reason=exc.strerror,
        ) from None
    if not stat.S_ISDIR(info.st_mode):
        return Folder(directory, "file")
    try:
        entries = tuple(sorted(os.listdir(directory)))
    except OSError as exc:
        raise ResultsError.naming(
            field,
            "{folder}: cannot be read ({reason}); choose another {" + field + "}",
            folder=directory,
            reason=exc.strerror,
        ) from None
    rest = [e for e in entries if not (e == LOCK and _our_lock(directory / LOCK))]
    if not rest:
        return Folder(directory, "empty", entries)
    if MANIFEST in entries:
        try:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                manifest = read_manifest(directory)
        except ManifestVersionError as exc:
            if exc.version is not None:
                raise ResultsError.naming(
                    field,
                    "{folder}: holds a batch of results format {version}, which this version of scenarios can neither "
                    "read nor replace; use the version that wrote it, or choose another {" + field + "}",
                    folder=directory,
                    version=exc.version,
                ) from None
            return Folder(directory, "foreign", entries)
        except ResultsError:
            return Folder(directory, "foreign", entries)
        return Folder(directory, "batch", entries, manifest)
    if LEDGER in entries and ledger(directory) is not None:
        return Folder(directory, "study", entries)
    return Folder(directory, "foreign", entries)


def check_batch_names(directory: Path) -> None:
    """The names a batch writes in its folder are free or hold what the tool keeps there (a regular file, a real
    folder): a link or a FIFO at one of them is refused before a batch runs, not when it finishes."""
    for name in (*BATCH_FILES, *BATCH_FOLDERS, f"{CACHE}/figures", *(f"{PARTS}/{t}" for t in TABLES)):
        path = directory / name
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            continue
        folder = name in BATCH_FOLDERS or "/" in name
        if stat.S_ISLNK(mode) or (stat.S_ISDIR(mode) != folder):
            raise safe.UnsafeFile(
                f"{path}: is {safe.kind_of(mode)}, where a batch keeps its {'folder' if folder else 'file'}; "
                "scenarios neither follows nor replaces it: remove it, or choose another folder"
            )


def refuse_foreign(folder: Folder, field: str = "out") -> ResultsError:
    """The error for a folder the tool does not own."""
    if folder.kind == "file":
        return ResultsError.naming(
            field, "{folder}: is a file, not a folder; give {" + field + "} a folder name", folder=folder.path
        )
    shown = ", ".join(folder.entries[:3]) + (", ..." if len(folder.entries) > 3 else "")
    return ResultsError.naming(
        field,
        "{folder}: holds files scenarios did not write ({shown}); it never cleans or writes into a folder it does "
        "not own: give {" + field + "} a new or empty folder",
        folder=folder.path,
        shown=shown,
    )


# --- the ledger -------------------------------------------------------------------------------------------------


def ledger(directory: Path) -> list[dict[str, str]] | None:
    """The lines of a folder's ledger (None: no ledger, or not one the tool wrote)."""
    try:
        raw = safe.read_bytes(directory / LEDGER, directory, MAX_LEDGER_BYTES)
    except (OSError, ResultsError):
        return None
    lines = []
    for line in raw.decode("utf-8", "replace").splitlines():
        try:
            entry = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            continue  # torn by a crash
        if isinstance(entry, dict) and all(isinstance(v, str) for v in entry.values()):
            lines.append(entry)
    return lines


def _confined(rel: str) -> PurePosixPath | None:
    """A relative path that stays inside its folder, or None."""
    if not rel or "\x00" in rel:
        return None
    path = PurePosixPath(rel)
    if path.is_absolute() or any(p in ("..", ".", "") for p in path.parts):
        return None
    return path


def owned_files(directory: Path) -> set[str]:
    """The files the ledger of `directory` lists (paths relative to it, confined to it)."""
    return {str(p) for e in ledger(directory) or [] if "file" in e and (p := _confined(e["file"])) is not None}


def owned_folders(directory: Path) -> set[str]:
    """The folders of batches the ledger of `directory` lists (a calibration's waves)."""
    return {str(p) for e in ledger(directory) or [] if "folder" in e and (p := _confined(e["folder"])) is not None}


def record(directory: Path, *, files: Iterable[Path] = (), folders: Iterable[Path] = (), study: str = "") -> None:
    """Add to the ledger of `directory` what the tool wrote there (paths inside it)."""
    lines = [{"study": study}] if study else []
    lines += [{"file": safe.relative_inside(directory, f).as_posix()} for f in files]
    lines += [{"folder": safe.relative_inside(directory, f).as_posix()} for f in folders]
    for line in lines:
        safe.append_durable(directory / LEDGER, json.dumps(line), directory)


def owner_of(path: Path) -> Path | None:
    """The folder of the tool (a batch or a study) that `path` lies in, looking at its folder and the one above."""
    for folder in (path.parent, path.parent.parent):
        if safe.is_regular(folder / MANIFEST) or safe.is_regular(folder / LEDGER):
            try:
                if examine(folder).ours:
                    return folder
            except ResultsError:
                return None
    return None


# --- removing what the tool wrote -------------------------------------------------------------------------------


def _remove(root: Path, path: Path) -> None:
    """Remove a regular file inside `root` (a link, a folder or anything else is left alone: the tool makes none)."""
    try:
        safe.check_folders(root, path)
    except ResultsError:
        return
    if safe.is_regular(path):
        path.unlink(missing_ok=True)


def _remove_matching(root: Path, folder: Path, pattern: re.Pattern[str]) -> None:
    """Remove the regular files of `folder` whose names match `pattern`, then the folder if that empties it."""
    if not safe.is_folder(folder):
        return
    try:
        safe.check_folders(root, folder / "x")
        names = os.listdir(folder)
    except (OSError, ResultsError):
        return
    for name in names:
        if pattern.match(name) or TEMPORARY.match(name):
            _remove(root, folder / name)
    _rmdir(folder)


def _rmdir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()  # only if empty: a file of the user's keeps it


def remove_parts(directory: Path) -> None:
    """Remove a batch's parts and its journal (once its tables are consolidated)."""
    parts = directory / PARTS
    chunk = re.compile(CHUNK_KEY.pattern[:-1] + r"\.parquet$")
    if safe.is_folder(parts):
        for table in TABLES:
            _remove_matching(directory, parts / table, chunk)
        _rmdir(parts)
    _remove(directory, directory / JOURNAL)


def clear(directory: Path, *, manifest_too: bool = False) -> None:
    """Remove what the tool wrote in `directory`, a folder of its own: what its ledger lists (files, and batches in
    folders of their own), the files of its batch, and the ledger; nothing else. Folders left empty are removed.

    The manifest stays unless `manifest_too` (a batch being replaced rewrites it: a crash in between leaves a folder
    that is still recognisably the tool's)."""
    for rel in owned_files(directory):
        path = directory / rel
        _remove(directory, path)
        for parent in path.relative_to(directory).parents:
            if str(parent) != ".":
                _rmdir(directory / parent)
    for rel in owned_folders(directory):
        sub = directory / rel
        try:
            safe.check_folders(directory, sub / "x")
        except ResultsError:
            continue
        if safe.is_folder(sub) and examine(sub).ours:
            clear(sub, manifest_too=True)
            _rmdir(sub)
    remove_parts(directory)
    for name in (DESIGN, *(f"{t}.parquet" for t in TABLES)):
        _remove(directory, directory / name)
    _remove_matching(directory, directory / INPUTS, INPUT_FILE)
    _remove_matching(directory, directory / CACHE / "figures", FIGURE_FILE)
    _rmdir(directory / CACHE)
    _clear_old_analyses(directory)
    try:
        names = os.listdir(directory)
    except OSError:
        names = []
    for name in names:
        if TEMPORARY.match(name):
            _remove(directory, directory / name)
    _remove(directory, directory / LEDGER)
    if manifest_too:
        _remove(directory, directory / MANIFEST)


def _clear_old_analyses(directory: Path) -> None:
    """The analyses `sensitivity.store` kept beside a batch before the ledger listed them (a Parquet table with its
    JSON metadata, and its plot), recognised by that pair: computed from the batch being replaced."""
    for table in directory.glob(f"{ANALYSIS_PREFIX}*.parquet"):
        meta = table.with_suffix(".json")
        try:
            info = json.loads(safe.read_bytes(meta, directory, 1 << 20))
        except (OSError, ResultsError, ValueError, RecursionError):
            continue
        if isinstance(info, dict) and {"method", "outcome"} <= set(info):
            for path in (table, meta, table.with_suffix(".png")):
                _remove(directory, path)


# --- output folders and files -----------------------------------------------------------------------------------


def _writable(directory: Path, field: str) -> None:
    """The nearest existing folder of `directory` accepts a new file (tried, then removed): a read-only place, a
    path under a file or a pseudo file system such as /proc is refused before any work is done."""
    here = directory
    while not here.exists() and here != here.parent:
        here = here.parent
    try:
        info = os.stat(here)
    except OSError as exc:
        raise ResultsError.naming(
            field,
            "{path}: cannot be used ({reason}); choose another {" + field + "}",
            path=directory,
            reason=exc.strerror,
        ) from None
    if not stat.S_ISDIR(info.st_mode):
        raise ResultsError.naming(
            field,
            "{path}: a part of this path ({part}) is a file; choose another {" + field + "}",
            path=directory,
            part=here,
        )
    probe = here / f".scenarios.probe-{os.getpid()}"
    try:
        os.mkdir(probe)
        os.rmdir(probe)
    except OSError as exc:
        raise ResultsError.naming(
            field,
            "{path}: cannot write in {place} ({reason}); choose another {" + field + "}",
            path=directory,
            place=here,
            reason=exc.strerror,
        ) from None


def check_output_folder(
    directory: str | Path, *, field: str = "out", replace: bool = False, resume: bool = False
) -> Folder:
    """Where a batch or a study is about to be written: a usable path, in a place that can be written, and a folder
    that is new, empty, or the tool's own (a batch to resume, or to replace with `replace`). A folder of someone
    else's is refused whatever the flags."""
    path = usable_path(directory, field, "a folder")
    folder = examine(path, field)
    if folder.kind in ("file", "foreign"):
        raise refuse_foreign(folder, field)
    if folder.kind == "missing":
        _writable(path, field)
    return folder


def prepare_study(directory: Path, *, replace: bool, field: str = "out", study: str) -> None:
    """Make `directory` a study's folder of its own (a calibration: its waves, summary and report): new or empty, or
    a study of the tool's that `replace` allows to clear. A folder of someone else's is refused."""
    folder = check_output_folder(directory, field=field)
    if folder.ours:
        if not replace:
            raise ResultsError.naming(
                "overwrite",
                "{folder}: already holds a {study} written by scenarios; use {overwrite} to replace it, or {"
                + field
                + "} for another folder",
                folder=directory,
                study=study,
            )
        clear(directory, manifest_too=True)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ResultsError.naming(
            field, "{folder}: cannot be created ({reason})", folder=directory, reason=exc.strerror
        ) from None
    record(directory, study=study)


def check_output_file(
    path: str | Path,
    *,
    field: str,
    replace: bool = False,
    suffixes: Sequence[str] = (),
    replace_field: str = "overwrite",
    named: bool = False,
) -> Path:
    """A file a command is about to write, checked before it does any work: a usable name with one of `suffixes`, in
    a place that can be written; never a scenario file or one of a batch's own files; an existing file only with
    `replace` (the option `replace_field`), or, for a file the tool names itself (not `named` by the user), when the
    ledger of its folder lists it as the tool's."""
    out = usable_path(path, field)
    if out.suffix.lower() in SCENARIO_SUFFIXES:
        raise ResultsError.naming(
            field,
            "{" + field + "} {path}: a scenario file's name; scenarios never writes its output over or as a scenario",
            path=out,
        )
    if suffixes and out.suffix.lower() not in suffixes:
        raise ResultsError.naming(
            field,
            "{" + field + "} {path}: expected a file name ending in {suffixes}",
            path=out,
            suffixes=" or ".join(suffixes),
        )
    owner = owner_of(out)
    if owner is not None:
        rel = safe.relative_inside(owner, out)
        first = rel.parts[0]
        if (len(rel.parts) == 1 and first in BATCH_FILES) or (len(rel.parts) > 1 and first in BATCH_FOLDERS):
            raise ResultsError.naming(
                field,
                "{" + field + "} {path}: a file of the batch in {owner}; scenarios never writes over it",
                path=out,
                owner=owner,
            )
        safe.check_folders(owner, out)
    try:
        mode = os.lstat(out).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise ResultsError.naming(
            field, "{" + field + "} {path}: cannot be used ({reason})", path=out, reason=exc.strerror
        ) from None
    if mode is not None:
        if stat.S_ISDIR(mode):
            raise ResultsError.naming(field, "{" + field + "} {path}: is a folder; give a file name", path=out)
        if not stat.S_ISREG(mode):
            raise ResultsError.naming(
                field,
                "{" + field + "} {path}: is {kind}; scenarios writes only regular files",
                path=out,
                kind=safe.kind_of(mode),
            )
        listed = not named and owner is not None and safe.relative_inside(owner, out).as_posix() in owned_files(owner)
        if not (replace or listed):
            raise ResultsError.naming(
                replace_field,
                "{" + field + "} {path}: the file exists; add {" + replace_field + "} to replace it, or choose "
                "another name",
                path=out,
            )
    _writable(out.parent, field)
    return out


def write_output(
    path: str | Path, data: bytes, *, field: str = "output", replace: bool = False, named: bool = False
) -> Path:
    """Write a file a command produces (atomically, never through a link), after the checks of `check_output_file`
    (made again: a file may have appeared since the command began); inside a folder of the tool, its ledger lists
    it."""
    path = check_output_file(path, field=field, replace=replace, named=named)
    owner = owner_of(path)
    try:
        if owner is not None:
            safe.make_folders(owner, path.parent)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        safe.write_atomic(path, data, owner)
    except OSError as exc:
        raise ResultsError.naming(
            field, "{" + field + "} {path}: cannot be written ({reason})", path=path, reason=exc.strerror or exc
        ) from None
    if owner is not None and safe.relative_inside(owner, path).as_posix() not in owned_files(owner):
        record(owner, files=[path])
    return path
