"""The tweak loop: assumption diffs, paired what-ifs, saved what-ifs and sweeps."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from scenarios.analysis.compare import pairs_needed
from scenarios.cli import main
from scenarios.config.diff import diff_scenarios
from scenarios.config.loader import load_scenario
from scenarios.exceptions import ConfigError, ScenarioError
from scenarios.io.load import load_results
from scenarios.measures.builtin import CASUALTIES
from scenarios.sweep import run_sweep
from scenarios.whatif import PILOT, choose_n, run_whatif, save_whatif, shown_measures

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"
BASELINE = CONFIGS / "baseline.yaml"
SHORT = ["simulation.horizon_days=60"]


def test_diff_of_a_file_with_itself_is_empty() -> None:
    a = load_scenario(BASELINE)
    assert diff_scenarios(a, load_scenario(BASELINE)) == []


@pytest.mark.parametrize(
    ("variant", "keys"),
    [
        (
            "russia-backs-early",
            {
                "actors.russia.ladder.political_backing.in_place_at_start",
                "actors.russia.back_defender_propensity",
                "actors.russia.alliance_weight",
                "actors.russia.review_every_days",
            },
        ),
        (
            "turkey-escalates",
            {
                "actors.turkey.ladder.resupply.cost",
                "actors.turkey.ladder.combat_personnel.cost",
                "actors.turkey.influence_weight",
                "actors.turkey.escalation_cost",
                "actors.turkey.domestic_benefit",
            },
        ),
        ("early-winter", {"season.winter_start"}),
        (
            "city-strike-attention",
            {"world.start_attention", "attention.per_city_strike", "ceasefire.city_strike_probability"},
        ),
    ],
)
def test_diff_of_shipped_variants_lists_exactly_the_keys_they_set(variant: str, keys: set[str]) -> None:
    diffs = diff_scenarios(load_scenario(BASELINE), load_scenario(CONFIGS / f"{variant}.yaml"))
    assert {d.path for d in diffs} == keys
    for d in diffs:
        assert d.origin_a.startswith("configs/baseline.yaml:") or "baseline.yaml:" in d.origin_a
        assert f"{variant}.yaml:" in d.origin_b
        assert d.meaning  # the schema's description with its unit


def test_diff_command_between_file_and_results_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(BASELINE), str(CONFIGS / "early-winter.yaml")]) == 0
    out = capsys.readouterr().out
    assert "season.winter_start" in out and "1 assumption(s) differ" in out
    assert (
        main(
            [
                "run",
                str(CONFIGS / "early-winter.yaml"),
                "--n",
                "2",
                "--executor",
                "serial",
                "--quiet",
                "--out",
                str(tmp_path / "r"),
                *[arg for s in SHORT for arg in ("--set", s)],
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["diff", str(tmp_path / "r"), str(CONFIGS / "early-winter.yaml")]) == 0
    assert "simulation.horizon_days" in capsys.readouterr().out


def test_a_whatif_compares_the_measures_asked_too(tmp_path: Path) -> None:
    result = run_whatif(
        BASELINE,
        ["actors.russia.back_defender_propensity='very likely'"],
        overrides=SHORT,
        n=20,
        out=tmp_path / "w",
        executor="serial",
        measures=["count(ceasefires) >= 2"],
    )
    row = result.table.set_index("measure").loc["count(ceasefires) >= 2"]
    assert row["kind"] == "probability" and row["n_pairs"] == 20
    assert "count(ceasefires) >= 2" in result.to_text()
    # the report embeds the what-if's own comparison (a fresh one would not have the measure asked)
    from scenarios.whatif import write_outputs

    _, report = write_outputs(result, "What if")
    page = report.read_text(encoding="utf-8")
    compared = page[page.index("<h2>What changed between scenarios</h2>") :]
    assert "count(ceasefires) &gt;= 2" in compared and result.comparison.to_html() in page
    with pytest.raises(ScenarioError, match="unknown column 'war_dayz'"):
        run_whatif(BASELINE, ["actors.russia.back_defender_propensity=likely"], n=5, measures=["war_dayz > 1"])


def test_a_tweak_that_changes_nothing_shows_no_difference(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="changes no assumption"):
        result = run_whatif(
            BASELINE,
            ["actors.russia.back_defender_propensity=likely"],
            overrides=SHORT,
            n=30,
            out=tmp_path / "w",
            executor="serial",
        )
    assert result.differences == []
    table = result.table.dropna(subset=["difference"])
    assert table["test"].eq("paired t").all()
    assert (table["difference"] == 0).all()
    assert not table["significant"].any()


@pytest.mark.slow
def test_a_tweak_with_a_known_direction_is_found_in_that_direction(tmp_path: Path) -> None:
    """More effective Turkish drones (¶1: "deploying them to great effect") raise Azerbaijani gains."""
    result = run_whatif(
        BASELINE,
        ["world.capabilities.drones.effects.advance_bonus=[1.5, 2.0]"],
        overrides=SHORT,
        n=150,
        out=tmp_path / "w",
        executor="process",
        workers=2,
    )
    row = result.table.set_index("measure").loc["attacker_share"]
    assert row["difference"] > 0 and row["lower"] > 0 and row["significant"]
    assert [d.path for d in result.differences] == ["world.capabilities.drones.effects.advance_bonus"]


def test_whatif_chooses_n_from_the_paired_variance(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "whatif",
            str(BASELINE),
            "--set",
            "world.start_attention=3",
            "--base",
            SHORT[0],
            "--executor",
            "serial",
            "--out",
            str(tmp_path / "w"),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "chosen from a pilot of 200 pairs" in out and "sd" in out
    assert "holds_30_days" in out and ("REAL" in out or "noise" in out)
    page = (tmp_path / "w" / "report.html").read_text(encoding="utf-8")
    assert "<h2>The what-if at a glance</h2>\n<p>n = " in page and "&lt;img" not in page  # the figure, not its tag
    assert (tmp_path / "w" / "plots" / "paired-differences.png").exists()


def test_n_is_sized_over_every_probability_shown_and_says_which_drove_it(tmp_path: Path) -> None:
    """Issue 32: n was sized on P(holds 30 days) alone, a measure the tweak may not move, while others moved."""
    result = run_whatif(
        BASELINE, ["world.start_attention=3"], overrides=SHORT, n=40, out=tmp_path / "w", executor="serial"
    )
    constant = "replication >= 0"  # the same in both arms of every pair: the pilot cannot size it
    sizing = pairs_needed(result.results, result.base, result.tweaked, [*shown_measures(), "attacker_share", constant])
    names = [s.measure for s in sizing]
    # amounts are not sized (a 5-point change means nothing for them), nor P(holds 90 days) on a 60-day horizon
    skipped = {"attacker_share", *CASUALTIES, "holds_90_days"}
    assert names == [*(m for m in shown_measures() if m not in skipped), constant]
    z = 1.959963984540054 + 0.8416212335729143
    for s in sizing:
        assert s.pairs == 40 and s.n == math.ceil((z * s.sd / 0.05) ** 2)
    flat = sizing[-1]
    assert flat.degenerate and flat.sd == pytest.approx(math.sqrt(3 / 40))  # the rule of three, not sd 0 and n 0
    moved = [s for s in sizing if not s.degenerate]
    assert moved, "the tweak moves nothing in 40 pairs: the test needs another tweak"
    driver = max(sizing, key=lambda s: s.n)
    chosen, reason = choose_n(sizing, 5000)
    assert chosen == min(max(driver.n, PILOT), 5000)
    assert f"of the {len(sizing)} probabilities sized, {driver.label} needs the most" in reason
    assert constant in reason.split("saw no pair differ in")[1] and "rule-of-three" in reason
    assert driver.n >= flat.n > 100  # 3 / 40 bounds the discordance: at least 235 pairs
    assert choose_n(sizing, 100)[0] == 100 and "(capped at 100)" in choose_n(sizing, 100)[1]


def test_a_measure_asked_for_is_the_one_n_is_sized_on(tmp_path: Path) -> None:
    result = run_whatif(
        BASELINE,
        ["world.start_attention=3"],
        overrides=SHORT,
        measures=["durable_ceasefire"],
        max_n=PILOT,
        out=tmp_path / "w",
        executor="serial",
    )
    assert result.batch.replications == PILOT
    assert f"chosen from a pilot of {PILOT} pairs: P(" in result.n_reason
    assert "probabilities sized" not in result.n_reason  # one measure asked: only it is sized


def test_saved_whatif_reloads_and_reproduces_the_batch(tmp_path: Path) -> None:
    tweak = ["actors.russia.back_defender_propensity=very likely", "season.winter_start.value=2020-11-01"]
    result = run_whatif(BASELINE, tweak, overrides=SHORT, n=8, out=tmp_path / "w", executor="serial")
    saved = save_whatif(BASELINE, tweak, tmp_path / "saved.yaml", "testing the loop")
    text = saved.read_text(encoding="utf-8")
    assert text.splitlines()[1].startswith("extends:") and "note: testing the loop" in text
    reloaded = load_scenario(saved, SHORT)
    assert {d.path for d in diff_scenarios(load_scenario(BASELINE, SHORT), reloaded)} == {
        "actors.russia.back_defender_propensity",
        "season.winter_start",
    }
    from scenarios.engine.batch import run_batch

    run_batch(
        [BASELINE, saved],
        n=8,
        seed=result.batch.seed,
        overrides=SHORT,
        executor="serial",
        out=tmp_path / "again",
        quiet=True,
    )
    before = load_results(tmp_path / "w").replications
    after = load_results(tmp_path / "again").replications
    cols = [c for c in before.columns if c not in ("scenario", "config_hash")]
    pd.testing.assert_frame_equal(
        before[before["scenario"] == "baseline-whatif"][cols].reset_index(drop=True),
        after[after["scenario"] == "saved"][cols].reset_index(drop=True),
    )


def test_sweep_values_are_validated_before_anything_runs(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        run_sweep(
            BASELINE,
            ["actors.russia.back_defender_propensity=[0.3, 1.7, likley]"],
            overrides=SHORT,
            n=4,
            out=tmp_path / "s",
            executor="serial",
        )
    text = str(err.value)
    assert "1.7" in text and "likley" in text and "did you mean 'likely'" in text
    assert "--set actors.russia.back_defender_propensity=1.7" in text
    assert not (tmp_path / "s").exists()


def test_sweep_runs_one_scenario_per_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "whatif",
            str(BASELINE),
            "--sweep",
            "actors.russia.back_defender_propensity=[0.2, 0.9]",
            "--base",
            SHORT[0],
            "--n",
            "10",
            "--executor",
            "serial",
            "--out",
            str(tmp_path / "s"),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "baseline-sweep00" in out and "baseline-sweep01" in out
    assert (tmp_path / "s" / "plots" / "sweep.png").exists()
    r = load_results(tmp_path / "s")
    assert r.scenarios == ["baseline-sweep00", "baseline-sweep01"]
    p = r.replications.groupby("scenario", observed=True)["param.actors.russia.back_defender_propensity"].unique()
    assert [list(v) for v in p] == [[0.2], [0.9]]


def test_two_key_sweep_draws_a_heat_map(tmp_path: Path) -> None:
    code = main(
        [
            "whatif",
            str(BASELINE),
            "--sweep",
            "actors.russia.back_defender_propensity=[0.2, 0.9]",
            "--sweep",
            "world.capabilities.drones.effects.advance_bonus=[0.1, 1.0]",
            "--base",
            SHORT[0],
            "--n",
            "4",
            "--executor",
            "serial",
            "--out",
            str(tmp_path / "s"),
        ]
    )
    assert code == 0
    assert (tmp_path / "s" / "plots" / "sweep-heatmap.png").exists()
    assert len(load_results(tmp_path / "s").scenarios) == 4


def test_whatif_writes_its_table_as_csv_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["whatif", str(BASELINE), "--set", "world.start_attention=3", "--base", SHORT[0], "--n", "20"]
    argv += ["--executor", "serial", "--out", str(tmp_path / "w")]
    argv += ["--csv", str(tmp_path / "t.csv"), "--json", str(tmp_path / "t.json")]
    assert main(argv) == 0
    table = pd.read_csv(tmp_path / "t.csv")
    assert {"measure", "difference", "lower", "upper", "p_holm", "test"} <= set(table.columns)
    assert len(pd.read_json(tmp_path / "t.json")) == len(table)
    assert f"table: {tmp_path / 't.csv'}" in capsys.readouterr().out


@pytest.mark.parametrize("flag", [["--note", "why"], ["--force"], ["--note", "why", "--force"]])
def test_whatif_refuses_note_and_force_without_save_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, flag: list[str]
) -> None:
    """Issue 32: a what-if ignored --note and --force without --save (a sweep refused them): now both refuse them by
    name, with what to do, before the first replication."""
    import scenarios.whatif

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the what-if ran")

    monkeypatch.setattr(scenarios.whatif, "run_whatif", never)
    monkeypatch.setattr(scenarios.whatif, "check_save", never)
    argv = ["whatif", str(BASELINE), "--set", "world.start_attention=3", "--base", SHORT[0], "--n", "4"]
    argv += ["--executor", "serial", "--out", str(tmp_path / "w"), *flag]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"{flag[0]} applies only with --save" in err and "give --save NAME.yaml too" in err
    assert f"or drop {flag[0]}" in err and "Traceback" not in err
    assert not (tmp_path / "w").exists()
