"""The places table: one row per objective of the map, read from the replications' ``taken_day.<objective>`` and
``retaken_day.<objective>``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from scenarios.analysis.places import places
from scenarios.io.load import Results

ROOT = Path(__file__).resolve().parents[2]


def test_every_objective_of_the_map_has_a_row_with_its_sector_and_label(two_scenario_batch: Results) -> None:
    world = yaml.safe_load((ROOT / "configs" / "baseline.yaml").read_text(encoding="utf-8"))["world"]
    expected = [
        (str(s.get("label") or sid), str(o["label"]), str(o["held_by"]))
        for sid, s in world["sectors"].items()
        for o in s["objectives"].values()
    ]
    table = places(two_scenario_batch).table
    baseline = table[table["scenario"] == "baseline"]
    assert list(zip(baseline["sector"], baseline["label"], baseline["held_at_start"], strict=True)) == expected
    assert set(table["scenario"]) == set(two_scenario_batch.scenarios)


def test_shares_and_days_are_those_of_the_replications(two_scenario_batch: Results) -> None:
    table = places(two_scenario_batch).table.set_index(["scenario", "objective"])
    reps = two_scenario_batch.replications
    taken_checked = retaken_checked = 0
    for (name, oid), row in table.iterrows():
        mine = reps[reps["scenario"].astype(str) == name]
        taken, retaken = mine[f"taken_day.{oid}"], mine[f"retaken_day.{oid}"]
        assert (row["attacker"], row["defender"]) == ("azerbaijan", "armenia")
        assert row["retaken_in_runs"] == pytest.approx(retaken.notna().mean())
        if retaken.notna().any():
            assert row["median_retaken_day"] == pytest.approx(retaken.median())
            retaken_checked += 1
        if row["held_at_start"] == "azerbaijan":  # held by the attacker on day 0: never taken by it
            assert row[["taken_in_runs", "median_taken_day"]].isna().all()
            continue
        assert row["taken_in_runs"] == pytest.approx(taken.notna().mean())
        assert row["retaken_in_runs"] <= row["taken_in_runs"]  # taken back only once lost
        if taken.notna().any():
            assert row["median_taken_day"] == pytest.approx(taken.median())
            taken_checked += 1
        else:
            assert np.isnan(row["median_taken_day"])
    assert taken_checked > 0  # some objective fell in some run, so the days were compared


def test_places_taken_back_are_counted_and_shown() -> None:
    """Four runs on a map of three places: the defender took back the town in one of the two runs it fell in, and
    the ford, which the attacker held on day 0, in one run."""
    config = {
        "simulation": {"horizon_days": 60},
        "actors": {"north": {"policy": "attacker", "label": "Northland"}, "south": {"policy": "defender"}},
        "world": {
            "sectors": {
                "plain": {
                    "label": "The plain",
                    "objectives": {
                        "ford": {"label": "The ford", "held_by": "north"},
                        "town": {"label": "Market town", "held_by": "south"},
                        "hills": {"label": "Hills", "held_by": "south"},
                    },
                }
            }
        },
    }
    nan = float("nan")
    reps = pd.DataFrame(
        {
            "scenario": pd.Categorical(["s"] * 4),
            "replication": [0, 1, 2, 3],
            "taken_day.ford": [nan] * 4,
            "retaken_day.ford": [nan, nan, 40.0, nan],
            "taken_day.town": [10.0, 20.0, nan, nan],
            "retaken_day.town": [30.0, nan, nan, nan],
            "taken_day.hills": [nan] * 4,
            "retaken_day.hills": [nan] * 4,
        }
    )
    manifest = {"status": "complete", "seed": 1, "scenarios": [{"name": "s", "config": config}]}
    result = places(Results(Path("hand-made"), manifest, reps))
    table = result.table.set_index("objective")
    town = table.loc["town"]
    assert (town["taken_in_runs"], town["median_taken_day"]) == (0.5, 15.0)
    assert (town["retaken_in_runs"], town["median_retaken_day"]) == (0.25, 30.0)
    hills = table.loc["hills"]
    assert (hills["taken_in_runs"], hills["retaken_in_runs"]) == (0.0, 0.0) and np.isnan(hills["median_taken_day"])
    ford = table.loc["ford"]  # held by the attacker on day 0: never taken by it, taken from it in one run
    assert np.isnan(ford["taken_in_runs"]) and (ford["retaken_in_runs"], ford["median_retaken_day"]) == (0.25, 40.0)
    html = result.to_html()
    assert "taken by Northland (share of runs)" in html and "taken back by South (share of runs)" in html
    assert "held on day 0" in html
    figure = result.plot()
    bars = [round(p.get_width(), 2) for p in figure.axes[0].patches]
    assert bars == [0.0, 0.5, 0.0, 0.25, 0.25, 0.0]  # taken by the attacker, then taken back from it, place by place
