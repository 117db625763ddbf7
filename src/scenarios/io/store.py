"""The results directory of a batch and how it is written.

Layout of ``results/<name>/``::

    manifest.json        resolved configs, seed, versions, counts, timings, status (running|partial|complete|failed)
    journal.jsonl        one line per finished chunk: its part files with row counts and SHA-256
    parts/<table>/<chunk>.parquet     tables of one chunk, written atomically
    <table>.parquet      the consolidated tables, written when the batch completes
    .lock                held (flock) by the batch writing the directory

A chunk counts as done only if its journal line exists and every part file it names has the recorded hash, so a
truncated or corrupted part is recomputed on resume, never read as good. The manifest is rewritten atomically and
says ``complete`` only after the consolidated tables are in place.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import io
import json
import os
import shutil
import socket
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scenarios.exceptions import ResultsError
from scenarios.io.atomic import append_durable, fsync_dir, write_atomic
from scenarios.io.records import DAILY_COLUMNS, TABLES, Chunk, ChunkResult, Columns, Manifest

MANIFEST = "manifest.json"
CHECKSUM = "checksum"  # of the rest of the manifest: an edit by hand is reported when it is read
JOURNAL = "journal.jsonl"
PARTS = "parts"
LOCK = ".lock"
DESIGN = "design.parquet"
CACHE = ".cache"  # derived files kept for re-rendering (the report's figures): removed with the batch
ANALYSIS_PREFIX = "sensitivity-"  # analyses stored beside a batch (indices, their metadata and plots): removed with it
FORMAT_VERSION = 3  # 3: truces in name and in fact, places retaken, settlements, ladders (format 1 still loads)
READABLE_VERSIONS = (1, 3)  # format 2 lived for a day, before the mechanisms of format 3: re-run such a batch
# Tables stored in declared small dtypes and compressed harder than the default (Snappy): the daily table has a row
# per replication and day, so it is the largest one.
DTYPES: dict[str, dict[str, str]] = {"daily": DAILY_COLUMNS}
COMPRESSION: dict[str, Literal["snappy", "zstd"]] = {"daily": "zstd"}
ROW_GROUP_BYTES = 32 * 2**20  # in memory, before compression: a consolidated table's row groups
ROW_GROUP_ROWS = 2**20  # and at most this many rows each (the Parquet writer's default)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


Compression = Literal["snappy", "zstd"]


def frame_to_parquet(df: pd.DataFrame, compression: Compression = "snappy") -> bytes:
    buf = io.BytesIO()
    df.to_parquet(buf, index=False, engine="pyarrow", compression=compression)
    return buf.getvalue()


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(
            f"{directory}: not a results directory (no {MANIFEST}); give the folder `scenarios run` wrote, "
            "e.g. results/baseline"
        ) from None
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{path}: the manifest is not valid JSON ({exc}); re-run the batch") from None
    if not isinstance(data, dict) or data.get("format_version") not in READABLE_VERSIONS:
        found = data.get("format_version") if isinstance(data, dict) else None
        raise ResultsError(
            f"{path}: manifest format {found!r}, which this version of scenarios cannot read (it reads formats "
            f"{', '.join(map(str, READABLE_VERSIONS))}); re-run the batch with this version"
        )
    recorded = data.pop(CHECKSUM, None)
    if recorded is not None and recorded != _checksum(data):
        warnings.warn(
            f"{path}: the manifest was edited after the batch wrote it (its checksum does not match): the seed, "
            "configs or counts it shows may not be what produced these tables",
            EditedManifestWarning,
            stacklevel=2,
        )
    return data


def load_manifest(directory: Path) -> Manifest:
    """The manifest of a results folder, typed (read through `read_manifest`)."""
    from pydantic import ValidationError

    try:
        return Manifest.model_validate(read_manifest(directory))
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
    try:
        write_atomic(directory / MANIFEST, data)
    except OSError as exc:
        if exc.errno != errno.ENOSPC or not (directory / MANIFEST).exists():
            raise
        with open(directory / MANIFEST, "r+b") as fh:
            fh.write(data)
            fh.truncate()
            fh.flush()
            os.fsync(fh.fileno())


def lock_holder(directory: Path) -> str | None:
    """Who holds the directory's lock ("pid N on HOST since ..."), or None if no live process does."""
    try:
        fh = open(directory / LOCK, encoding="utf-8")  # noqa: SIM115 - closed by the `with` below
    except OSError:
        return None
    with fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return fh.read().strip() or "another process"
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return None


def done_chunks(directory: Path) -> dict[str, dict[str, Any]]:
    """Journal entries whose part files are all present with the recorded hash (key -> entry)."""
    journal = directory / JOURNAL
    if not journal.exists():
        return {}
    good: dict[str, dict[str, Any]] = {}
    for line in journal.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line torn by a crash: that chunk is simply not done
        if all(_part_ok(directory, f) for f in entry["files"].values()):
            good[entry["chunk"]] = entry
        else:
            good.pop(entry["chunk"], None)
    return good


def _part_ok(directory: Path, info: dict[str, Any]) -> bool:
    try:
        return sha256((directory / info["file"]).read_bytes()) == str(info["sha256"])
    except OSError:
        return False


class DirectoryLock:
    """An exclusive lock on a results directory; the OS releases it if the process dies.

    The lock is an flock on ``.lock``, not the file's existence: a file left by a crashed writer is stale by
    construction and is simply taken over. A clean exit removes the file.
    """

    def __init__(self, directory: Path):
        self.path = directory / LOCK
        self._fh: Any = None

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
                fh = open(self.path, "a+", encoding="utf-8")
            except OSError as exc:
                raise ResultsError.naming(
                    "out",
                    "{folder}: cannot write in this folder ({reason}); choose another {out}",
                    folder=self.path.parent,
                    reason=exc.strerror,
                ) from None
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                fh.seek(0)
                holder = fh.read().strip() or "another process"
                fh.close()
                raise ResultsError.naming(
                    "out",
                    "{folder}: another batch is writing this directory ({holder}); wait for it to finish, or choose "
                    "another {out}",
                    folder=self.path.parent,
                    holder=holder,
                ) from None
            try:
                same = os.stat(self.path).st_ino == os.fstat(fh.fileno()).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            fh.close()  # the holder removed the file as we opened it: lock the new one
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} on {socket.gethostname()} since {dt.datetime.now().isoformat(timespec='seconds')}")
        fh.flush()
        self._fh = fh
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self.path.unlink(missing_ok=True)  # still holding the lock: no one else can be using this file
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


class ResultsWriter:
    """Writes chunk results as they arrive and consolidates them when the batch completes."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.parts = directory / PARTS

    def prepare(self, fresh: bool) -> None:
        """Make the folders; with `fresh`, remove everything a previous batch left."""
        if fresh:
            for name in [MANIFEST, JOURNAL, DESIGN, *(f"{t}.parquet" for t in TABLES)]:
                (self.directory / name).unlink(missing_ok=True)
            for analysis in self.directory.glob(f"{ANALYSIS_PREFIX}*"):  # computed from that batch's runs: the
                analysis.unlink()  # report would show them as this batch's
            shutil.rmtree(self.parts, ignore_errors=True)
            shutil.rmtree(self.directory / CACHE, ignore_errors=True)  # the report's figures of that batch
        for table in TABLES:
            (self.parts / table).mkdir(parents=True, exist_ok=True)

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
            rel = f"{PARTS}/{table}/{result.chunk.key}.parquet"
            write_atomic(self.directory / rel, data)
            files[table] = {"file": rel, "rows": len(rows), "sha256": sha256(data)}
        entry = {"chunk": result.chunk.key, "files": files, "seconds": round(result.seconds, 4)}
        append_durable(self.directory / JOURNAL, json.dumps(entry, sort_keys=True))

    def consolidate(self, chunks: Iterable[Chunk]) -> dict[str, int]:
        """Concatenate the parts of every chunk, in chunk order, into one Parquet file per table.

        Chunks are planned in (scenario, replication) order and each part is in replication order, so the
        concatenation is already canonical whatever the executor or chunk size. Parts are read one at a time and
        written in row groups of about ROW_GROUP_BYTES: memory does not grow with the size of the batch.
        """
        good = done_chunks(self.directory)
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
            files = [self.directory / good[k]["files"][table]["file"] for k in keys if table in good[k]["files"]]
            target = self.directory / f"{table}.parquet"
            tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
            if not files:
                write_atomic(target, frame_to_parquet(pd.DataFrame()))
                counts[table] = 0
                continue
            schema = _unified_schema(files)
            rows = 0
            with pq.ParquetWriter(tmp, schema, compression=COMPRESSION.get(table, "snappy")) as writer:
                # parts gathered into row groups of about ROW_GROUP_BYTES: the writer keeps every row group's
                # metadata until it closes, so one row group per chunk would make memory grow with the batch
                pending: list[pa.Table] = []
                size = 0
                for f in files:
                    part = pq.read_table(f)
                    pending.append(part.select(schema.names).cast(schema) if part.schema != schema else part)
                    size += pending[-1].nbytes
                    rows += part.num_rows
                    if size >= ROW_GROUP_BYTES:
                        writer.write_table(pa.concat_tables(pending), row_group_size=ROW_GROUP_ROWS)
                        pending, size = [], 0
                if pending:
                    writer.write_table(pa.concat_tables(pending), row_group_size=ROW_GROUP_ROWS)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target)
            fsync_dir(self.directory)
            counts[table] = rows
        return counts

    def remove_parts(self) -> None:
        shutil.rmtree(self.parts, ignore_errors=True)
        (self.directory / JOURNAL).unlink(missing_ok=True)


def _unified_schema(files: list[Path]) -> pa.Schema:
    """One schema for every part of a table (a column all-null in one chunk is promoted to its type elsewhere); the
    parts' schemas are read one at a time and merged as they come, so memory does not grow with their number."""
    schema = pq.read_schema(files[0])
    for f in files[1:]:
        other = pq.read_schema(f)
        if other != schema:
            schema = pa.unify_schemas([schema, other], promote_options="permissive")
    return schema


def _uniform_dtypes(df: pd.DataFrame) -> pd.DataFrame:
    """A column with no value in this chunk (an event that never happened) is float NaN, as in other chunks."""
    for column in df.columns:
        if df[column].dtype == object and df[column].isna().all():
            df[column] = df[column].astype("float64")
    return df
