"""The results directory of a batch and how it is written.

Layout of ``results/<name>/``::

    manifest.json        resolved configs, seed, versions, counts, timings, status (running|partial|complete|failed)
    journal.jsonl        one line per finished chunk: its part files with row counts and SHA-256
    parts/<table>/<chunk>.parquet     tables of one chunk, written atomically
    <table>.parquet      the consolidated tables, written when the batch completes
    inputs/<digest>.<ext>   copies of the files the scenarios read (source documents, a joint sample): the
                         manifest names these copies, so a results folder never sends the tool to a file outside it
    .lock                held (flock) by the batch writing the directory

A chunk counts as done only if its journal line exists, names the part files where a chunk's parts belong, was
written under this batch's seed and config hash, and every part file it names has the recorded hash: a truncated
or corrupted part is recomputed on resume, never read as good, and a part from another batch is refused. The
manifest is rewritten atomically and says ``complete`` only after the consolidated tables are in place; it records
each table's rows and SHA-256, which loading checks.

A results folder is untrusted input (it may come from anyone): nothing in it is read or written through a symbolic
link, the manifest and the journal are regular files under a size cap, and the paths a manifest names are confined
to the folder (`io.safe`).
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import io
import json
import os
import re
import socket
import stat
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from scenarios.exceptions import ResultsError
from scenarios.io import safe
from scenarios.io.atomic import append_durable, fsync_dir, write_atomic
from scenarios.io.records import DAILY_COLUMNS, SCENARIO_NAME, TABLES, Chunk, ChunkResult, Columns, Manifest

MANIFEST = "manifest.json"
CHECKSUM = "checksum"  # of the rest of the manifest: an edit by hand is reported when it is read
JOURNAL = "journal.jsonl"
PARTS = "parts"
LOCK = ".lock"
DESIGN = "design.parquet"
CACHE = ".cache"  # derived files kept for re-rendering (the report's figures): removed with the batch
INPUTS = "inputs"  # copies of the files the scenarios read, which the manifest names (never a file outside the folder)
LEDGER = "written.jsonl"  # the files the tool wrote into the folder beside the batch (io.owned)
ANALYSIS_PREFIX = "sensitivity-"  # analyses stored beside a batch (indices, their metadata and plots): removed with it
FORMAT_VERSION = 3  # 3: truces in name and in fact, places retaken, settlements, ladders (format 1 still loads)
READABLE_VERSIONS = (1, 3)  # format 2 lived for a day, before the mechanisms of format 3: re-run such a batch
JOURNAL_CHECKS = "journal_checks"  # manifest key: journal lines carry the seed and config hash they were written under
MAX_MANIFEST_BYTES = 64 * 2**20  # a manifest of 100 baseline scenarios is about 25 MB
MAX_JOURNAL_BYTES = 256 * 2**20
MAX_PART_BYTES = 2**31
CHUNK_KEY = re.compile(r"^s(\d{2,})-r(\d{7,})-(\d{7,})$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Tables stored in declared small dtypes and compressed harder than the default (Snappy): the daily table has a row
# per replication and day, so it is the largest one.
DTYPES: dict[str, dict[str, str]] = {"daily": DAILY_COLUMNS}
COMPRESSION: dict[str, Literal["snappy", "zstd"]] = {"daily": "zstd"}
ROW_GROUP_BYTES = 32 * 2**20  # in memory, before compression: a consolidated table's row groups
ROW_GROUP_ROWS = 2**20  # and at most this many rows each (the Parquet writer's default)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


Compression = Literal["snappy", "zstd"]


def column_digests(table: pa.Table, digests: dict[str, Any] | None = None) -> dict[str, Any]:
    """SHA-256 of each column's values (updated in place when `digests` are given, so a table can be hashed part by
    part): the same values give the same digest whatever their encoding (plain or dictionary strings, integers or
    floats, chunks), so a table is checked column by column against what the batch wrote, and a column dropped from
    it (a folder trimmed, or written before the column existed) is not taken for a change of the others."""
    digests = {} if digests is None else digests
    for name, column in zip(table.column_names, table.columns, strict=True):
        digest = digests.setdefault(name, hashlib.sha256())
        for chunk in column.chunks:
            digest.update(_hashed(chunk).tobytes())
    return digests


def _hashed(chunk: pa.Array) -> np.ndarray:
    """One 64-bit hash per value of an Arrow array, independent of how the values are encoded."""
    kind = chunk.type
    if pa.types.is_dictionary(kind) or pa.types.is_string(kind) or pa.types.is_large_string(kind):
        encoded = chunk if pa.types.is_dictionary(kind) else pc.dictionary_encode(chunk)
        words = encoded.dictionary.cast(pa.string()).to_numpy(zero_copy_only=False).astype(object)
        hashes = pd.util.hash_array(words, categorize=False) if len(words) else np.zeros(0, dtype=np.uint64)
        codes = encoded.indices.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
        out: np.ndarray = hashes[codes] if len(hashes) else np.zeros(len(codes), dtype=np.uint64)
        out[encoded.is_null().to_numpy(zero_copy_only=False)] = 0
        return out
    if pa.types.is_boolean(kind) or pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_null(kind):
        values = chunk.cast(pa.float64()).to_numpy(zero_copy_only=False)
    else:
        values = chunk.cast(pa.string()).to_numpy(zero_copy_only=False).astype(object)
    hashed: np.ndarray = pd.util.hash_array(values, categorize=False)
    return hashed


def frame_to_parquet(df: pd.DataFrame, compression: Compression = "snappy") -> bytes:
    buf = io.BytesIO()
    df.to_parquet(buf, index=False, engine="pyarrow", compression=compression)
    return buf.getvalue()


def read_frame(path: Path, root: Path, cap: int = MAX_PART_BYTES) -> pd.DataFrame:
    """A small Parquet file of a results folder (a design, a stored analysis) as a DataFrame, read without following
    links; a file that cannot be read is a ResultsError naming it."""
    data = safe.read_bytes(path, root, cap)
    try:
        frame: pd.DataFrame = pq.read_table(pa.BufferReader(data)).to_pandas()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise ResultsError(f"{path}: damaged, cannot be read ({type(exc).__name__}: {exc})") from None
    return frame


class ManifestVersionError(ResultsError):
    """A manifest of scenarios written in a results format this version cannot read (`version`)."""

    version: object = None


def read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest of a results folder as a dict: a regular file under `MAX_MANIFEST_BYTES`, valid JSON, of a format
    this version reads, its fields of the right kinds; the files its scenarios name are confined to the folder
    (`confine_inputs`). Anything else is a ResultsError naming the file."""
    path = directory / MANIFEST
    try:
        raw = safe.read_bytes(path, directory, MAX_MANIFEST_BYTES)
    except FileNotFoundError:
        raise ResultsError(
            f"{directory}: not a results directory (no {MANIFEST}); give the folder `scenarios run` wrote, "
            "e.g. results/baseline"
        ) from None
    except NotADirectoryError:
        raise ResultsError(f"{directory}: not a folder; give the folder `scenarios run` wrote") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        reason = exc if not isinstance(exc, RecursionError) else "nested too deeply"
        raise ResultsError(f"{path}: the manifest is not valid JSON ({reason}); re-run the batch") from None
    version = data.get("format_version") if isinstance(data, dict) else None
    if not isinstance(data, dict) or isinstance(version, bool) or version not in READABLE_VERSIONS:
        found = version
        ours = isinstance(data, dict) and type(found) is int and isinstance(data.get("scenarios"), list)
        hint = "re-run the batch with this version" if ours else "it is not a manifest scenarios wrote"
        refused = ManifestVersionError(
            f"{path}: manifest format {found!r}, which this version of scenarios cannot read (it reads formats "
            f"{', '.join(map(str, READABLE_VERSIONS))}); {hint}"
        )
        refused.version = found if ours else None
        raise refused
    recorded = data.pop(CHECKSUM, None)
    if recorded is not None and recorded != _checksum(data):
        warnings.warn(
            f"{path}: the manifest was edited after the batch wrote it (its checksum does not match): the seed, "
            "configs or counts it shows may not be what produced these tables",
            EditedManifestWarning,
            stacklevel=2,
        )
    problem = manifest_problem(data)
    if problem is not None:
        raise ResultsError(f"{path}: {problem}; the manifest was edited or is damaged: re-run the batch")
    return confine_inputs(data, directory)


def _is_int(value: object, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def manifest_problem(data: dict[str, Any]) -> str | None:
    """What is wrong with the fields a manifest has (each of the kind the batch writes), or None."""
    for key, least in (("seed", 0), ("replications", 1), ("chunk_size", 1), ("trace_sample", 0)):
        if key in data and not _is_int(data[key], least):
            return f"`{key}` must be a whole number of at least {least}, got {data[key]!r}"
    for key in ("status", "created", "finished", "reason", "design_hash"):
        if data.get(key) is not None and not isinstance(data[key], str):
            return f"`{key}` must be text, got {data[key]!r}"
    for key in ("counts", "timings", "code", "versions", "tables"):
        if key in data and not isinstance(data[key], dict):
            return f"`{key}` must be a mapping, got {type(data[key]).__name__}"
    for table, info in (data.get("tables") or {}).items():
        rows, digest, columns = (
            (info.get(k) for k in ("rows", "sha256", "columns")) if isinstance(info, dict) else [0] * 3
        )
        fine = (
            isinstance(info, dict)
            and _is_int(rows, 0)
            and isinstance(digest, str)
            and (columns is None or (isinstance(columns, dict) and all(isinstance(v, str) for v in columns.values())))
        )
        if not fine:
            return f"`tables.{table}` must give the table's rows, SHA-256 and column digests"
    scenarios = data.get("scenarios", [])
    if not isinstance(scenarios, list):
        return f"`scenarios` must be a list, got {type(scenarios).__name__}"
    names = []
    for i, entry in enumerate(scenarios):
        if not isinstance(entry, dict):
            return f"`scenarios[{i}]` must be a mapping, got {type(entry).__name__}"
        name = entry.get("name")
        if not isinstance(name, str) or not SCENARIO_NAME.match(name):
            return f"`scenarios[{i}].name` must be a scenario name (letters, digits, _.-; at most 64), got {name!r}"
        names.append(name)
        if not isinstance(entry.get("config", {}), dict):
            return f"`scenarios[{i}].config` must be a mapping"
        if entry.get("config_hash") is not None and not isinstance(entry["config_hash"], str):
            return f"`scenarios[{i}].config_hash` must be text"
        origins = entry.get("origins", {})
        if not isinstance(origins, dict) or not all(isinstance(v, str) for v in origins.values()):
            return f"`scenarios[{i}].origins` must map each value's path to where it was set"
    if len(set(names)) != len(names):
        return f"`scenarios` names a scenario twice ({', '.join(sorted({n for n in names if names.count(n) > 1}))})"
    return None


def required_problem(data: dict[str, Any]) -> str | None:
    """What a manifest lacks for its tables to be read (beyond `manifest_problem`), or None."""
    for key in ("status", "seed", "replications", "chunk_size", "scenarios"):
        if key not in data:
            return f"no `{key}`"
    if not data["scenarios"]:
        return "`scenarios` is empty"
    for i, entry in enumerate(data["scenarios"]):
        simulation = (entry.get("config") or {}).get("simulation")
        horizon = simulation.get("horizon_days") if isinstance(simulation, dict) else None
        if isinstance(horizon, bool) or not isinstance(horizon, int | float) or not 0 < horizon < 1e9:
            return f"`scenarios[{i}].config.simulation.horizon_days` must be a number of days, got {horizon!r}"
    return None


def confine_inputs(data: dict[str, Any], directory: Path) -> dict[str, Any]:
    """The manifest with every file its scenarios name (`sources:`, `joint.sample`) resolved inside the folder.

    A batch copies those files into ``inputs/`` and its manifest names the copies, relative to the folder. A name
    that is absolute (folders written before the copies), climbs out of the folder, passes through a link or is not a
    regular file there is never opened: a source document becomes "" (nothing to read), a joint sample is dropped,
    and the entry lists it under ``withheld`` (a re-run refuses such a batch; analyses show it without its sample).
    """
    for entry in data.get("scenarios") or []:
        config = entry.get("config")
        if not isinstance(config, dict):
            continue
        withheld: list[str] = []
        sources = config.get("sources")
        if isinstance(sources, dict):
            for key, value in sources.items():
                inside = _inside(directory, value)
                if inside is None:
                    if value:
                        withheld.append(f"sources.{key}: {value}")
                    sources[key] = ""
                else:
                    sources[key] = inside
        joint = config.get("joint")
        if isinstance(joint, dict):
            inside = _inside(directory, joint.get("sample"))
            if inside is None:
                withheld.append(f"joint.sample: {joint.get('sample')}")
                config.pop("joint")
            else:
                joint["sample"] = inside
        if withheld:
            entry["withheld"] = withheld
    return data


def _inside(directory: Path, name: object) -> str | None:
    """`name` (relative to the folder) as a path inside it when it is a regular file there reached without links."""
    if not isinstance(name, str) or not name or os.path.isabs(name) or "\x00" in name:
        return None
    path = directory / name
    try:
        safe.check_folders(directory, path)
    except ResultsError:
        return None
    return str(path.absolute()) if safe.is_regular(path) else None


def load_manifest(directory: Path) -> Manifest:
    """The manifest of a results folder, typed (read through `read_manifest`)."""
    from pydantic import ValidationError

    data = read_manifest(directory)
    problem = required_problem(data)
    if problem is not None:
        raise ResultsError(
            f"{directory / MANIFEST}: {problem}; the manifest was edited or is damaged: re-run the batch"
        )
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        raise ResultsError(
            f"{directory / MANIFEST}: not a manifest this version can read ({exc.error_count()} "
            "problems); re-run the batch"
        ) from None


class EditedManifestWarning(UserWarning):
    """A manifest whose content no longer matches the checksum its batch wrote."""


def _checksum(manifest: dict[str, Any]) -> str:
    """SHA-256 of the manifest's content as JSON, keys sorted (the `checksum` key itself excluded)."""
    body = json.loads(json.dumps(manifest, default=str))
    return sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode())


def write_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically; on a full disk, rewrite the old one in place (its blocks are reused), so a
    batch stopped by ENOSPC does not leave a manifest that says `running`."""
    body = {k: v for k, v in manifest.items() if k != CHECKSUM}
    data = json.dumps({**body, CHECKSUM: _checksum(body)}, indent=2, sort_keys=False, default=str).encode()
    path = directory / MANIFEST
    try:
        write_atomic(path, data)
    except OSError as exc:
        if exc.errno != errno.ENOSPC or not safe.is_regular(path):
            raise
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
        with os.fdopen(fd, "r+b") as fh:
            fh.write(data)
            fh.truncate()
            fh.flush()
            os.fsync(fh.fileno())


def _open_lock(path: Path, create: bool) -> int:
    """The lock file's descriptor: a regular file opened without following a link (a link is refused)."""
    flags = os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | (os.O_CREAT if create else 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ResultsError(
                f"{path}: is a symbolic link; scenarios does not follow links in a results folder (remove it, or "
                "choose another folder)"
            ) from None
        raise
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise ResultsError(f"{path}: is {safe.kind_of(mode)}, not the lock file scenarios keeps there")
    return fd


def lock_holder(directory: Path) -> str | None:
    """Who holds the directory's lock ("pid N on HOST since ..."), or None if no live process does."""
    try:
        fd = _open_lock(directory / LOCK, create=False)
    except (OSError, ResultsError):
        return None
    with os.fdopen(fd, "r", encoding="utf-8", errors="replace") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return fh.read(1024).strip() or "another process"
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return None


def _origins(manifest: dict[str, Any] | None) -> tuple[set[int], list[set[str]]] | None:
    """The seeds and, per scenario, the config hashes a journal line of this batch may carry (None: a manifest
    written before journal lines carried them)."""
    if not manifest or not manifest.get(JOURNAL_CHECKS):
        return None
    seeds = {manifest.get("seed")}
    hashes = [{s.get("config_hash")} for s in manifest.get("scenarios") or []]
    for earlier in manifest.get("accepted") or []:  # resumed with `force`: the chunks of before are accepted
        if isinstance(earlier, dict):
            seeds.add(earlier.get("seed"))
            for i, h in enumerate(earlier.get("config_hashes") or []):
                if i < len(hashes):
                    hashes[i].add(h)
    return {s for s in seeds if isinstance(s, int)}, hashes


def part_file(table: str, key: str) -> str:
    """Where the part of `table` of the chunk `key` is kept, relative to the results folder."""
    return f"{PARTS}/{table}/{key}.parquet"


def _entry_problem(entry: Any, origins: tuple[set[int], list[set[str]]] | None) -> str | None:
    """Why a journal line is not one this batch wrote, or None."""
    if (
        not isinstance(entry, dict)
        or not isinstance(entry.get("chunk"), str)
        or not isinstance(entry.get("files"), dict)
    ):
        return "not a journal line scenarios wrote"
    key = entry["chunk"]
    match = CHUNK_KEY.match(key)
    if match is None:
        return f"chunk {key!r} is not a chunk of a batch"
    for table, info in entry["files"].items():
        if table not in TABLES or not isinstance(info, dict):
            return f"chunk {key}: {table!r} is not a table of a batch"
        if info.get("file") != part_file(table, key):
            return (
                f"chunk {key}: names the file {info.get('file')!r}, where its {table} part is {part_file(table, key)}"
            )
        if (
            not _is_int(info.get("rows"), 0)
            or not isinstance(info.get("sha256"), str)
            or not SHA256.match(info["sha256"])
        ):
            return f"chunk {key}: its {table} part has no row count or checksum"
    if origins is None:
        return None
    seeds, hashes = origins
    index = int(match.group(1))
    if entry.get("seed") not in seeds:
        return f"chunk {key} was computed under seed {entry.get('seed')!r}, not this batch's"
    if index >= len(hashes) or entry.get("config_hash") not in hashes[index]:
        return f"chunk {key} was computed from config {entry.get('config_hash')!r}, not this batch's scenario"
    return None


def done_chunks(directory: Path, manifest: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Journal entries whose part files are all present with the recorded hash (key -> entry).

    A line of another batch (another seed or config hash than the folder's manifest, `manifest` by default read from
    the folder) or one that names a file where the chunk's part does not belong is a ResultsError naming the line: the
    folder mixes batches, and the tool never reads, nor resumes on, what another batch computed."""
    journal = directory / JOURNAL
    try:
        raw = safe.read_bytes(journal, directory, MAX_JOURNAL_BYTES)
    except FileNotFoundError:
        return {}
    if manifest is None:
        try:
            manifest = read_manifest(directory)
        except ResultsError:
            manifest = None
    origins = _origins(manifest)
    good: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(raw.decode("utf-8", errors="replace").splitlines(), 1):
        try:
            entry = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            continue  # a line torn by a crash: that chunk is simply not done
        problem = _entry_problem(entry, origins)
        if problem is not None:
            raise ResultsError.naming(
                "overwrite",
                "{journal}:{number}: {problem}: the folder holds results of another batch; start again with "
                "{overwrite}, or in another folder",
                journal=journal,
                number=number,
                problem=problem,
            )
        if all(_part_ok(directory, f) for f in entry["files"].values()):
            good[entry["chunk"]] = entry
        else:
            good.pop(entry["chunk"], None)
    return good


def _part_ok(directory: Path, info: dict[str, Any]) -> bool:
    try:
        return sha256(safe.read_bytes(directory / info["file"], directory, MAX_PART_BYTES)) == str(info["sha256"])
    except FileNotFoundError:
        return False
    except OSError:
        return False


class DirectoryLock:
    """An exclusive lock on a results directory; the OS releases it if the process dies.

    The lock is an flock on ``.lock``, not the file's existence: a file left by a crashed writer is stale by
    construction and is simply taken over. A clean exit removes the file. A ``.lock`` that is a link, a FIFO or a
    device is refused (never opened through).
    """

    def __init__(self, directory: Path):
        self.path = directory / LOCK
        self._fd: int | None = None

    def __enter__(self) -> DirectoryLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise ResultsError.naming(
                "out", "{folder}: is a file, not a folder; give {out} a folder name", folder=self.path.parent
            ) from None
        except NotADirectoryError:
            raise ResultsError.naming(
                "out", "{folder}: a part of this path is a file; give {out} a folder", folder=self.path.parent
            ) from None
        except OSError as exc:
            raise ResultsError(f"{self.path.parent}: cannot create the results folder ({exc.strerror})") from None
        while True:
            try:
                fd = _open_lock(self.path, create=True)
            except OSError as exc:
                raise ResultsError.naming(
                    "out",
                    "{folder}: cannot write in this folder ({reason}); choose another {out}",
                    folder=self.path.parent,
                    reason=exc.strerror,
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 1024, 0).decode("utf-8", errors="replace").strip() or "another process"
                os.close(fd)
                raise ResultsError.naming(
                    "out",
                    "{folder}: another batch is writing this directory ({holder}); wait for it to finish, or choose "
                    "another {out}",
                    folder=self.path.parent,
                    holder=holder,
                ) from None
            try:
                same = os.lstat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)  # the holder removed the file as we opened it: lock the new one
        os.ftruncate(fd, 0)
        stamp = f"pid {os.getpid()} on {socket.gethostname()} since {dt.datetime.now().isoformat(timespec='seconds')}"
        os.pwrite(fd, stamp.encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            self.path.unlink(missing_ok=True)  # still holding the lock: no one else can be using this file
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class _Hashing:
    """A write-only file that passes what is written to `fh` and keeps its SHA-256 (the Parquet writer writes
    sequentially, so the digest is the file's)."""

    def __init__(self, fh: BinaryIO):
        self.fh = fh
        self.digest = hashlib.sha256()
        self.closed = False

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.fh.write(data)

    def flush(self) -> None:
        self.fh.flush()

    def tell(self) -> int:
        return self.fh.tell()

    def close(self) -> None:
        self.closed = True

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False


class ResultsWriter:
    """Writes chunk results as they arrive and consolidates them when the batch completes.

    Each journal line carries the batch seed and the config hash of the chunk's scenario (`seed`, `hashes`; by
    default read from the folder's manifest), so a part of another batch is never taken for one of this batch."""

    def __init__(self, directory: Path, seed: int | None = None, hashes: Iterable[str] | None = None):
        self.directory = directory
        self.parts = directory / PARTS
        self.seed = seed
        self.hashes = list(hashes) if hashes is not None else None
        self.checksums: dict[str, dict[str, Any]] = {}  # table -> rows and SHA-256 of the consolidated file

    def prepare(self, fresh: bool = False) -> None:
        """Make the folders; with `fresh`, remove everything a previous batch of the tool left (`io.owned.clear`)."""
        if fresh:
            from scenarios.io.owned import clear

            clear(self.directory)
        for table in TABLES:
            safe.make_folders(self.directory, self.parts / table)

    def _stamp(self) -> tuple[int | None, list[str]]:
        if self.seed is None or self.hashes is None:
            manifest = read_manifest(self.directory)
            self.seed = manifest.get("seed")
            self.hashes = [str(s.get("config_hash")) for s in manifest.get("scenarios") or []]
        return self.seed, self.hashes

    def write_chunk(self, result: ChunkResult) -> None:
        """Write a chunk's tables, then its journal line: the chunk is done only once both are on disk."""
        files: dict[str, dict[str, Any]] = {}
        for table in TABLES:
            rows = result.daily if table == "daily" else result.tables[table]
            if not len(rows):
                continue
            df = pd.DataFrame(rows.data) if isinstance(rows, Columns) else pd.DataFrame.from_records(rows)
            df = df.astype(DTYPES[table]) if table in DTYPES else _uniform_dtypes(df)
            data = frame_to_parquet(df, COMPRESSION.get(table, "snappy"))
            rel = part_file(table, result.chunk.key)
            safe.check_folders(self.directory, self.directory / rel)
            write_atomic(self.directory / rel, data)
            files[table] = {"file": rel, "rows": len(rows), "sha256": sha256(data)}
        seed, hashes = self._stamp()
        index = result.chunk.scenario_index
        entry = {
            "chunk": result.chunk.key,
            "files": files,
            "seconds": round(result.seconds, 4),
            "seed": seed,
            "config_hash": hashes[index] if index < len(hashes) else None,
        }
        append_durable(self.directory / JOURNAL, json.dumps(entry, sort_keys=True), self.directory)

    def consolidate(self, chunks: Iterable[Chunk], manifest: dict[str, Any] | None = None) -> dict[str, int]:
        """Concatenate the parts of every chunk, in chunk order, into one Parquet file per table.

        Chunks are planned in (scenario, replication) order and each part is in replication order, so the
        concatenation is already canonical whatever the executor or chunk size. Parts are read one at a time and
        written in row groups of about ROW_GROUP_BYTES: memory does not grow with the size of the batch. Each part
        is checked against its journal line's checksum as it is read; the rows and SHA-256 of every table written
        are kept in `checksums` (for the manifest).
        """
        good = done_chunks(self.directory, manifest)
        keys = [c.key for c in chunks]
        missing = [k for k in keys if k not in good]
        if missing:
            raise ResultsError.naming(
                "resume",
                "{directory}: {missing} chunks are missing or damaged; run with {resume}",
                directory=self.directory,
                missing=len(missing),
            )
        counts: dict[str, int] = {}
        for table in TABLES:
            infos = [good[k]["files"][table] for k in keys if table in good[k]["files"]]
            target = self.directory / f"{table}.parquet"
            if not infos:
                data = frame_to_parquet(pd.DataFrame())
                write_atomic(target, data)
                counts[table] = 0
                self.checksums[table] = {"rows": 0, "sha256": sha256(data), "columns": {}}
                continue
            schema = _unified_schema([self.directory / info["file"] for info in infos], self.directory)
            rows = 0
            digests: dict[str, Any] = {}
            with safe.atomic_stream(target, self.directory) as fh:
                hashing = _Hashing(fh)
                with pq.ParquetWriter(hashing, schema, compression=COMPRESSION.get(table, "snappy")) as writer:
                    # parts gathered into row groups of about ROW_GROUP_BYTES: the writer keeps every row group's
                    # metadata until it closes, so one row group per chunk would make memory grow with the batch
                    pending: list[pa.Table] = []
                    size = 0
                    for info in infos:
                        part = pq.read_table(pa.BufferReader(self._part(info)))
                        pending.append(part.select(schema.names).cast(schema) if part.schema != schema else part)
                        column_digests(pending[-1], digests)
                        size += pending[-1].nbytes
                        rows += part.num_rows
                        if size >= ROW_GROUP_BYTES:
                            writer.write_table(pa.concat_tables(pending), row_group_size=ROW_GROUP_ROWS)
                            pending, size = [], 0
                    if pending:
                        writer.write_table(pa.concat_tables(pending), row_group_size=ROW_GROUP_ROWS)
            fsync_dir(self.directory)
            counts[table] = rows
            self.checksums[table] = {
                "rows": rows,
                "sha256": hashing.digest.hexdigest(),
                "columns": {name: d.hexdigest() for name, d in digests.items()},
            }
        return counts

    def _part(self, info: dict[str, Any]) -> bytes:
        """A part's bytes, checked against the journal's checksum (a part replaced since is an error)."""
        path = self.directory / info["file"]
        data = safe.read_bytes(path, self.directory, MAX_PART_BYTES)
        if sha256(data) != info["sha256"]:
            raise ResultsError(f"{path}: changed since its chunk finished (its checksum does not match the journal)")
        return data

    def remove_parts(self) -> None:
        """Remove the parts and the journal: only the files the batch wrote there."""
        from scenarios.io.owned import remove_parts

        remove_parts(self.directory)


def _read_schema(path: Path, root: Path) -> pa.Schema:
    with safe.open_file(path, root, MAX_PART_BYTES) as fh:
        try:
            return pq.read_schema(fh)
        except (pa.ArrowException, OSError) as exc:
            raise ResultsError(f"{path}: damaged, cannot be read ({type(exc).__name__}: {exc})") from None


def _unified_schema(files: list[Path], root: Path) -> pa.Schema:
    """One schema for every part of a table (a column all-null in one chunk is promoted to its type elsewhere); the
    parts' schemas are read one at a time and merged as they come, so memory does not grow with their number."""
    schema = _read_schema(files[0], root)
    for f in files[1:]:
        other = _read_schema(f, root)
        if other != schema:
            schema = pa.unify_schemas([schema, other], promote_options="permissive")
    return schema


def _uniform_dtypes(df: pd.DataFrame) -> pd.DataFrame:
    """A column with no value in this chunk (an event that never happened) is float NaN, as in other chunks."""
    for column in df.columns:
        if df[column].dtype == object and df[column].isna().all():
            df[column] = df[column].astype("float64")
    return df
