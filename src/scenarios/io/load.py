"""Load a batch's results as pandas DataFrames with documented dtypes.

Tables (one row per ...):
- ``replications``: scenario and replication: ``scenario`` (category), ``config_hash``, ``replication`` (int64),
  ``param.<path>`` (float64, the drawn parameter values), and the outcomes (see docs/results.md):
  ``outcome_class`` and ``first_ceasefire_cause`` (category with every possible class, then any other value the
  folder holds, e.g. format 1's ``protracted_war``), booleans, float64
  counts and days (NaN where an event never happened, e.g. ``decided_day.<backer>.<rung>``).
- ``ceasefires``: ceasefire of a replication (``number`` from 1), with kind, broker, start/end day, cause, censoring.
- ``events`` and ``timeseries``: the traced replications only (``simulation.trace_sample``).
- ``offers``: mediation offer of a replication, with its terms and each party's answer (text columns as category).
- ``daily``: every replication, every ``simulation.daily_every`` days: territory share,
  deaths, attention, the supporter's level and whether a ceasefire is in force, in small dtypes (float32, int16, bool).
  Empty for folders written before the table existed.
- ``errors``: replications that raised, with their traceback.

Only ``replications`` is read with the folder; every other table is read when first used.
"""

from __future__ import annotations

import copy
import functools
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scenarios.exceptions import ResultsError
from scenarios.io import legacy, safe
from scenarios.io.records import (
    CEASEFIRE_CAUSES,
    CEASEFIRE_COLUMNS,
    CEASEFIRE_KINDS,
    DAILY_COLUMNS,
    OFFER_COLUMNS,
    OUTCOME_CLASSES,
    REPLICATION_COLUMNS,
    REPLICATION_FAMILIES,
    TABLES,
    ColumnType,
    Manifest,
    family_of,
)
from scenarios.io.store import MANIFEST, column_digests, done_chunks, read_manifest, required_problem
from scenarios.roles import actors_by_role, role_labels


class PartialResultsWarning(UserWarning):
    """The batch did not complete: the tables hold only the chunks that finished."""


CATEGORIES: dict[str, dict[str, list[str] | None]] = {
    "replications": {
        "scenario": None,
        "outcome_class": list(OUTCOME_CLASSES),
        "first_ceasefire_cause": list(CEASEFIRE_CAUSES),
    },
    "ceasefires": {
        "scenario": None,
        "kind": list(CEASEFIRE_KINDS),
        "broker": None,
        "cause": list(CEASEFIRE_CAUSES),
    },
    "offers": {"scenario": None, "broker": None, "kind": ["humanitarian", "comprehensive"]},
    "events": {"scenario": None, "kind": None, "actor": None},
    "timeseries": {"scenario": None},
    "errors": {"scenario": None},
    "daily": {"scenario": None, "config_hash": None},
}
EAGER = ("replications",)  # read with the folder; every other table is read on first use
OPTIONAL = ("daily",)  # may be absent from folders written before it existed (then empty)
READ_BUFFER = 1 << 20  # bytes of a Parquet file read at a time


class _Table:
    """A table of `Results` read on first use.

    A dataclass field whose default is this descriptor (dataclasses' descriptor-typed fields): it holds a DataFrame,
    or a zero-argument callable that reads one; the first access calls it and keeps the frame. A summary reads
    the replications only, so the other tables (at 10^5 replications the offers alone are ~0.5 GB) stay on disk.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = f"_{name}"

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> type[pd.DataFrame]: ...
    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> pd.DataFrame: ...
    def __get__(self, obj: object | None, objtype: type | None = None) -> pd.DataFrame | type[pd.DataFrame]:
        if obj is None:
            return pd.DataFrame  # the default: a callable giving an empty table
        value = obj.__dict__[self._slot]
        if not isinstance(value, pd.DataFrame):
            value = obj.__dict__[self._slot] = value()
        frame: pd.DataFrame = value
        return frame

    def __set__(self, obj: object, value: pd.DataFrame | Callable[[], pd.DataFrame]) -> None:
        obj.__dict__[self._slot] = value


@dataclass(repr=False)
class Results:
    """A batch's tables, its manifest, and whether it completed.

    `replications` is read with the folder; the other tables (each given as a DataFrame, or as a callable that
    reads it) are read when first used.
    """

    directory: Path
    manifest: dict[str, Any]
    replications: pd.DataFrame
    ceasefires: _Table = _Table()
    events: _Table = _Table()
    timeseries: _Table = _Table()
    errors: _Table = _Table()
    offers: _Table = _Table()  # mediation offers and the parties' answers
    daily: _Table = _Table()  # every replication, every `daily_every` days

    def __repr__(self) -> str:
        return f"Results({str(self.directory)!r}, {len(self.replications)} replications of {self.scenarios})"

    @property
    def complete(self) -> bool:
        return bool(self.manifest.get("status") == "complete")

    @property
    def scenarios(self) -> list[str]:
        return [s["name"] for s in self.manifest["scenarios"]]

    @property
    def design(self) -> bool:
        """Whether these are the runs of a study's design (a sensitivity analysis, a calibration wave): parameters
        that follow the design, not their distributions, and runs that share seeds in blocks. Not a sample of the
        scenario: its frequencies are not the scenario's, and no interval that takes the runs as independent draws
        holds."""
        return self.manifest.get("design_hash") is not None

    @property
    def horizon(self) -> float:
        return float(self.manifest["scenarios"][0]["config"]["simulation"]["horizon_days"])

    @property
    def info(self) -> Manifest:
        """The manifest, typed."""
        return Manifest.model_validate(self.manifest)

    def horizon_of(self, name: str) -> float:
        """The horizon of one scenario (batches merged for comparison may differ)."""
        try:
            return float(self.scenario_config(name)["simulation"]["horizon_days"])
        except (KeyError, TypeError):
            return self.horizon

    def labels(self, name: str | None = None) -> dict[str, str]:
        """Role -> the name readers see, from a scenario's config (the first scenario's by default)."""
        return role_labels(self.scenario_config(name or self.scenarios[0]))

    def actor_of(self, role: str, name: str | None = None) -> str | None:
        """The id of the first actor playing `role` in a scenario (the first scenario's by default), if any."""
        return actors_by_role(self.scenario_config(name or self.scenarios[0])).get(role)

    @property
    def first_model(self) -> bool:
        """Written by the first model (format 1): its tables load in today's names, its scenarios cannot be rebuilt."""
        return bool(self.manifest.get("migrated_from") == legacy.FORMAT_1)

    def scenario_config(self, name: str) -> dict[str, Any]:
        for s in self.manifest["scenarios"]:
            if s["name"] == name:
                config: dict[str, Any] = s["config"]
                return config
        raise KeyError(name)


def _dtypes(df: pd.DataFrame, table: str, scenarios: list[str]) -> pd.DataFrame:
    if df.empty:
        return df
    for column, categories in CATEGORIES[table].items():
        if column in df.columns:
            cats = scenarios if column == "scenario" else categories
            if cats is None:
                df[column] = df[column].astype("category")
                continue
            # values of another format (format 1's outcome classes and causes) are kept, after today's: never NaN
            found = pd.Series(df[column].dropna().unique()).astype(str)
            extra = sorted(set(found) - set(cats))
            df[column] = pd.Categorical(df[column], categories=[*cats, *extra])
    if table == "replications":
        for column in df.columns:
            family = family_of(column)
            if family is None:
                continue
            if REPLICATION_FAMILIES[family] == "category":
                df[column] = df[column].astype("category")
            elif REPLICATION_FAMILIES[family] == "number" and not pd.api.types.is_numeric_dtype(df[column]):
                df[column] = pd.to_numeric(df[column], errors="coerce").astype("float64")  # all-null: no type
    return df


def _dictionary_columns(schema: pa.Schema, table: str) -> list[str]:
    """The text columns read as categories straight from Parquet (never as one Python string per row)."""
    names = CATEGORIES[table]
    return [
        f.name
        for f in schema
        if pa.types.is_string(f.type)
        and (f.name in names or table == "offers" or (table == "replications" and f.name.startswith("final_posture.")))
    ]


# The columns of each table and their kinds (their names as of today: format-1 folders are checked after their
# columns are renamed). A non-empty table must have every column of REQUIRED (the replications only their keys: a
# folder written before an outcome existed lacks it, and a measure that needs it says so); a declared column it has
# must hold values of its kind.
DECLARED: dict[str, dict[str, ColumnType]] = {
    "replications": REPLICATION_COLUMNS,
    "ceasefires": CEASEFIRE_COLUMNS,
    "offers": OFFER_COLUMNS,
    "daily": {c: "bool" if t == "bool" else "category" if t == "str" else "number" for c, t in DAILY_COLUMNS.items()},
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "replications": ("scenario", "config_hash", "replication"),
    **{table: tuple(columns) for table, columns in DECLARED.items() if table != "replications"},
}


@dataclass(frozen=True)
class Expected:
    """What the manifest says a table file holds: its rows, the SHA-256 of the file and of each column's values (any
    may be unknown: older folders). With column digests, each column the file has must be one the batch wrote, with
    the same values (a column may be missing: folders written before it existed lack it); else the whole file must
    have its SHA-256."""

    rows: int | None = None
    sha256: str | None = None
    columns: dict[str, str] | None = None


def _read_table(file: Path, table: str, root: Path | None = None, expected: Expected | None = None) -> pd.DataFrame:
    """One Parquet table; a damaged file (truncated, edited) is a ResultsError that says how to recover.

    The file is opened without following links, must be a regular file, and must match what the manifest says of it
    (rows, checksum): a table copied in from another batch is an error naming the file, never shown as this batch's.
    Category columns are read as dictionaries, the file is streamed through a small buffer (not read whole before
    decoding), and Arrow's buffers are released column by column as the frame is built: reading the replications
    of 10^5 runs (a 194 MB frame) peaks ~345 MB above the imports, where `pd.read_parquet` took ~630 MB."""
    expected = expected or Expected()
    rerun = f"run the batch again, e.g. `scenarios rerun {file.parent} --out NEW_FOLDER`"
    with safe.open_file(file, root) as fh:
        changed = expected.columns is None and expected.sha256 is not None and safe.sha256_of(fh) != expected.sha256
        try:
            dictionaries = _dictionary_columns(pq.read_schema(fh), table)
            fh.seek(0)
            with pq.ParquetFile(fh, read_dictionary=dictionaries, pre_buffer=False, buffer_size=READ_BUFFER) as parquet:
                rows = parquet.metadata.num_rows
                if expected.rows is not None and rows != expected.rows:
                    raise ResultsError(
                        f"{file}: {rows} rows, where the manifest says the batch wrote {expected.rows}: not this "
                        f"batch's table; {rerun}"
                    )
                if changed:
                    raise ResultsError(
                        f"{file}: not the table this batch wrote (its checksum does not match the manifest's): it was "
                        f"replaced or edited since; {rerun}"
                    )
                arrow = parquet.read(use_pandas_metadata=True)
        except (pa.ArrowException, OSError) as exc:
            raise ResultsError(f"{file}: damaged, cannot be read ({type(exc).__name__}: {exc}); {rerun}") from None
    if expected.columns is not None:
        digests = column_digests(arrow.drop_columns([c for c in arrow.column_names if c.startswith("__index_level_")]))
        for name, digest in digests.items():
            if name not in expected.columns:
                raise ResultsError(
                    f"{file}: a column {name!r} the batch did not write: not this batch's table; {rerun}"
                )
            if digest.hexdigest() != expected.columns[name]:
                raise ResultsError(
                    f"{file}: not the table this batch wrote (its column {name!r} holds other values than the batch "
                    f"wrote): it was replaced or edited since; {rerun}"
                )
    frame: pd.DataFrame = arrow.to_pandas(split_blocks=True, self_destruct=True)
    return frame


def _check_columns(df: pd.DataFrame, table: str, where: Path, keys_only: bool = False) -> None:
    """A non-empty table has the columns every reader of it relies on, of the kinds they expect. A folder of format 1
    (`keys_only`) lacks the columns of later mechanisms: only its keys are required, and a measure that needs a
    missing column names it."""
    if df.empty:
        return
    missing = [c for c in ("scenario", "replication") if c not in df.columns]
    required = () if keys_only else REQUIRED.get(table, ())
    missing += [c for c in required if c not in df.columns and c not in missing]
    if missing:
        raise ResultsError(
            f"{where}: the {table} table has no column {', '.join(missing[:5])}"
            + (f" (and {len(missing) - 5} more)" if len(missing) > 5 else "")
            + "; it was not written by this version of scenarios, or was edited: run the batch again"
        )
    for column, kind in DECLARED.get(table, {}).items():
        if column in df.columns and not _of_kind(df[column], kind):
            raise ResultsError(
                f"{where}: column {column} of the {table} table holds {df[column].dtype} values, where a {kind} is "
                "expected; the table was edited or is damaged: run the batch again"
            )


def _of_kind(values: pd.Series, kind: ColumnType) -> bool:
    """Whether a column holds values of a declared kind (an all-missing column holds any)."""
    types = pd.api.types
    dtype = values.dtype
    if kind == "number":
        ok = types.is_numeric_dtype(dtype) and not types.is_bool_dtype(dtype)
    elif kind == "bool":
        ok = types.is_bool_dtype(dtype) or types.is_object_dtype(dtype)
    else:
        ok = not types.is_numeric_dtype(dtype) or types.is_bool_dtype(dtype)
    return bool(ok or values.isna().all())


def _check_origin(df: pd.DataFrame, table: str, manifest: dict[str, Any], where: Path) -> None:
    """Every row of a table belongs to a scenario of the manifest, under that scenario's config hash, and to one of
    its replications: rows of another batch (another config, another n) are an error naming the file."""
    if df.empty or "scenario" not in df.columns:
        return
    entries = {s["name"]: s for s in manifest["scenarios"]}
    names = set(df["scenario"].astype(str).unique())
    unknown = sorted(names - set(entries))
    if unknown:
        raise ResultsError(
            f"{where}: rows of scenario {', '.join(map(repr, unknown[:3]))}, which the manifest does not list: not "
            "this batch's table"
        )
    if "config_hash" in df.columns:
        accepted = _accepted_hashes(manifest)
        for name, found in _pairs(df["scenario"], df["config_hash"]):
            if found not in accepted.get(name, {found}):
                raise ResultsError(
                    f"{where}: rows of {name!r} computed from config {found}, where the manifest's {name!r} has config "
                    f"{entries[name].get('config_hash')}: not this batch's table; run the batch again"
                )
    if "replication" in df.columns and pd.api.types.is_numeric_dtype(df["replication"].dtype):
        n = manifest["replications"]
        reps = df["replication"]
        if len(reps) and (reps.min() < 0 or reps.max() >= n):
            raise ResultsError(
                f"{where}: replication numbers up to {reps.max():g}, where the batch has {n} replications per "
                "scenario: not this batch's table"
            )


def _accepted_hashes(manifest: dict[str, Any]) -> dict[str, set[str]]:
    """Per scenario, the config hashes its rows may carry: its own, and those of the chunks a resume with `force`
    accepted (manifest `accepted`). A scenario whose manifest entry has no hash is not checked."""
    out: dict[str, set[str]] = {}
    for i, entry in enumerate(manifest["scenarios"]):
        if entry.get("config_hash") is None:
            continue
        hashes = {str(entry["config_hash"])}
        for earlier in manifest.get("accepted") or []:
            old = earlier.get("config_hashes") if isinstance(earlier, dict) else None
            if isinstance(old, list) and i < len(old):
                hashes.add(str(old[i]))
        out[entry["name"]] = hashes
    return out


def _pairs(scenario: pd.Series, config_hash: pd.Series) -> list[tuple[str, str]]:
    """The distinct (scenario, config hash) pairs of a table, by category codes when it has them (the daily table
    has a row per replication and day)."""
    if isinstance(scenario.dtype, pd.CategoricalDtype) and isinstance(config_hash.dtype, pd.CategoricalDtype):
        width = len(config_hash.cat.categories) + 1
        keys = pd.unique(scenario.cat.codes.to_numpy(np.int64) * width + config_hash.cat.codes.to_numpy(np.int64))
        names, hashes = list(scenario.cat.categories), list(config_hash.cat.categories)
        return [
            (str(names[int(k) // width]), str(hashes[int(k) % width])) for k in keys if k >= 0 and k % width < width - 1
        ]
    frame = pd.DataFrame({"s": scenario.astype(str), "h": config_hash.astype(str)}).drop_duplicates()
    return list(frame.itertuples(index=False, name=None))


def _load_table(path: Path, manifest: dict[str, Any], table: str, parts: dict[str, Any] | None) -> pd.DataFrame:
    """One table with its dtypes: the consolidated file of a complete batch (`parts` None), or the given finished
    chunks of a partial one. Either way the rows are checked against the manifest."""
    scenarios = [s["name"] for s in manifest["scenarios"]]
    if parts is None:
        file = path / f"{table}.parquet"
        where = file
        expected = _expected(manifest, table)
        try:
            df = _read_table(file, table, path, expected)
        except FileNotFoundError:
            df = pd.DataFrame()  # optional tables: checked at load
    else:
        where = path / "parts" / table
        files = [path / e["files"][table]["file"] for e in parts.values() if table in e["files"]]
        rows = [e["files"][table]["rows"] for e in parts.values() if table in e["files"]]
        shas = [e["files"][table]["sha256"] for e in parts.values() if table in e["files"]]
        if not all(safe.is_regular(f) for f in files):  # consolidated (the batch finished) or re-run since it was read
            raise ResultsError(
                f"{path}: the chunks read with the folder are gone (the batch finished or was re-run since); "
                f"load it again for its {table}"
            )
        frames = [_read_table(f, table, path, Expected(n, sha)) for f, n, sha in zip(files, rows, shas, strict=True)]
        df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    _check_origin(df, table, manifest, where)
    old = manifest.get("migrated_from") == legacy.FORMAT_1
    if old:
        df = _renamed(df, manifest)
    _check_columns(df, table, where, keys_only=old)
    return _dtypes(df, table, scenarios)


def _expected(manifest: dict[str, Any], table: str) -> Expected:
    """What the manifest of a complete batch says of a table: its rows (`counts`) and SHA-256 (`tables`, since
    both were recorded)."""
    rows = (manifest.get("counts") or {}).get(table)
    info = (manifest.get("tables") or {}).get(table)
    sha = info.get("sha256") if isinstance(info, dict) else None
    columns = info.get("columns") if isinstance(info, dict) else None
    return Expected(
        rows if isinstance(rows, int) and not isinstance(rows, bool) else None,
        sha if isinstance(sha, str) else None,
        {str(k): str(v) for k, v in columns.items()} if isinstance(columns, dict) else None,
    )


def _migrated(manifest: dict[str, Any]) -> dict[str, Any]:
    """A format-1 manifest with its scenarios' configs in today's names (`migrated_from: 1` says so)."""
    scenarios = []
    for s in manifest.get("scenarios", []):
        config = copy.deepcopy(s.get("config") or {})
        legacy.migrate_config(config)
        scenarios.append({**s, "config": config})
    return {**manifest, "scenarios": scenarios, "migrated_from": legacy.FORMAT_1}


def _renamed(df: pd.DataFrame, manifest: dict[str, Any]) -> pd.DataFrame:
    """A format-1 table with today's column names and values (outcome classes, options, acts)."""
    if df.empty:
        return df
    roles: dict[str, str] = {}
    for s in manifest.get("scenarios", []):
        for role, actor in actors_by_role(s.get("config")).items():
            roles.setdefault(role, actor)

    def column(name: str) -> str:
        if name.startswith("param."):
            return "param." + legacy.parameter_path(name[6:], roles.get("supporter"), roles.get("defender"))
        return legacy.column(name)

    df = df.rename(columns={c: column(str(c)) for c in df.columns})
    for c in df.columns:
        if c in ("outcome_class",) or str(c).startswith(("final_posture.", "posture_")):
            df[c] = df[c].map(lambda v: legacy.value(v) if isinstance(v, str) else v)
    return legacy.derived_columns(df)


def load_results(directory: str | Path) -> Results:
    """Read a results directory; a partial batch loads what finished and warns (PartialResultsWarning).

    The replications are read now, every other table when first used (from the chunks finished now, for a
    partial batch). The folder is untrusted input: its manifest must be whole, its tables must be the ones it
    describes, and nothing is read through a link (a ResultsError names what is wrong)."""
    path = Path(directory)
    try:
        is_dir = path.is_dir()
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{path}: not a usable folder name ({exc})") from None
    if not is_dir:
        raise ResultsError(f"{path}: no such results directory; `scenarios run CONFIG` writes results/<name>/")
    manifest = read_manifest(path)
    problem = required_problem(manifest)
    if problem is not None:
        raise ResultsError(f"{path / MANIFEST}: {problem}; the manifest was edited or is damaged: re-run the batch")
    if manifest.get("format_version") == legacy.FORMAT_1:
        manifest = _migrated(manifest)
    if manifest.get("status") == "failed":  # finished, but every replication raised: nothing to analyse
        raise ResultsError(f"{path}: {manifest.get('reason') or 'every replication failed'}")
    parts = None
    if manifest.get("status") != "complete":
        parts = done_chunks(path, manifest)
        expected = len(manifest["scenarios"]) * -(-manifest["replications"] // manifest["chunk_size"])
        warnings.warn(
            f"{path}: PARTIAL batch ({manifest.get('status')}, {manifest.get('reason') or 'not finished'}): "
            f"{len(parts)} of {expected} chunks finished; figures cover only those. "
            f"Finish it with `scenarios run ... --resume --out {path}`.",
            PartialResultsWarning,
            stacklevel=2,
        )
    else:
        for table in TABLES:
            file = path / f"{table}.parquet"
            if table not in OPTIONAL and not os.path.lexists(file):  # a link or a FIFO is refused when read
                raise ResultsError(f"{file}: missing although the manifest says complete; re-run the batch")
    replications = _load_table(path, manifest, "replications", parts)
    if replications.empty:
        raise ResultsError(f"{path}: the batch holds no finished replication; run it (again) before analysing")
    lazy = {t: functools.partial(_load_table, path, manifest, t, parts) for t in TABLES if t not in EAGER}
    return Results(path, manifest, replications, **lazy)
