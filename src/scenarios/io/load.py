"""Load a batch's results as pandas DataFrames with documented dtypes.

Tables (one row per ...):
- ``replications``: scenario and replication: ``scenario`` (category), ``config_hash``, ``replication`` (int64),
  ``param.<path>`` (float64, the drawn parameter values), and the outcomes (see docs/results.md):
  ``outcome_class`` and ``first_ceasefire_cause`` (category with every possible class), booleans, float64
  counts and days (NaN where an event never happened, e.g. ``first_day.russia.intervene``).
- ``ceasefires``: ceasefire of a replication (``number`` from 1), with kind, broker, start/end day, cause, censoring.
- ``events`` and ``timeseries``: the traced replications only (``simulation.trace_sample``).
- ``errors``: replications that raised, with their traceback.
"""

from __future__ import annotations

import warnings
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
}


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


def load_results(directory: str | Path) -> Results:
    """Read a results directory; a partial batch loads what finished and warns (PartialResultsWarning)."""
    path = Path(directory)
    if not path.is_dir():
        raise ResultsError(f"{path}: no such results directory; `scenarios run CONFIG` writes results/<name>/")
    manifest = read_manifest(path)
    scenarios = [s["name"] for s in manifest["scenarios"]]
    tables: dict[str, pd.DataFrame] = {}
    if manifest.get("status") == "failed":  # finished, but every replication raised: nothing to analyse
        raise ResultsError(f"{path}: {manifest.get('reason') or 'every replication failed'}")
    if manifest.get("status") == "complete":
        for table in TABLES:
            file = path / f"{table}.parquet"
            if not file.exists():
                raise ResultsError(f"{file}: missing although the manifest says complete; re-run the batch")
            tables[table] = _read_table(file)
    else:
        good = done_chunks(path)
        expected = len(scenarios) * -(-manifest["replications"] // manifest["chunk_size"])
        warnings.warn(
            f"{path}: PARTIAL batch ({manifest.get('status')}, {manifest.get('reason') or 'not finished'}): "
            f"{len(good)} of {expected} chunks finished; figures cover only those. "
            f"Finish it with `scenarios run ... --resume --out {path}`.",
            PartialResultsWarning,
            stacklevel=2,
        )
        for table in TABLES:
            frames = [_read_table(path / e["files"][table]["file"]) for e in good.values() if table in e["files"]]
            tables[table] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    for table in TABLES:
        tables[table] = _dtypes(tables[table], table, scenarios)
    if tables["replications"].empty:
        raise ResultsError(f"{path}: the batch holds no finished replication; run it (again) before analysing")
    return Results(path, manifest, **tables)
