"""History matching against the report's expectations (`scenarios calibrate`).

The implausibility measure; which parameters are free; a real two-wave calibration through the batch engine whose
calibrated scenario loads and extends the original; and an expectation the model cannot meet rules out everything
and is named as the conflict.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.spatial import cKDTree

from scenarios.analysis.check import Check
from scenarios.analysis.history_matching import (
    Target,
    _logit,
    constraint_lines,
    design_warning,
    free_parameters,
    history_match,
    implausibility,
    targets,
)
from scenarios.calibrate import (
    calibrate,
    calibrated_yaml,
    fit_change,
    joint_sample_csv,
    mark_verdict,
    sample_file,
    verify,
)
from scenarios.config.draw import draw_parameters
from scenarios.config.loader import load_scenario

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "configs" / "baseline.yaml"
SMALL = dict(waves=2, points=12, n=30, executor="serial", quiet=True)


def test_implausibility_is_zero_inside_the_band_and_grows_outside() -> None:
    band = (-1.0, 1.0)
    mean = np.array([0.0, 0.9, 1.5, 3.0, -4.0])
    i = implausibility(mean, np.full(5, 0.1), band, mc_var=0.05)
    assert i[0] == 0 and i[1] == 0
    assert 0 < i[2] < i[3] and i[4] > i[3]
    # more emulator uncertainty makes a point harder to rule out
    assert implausibility(np.array([3.0]), np.array([2.0]), band, 0.05)[0] < i[3]


def test_a_frequency_is_tested_at_the_band_edge_it_misses() -> None:
    """30 offensives in 30 runs against a band of [2 %, 75 %]: at p = 0.75 that happens once in 5,000 batches, so the
    point is ruled out, although the empirical logit of 30/30 is itself uncertain; 18 of 30 (60 %) stays in."""
    from scenarios.analysis.history_matching import _mc_var

    band = (float(_logit(0.02)), float(_logit(0.75)))
    for k, out in ((30, True), (18, False)):
        z = np.array([float(_logit((k + 0.5) / 31))])
        i = implausibility(z, np.array([0.05]), band, _mc_var(30.0, np.clip(z, *band)))
        assert (i[0] > 3) == out, (k, i)
    # the variance at the edge, not at the emulated frequency (where 30/30 gives a logit variance near 1)
    assert _mc_var(30.0, np.array([band[1]]))[0] < 0.25 < _mc_var(30.0, np.array([_logit(30.5 / 31)]))[0]


def test_free_parameters_are_uncertain_assumptions_but_not_draws_of_chance() -> None:
    scenario = load_scenario(BASELINE)
    free = free_parameters(scenario)
    # an estimative word is the report's own range, never narrowed; a number quoted to a sentence is the modeller's
    # reading of how much it weighs, which the report's other judgments may narrow
    assert "actors.russia.back_defender_propensity" not in free  # likely: the report's words
    assert isinstance(scenario.actors.russia.back_defender_propensity.value, str)
    assert "actors.cochairs.patron_lead_deference" in free  # quoted, but a weight: a reading of the words
    assert scenario.actors.cochairs.patron_lead_deference.source is not None
    assert "actors.azerbaijan.aims_draw" not in free  # aleatory: which world a replication is in
    assert "ceasefire.strain_half_life_days" in free
    assert "actors.azerbaijan.rationality" not in free  # fixed, not uncertain
    assert set(free_parameters(scenario, ["actors.russia.*"])) >= {"actors.russia.inertia"}
    names = {t.name for t in targets(scenario)}
    assert "kremlin_seeks_to_end_fighting" in names and "russia_backs_rather_than_presses" not in names  # a relation


# A variant of the baseline with two judgments of its own (and none of the baseline's), and one parameter of its own
# range that moves the first: a small calibration rules out part of the space and keeps the rest whatever the
# baseline's calibration (the tests are of the machinery, not of the baseline's numbers). Two files, as one file
# cannot both drop the inherited judgments and add its own.
WITHOUT = "extends: baseline.yaml\nname: without-judgments\nexpectations: null\ndata: null\n"
OWN = """extends: without-judgments.yaml
name: calibrand
combat:
  attacker_advance_per_day:
    value: [0.05, 2]
    note: "A wide range, for the test: an attacker that can hardly move rarely ends a truce by an offensive."
expectations:
  ceasefire_broken_by_an_offensive:
    source: {ref: isw, para: 9, quote: "Azerbaijan and Turkey are setting conditions to break the ceasefire"}
    band: [0.02, 0.6]
    measure: 'first_ceasefire_cause == "offensive"'
    note: A band that the fastest attackers miss, for the test.
  no_war_of_four_months:
    source: {ref: isw, para: 15, quote: "but avoid a protracted, costly conflict"}
    band: [0.5, 1]
    measure: war_days < 120
    note: A wide band, for the test.
"""


def calibrand(tmp_path: Path) -> Path:
    folder = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", folder)
    (folder / "without-judgments.yaml").write_text(WITHOUT, encoding="utf-8")
    path = folder / "calibrand.yaml"
    path.write_text(OWN, encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_calibration_writes_its_waves_and_a_scenario_that_extends_the_original(tmp_path: Path) -> None:
    config = calibrand(tmp_path)
    folder = config.parent
    own = {"ceasefire_broken_by_an_offensive", "no_war_of_four_months"}
    assert set(load_scenario(config).active_expectations()) == own and not load_scenario(config).data
    params = ["ceasefire.strain_*", "combat.defender_advance_per_day", "combat.attacker_advance_per_day"]
    result = calibrate(config, params=params, out=tmp_path / "cal", seed=3, **SMALL)  # type: ignore[arg-type]
    assert result.free == [p for p in free_parameters(load_scenario(config), params)]
    assert 1 <= len(result.waves) <= 2 and (tmp_path / "cal" / "wave-1" / "calibration-points.parquet").exists()
    assert (tmp_path / "cal" / "calibration.json").exists()
    assert 0.0 <= result.ruled_out < 1.0 and not result.survivors.empty
    assert result.survivors[result.free].to_numpy().min() >= 0 and result.survivors[result.free].to_numpy().max() <= 1
    spread = result.shrinkage()
    assert set(spread.index) == set(result.free) and (spread > 0).all()
    target = folder / "calibrand-calibrated.yaml"
    sample_file(target).write_text(joint_sample_csv(result), encoding="utf-8")
    target.write_text(calibrated_yaml(result, config, target), encoding="utf-8")
    calibrated = load_scenario(target)  # it loads, and extends the original
    assert calibrated.name == "calibrand-calibrated"
    joint = calibrated.joint_sample()
    assert joint is not None and list(joint.columns) == result.free  # every free parameter, drawn jointly
    assert len(joint.rows) == min(1000, len(result.survivors))
    nearest, _ = cKDTree(result.survivors[result.free].to_numpy()).query(joint.rows, p=np.inf)
    assert nearest.max() <= 1e-4  # only points not ruled out (written to 4 decimals)
    original = load_scenario(config)
    specs = original.parameter_specs()
    assert calibrated.parameter_specs() == specs  # distributions unchanged: the sample holds their quantiles
    a = draw_parameters(original, np.random.default_rng(0), specs)
    b = draw_parameters(calibrated, np.random.default_rng(0), specs)
    assert {k for k in a if a[k] != b[k]} <= set(result.free)  # paired: the other parameters draw the same

    verified, report = verify(result, config, target, n=40, executor="serial")
    assert set(verified.table["scenario"]) == {"calibrand", "calibrand-calibrated"}  # before and after, checked
    html = report.read_text(encoding="utf-8")
    assert "What calibration changed" in html and f"{result.ruled_out:.0%}" in html
    assert "Does it fit\nbetter?</strong> calibrand-calibrated contradicts" in html  # the fit compared, in words
    for name in result.ruled_out_by:
        assert f"<td>{name}</td>" in html  # why: each expectation's share of the space ruled out
    assert "jointly from the points not ruled out" in html
    constrained = result.changes().query("constrained")["parameter"]
    assert all(f"<code>{p}</code>" in html for p in constrained)
    fit = fit_change(verified, "calibrand", "calibrand-calibrated")
    mark_verdict(result, config, target, f"Checked: {fit.to_text()}.")  # the file says its verdict at its head
    head = target.read_text(encoding="utf-8").split("\nextends:")[0]
    assert "recommended" in head and "Checked: calibrand-calibrated contradicts" in " ".join(head.split("# "))
    assert load_scenario(target).joint_sample() is not None  # and still loads, its sample named


@pytest.mark.slow
def test_an_expectation_the_model_cannot_meet_rules_everything_out_and_is_named(tmp_path: Path) -> None:
    folder = calibrand(tmp_path).parent
    impossible = folder / "impossible.yaml"
    impossible.write_text(
        "extends: calibrand.yaml\nname: impossible\nexpectations:\n  war_for_a_thousand_days:\n"
        '    source: {ref: isw, para: 15, quote: "support a protracted conflict"}\n'
        "    band: almost certain\n    measure: war_days > 1000\n"
        "    note: Impossible in a 180-day horizon, to test that calibration names the conflict.\n",
        encoding="utf-8",
    )
    result = calibrate(impossible, params=["ceasefire.strain_*"], out=tmp_path / "cal", seed=3, **SMALL)  # type: ignore[arg-type]
    assert result.survivors.empty and result.ruled_out == 1.0
    assert (
        next(iter(result.conflicts)) == "war_for_a_thousand_days" and result.conflicts["war_for_a_thousand_days"] == 1.0
    )


def test_history_matching_recovers_the_known_region_of_a_toy_simulator() -> None:
    """Two targets on a simulator whose frequencies are known: logistic in x0 + x1 and in x1; x2 is inert. The
    survivors must hold what the truth says is plausible and little that it rules out; x2 keeps its spread."""
    free = ["x0", "x1", "x2"]
    goals = [Target("a", "a", None, (0.55, 0.80)), Target("b", "b", None, (0.15, 0.45))]
    n = 200

    def truth(x: np.ndarray) -> dict[str, np.ndarray]:
        return {"a": 1 / (1 + np.exp(-(4 * x[:, 0] + 3 * x[:, 1] - 3.5))), "b": 1 / (1 + np.exp(-(5 * x[:, 1] - 3)))}

    rng = np.random.default_rng(11)

    def simulate(k: int, x: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
        freq = {name: rng.binomial(n, p) / n for name, p in truth(x).items()}
        return pd.DataFrame(freq), pd.DataFrame({name: np.full(len(x), n) for name in freq})

    done, pool, alive = history_match(simulate, free, goals, waves=4, points=80, n=n, cut=3.0, seed=5)
    p = truth(pool)
    true_i = np.max(
        [
            implausibility(_logit(p[t.name]), np.zeros(len(pool)), t.logit_band(), 4.0 / n)  # no emulator: truth
            for t in goals
        ],
        axis=0,
    )
    assert len(done) >= 2
    assert 0.3 < 1 - alive.mean() < 0.95  # something, not everything, is ruled out
    assert alive[true_i <= 2.0].mean() > 0.95  # what is clearly plausible survives
    assert (true_i[alive] > 4.5).mean() < 0.05  # what is clearly ruled out does not
    spread = pool[alive].std(axis=0) * np.sqrt(12)
    assert spread[2] > 0.9 and spread[1] < spread[2]  # the inert parameter keeps its range, x1 does not


def test_too_few_design_points_for_the_free_parameters_are_said_before_the_waves() -> None:
    """Ten design points a wave per free parameter (Loeppky, Sacks and Welch 2009): fewer is warned, with the
    number that would do; enough is quiet."""
    warning = design_warning(60, 47)
    assert warning is not None and "60 design points a wave for 47 free parameters" in warning
    assert "--points 470" in warning
    assert design_warning(470, 47) is None and design_warning(100, 3) is None


def test_only_parameters_the_region_constrains_are_listed_as_constrained() -> None:
    """A parameter keeping more than 90 % of its spread is not called constrained: when none is, one line says that
    the region rules out combinations instead of a list of parameters all at 100 %."""
    ranges = {"a": (0.1, 0.4), "b": (0.0, 1.0), "c": (0.0, 0.99)}
    lines = constraint_lines(pd.Series({"a": 0.35, "c": 0.95, "b": 1.0}), ranges)
    assert lines[0].startswith("constrained on their own") and len(lines) == 2 and "a" in lines[1].split()[0]
    none = constraint_lines(pd.Series({"c": 0.95, "b": 1.0}), ranges)
    assert len(none) == 1 and none[0].startswith("no free parameter is constrained on its own")


def _checked(rows: list[tuple[str, str, float, str]]) -> Check:
    """A check of two scenarios: (scenario, expectation, estimate, verdict), band [0.2, 0.6], intervals +-0.02."""
    table = pd.DataFrame(
        [
            {
                "scenario": s,
                "expectation": e,
                "estimate": p,
                "lower": p - 0.02,
                "upper": p + 0.02,
                "band_lo": 0.2,
                "band_hi": 0.6,
                "verdict": v,
            }
            for s, e, p, v in rows
        ]
    )
    return Check(table)


def test_a_calibration_that_does_not_improve_the_fit_is_said_so_and_not_recommended() -> None:
    """Issue 32 (new-user pass): a calibration whose scenario fits worse, or no measurably better, was written and
    recommended all the same. The calibrated and the original scenario's checks are compared: fewer judgments
    contradicted, or as many and estimates nearer their bands by more than the runs' noise, is better; the reverse
    worse; else unchanged; only better is recommended, and the words say which."""
    better = fit_change(
        _checked(
            [
                ("o", "a", 0.70, "too high"),
                ("o", "b", 0.4, "consistent"),
                ("c", "a", 0.55, "consistent"),
                ("c", "b", 0.4, "consistent"),
            ]
        ),
        "o",
        "c",
    )
    assert better.verdict == "better" and better.recommended and better.contradicted == (1, 0)
    assert better.miss == pytest.approx((0.10, 0.0))
    assert better.to_text().endswith("the calibrated ranges improve the fit; recommended over the original")
    worse = fit_change(_checked([("o", "a", 0.5, "consistent"), ("c", "a", 0.75, "too high")]), "o", "c")
    assert worse.verdict == "worse" and not worse.recommended
    assert worse.to_text().endswith("make the fit worse; not recommended, the original stands")
    # as many contradicted, and nearer the band by less than the noise: no measurable change
    same = fit_change(_checked([("o", "a", 0.70, "too high"), ("c", "a", 0.69, "too high")]), "o", "c")
    assert same.verdict == "unchanged" and not same.recommended
    assert same.noise == pytest.approx(np.sqrt(2) * 0.02)
    assert "do not improve the fit measurably; not recommended, the original stands" in same.to_text()
    # as many contradicted, but much nearer the band: better
    nearer = fit_change(_checked([("o", "a", 0.95, "too high"), ("c", "a", 0.65, "too high")]), "o", "c")
    assert nearer.verdict == "better"
    # a judgment one of them cannot answer is left out of the comparison
    na = fit_change(
        _checked(
            [
                ("o", "a", 0.5, "consistent"),
                ("c", "a", 0.5, "consistent"),
                ("o", "b", 0.9, "n/a"),
                ("c", "b", 0.1, "n/a"),
            ]
        ),
        "o",
        "c",
    )
    assert na.judged == 1 and na.verdict == "unchanged"


def test_a_one_parameter_region_is_drawn_as_implausibility_against_the_parameter() -> None:
    """Issue 32 (new-user pass): the region of a single calibrated parameter was drawn as a 2-D scatter of the
    parameter against itself (a diagonal), with a clipped title. It is now a 1-D plot: the largest implausibility
    against the parameter's value, a line per wave, the design points, the cut and the range not ruled out."""
    from matplotlib.patches import Polygon, Rectangle

    from scenarios.plots.calibration import implausibility_along, surviving_pairs

    x = np.linspace(0.05, 2.0, 50)
    curve = pd.concat(
        [
            pd.DataFrame({"quantile": np.linspace(0, 1, 50), "value": x, "wave": w, "implausibility": x * w * 2})
            for w in (1, 2)
        ]
    )
    design = pd.DataFrame({"value": [0.2, 1.5], "wave": [1, 2], "implausibility": [0.8, 6.0]})
    fig = implausibility_along(curve, design, "combat.attacker_advance_per_day", 3.0, 0.4)
    fig.draw_without_rendering()
    ax = fig.axes[0]
    assert len(fig.axes) == 1
    assert ax.get_xlabel().startswith("combat: attacker advance per day")
    assert ax.get_ylabel() == "largest implausibility over the expectations"
    assert [line.get_label() for line in ax.get_lines()][:2] == ["wave 1 (emulated)", "wave 2 (emulated)"]
    shaded = [p for p in ax.patches if isinstance(p, (Polygon, Rectangle))]
    assert len(shaded) == 1  # not ruled out: where the worse wave (2) is below the cut, x * 4 <= 3
    span = shaded[0].get_extents().transformed(ax.transData.inverted())
    assert span.x0 == pytest.approx(0.05, abs=0.01) and span.x1 == pytest.approx(0.75, abs=0.05)
    box = ax.title.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width
    # two parameters (one pair, a narrow figure): its title is wrapped to the figure, not clipped
    pairs = surviving_pairs(pd.DataFrame({"a": [0.1, 0.5], "b": [0.2, 0.9]}), ["a", "b"], 0.25)
    pairs.draw_without_rendering()
    box = pairs._suptitle.get_window_extent()  # type: ignore[union-attr]
    assert box.x0 >= 0 and box.x1 <= pairs.bbox.width


def test_the_command_draws_one_parameter_in_1d_and_recommends_nothing_unchecked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the command, at the smallest settings: one calibrated parameter gives a region plot of one axes,
    implausibility against it; a calibration that rules nothing out says it changes nothing and is not
    recommended (no check run), and one not checked (`--no-check`) says its fit is not known."""
    import json

    from PIL import Image

    from scenarios.cli import main

    config = calibrand(tmp_path)
    out = tmp_path / "cal"
    args = ["calibrate", str(config), "--waves", "1", "--points", "5", "--n", "10", "--seed", "3"]
    args += ["--params", "combat.attacker_advance_per_day", "--out", str(out), "--no-check"]
    args += ["--executor", "serial", "--quiet", "--set", "simulation.horizon_days=60"]
    for cut, rules_out in (("100", False), ("0.01", True)):  # nothing ruled out; then part of the range
        capsys.readouterr()
        assert main([*args, "--cut", cut, "--overwrite"]) == 0
        stdout = capsys.readouterr().out
        ruled_out = json.loads((out / "calibration.json").read_text())["ruled_out"]
        if not rules_out:
            assert ruled_out == 0
            assert (
                "nothing was ruled out: the calibrated scenario equals the original and changes nothing; not " in stdout
            )
            assert "run it with" not in stdout
        else:
            assert 0 < ruled_out < 1
            assert "not checked (--no-check): whether the calibrated ranges fit the report better" in stdout
            assert "run it with: scenarios run" in stdout
            written = Path(stdout.split("calibrated scenario written: ")[1].split()[0])
            head = written.read_text(encoding="utf-8").split("\nextends:")[0]  # the file says it of itself
            assert "# Not checked (--no-check): whether the calibrated ranges fit the report better" in head
        width, height = Image.open(out / "calibration-region.png").size
        assert width > height  # one wide axes (7 x 4.4 in), not a square scatter of the parameter on itself
