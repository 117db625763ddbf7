"""Load a batch's results as pandas DataFrames with documented dtypes.

Tables (one row per ...):
- ``replications``: scenario and replication: ``scenario`` (category), ``config_hash``, ``replication`` (int64),
  ``param.<path>`` (float64, the drawn parameter values), and the outcomes (see docs/results.md):
  ``outcome_class`` and ``first_ceasefire_cause`` (category with every possible class), booleans, float64
  counts and days (NaN where an event never happened, e.g. ``first_day.russia.intervene``).
- ``ceasefires``: ceasefire of a replication (``number`` from 1), with kind, broker, start/end day, cause, censoring.
- ``events`` and ``timeseries``: the traced replications only (``simulation.trace_sample``).
- ``daily`` (loaded on first use): every replication, every ``simulation.daily_every`` days: territory share,
  deaths, attention, Turkey's level and whether a ceasefire is in force, in small dtypes (float32, int16, bool).
  Empty for folders written before the table existed.
- ``errors``: replications that raised, with their traceback.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from scenarios.exceptions import ResultsError
from scenarios.io.records import CEASEFIRE_CAUSES, CEASEFIRE_KINDS, OUTCOME_CLASSES, TABLES, Manifest
from scenarios.io.store import done_chunks, read_manifest


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
LAZY = ("daily",)  # read on first use; absent from folders written before it existed


@dataclass
class Results:
    """A batch's tables, its manifest, and whether it completed."""

    directory: Path
    manifest: dict[str, Any]
    replications: pd.DataFrame
    ceasefires: pd.DataFrame
    events: pd.DataFrame
    timeseries: pd.DataFrame
    errors: pd.DataFrame
    offers: pd.DataFrame = field(default_factory=pd.DataFrame)  # mediation offers and the parties' answers
    daily_loader: Callable[[], pd.DataFrame] | None = field(default=None, repr=False, compare=False)
    _daily: pd.DataFrame | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def daily(self) -> pd.DataFrame:
        """The daily table of every replication, read on first use (empty if the folder has none)."""
        if self._daily is None:
            self._daily = self.daily_loader() if self.daily_loader is not None else pd.DataFrame()
        return self._daily

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
            df[column] = pd.Categorical(df[column], categories=cats) if cats else df[column].astype("category")
    if table == "replications":
        for column in df.columns:
            if column.startswith(("final_posture.",)):
                df[column] = df[column].astype("category")
            elif column.startswith(("first_day.", "taken_day.", "flag_day.", "param.")):
                df[column] = pd.to_numeric(df[column], errors="coerce").astype("float64")
    return df


def _read_table(file: Path) -> pd.DataFrame:
    """One Parquet table; a damaged file (truncated, edited) is a ResultsError that says how to recover."""
    try:
        return pd.read_parquet(file)
    except (pa.ArrowException, OSError) as exc:
        raise ResultsError(
            f"{file}: damaged, cannot be read ({type(exc).__name__}: {exc}); run the batch again, e.g. "
            f"`scenarios rerun {file.parent} --out NEW_FOLDER`"
        ) from None


def _load_tables(path: Path, manifest: dict[str, Any], names: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """The consolidated tables of a complete batch, or the finished parts of a partial one, with their dtypes.

    A complete batch must have every table but the lazy ones, which are empty when absent (older folders).
    """
    scenarios = [s["name"] for s in manifest["scenarios"]]
    tables: dict[str, pd.DataFrame] = {}
    if manifest.get("status") == "complete":
        for table in names:
            file = path / f"{table}.parquet"
            if not file.exists() and table in LAZY:
                tables[table] = pd.DataFrame()
                continue
            if not file.exists():
                raise ResultsError(f"{file}: missing although the manifest says complete; re-run the batch")
            tables[table] = _read_table(file)
    else:
        good = done_chunks(path)
        for table in names:
            frames = [_read_table(path / e["files"][table]["file"]) for e in good.values() if table in e["files"]]
            tables[table] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return {t: _dtypes(df, t, scenarios) for t, df in tables.items()}


def load_results(directory: str | Path) -> Results:
    """Read a results directory; a partial batch loads what finished and warns (PartialResultsWarning)."""
    path = Path(directory)
    if not path.is_dir():
        raise ResultsError(f"{path}: no such results directory; `scenarios run CONFIG` writes results/<name>/")
    manifest = read_manifest(path)
    if manifest.get("status") == "failed":  # finished, but every replication raised: nothing to analyse
        raise ResultsError(f"{path}: {manifest.get('reason') or 'every replication failed'}")
    if manifest.get("status") != "complete":
        good = done_chunks(path)
        expected = len(manifest["scenarios"]) * -(-manifest["replications"] // manifest["chunk_size"])
        warnings.warn(
            f"{path}: PARTIAL batch ({manifest.get('status')}, {manifest.get('reason') or 'not finished'}): "
            f"{len(good)} of {expected} chunks finished; figures cover only those. "
            f"Finish it with `scenarios run ... --resume --out {path}`.",
            PartialResultsWarning,
            stacklevel=2,
        )
    tables = _load_tables(path, manifest, tuple(t for t in TABLES if t not in LAZY))
    if tables["replications"].empty:
        raise ResultsError(f"{path}: the batch holds no finished replication; run it (again) before analysing")
    return Results(path, manifest, **tables, daily_loader=lambda: _load_tables(path, manifest, ("daily",))["daily"])
