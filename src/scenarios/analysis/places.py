"""The places of the map: for each objective, who held it at the start, in what share of runs the attacker took it
(and on what day it first fell), and in what share the defender took it back from the attacker (from
``taken_day.<objective>`` and ``retaken_day.<objective>`` of the replications).

Places change hands both ways: the attacker takes them, the defender counter-attacks and takes from the attacker what
it holds of the contested region (what it took, or held on day 0), and a settlement hands places over. The record
holds the first day of each, not who holds a place at the horizon: the table says what it can read from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from scenarios.analysis.render import Column, Rendered, View, share_of_runs
from scenarios.io.load import Results
from scenarios.roles import actor_label, actors_by_role

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
    "defender",
    "taken_in_runs",
    "median_taken_day",
    "retaken_in_runs",
    "median_retaken_day",
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
            defender = self.name(str(rows["defender"].iloc[0])) if len(rows) else "the defender"
            columns = [
                Column("sector", "sector"),
                Column("objective", "label"),
                Column("held on day 0 by", "held_at_start", self.name),
                Column(f"taken by {attacker} (share of runs)", _taken, style="num"),
                Column("median day it first fell", "median_taken_day", _day, "num"),
                Column(f"taken back by {defender} (share of runs)", _retaken, style="num"),
                Column("median day it was first taken back", "median_retaken_day", _day, "num"),
            ]
            caption = f"{name} (n = {self.runs[name]})" if len(self.runs) > 1 else ""
            out.append(View(rows, columns, caption=caption, css="places"))
        return out

    def plot(self, scenario: str | None = None, ax: Axes | None = None) -> Figure:
        """The share of runs in which the attacker took each place (none for a place it held on day 0), and the share
        in which the defender took it back from the attacker (one scenario)."""
        from scenarios.plots.figures import _axes, colour

        name = scenario or self.scenarios[0]
        rows = self.table[self.table["scenario"] == name]
        fig, ax = _axes(ax)
        y = range(len(rows))
        ax.barh(y, rows["taken_in_runs"].fillna(0.0), color=colour(0), label=f"taken by {self.attacker(name)}")
        ax.barh(y, rows["retaken_in_runs"], color=colour(1), height=0.4, label="taken back from it")
        ax.set_yticks(y, rows["label"])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of runs")
        ax.legend(fontsize=8, loc="lower right")
        ax.set_title(f"Places taken ({name}, n = {self.runs[name]})", fontsize=10)
        return fig

    def __repr__(self) -> str:
        return f"<Places: {self.table['objective'].nunique()} objectives x {len(self.runs)} scenario(s)>"


def _held_by_attacker(row: pd.Series) -> bool:
    return bool(row["held_at_start"] == row["attacker"])


def _taken(row: pd.Series) -> str:
    return "held on day 0" if _held_by_attacker(row) else share_of_runs(row["taken_in_runs"])


def _retaken(row: pd.Series) -> str:
    return "" if pd.isna(row["retaken_in_runs"]) else share_of_runs(row["retaken_in_runs"])


def _day(d: float) -> str:
    return "" if pd.isna(d) else f"{d:.0f}"


def places(results: Results) -> Places:
    """The places of the map, computed once: `Places.table` (`place_table`) and the runs of each scenario."""
    scenario = results.replications["scenario"].astype(str)
    runs = {name: int((scenario == name).sum()) for name in results.scenarios}
    return Places(place_table(results), runs, actor_names(results))


def place_table(results: Results) -> pd.DataFrame:
    """One row per (scenario, objective), in the map's order.

    ``attacker`` and ``defender``: the actors whose `policy:` is `attacker` and `defender`. ``taken_in_runs``: the
    share of the replications in which the attacker took the place at some point (by force or by a settlement; NaN for
    a place it held on day 0); ``median_taken_day``: the median day it first fell among those; ``retaken_in_runs``:
    the share in which the defender took it from the attacker (a place it had lost, or one the attacker held on day
    0), and ``median_retaken_day``.
    """
    rows = []
    r = results.replications
    days = [c for c in r.columns if c.startswith(("taken_day.", "retaken_day."))]  # a scenario's rows copy these only
    nan = float("nan")
    for name in results.scenarios:
        reps = r.loc[r["scenario"].astype(str) == name, days]
        config = results.scenario_config(name)
        sectors = (config.get("world") or {}).get("sectors") or {}
        roles = actors_by_role(config)
        attacker, defender = roles.get("attacker") or "", roles.get("defender") or ""
        for sid, sector in sectors.items():
            for oid, objective in (sector.get("objectives") or {}).items():
                start = str(objective.get("held_by", ""))
                row = {
                    "scenario": name,
                    "sector": str(sector.get("label") or sid),
                    "objective": oid,
                    "label": str(objective.get("label") or oid),
                    "held_at_start": start,
                    "attacker": attacker,
                    "defender": defender,
                    "taken_in_runs": nan,
                    "median_taken_day": nan,
                    "retaken_in_runs": nan,
                    "median_retaken_day": nan,
                }
                if len(reps):
                    empty = pd.Series(nan, index=reps.index)
                    retaken = reps.get(f"retaken_day.{oid}", empty).astype(float)
                    row["retaken_in_runs"] = float(retaken.notna().mean())
                    row["median_retaken_day"] = float(retaken.median()) if retaken.notna().any() else nan
                    if start != attacker:
                        taken = reps.get(f"taken_day.{oid}", empty).astype(float)
                        row["taken_in_runs"] = float(taken.notna().mean())
                        row["median_taken_day"] = float(taken.median()) if taken.notna().any() else nan
                rows.append(row)
    return pd.DataFrame(rows, columns=list(COLUMNS))
