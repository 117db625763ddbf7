"""The golden reference of model v2: a stored batch must come out the same, table by table, to the bit.

`tests/data/reference-v2/batch` was written by `scenarios run` from frozen copies of two scenario files
(`tests/data/reference-v2/configs`: the baseline and its early-winter variant, with the source and observations
files they read), so recalibrating configs/ never moves it. A refactor that means to leave the model as it is runs
them again through the project's own batch API and Parquet store and must give identical tables; a commit that
changes the model on purpose regenerates the reference (tests/data/reference-v2/README.md says how).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from scenarios.engine.batch import run_batch

from .support import ROOT

REFERENCE = ROOT / "tests" / "data" / "reference-v2"
BATCH = REFERENCE / "batch"
CONFIGS = [REFERENCE / "configs" / "baseline.yaml", REFERENCE / "configs" / "early-winter.yaml"]
TABLES = ("replications", "ceasefires", "offers", "events", "timeseries", "daily", "errors")
# The hash of each scenario's resolved config is left out: it changes when the schema gains a field with a default,
# which changes no result. Everything the model computes is compared.
NOT_COMPARED = ("config_hash",)

pytestmark = pytest.mark.slow  # 400 replications of the baseline: about 15 seconds on two cores


def table(folder: Path, name: str) -> pd.DataFrame:
    frame = pd.read_parquet(folder / f"{name}.parquet")
    return frame.drop(columns=[c for c in NOT_COMPARED if c in frame.columns])


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((BATCH / "manifest.json").read_text())
    return data


@pytest.fixture(scope="module")
def rerun(tmp_path_factory: pytest.TempPathFactory, manifest: dict[str, Any]) -> Path:
    out = tmp_path_factory.mktemp("reference-v2") / "batch"
    result = run_batch(
        CONFIGS,
        n=manifest["replications"],
        seed=manifest["seed"],
        trace_sample=manifest["trace_sample"],
        executor="process",  # the reference was written in one process: the pool must not change a bit
        workers=2,
        out=out,
        quiet=True,
    )
    assert result.status == "complete" and result.failures == 0
    return out


def test_the_reference_is_what_it_says(manifest: dict[str, Any]) -> None:
    """Two scenarios of 200 replications, with stories, and not degenerate: truces formally ended, places taken,
    several outcome classes."""
    assert [s["name"] for s in manifest["scenarios"]] == ["baseline", "early-winter"]
    assert manifest["status"] == "complete" and manifest["replications"] == 200
    reps = table(BATCH, "replications")
    assert len(reps) == 400 and reps["outcome_class"].nunique() >= 3
    assert (reps["first_ceasefire_cause"] == "offensive").any() and (reps["gained_share"] > 0).any()
    assert len(table(BATCH, "events")) > 0 and table(BATCH, "errors").empty


@pytest.mark.parametrize("name", TABLES)
def test_every_table_comes_out_the_same_to_the_bit(rerun: Path, name: str) -> None:
    want, got = table(BATCH, name), table(rerun, name)
    assert list(got.columns) == list(want.columns), f"{name}: the columns changed"
    pd.testing.assert_frame_equal(got, want, check_exact=True, obj=name)


def test_the_counts_agree(rerun: Path, manifest: dict[str, Any]) -> None:
    again = json.loads((rerun / "manifest.json").read_text())
    assert again["counts"] == manifest["counts"]
