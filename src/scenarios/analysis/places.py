"""The places of the map at the horizon: for each objective, who held it at the start, in what share of runs
Azerbaijan holds it at the horizon, and when it fell (from ``taken_day.<objective>`` of the replications)."""

from __future__ import annotations

import pandas as pd

from scenarios.io.load import Results

COLUMNS = (
    "scenario",
    "sector",
    "objective",
    "label",
    "held_at_start",
    "azerbaijani_share_of_runs",
    "fell_in_runs",
    "median_fall_day",
)


def places(results: Results) -> pd.DataFrame:
    """One row per (scenario, objective), in the map's order.

    ``azerbaijani_share_of_runs``: share of the replications in which Azerbaijan holds it at the horizon (objectives
    change hands only to Azerbaijan, so that is: held at the start, or taken); ``fell_in_runs``: share in which it
    changed hands; ``median_fall_day``: median day it changed hands among those runs (NaN if it never did).
    """
    rows = []
    for name in results.scenarios:
        reps = results.replications[results.replications["scenario"].astype(str) == name]
        sectors = (results.scenario_config(name).get("world") or {}).get("sectors") or {}
        for sid, sector in sectors.items():
            for oid, objective in (sector.get("objectives") or {}).items():
                column = f"taken_day.{oid}"
                taken = reps[column] if column in reps.columns else pd.Series(dtype=float)
                fell = taken.notna()
                start = str(objective.get("held_by", ""))
                held = pd.Series(True, index=reps.index) if start == "azerbaijan" else fell
                rows.append(
                    {
                        "scenario": name,
                        "sector": str(sector.get("label") or sid),
                        "objective": oid,
                        "label": str(objective.get("label") or oid),
                        "held_at_start": start,
                        "azerbaijani_share_of_runs": float(held.mean()) if len(reps) else float("nan"),
                        "fell_in_runs": float(fell.mean()) if len(reps) else float("nan"),
                        "median_fall_day": float(taken[fell].median()) if fell.any() else float("nan"),
                    }
                )
    return pd.DataFrame(rows, columns=list(COLUMNS))
