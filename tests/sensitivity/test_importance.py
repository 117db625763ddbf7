"""`scenarios importance`: permutation importance of the drawn parameters, fast, reproducible and explained.

The library tests use a synthetic batch (a table of drawn parameters and a measure computed from them), so the
truth is known and the forests are small; the command's tests use a short real batch.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scenarios.analysis.importance import parameter_importance
from scenarios.cli import main
from scenarios.config.loader import load_scenario
from scenarios.engine.batch import run_batch
from scenarios.exceptions import AnalysisError
from scenarios.io.load import Results
from scenarios.measures import Measure

ROOT = Path(__file__).resolve().parents[2]
N = 400


def synthetic(values: pd.Series | np.ndarray, drivers: pd.DataFrame, name: str = "toy") -> tuple[Results, Measure]:
    """A batch of one scenario whose replications drew `drivers` (param.<column>), and a measure giving `values`."""
    rows = drivers.rename(columns=lambda c: f"param.{c}").assign(scenario=name, replication=np.arange(len(drivers)))
    results = Results(directory=Path("."), manifest={"scenarios": [{"name": name}]}, replications=rows)
    index = pd.MultiIndex.from_arrays(
        [[name] * len(drivers), np.arange(len(drivers))], names=["scenario", "replication"]
    )
    series = pd.Series(np.asarray(values, dtype=float), index=index)
    kind = "probability" if set(np.unique(series.dropna())) <= {0.0, 1.0} else "amount"
    measure = Measure(name="toy_outcome", label="", unit="", kind=kind, expression=None, compute=lambda _: series)
    return results, measure


def drivers(n: int = N, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"strong": rng.uniform(0, 1, n), "weak": rng.uniform(0, 1, n), "noise": rng.uniform(0, 1, n)})


def test_a_binary_outcome_has_an_auc_in_the_unit_interval_and_the_driver_ranks_first() -> None:
    x = drivers()
    y = (x["strong"] + 0.2 * x["weak"] + np.random.default_rng(2).normal(0, 0.1, N) > 0.6).astype(float)
    result = parameter_importance(*synthetic(y, x), bootstrap=3, seed=4)
    assert result.metric == "AUC" and 0.0 <= result.fit_lower <= result.fit <= result.fit_upper <= 1.0
    assert result.fit > 0.8 and not result.warning
    assert result.table["parameter"].iloc[0] == "strong"
    text = result.to_text()
    assert "out-of-bag fit of the forests: AUC" in text and "0.5 is a coin toss" in text
    assert "from a forest that fits no better than chance it means nothing" in text


def test_an_outcome_no_parameter_drives_is_warned_about() -> None:
    noise = np.random.default_rng(5).normal(0, 1, N)
    result = parameter_importance(*synthetic(noise, drivers()), bootstrap=2, seed=0)
    assert result.metric == "R^2" and result.fit < 0.1
    assert "poorly (R^2" in result.warning and "means little" in result.warning


def test_the_count_is_of_the_replications_analysed_not_of_the_folder() -> None:
    """Where the outcome is n/a (a town never taken, say) the replication cannot be analysed: it is left out and
    the count says so, rather than the folder's size (or a forest refusing NaN)."""
    x = drivers()
    y = (2 * x["strong"] + np.random.default_rng(2).normal(0, 0.1, N)).to_numpy()
    y[::4] = np.nan
    result = parameter_importance(*synthetic(y, x), bootstrap=2, seed=0)
    assert result.n == N - N // 4 and result.left_out == N // 4
    assert f"({N - N // 4:,} replications analysed; {N // 4:,} where it is n/a left out;" in result.to_text()


def test_same_seed_same_numbers_on_any_number_of_workers() -> None:
    x = drivers()
    y = (x["strong"] - x["weak"] + np.random.default_rng(3).normal(0, 0.3, N) > 0).astype(float)
    one = parameter_importance(*synthetic(y, x), bootstrap=3, seed=11, workers=1)
    two = parameter_importance(*synthetic(y, x), bootstrap=3, seed=11, workers=2)
    pd.testing.assert_frame_equal(one.table, two.table, check_exact=True)
    assert (one.fit, one.fit_lower, one.fit_upper) == (two.fit, two.fit_lower, two.fit_upper)
    other = parameter_importance(*synthetic(y, x), bootstrap=3, seed=12, workers=2)
    assert not np.array_equal(other.table["importance"], one.table["importance"])


def test_a_rare_or_constant_outcome_is_refused_with_the_reason() -> None:
    x = drivers()
    rare = np.zeros(N)
    rare[:4] = 1
    with pytest.raises(AnalysisError, match="true in only 4 of 400 replications of toy: too few"):
        parameter_importance(*synthetic(rare, x), bootstrap=2)
    with pytest.raises(AnalysisError, match="never varies in toy"):
        parameter_importance(*synthetic(np.ones(N), x), bootstrap=2)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("importance") / "b"
    scenario = load_scenario(ROOT / "configs" / "baseline.yaml", ["simulation.horizon_days=60"])
    run_batch([scenario], n=120, seed=3, executor="serial", out=out, quiet=True)
    return out


def test_the_command_names_the_scenario_in_its_file_and_prints_fit_and_count(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["importance", str(folder), "--outcome", "holds_7_days", "--bootstrap", "2"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    heading = "permutation importance for P(the first truce stays formally in force 7 days) (holds_7_days) in baseline"
    assert f"{heading} (120 replications analysed;" in captured.out
    # issue 32 item 7: each parameter in words, as the chart names it, and its key (for --set) in the last column
    lines = captured.out.splitlines()
    assert lines[1].endswith("key (for --set)") and "  parameter  " in lines[1]
    gain = next(line for line in lines if line.endswith("  actors.azerbaijan.gain_weight"))
    assert "  azerbaijan: gain weight  " in gain and gain.index("actors.") == lines[1].index("key (for --set)")
    assert "out-of-bag fit of the forests: AUC" in captured.out
    assert "importance: 2/2 forests grown and scored" in captured.err  # progress, on stderr
    stored = folder / "sensitivity-importance-baseline-holds_7_days.parquet"
    assert stored.exists() and stored.with_suffix(".png").exists()
    meta = json.loads(stored.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["scenario"] == "baseline" and meta["replications"] == 120
    assert meta["fit"]["metric"] == "AUC" and 0 <= meta["fit"]["value"] <= 1
    assert main([*argv, "--overwrite", "--quiet"]) == 0
    assert "importance:" not in capsys.readouterr().err  # --quiet: no progress


def test_of_several_scenarios_none_is_picked_in_silence() -> None:
    results, measure = synthetic(np.arange(N) % 2, drivers())
    two = Results(
        directory=Path("."),
        manifest={"scenarios": [{"name": "toy"}, {"name": "other"}]},
        replications=results.replications,
    )
    with pytest.raises(AnalysisError, match=r"hold 2 scenarios \(toy, other\): name the one to analyse"):
        parameter_importance(two, measure, bootstrap=2)
    assert parameter_importance(two, measure, "toy", bootstrap=2).scenario == "toy"


def test_the_chart_draws_on_a_given_axis_and_names_the_fit() -> None:
    from matplotlib.figure import Figure

    x = drivers()
    result = parameter_importance(*synthetic(2 * x["strong"] + x["noise"], x), bootstrap=2)
    ax = Figure().add_subplot()
    result.plot(ax=ax)
    assert "drop in held-out R^2" in ax.get_xlabel() and f"R^2: {result.fit:.2f}" in ax.get_xlabel()


def test_discovery_too_picks_no_scenario_in_silence() -> None:
    """CART and PRIM on a folder of two scenarios without one named: refused with the list, as importance is (issue
    32: the analyses took the first scenario and said nothing)."""
    from scenarios.analysis.discovery import discover, discover_prim

    results, _ = synthetic(np.arange(N) % 2, drivers())
    two = Results(
        directory=Path("."),
        manifest={"scenarios": [{"name": "toy"}, {"name": "other"}]},
        replications=results.replications.assign(flag=np.arange(N) % 2 == 0),
    )
    for find in (discover, discover_prim):
        with pytest.raises(AnalysisError, match=r"hold 2 scenarios \(toy, other\): name the one to analyse"):
            find(two, "flag")


def test_the_chart_names_the_outcome_by_its_label_not_its_id() -> None:
    """Issue 32 item 7: "What matters most for war_days" named the outcome by its id; charts name it by its measure's
    label (the printed table gives the id beside it, files keep it)."""
    import dataclasses

    x = drivers()
    results, measure = synthetic(2 * x["strong"] + x["noise"], x)
    result = parameter_importance(results, dataclasses.replace(measure, label="days of toy war"), bootstrap=2)
    assert result.outcome == "toy_outcome" and result.label == "days of toy war"
    title = result.plot().axes[0].get_title()
    assert title.startswith("What matters most for days of toy war in toy\n") and "toy_outcome" not in title
    assert "importance for days of toy war (toy_outcome) in toy" in result.to_text()  # the table gives the id too
    unlabelled = parameter_importance(results, measure, bootstrap=2)  # no label: the id is all there is
    assert unlabelled.plot().axes[0].get_title().startswith("What matters most for toy_outcome in toy")
