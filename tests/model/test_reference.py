"""The role-typed core runs the model of format 1 to the bit.

`tests/data/format1/batch` was written by main before the core spoke of roles. Every replication is run again with
the parameter values it drew (named as they are now: `io.legacy`) and the same seed; every table must come out
equal, traced rows included, once format 1's names are renamed. (Parameter *draws* follow a parameter's name, so a
renamed parameter draws a different value from the same seed; with the values given, the model is the same.)
This holds while the model is the model of format 1; a model change replaces the reference.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from scenarios.config.loader import load_scenario
from scenarios.engine.seeding import replication_seed
from scenarios.io import legacy
from scenarios.io.records import DAILY_FIELDS
from scenarios.model.simulation import run_replication

ROOT = Path(__file__).resolve().parents[2]
FORMAT1 = ROOT / "tests" / "data" / "format1"
# the utility terms and trigger texts of format 1's stories, as they are named now
TERMS = {
    "f16_deterrence": "deterrence",
    "russian_pressure": "patron_pressure",
    "russian_backing": "patron_backing",
    "turkish_support": "supporter_support",
    "russian_reaction": "patron_reaction",
    "armenia_blinks": "defender_blinks",
    "outreach_to_azerbaijan": "outreach_to_attacker",
    "armenian_request": "defender_request",
    "turkish_influence": "supporter_influence",
    "azerbaijani_offensive": "attacker_offensive",
    "azerbaijan_back_at_the_table": "attacker_back_at_the_table",
    "russian_lead": "patron_lead",
    "russia_takes_sides": "patron_takes_sides",
}


def renamed(value: Any) -> Any:
    """A value of a format-1 table in today's words (texts of the stories: terms, options, triggers)."""
    if not isinstance(value, str):
        return value
    text = value.replace("Russian support changed", "Russia's support changed")
    text = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: TERMS.get(m.group()) or legacy.value(m.group()), text)
    return json.loads(text) if text.startswith("{") else text


def same(a: Any, b: Any) -> bool:
    missing = lambda x: x is None or (isinstance(x, float) and math.isnan(x))  # noqa: E731
    if missing(a) or missing(b):
        return missing(a) and missing(b)
    if isinstance(a, (bool, np.bool_)) or isinstance(b, (bool, np.bool_)):
        return bool(a) == bool(b)
    if isinstance(a, (int, float, np.number)) and isinstance(b, (int, float, np.number)):
        return float(a) == float(b)
    return bool(a == b)


def rows(table: pd.DataFrame, name: str, i: int) -> list[dict[str, Any]]:
    df = table[(table["scenario"] == name) & (table["replication"] == i)]
    df = df.drop(columns=["scenario", "config_hash", "replication"])
    return [{legacy.column(k): renamed(v) for k, v in r.items()} for r in df.to_dict("records")]


def equal_rows(want: list[dict[str, Any]], got: list[dict[str, Any]]) -> bool:
    return len(want) == len(got) and all(
        all(same(w[k], g.get(k)) for k in w if not (k not in g and same(w[k], None)))
        for w, g in zip(want, got, strict=False)
    )


@pytest.mark.parametrize("name", ["baseline", "russia-backs-early"])
def test_every_table_of_a_format_1_batch_comes_out_the_same(name: str) -> None:
    manifest = json.loads((FORMAT1 / "batch" / "manifest.json").read_text())
    tables = {
        t: pd.read_parquet(FORMAT1 / "batch" / f"{t}.parquet")
        for t in ("replications", "ceasefires", "offers", "events", "timeseries", "daily")
    }
    trace = manifest["trace_sample"]
    scenario = load_scenario(ROOT / "configs" / f"{name}.yaml", [f"simulation.trace_sample={trace}"])
    roles = {b["policy"]: a for a, b in manifest["scenarios"][0]["config"]["actors"].items()}
    weights = {p: 1.0 for p in scenario.parameter_specs() if p.endswith("effects.support_weight")}  # format 1: 1
    reps = tables["replications"][tables["replications"]["scenario"] == name]
    assert len(reps) == 24
    for _, row in reps.iterrows():
        i = int(row["replication"])
        params = {
            legacy.parameter_path(k.removeprefix("param."), roles["supporter"], roles["defender"]): float(v)
            for k, v in row.items()
            if k.startswith("param.")
        }
        result = run_replication(scenario, replication_seed(manifest["seed"], i), i < trace, {**params, **weights})
        old = {legacy.column(k): renamed(v) for k, v in row.items() if not k.startswith("param.")}
        for key in ("scenario", "config_hash", "replication"):
            old.pop(key)
        assert old.keys() == result.outcome.keys(), i
        assert [k for k in old if not same(old[k], result.outcome[k])] == [], i
        assert equal_rows(rows(tables["ceasefires"], name, i), result.ceasefires), i
        assert equal_rows(rows(tables["offers"], name, i), result.offers), i
        daily = [dict(zip(DAILY_FIELDS, r, strict=True)) for r in result.daily or []]
        want = rows(tables["daily"], name, i)
        assert len(want) == len(daily) and all(
            all(np.float32(w[k]) == np.float32(d[k]) for k in DAILY_FIELDS) for w, d in zip(want, daily, strict=False)
        ), i
        if i < trace:
            events = [{"seq": k, **{a: renamed(b) for a, b in e.items()}} for k, e in enumerate(result.events or [])]
            assert equal_rows(rows(tables["events"], name, i), events), i
            assert equal_rows(rows(tables["timeseries"], name, i), result.timeseries or []), i
