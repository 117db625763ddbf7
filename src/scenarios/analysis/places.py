"""The places of the map at the horizon: for each objective, who held it at the start, in what share of runs the
attacker holds it at the horizon, and when it fell (from ``taken_day.<objective>`` of
the replications)."""

from __future__ import annotations

import pandas as pd

from scenarios.io.load import Results

COLUMNS = (
    "scenario",
    "sector",
    "objective",
    "label",
    "held_at_start",
    "attacker",
    "attacker_share_of_runs",
    "fell_in_runs",
    "median_fall_day",
)


def places(results: Results) -> pd.DataFrame:
    """One row per (scenario, objective), in the map's order.

    ``attacker_share_of_runs``: share of the replications in which the attacker (the actor whose `policy:` is
    `attacker`, named in ``attacker``) holds it at the horizon (objectives change hands only to the attacker, so that
    is: held at the start, or taken); ``fell_in_runs``: share in which it changed hands; ``median_fall_day``: median
    day it changed hands among those runs (NaN if it never did).
    """
    rows = []
    r = results.replications
    taken_days = [c for c in r.columns if c.startswith("taken_day.")]  # a scenario's rows copy these only
    for name in results.scenarios:
        reps = r.loc[r["scenario"].astype(str) == name, taken_days]
        config = results.scenario_config(name)
        sectors = (config.get("world") or {}).get("sectors") or {}
        attacker = next(
            (a for a, block in (config.get("actors") or {}).items() if (block or {}).get("policy") == "attacker"), ""
        )
        for sid, sector in sectors.items():
            for oid, objective in (sector.get("objectives") or {}).items():
                column = f"taken_day.{oid}"
                taken = reps[column] if column in reps.columns else pd.Series(dtype=float)
                fell = taken.notna()
                start = str(objective.get("held_by", ""))
                held = pd.Series(True, index=reps.index) if start == attacker else fell
                rows.append(
                    {
                        "scenario": name,
                        "sector": str(sector.get("label") or sid),
                        "objective": oid,
                        "label": str(objective.get("label") or oid),
                        "held_at_start": start,
                        "attacker": attacker,
                        "attacker_share_of_runs": float(held.mean()) if len(reps) else float("nan"),
                        "fell_in_runs": float(fell.mean()) if len(reps) else float("nan"),
                        "median_fall_day": float(taken[fell].median()) if fell.any() else float("nan"),
                    }
                )
    return pd.DataFrame(rows, columns=list(COLUMNS))
