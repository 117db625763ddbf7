"""The places of the map at the horizon: for each objective, who held it at the start, in what share of runs the
attacker holds it at the horizon, and when it fell (from ``taken_day.<objective>`` of
the replications)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from scenarios.analysis.render import Column, Rendered, View, share_of_runs
from scenarios.io.load import Results
from scenarios.roles import actor_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

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


def actor_names(results: Results) -> dict[str, str]:
    """Each actor's name for readers (its `label`, else its id capitalised), over every scenario of a batch."""
    names: dict[str, str] = {}
    for name in results.scenarios:
        for actor, block in (results.scenario_config(name).get("actors") or {}).items():
            names.setdefault(str(actor), actor_label(str(actor), block))
    return names


@dataclass(frozen=True, repr=False)
class Places(Rendered):
    """The places of the map at the horizon: `table` has one row per (scenario, objective) (`COLUMNS`), and `runs`
    the number of replications of each scenario."""

    table: pd.DataFrame
    runs: dict[str, int]
    names: dict[str, str]  # actor id -> its name for readers

    @property
    def scenarios(self) -> list[str]:
        return list(self.runs)

    def attacker(self, scenario: str | None = None) -> str:
        """The attacker's name in prose (of `scenario`, default the first)."""
        rows = self.table[self.table["scenario"] == (scenario or self.scenarios[0])]
        return self.name(str(rows["attacker"].iloc[0])) if len(rows) else "the attacker"

    def name(self, actor: str) -> str:
        """An actor as readers name it."""
        return self.names.get(actor, actor_label(actor, None))

    def views(self) -> list[View]:
        """One table per scenario (captioned with its n when there are several)."""
        out = []
        for name in self.scenarios:
            rows = self.table[self.table["scenario"] == name]
            attacker = self.attacker(name)
            columns = [
                Column("sector", "sector"),
                Column("objective", "label"),
                Column("held on day 0 by", "held_at_start", self.name),
                Column(
                    f"held by {attacker} at the horizon (share of runs)", "attacker_share_of_runs", share_of_runs, "num"
                ),
                Column("fell in (share of runs)", _fell, style="num"),
                Column("median day it fell", "median_fall_day", lambda d: "" if pd.isna(d) else f"{d:.0f}", "num"),
            ]
            caption = f"{name} (n = {self.runs[name]})" if len(self.runs) > 1 else ""
            out.append(View(rows, columns, caption=caption, css="places"))
        return out

    def plot(self, scenario: str | None = None, ax: Axes | None = None) -> Figure:
        """The share of runs in which the attacker holds each objective at the horizon (one scenario)."""
        from scenarios.plots.figures import _axes, colour

        name = scenario or self.scenarios[0]
        rows = self.table[self.table["scenario"] == name]
        fig, ax = _axes(ax)
        ax.barh(range(len(rows)), rows["attacker_share_of_runs"], color=colour(0))
        ax.set_yticks(range(len(rows)), rows["label"])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel(f"share of runs in which {self.attacker(name)} holds it at the horizon")
        ax.set_title(f"Places at the horizon ({name}, n = {self.runs[name]})", fontsize=10)
        return fig

    def __repr__(self) -> str:
        return f"<Places: {self.table['objective'].nunique()} objectives x {len(self.runs)} scenario(s)>"


def _fell(row: pd.Series) -> str:
    return "held on day 0" if row["held_at_start"] == row["attacker"] else share_of_runs(row["fell_in_runs"])


def places(results: Results) -> Places:
    """The places of the map, computed once: `Places.table` (`place_table`) and the runs of each scenario."""
    scenario = results.replications["scenario"].astype(str)
    runs = {name: int((scenario == name).sum()) for name in results.scenarios}
    return Places(place_table(results), runs, actor_names(results))


def place_table(results: Results) -> pd.DataFrame:
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
