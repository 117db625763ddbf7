"""Sweeps as a study of their own (issue 32, item 2): every value against a reference, paired by replication, in
percentage points with the method named and Holm's correction over the table; --measure, --save, --csv and --json
honoured; a plot with intervals and n; a report."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from scenarios.analysis.compare import outcome_measures, paired_interval
from scenarios.cli import main
from scenarios.config.loader import load_scenario
from scenarios.plots.whatif import sweep_heatmap
from scenarios.sweep import Sweep, run_sweep
from scenarios.whatif import shown_measures

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.yaml"
SHORT = "simulation.horizon_days=60"
KEY = "actors.russia.back_defender_propensity"
FAST = ["--base", SHORT, "--n", "40", "--workers", "1", "--executor", "serial"]


def label(measure: str) -> str:
    """The measure's label as the shipped baseline defines it (the table names measures by it)."""
    from scenarios.measures import measure_set

    return measure_set(load_scenario(BASELINE)).get(measure).label


def test_the_sweep_table_is_paired_differences_from_the_reference_in_points(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The value in the config is the reference; every other value is compared with it pair by pair; the table,
    its CSV and JSON, the report and the saved scenarios are all written."""
    out, save = tmp_path / "s", tmp_path / "saved" / "russia.yaml"
    argv = ["whatif", str(BASELINE), "--sweep", f"{KEY}=[0.2, likely]", *FAST, "--out", str(out)]
    argv += ["--csv", str(tmp_path / "t.csv"), "--json", str(tmp_path / "t.json")]
    argv += ["--save", str(save), "--note", "testing the sweep"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "holds_7_lower" not in text and "holds_30_upper" not in text  # not a DataFrame dump
    assert f"Reference: {KEY} = likely (the value in the scenario)" in text
    assert "n = 40 as asked." in text  # an explicit --n is reported
    assert "95% paired t interval on the 40 replication pairs" in text
    assert "Holm's correction over every value and measure of the sweep" in text
    assert label("holds_30_days") in text  # labels, not ids
    assert " pp" in text and "Wilson" in text
    assert "likely (reference)" in text
    # the table: every measure the what-if shows, for each value; the differences paired and Holm over the table
    table = pd.read_csv(tmp_path / "t.csv")
    assert list(dict.fromkeys(table["measure"])) == shown_measures()
    others = table[~table["reference"]]
    assert set(others["test"]) == {"paired t"}
    assert (others["n_pairs"][others["difference"].notna()] == 40).all()
    from statsmodels.stats.multitest import multipletests

    tested = others.dropna(subset=["p_value"])
    assert len(tested) > len(shown_measures()) / 2
    holm = multipletests(tested["p_value"], method="holm")[1]
    assert np.allclose(tested["p_holm"], holm)
    records = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert len(records) == len(table) and {"difference_lower", "difference_upper", "interval"} <= set(records[0])
    # the difference is the mean of the pair differences, 0/1 values read in percentage points in the text
    from scenarios.io.load import load_results

    results = load_results(out)
    per_run = outcome_measures(results, measures=["durable_ceasefire"]).set_index(["scenario", "replication"])
    ref = table.loc[table["reference"], "scenario"].iloc[0]
    other = others["scenario"].iloc[0]
    d = per_run.loc[other]["durable_ceasefire"] - per_run.loc[ref]["durable_ceasefire"]
    row = others.set_index("measure").loc["durable_ceasefire"]
    assert row["difference"] == pytest.approx(d.mean())
    # the plot, the report with the sweep's section
    assert (out / "plots" / "sweep.png").exists()
    page = (out / "report.html").read_text(encoding="utf-8")
    section = page[page.index("<h2>The sweep, value by value</h2>") :]
    assert section.index("<table>") < section.index("minus reference") < section.index("<h2>Assumptions</h2>")
    glance = page[page.index(f"<h2>The sweep of {KEY} at a glance</h2>") + 4 :]
    assert glance.index('<img alt="each measure against') < glance.index("<h2>")  # embedded, not escaped text
    # --save: each value kept as a scenario that extends the config
    saved = sorted(p.name for p in save.parent.iterdir())
    assert saved == ["russia-0.2.yaml", "russia-likely.yaml"]
    again = load_scenario(save.parent / "russia-0.2.yaml")
    assert again.name == "russia-0.2" and "testing the sweep" in (save.parent / "russia-0.2.yaml").read_text()
    assert "saved each value as a scenario" in text


def test_measure_restricts_the_table_and_the_plot(tmp_path: Path) -> None:
    sweep = run_sweep(
        BASELINE,
        [f"{KEY}=[0.2, 0.9]"],
        overrides=[SHORT],
        n=40,
        measures=["durable_ceasefire", "attacker_share"],
        out=tmp_path / "s",
        executor="serial",
    )
    assert isinstance(sweep, Sweep)
    assert list(dict.fromkeys(sweep.table["measure"])) == ["durable_ceasefire", "attacker_share"]
    text = sweep.to_text()
    assert label("durable_ceasefire") in text and label("holds_30_days") not in text
    assert f"Reference: {KEY} = 0.2 (the first value; the scenario's own value is not among those swept)" in text
    fig = sweep.plot()
    assert len([ax for ax in fig.axes if ax.axison]) == 2
    assert "n = 40 replications per value" in fig.get_suptitle()
    # notebook parity: plot(ax=), to_csv, to_parquet, a repr
    own = Figure()
    ax = own.add_subplot()
    assert sweep.plot(ax=ax, measure="attacker_share") is own
    assert "share of the contested value" in ax.get_title() and "n = 40" in ax.get_title()
    assert ax.get_xlabel().replace("\n", "") == KEY
    csv = sweep.to_csv()
    assert csv is not None and "difference_lower" in csv.splitlines()[0]
    sweep.to_parquet(tmp_path / "t.parquet")
    assert len(pd.read_parquet(tmp_path / "t.parquet")) == 4
    assert "2 measures" in repr(sweep)
    from scenarios.exceptions import ScenarioError

    with pytest.raises(ScenarioError, match="not shown by this sweep; shown: durable_ceasefire, attacker_share"):
        sweep.plot(measure="holds_7_days")


def test_without_n_a_pilot_sizes_the_sweep_over_every_value_and_measure_shown(tmp_path: Path) -> None:
    """Issue 32: a sweep ran 400 replications per value whatever it had to detect, where a what-if sizes n by a pilot.
    Now the same pilot (`whatif.sized_batch`): each value's paired difference from the reference in each probability
    shown, the most pairs any needs for a 5-point change, capped; the output says which measure and value set it."""
    from scenarios.analysis.compare import pairs_needed
    from scenarios.whatif import PILOT

    shown = ["durable_ceasefire", "holds_30_days", "attacker_share"]  # an amount is shown, not sized
    sweep = run_sweep(
        BASELINE,
        [f"{KEY}=[0.2, 0.5, likely]"],
        overrides=[SHORT],
        measures=shown,
        max_n=PILOT,  # the pilot is then the batch: the test runs no more than it
        out=tmp_path / "s",
        executor="serial",
    )
    assert sweep.n == PILOT and sweep.batch.replications == PILOT
    sizing = [
        (s, value)
        for scenario, value in (("baseline-sweep00", "0.2"), ("baseline-sweep01", "0.5"))
        for s in pairs_needed(sweep.results, sweep.reference, scenario, shown)
    ]
    assert {s.measure for s, _ in sizing} == {"durable_ceasefire", "holds_30_days"}  # both values, no amount
    assert len(sizing) == 4
    driver, value = max(sizing, key=lambda sv: sv[0].n)
    reason = sweep.n_reason
    assert reason.startswith(f"n = {PILOT} chosen from a pilot of {PILOT} pairs: of the 4 probabilities sized, ")
    assert f"{driver.label} at {KEY} = {value} needs the most" in reason
    assert f"sd {driver.sd:.3f}" in reason
    assert (f"(capped at {PILOT})" in reason) == (driver.n > PILOT)
    assert reason in sweep.to_text() and f"{reason}." in sweep.to_html()


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--measure", "outcome:nope"], ["--measure outcome:nope", "unknown measure", "scenarios measures"]),
        (["--measure", "outcome_class"], ["--measure outcome_class", "a category", "outcome:"]),
        (["--note", "why"], ["--note applies only with --save", "give --save NAME.yaml too"]),
        (["--force"], ["--force applies only with --save", "give --save NAME.yaml too"]),
        (["--save", "x.txt"], ["--save x.txt", "needs a .yaml file name"]),
    ],
)
def test_a_sweep_flag_that_cannot_apply_is_an_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], said: list[str]
) -> None:
    argv = ["whatif", str(BASELINE), "--sweep", f"{KEY}=[0.2, 0.9]", *FAST, "--out", str(tmp_path / "s"), *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err
    for words in said:
        assert words in err, err
    assert not (tmp_path / "s").exists()  # refused before anything ran


def test_the_heat_map_hatches_cells_within_noise_and_boxes_the_reference() -> None:
    table = pd.DataFrame(
        {
            "a": [1, 1, 2, 2],
            "b": [5, 6, 5, 6],
            "measure": "m",
            "label": "P(something)",
            "kind": "probability",
            "unit": "probability",
            "estimate": [0.2, 0.25, 0.3, 0.21],
            "difference": [math.nan, 0.05, 0.1, 0.01],
            "significant": [False, True, True, False],
            "reference": [True, False, False, False],
        }
    )
    fig = sweep_heatmap(table, "a", "b", "m", note="n = 40 replications per value")
    (ax,) = [a for a in fig.axes if a.get_images()]
    patches = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len([p for p in patches if p.get_hatch()]) == 1  # the one cell within noise (the reference is not tested)
    assert len([p for p in patches if not p.get_hatch()]) == 1  # the reference's box
    texts = [t.get_text() for t in ax.texts]
    assert "20.0%\nreference" in texts and "25.0%\n+5.0 pp" in texts
    assert "n = 40" in ax.get_title() and "P(something)" in ax.get_title()


@pytest.mark.slow
def test_the_paired_interval_covers_a_known_difference_at_its_nominal_rate() -> None:
    """The interval a sweep (and a what-if) gives a difference of probabilities, on paired Bernoulli runs with a
    known difference: common random numbers for a share of the pairs (as a tweak leaves most draws alone), the
    rest independent. Coverage within 3.3 binomial standard errors of 95 %."""
    rng = np.random.default_rng(20261207)
    reps = 800
    tolerance = 3.3 * math.sqrt(0.95 * 0.05 / reps)
    for p1, p2, common, n in [(0.3, 0.4, 0.7, 200), (0.2, 0.25, 0.9, 200), (0.5, 0.5, 0.7, 80), (0.6, 0.45, 0.5, 120)]:
        covered = 0
        for _ in range(reps):
            u, v = rng.random(n), rng.random(n)
            w = np.where(rng.random(n) < common, u, v)
            x, y = (u < p1).astype(float), (w < p2).astype(float)
            row = paired_interval(x, y, 0.05)
            covered += row["lower"] <= p2 - p1 <= row["upper"]
        assert abs(covered / reps - 0.95) <= tolerance, (p1, p2, common, n, covered / reps)
