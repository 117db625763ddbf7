"""The results schema: what a batch writes and everyone downstream reads.

The model and the engine write these tables; io/, analysis/, measures/ and the report read them. The column
declarations below are what the measure language checks names against *before* anything runs (a test holds the
model's outcome record to them: a new outcome column is declared here, with its type, or that test fails).

Column types: ``bool``, ``number`` (float; NaN where the event never happened, e.g. a town never taken) and
``category`` (text). Columns named ``<family><id>`` (``taken_day.<objective>``, ``share_north``) take their ids from
the scenario (its sectors, objectives and actors) where the scenario names them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

ColumnType = Literal["bool", "number", "category"]

TABLES = ("replications", "ceasefires", "offers", "events", "timeseries", "errors", "daily")
# In a design, the replication whose random streams a run uses (default: its own index). Runs that share it differ
# only by their parameters: common random numbers within a Sobol block or a Morris trajectory.
SEED_COLUMN = "seed_index"
PARAM_PREFIX = "param."
KEYS = ("scenario", "replication")
# A scenario's name as a results folder may record it (the schema's rule: it names folders and files)
SCENARIO_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

# Each outcome class in plain words, in the order they are checked (the first that applies); {placeholders} are the
# scenario's `outcomes:` settings and its actors by role. model/outcomes.py implements these rules; the report shows
# these words.
OUTCOME_DEFINITIONS: dict[str, str] = {
    "patron_intervention": "The forces of {patron} (a patron of {defender}) fought at some point during the run.",
    "defender_withdrawal": "{Defender} agreed to terms handing over places of the region's core: a withdrawal.",
    "settlement_with_handover": "{Defender} agreed to terms handing over land around the region's core, none of the "
    "core itself, and {attacker} took none of the core by force.",
    "wider_escalation": "At the horizon the parties fight while forces of a backer of {attacker} ({supporter}) fight "
    "with them.",
    "fighting_at_horizon": "At the horizon the parties fight: open war, or an operation under a truce in name only.",
    "major_gains_truce": "At the horizon a truce holds in fact (nobody fights an operation) and {attacker} holds at "
    "least {major_gain_share:.0%} of the contested value, or a place whose capture makes its gains major "
    "(outcomes.major_gain_places).",
    "limited_gains_truce": "At the horizon a truce holds in fact and {attacker} holds more of the contested value than "
    "at the start, but less than {major_gain_share:.0%} and none of the places that make its gains major.",
    "frozen_status_quo": "At the horizon a truce holds in fact and {attacker} holds no more than at the start.",
}
"""Each outcome class in plain words; ``{attacker}``, ``{Defender}``... are the scenario's actors by role."""
OUTCOME_CLASSES = tuple(OUTCOME_DEFINITIONS)
OUTCOME_LABELS: dict[str, str] = {
    "patron_intervention": "military intervention by {patron}",
    "defender_withdrawal": "withdrawal by {defender}",
    "settlement_with_handover": "settlement handing over land",
    "wider_escalation": "wider escalation",
    "fighting_at_horizon": "fighting at the horizon",
    "major_gains_truce": "major gains for {attacker}, truce",
    "limited_gains_truce": "limited gains for {attacker}, truce",
    "frozen_status_quo": "frozen status quo",
}
"""Each outcome class as readers see it; ``{patron}``... are filled with the scenario's labels (`scenarios.roles`)."""
DURABLE_DEFINITION = (
    "A truce is durable if it stays formally in force for at least {durable_days:g} days from the day it was agreed "
    "(one still in force at the horizon counts only if it has already lasted that long); a run has a durable truce "
    "if any of its truces is durable. A truce holds in fact while nobody fights an operation under it and fewer "
    "than {quiet_violations_per_day:g} violations a day happen; its quiet days are counted until the first day "
    "that is not."
)
COLLAPSE_CAUSES = ("offensive", "denounced")
CEASEFIRE_CAUSES = (*COLLAPSE_CAUSES, "in_force_at_horizon", "none")
CEASEFIRE_KINDS = ("humanitarian", "comprehensive")

# The replication record: one row per (scenario, replication).
REPLICATION_COLUMNS: dict[str, ColumnType] = {
    "scenario": "category",
    "config_hash": "category",
    "replication": "number",
    "first_ceasefire_end_day": "number",  # the day the first truce formally ended (censored at the horizon)
    "first_ceasefire_days": "number",  # days it stayed formally in force (censored at the horizon)
    "first_ceasefire_censored": "bool",
    "first_ceasefire_cause": "category",
    "first_ceasefire_broken_by": "category",  # the party whose decision ended it; "" otherwise
    "first_ceasefire_violations": "number",
    "first_ceasefire_start_day": "number",
    "first_ceasefire_quiet_days": "number",  # days it held in fact (no operation, few violations), censored
    "first_ceasefire_fighting_days": "number",  # days an operation was fought under it
    "first_ceasefire_fighting_days_after_known": "number",  # of them, after the date the scenario knows it held
    "ceasefires": "number",
    "offers": "number",
    "operations": "number",  # the attacker's operations launched
    "counter_operations": "number",  # the defender's
    "durable_ceasefire": "bool",
    "quiet_ceasefire": "bool",  # some truce held in fact for outcomes.durable_days in one quiet spell
    "ceasefire_at_horizon": "bool",
    "ceasefire_at_horizon_broker": "category",  # "" at war
    "ceasefire_at_horizon_kind": "category",  # "" at war
    "fighting_at_horizon": "bool",  # open war, or an operation under a truce, at the horizon
    "comprehensive_ceasefire": "bool",
    "settlement": "bool",  # a settlement handed over places
    "handed_over_share": "number",  # the contested value handed over by settlements
    "core_handed_over": "bool",
    "core_share": "number",  # the attacker's share of the core's value at the horizon, by arms or by terms
    "outcome_class": "category",
    "war_days": "number",  # days of open war (no truce in force)
    "fighting_days": "number",  # days an operation was fought (under a truce or not)
    "conflict_days": "number",  # days of open war and days fought under truces, since `outcomes.war_began`
    "protracted": "bool",
    "military_attacker": "number",
    "military_defender": "number",
    "civilian_attacker": "number",
    "civilian_defender": "number",
    "attention": "number",
    "start_share": "number",
    "attacker_share": "number",
    "gained_share": "number",
    "retaken_share": "number",  # of the contested value, what the defender took back at some point
    "position_improved": "bool",
    "supporter_level": "number",
    "supporter_deepened": "bool",
    "supporter_kept_support": "bool",
    "supporter_influence": "number",
    "supporter_fought": "bool",
    "patron_backs_defender": "bool",
    "patron_fought": "bool",
    "patron_sent_forces_after_handover": "bool",  # a patron decided to send forces on or after the core was handed over
    "patron_brokered_days": "number",
    "patron_influence": "number",
    "endurance_attacker": "number",  # the attacker's scarcest stock at the horizon (1 full, 0 exhausted)
    "endurance_defender": "number",
    "spillover_strikes": "number",
    "treaty_triggered": "bool",
    "history_redraws": "number",  # draws dropped before this one for contradicting what the report knew (0: none)
}
# Families of replication columns: prefix -> type. Their ids come from the scenario where it names them.
REPLICATION_FAMILIES: dict[str, ColumnType] = {
    "share_": "number",  # share_<sector>: the attacker's share of the sector's value at the horizon
    "taken_day.": "number",  # taken_day.<place>: first day the attacker took it (NaN: never)
    "retaken_day.": "number",  # retaken_day.<place>: first day the defender took it back (NaN: never)
    "final_posture.": "category",  # final_posture.<actor>[.<track>]: posture at the horizon
    "first_day.": "number",  # first_day.<actor>.<option>: first day the actor took the option (NaN: never)
    "flag_day.": "number",  # flag_day.<actor>.<act>: first day of an act made once (NaN: never)
    "posture_changes.": "number",  # posture_changes.<actor>[.<track>]: changes of posture during the run
    "support_level.": "number",  # support_level.<backer>: rungs decided at the horizon
    "decided_day.": "number",  # decided_day.<backer>.<rung>: first day the rung was decided (NaN: never)
    "arrived_day.": "number",  # arrived_day.<backer>.<rung>: first day it arrived on the battlefield (NaN: never)
    "disposed.": "bool",  # disposed.<actor>.<course>: the replication's actor was disposed to the course at all
    PARAM_PREFIX: "number",  # param.<path>: the value drawn for the parameter in this replication
}

# Per-replication tables (several rows per replication) that aggregates of the measure language range over.
CEASEFIRE_COLUMNS: dict[str, ColumnType] = {
    "scenario": "category",
    "config_hash": "category",
    "replication": "number",
    "number": "number",
    "kind": "category",
    "broker": "category",
    "brokers": "category",  # every broker, joined by "+"
    "peacekeepers": "bool",
    "start_day": "number",
    "end_day": "number",
    "duration_days": "number",
    "censored": "bool",
    "cause": "category",
    "broken_by": "category",
    "share_at_start": "number",
    "upgraded_day": "number",
    "first_violation_day": "number",
    "violations": "number",
    "first_fighting_day": "number",
    "fighting_days": "number",
    "quiet_days": "number",
    "settlement": "category",
    "handed_over": "category",
    "durable": "bool",
}
OFFER_COLUMNS: dict[str, ColumnType] = {
    "scenario": "category",
    "config_hash": "category",
    "replication": "number",
    "number": "number",
    "day": "number",
    "broker": "category",
    "brokers": "category",
    "kind": "category",
    "upgrade": "bool",
    "peacekeepers": "bool",
    "settlement": "category",
    "handover": "category",
    "accepted": "bool",
}
ROW_TABLES: dict[str, dict[str, ColumnType]] = {"ceasefires": CEASEFIRE_COLUMNS, "offers": OFFER_COLUMNS}
# Families of row-table columns: table -> {prefix: type}; answer.<party>: accept | refuse, one per party of the
# scenario (its actor ids).
ROW_FAMILIES: dict[str, dict[str, ColumnType]] = {"offers": {"answer.": "category"}}
FAMILY_VALUES: dict[tuple[str, str], tuple[str, ...]] = {("offers", "answer."): ("accept", "refuse")}
# The daily table: every replication, one row every `simulation.daily_every` days from day 0 (the state at the end
# of that day), for fan charts over the whole batch. Stored in small dtypes (column -> dtype), Zstandard-compressed;
# the traced replications keep their full daily series in ``timeseries``.
DAILY_COLUMNS: dict[str, str] = {
    "scenario": "str",
    "config_hash": "str",
    "replication": "int32",
    "day": "int16",
    "attacker_share": "float32",  # the attacker's share of the contested value (fraction)
    "military_total": "float32",  # military deaths so far, both sides (people)
    "civilian_total": "float32",  # civilian deaths so far, both sides (people)
    "attention": "float32",  # international attention (index)
    "supporter_level": "int16",  # rungs the attacker's supporters have decided (0: none)
    "ceasefire": "bool",  # a truce formally in force
    "fighting": "bool",  # an operation fought that day (at war or under a truce)
}
DAILY_KEYS = ("scenario", "config_hash", "replication")  # the columns a chunk adds to the model's daily rows
DAILY_FIELDS = tuple(c for c in DAILY_COLUMNS if c not in DAILY_KEYS)  # a daily row of the model, in this order
# The values a category column can take, where the schema knows them ((table, column) -> values): the measure
# language refuses a comparison with any other string (a typo would otherwise silently give 0%).
CATEGORY_VALUES: dict[tuple[str, str], tuple[str, ...]] = {
    ("replications", "outcome_class"): OUTCOME_CLASSES,
    ("replications", "first_ceasefire_cause"): CEASEFIRE_CAUSES,
    ("ceasefires", "kind"): CEASEFIRE_KINDS,
    ("ceasefires", "cause"): CEASEFIRE_CAUSES,
    ("offers", "kind"): CEASEFIRE_KINDS,
}


def family_of(column: str) -> str | None:
    """The family prefix a replication column belongs to, if any."""
    return next((p for p in REPLICATION_FAMILIES if column.startswith(p) and column != p), None)


def row_column_type(table: str, column: str) -> ColumnType | None:
    """The type of a column of a per-replication table (declared, or of one of its families), or None."""
    declared = ROW_TABLES.get(table, {}).get(column)
    if declared is not None:
        return declared
    return next(
        (t for p, t in ROW_FAMILIES.get(table, {}).items() if column.startswith(p) and column != p),
        None,
    )


def category_values(table: str, column: str) -> tuple[str, ...] | None:
    """The values a category column can take, where the schema knows them."""
    values = CATEGORY_VALUES.get((table, column))
    if values is not None:
        return values
    return next((v for (t, p), v in FAMILY_VALUES.items() if t == table and column.startswith(p)), None)


def scenario_columns(config: Mapping[str, Any] | None) -> dict[str, set[str]]:
    """The ids each family takes in a scenario (from its resolved config as a mapping); families not listed
    accept any id."""
    if not config:
        return {}
    sectors = (config.get("world") or {}).get("sectors") or {}
    places = [o for s in sectors.values() for o in (s.get("objectives") or {})]
    contested = [
        sid
        for sid, s in sectors.items()
        if any(not (o or {}).get("territory_of") for o in (s.get("objectives") or {}).values())
    ]
    out: dict[str, set[str]] = {
        "share_": {f"share_{s}" for s in contested},
        "taken_day.": {f"taken_day.{o}" for o in places},
        "retaken_day.": {f"retaken_day.{o}" for o in places},
    }
    return out


@dataclass(frozen=True)
class Chunk:
    """Replications [start, stop) of scenario number `scenario_index` of a batch: the unit of work of a worker."""

    scenario_index: int
    start: int
    stop: int
    # designed experiments: the quantile of each named parameter, one mapping per replication of the chunk
    design: tuple[Mapping[str, float], ...] | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def key(self) -> str:
        return f"s{self.scenario_index:02d}-r{self.start:07d}-{self.stop:07d}"


@dataclass(eq=False)
class Columns:
    """A table held column by column, in its stored dtypes (`DAILY_COLUMNS`).

    The daily table is most of a chunk's rows, all alike: as a few arrays it pickles (from worker to driver) and
    becomes a frame in a fraction of the time thousands of row dicts take.
    """

    data: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(next(iter(self.data.values()), ()))

    def __eq__(self, other: object) -> bool:
        """The same columns, in the same order and dtypes, holding the same values."""
        if not isinstance(other, Columns):
            return NotImplemented
        return list(self.data) == list(other.data) and all(
            a.dtype == b.dtype and np.array_equal(a, b)
            for a, b in zip(self.data.values(), other.data.values(), strict=True)
        )


@dataclass
class ChunkResult:
    """The rows a chunk produced, per table (the daily table as columns), and how long it took (seconds of worker
    time)."""

    chunk: Chunk
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {t: [] for t in TABLES if t != "daily"})
    daily: Columns = field(default_factory=lambda: Columns({}))
    seconds: float = 0.0

    @property
    def failures(self) -> int:
        return len(self.tables["errors"])


class ManifestScenario(BaseModel):
    """One scenario of a batch as its manifest records it."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str
    title: str = ""
    config_hash: str | None = None
    source_file: str | None = None
    config: dict[str, Any] = Field(default_factory=dict)
    # set when batches are merged: the seed and size of the batch the scenario came from
    batch_seed: int | None = None
    batch_replications: int | None = None

    @property
    def horizon(self) -> float | None:
        value = (self.config.get("simulation") or {}).get("horizon_days")
        return float(value) if value is not None else None


class Manifest(BaseModel):
    """``manifest.json`` of a results folder, typed (the engine writes it; `io.store.load_manifest` reads it)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    format_version: int
    status: str
    seed: int
    replications: int
    chunk_size: int
    scenarios: list[ManifestScenario]
    trace_sample: int = 0
    created: str | None = None
    finished: str | None = None
    reason: str | None = None
    design_hash: str | None = None
    code: dict[str, Any] = Field(default_factory=dict)
    versions: dict[str, Any] = Field(default_factory=dict)
    counts: dict[str, Any] = Field(default_factory=dict)
    timings: dict[str, Any] = Field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.status == "complete"

    def scenario(self, name: str) -> ManifestScenario:
        for s in self.scenarios:
            if s.name == name:
                return s
        raise KeyError(name)
