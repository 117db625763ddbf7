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
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from scenarios.exceptions import ResultsError
from scenarios.io import legacy
from scenarios.io.records import (
    CEASEFIRE_CAUSES,
    CEASEFIRE_KINDS,
    OUTCOME_CLASSES,
    REPLICATION_FAMILIES,
    TABLES,
    Manifest,
    family_of,
)
from scenarios.io.store import done_chunks, read_manifest
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


def _read_table(file: Path, table: str) -> pd.DataFrame:
    """One Parquet table; a damaged file (truncated, edited) is a ResultsError that says how to recover.

    Category columns are read as dictionaries, the file is streamed through a small buffer (not read whole before
    decoding), and Arrow's buffers are released column by column as the frame is built: reading the replications
    of 10^5 runs (a 194 MB frame) peaks ~345 MB above the imports, where `pd.read_parquet` took ~630 MB."""
    try:
        dictionaries = _dictionary_columns(pq.read_schema(file), table)
        with pq.ParquetFile(file, read_dictionary=dictionaries, pre_buffer=False, buffer_size=READ_BUFFER) as parquet:
            arrow = parquet.read(use_pandas_metadata=True)
        frame: pd.DataFrame = arrow.to_pandas(split_blocks=True, self_destruct=True)
        return frame
    except (pa.ArrowException, OSError) as exc:
        raise ResultsError(
            f"{file}: damaged, cannot be read ({type(exc).__name__}: {exc}); run the batch again, e.g. "
            f"`scenarios rerun {file.parent} --out NEW_FOLDER`"
        ) from None


def _load_table(path: Path, manifest: dict[str, Any], table: str, parts: dict[str, Any] | None) -> pd.DataFrame:
    """One table with its dtypes: the consolidated file of a complete batch (`parts` None), or the given finished
    chunks of a partial one."""
    scenarios = [s["name"] for s in manifest["scenarios"]]
    if parts is None:
        file = path / f"{table}.parquet"
        df = _read_table(file, table) if file.exists() else pd.DataFrame()  # optional tables: checked at load
    else:
        files = [path / e["files"][table]["file"] for e in parts.values() if table in e["files"]]
        if not all(f.exists() for f in files):  # consolidated (the batch finished) or re-run since it was read
            raise ResultsError(
                f"{path}: the chunks read with the folder are gone (the batch finished or was re-run since); "
                f"load it again for its {table}"
            )
        frames = [_read_table(f, table) for f in files]
        df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if manifest.get("migrated_from") == legacy.FORMAT_1:
        df = _renamed(df, manifest)
    return _dtypes(df, table, scenarios)


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
    partial batch)."""
    path = Path(directory)
    if not path.is_dir():
        raise ResultsError(f"{path}: no such results directory; `scenarios run CONFIG` writes results/<name>/")
    manifest = read_manifest(path)
    if manifest.get("format_version") == legacy.FORMAT_1:
        manifest = _migrated(manifest)
    if manifest.get("status") == "failed":  # finished, but every replication raised: nothing to analyse
        raise ResultsError(f"{path}: {manifest.get('reason') or 'every replication failed'}")
    parts = None
    if manifest.get("status") != "complete":
        parts = done_chunks(path)
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
            if table not in OPTIONAL and not file.exists():
                raise ResultsError(f"{file}: missing although the manifest says complete; re-run the batch")
    replications = _load_table(path, manifest, "replications", parts)
    if replications.empty:
        raise ResultsError(f"{path}: the batch holds no finished replication; run it (again) before analysing")
    lazy = {t: functools.partial(_load_table, path, manifest, t, parts) for t in TABLES if t not in EAGER}
    return Results(path, manifest, replications, **lazy)
