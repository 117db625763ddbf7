"""The places table: one row per objective of the map, read from the replications' ``taken_day.<objective>``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
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


def test_shares_and_fall_days_are_those_of_the_replications(two_scenario_batch: Results) -> None:
    table = places(two_scenario_batch).table.set_index(["scenario", "objective"])
    reps = two_scenario_batch.replications
    checked = 0
    for (name, oid), row in table.iterrows():
        taken = reps.loc[reps["scenario"].astype(str) == name, f"taken_day.{oid}"]
        if row["held_at_start"] == "azerbaijan":
            assert row["attacker_share_of_runs"] == 1.0 and row["fell_in_runs"] == 0.0
            assert np.isnan(row["median_fall_day"])
            continue
        assert row["attacker_share_of_runs"] == pytest.approx(taken.notna().mean())
        assert row["fell_in_runs"] == pytest.approx(taken.notna().mean())
        if taken.notna().any():
            assert row["median_fall_day"] == pytest.approx(taken.median())
            checked += 1
    assert checked > 0  # some objective fell in some run, so the fall days were compared
