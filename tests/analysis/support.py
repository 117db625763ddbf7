"""Hand-made `Results` for analysis tests: small tables whose statistics can be worked out on paper."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scenarios.io.load import Results
from scenarios.io.records import CEASEFIRE_CAUSES
from scenarios.model.outcomes import OUTCOME_CLASSES

CASUALTIES = ("military_attacker", "military_defender", "civilian_attacker", "civilian_defender")


def scenario_rows(
    days: Sequence[float],
    horizon: float,
    *,
    censored: Sequence[bool] | None = None,
    outcome: Sequence[str] | str = "frozen_status_quo",
    **columns: Any,
) -> pd.DataFrame:
    """Replication rows of one scenario whose first truce is in force on day 0 and stays formally in force `days`
    days (it ends on that day; censored where it lasts to the horizon). Unless given, it holds in fact as long."""
    end = np.asarray(days, dtype=float)
    n = len(end)
    cens = np.asarray(censored, dtype=bool) if censored is not None else end >= horizon
    data: dict[str, Any] = {
        "replication": np.arange(n, dtype="int64"),
        "first_ceasefire_start_day": np.zeros(n),
        "first_ceasefire_end_day": end,
        "first_ceasefire_days": end,
        "first_ceasefire_quiet_days": end,
        "first_ceasefire_censored": cens,
        "first_ceasefire_cause": np.where(cens, "in_force_at_horizon", "offensive"),
        "outcome_class": [outcome] * n if isinstance(outcome, str) else list(outcome),
        "attacker_share": np.full(n, 0.1),
        "war_days": np.full(n, 10.0),
        "conflict_days": np.full(n, 10.0),
        "attention": np.full(n, 1.0),
        "durable_ceasefire": np.zeros(n, dtype=bool),
        **{c: np.zeros(n) for c in CASUALTIES},
    }
    for key, value in columns.items():
        data[key] = np.asarray(value) if not np.isscalar(value) else np.full(n, value)
    return pd.DataFrame(data)


def make_results(
    scenarios: Mapping[str, pd.DataFrame],
    horizon: float,
    *,
    seed: int = 1,
    ceasefires: pd.DataFrame | None = None,
    directory: Path = Path("hand-made"),
) -> Results:
    """A `Results` as `load_results` would return it (categorical scenario and outcome_class)."""
    names = list(scenarios)
    reps = pd.concat([df.assign(scenario=name) for name, df in scenarios.items()], ignore_index=True)
    reps["scenario"] = pd.Categorical(reps["scenario"], categories=names)
    reps["outcome_class"] = pd.Categorical(reps["outcome_class"], categories=list(OUTCOME_CLASSES))
    reps["first_ceasefire_cause"] = pd.Categorical(reps["first_ceasefire_cause"], categories=list(CEASEFIRE_CAUSES))
    if ceasefires is None:
        ceasefires = pd.DataFrame(
            {
                "scenario": reps["scenario"].astype(str),
                "replication": reps["replication"],
                "start_day": 0.0,
                "end_day": reps["first_ceasefire_end_day"],
                "duration_days": reps["first_ceasefire_days"],
                "censored": reps["first_ceasefire_censored"],
                "kind": "humanitarian",
                "peacekeepers": False,
                "upgraded_day": np.nan,
            }
        )
    ceasefires = ceasefires.assign(scenario=pd.Categorical(ceasefires["scenario"], categories=names))
    n = int(reps.groupby("scenario", observed=True).size().max())
    manifest = {
        "status": "complete",
        "seed": seed,
        "replications": n,
        "scenarios": [{"name": name, "config": {"simulation": {"horizon_days": horizon}}} for name in names],
    }
    empty = pd.DataFrame()
    return Results(directory, manifest, reps, ceasefires, empty, empty, empty)
