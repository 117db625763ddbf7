"""Costs said before they are paid (issue 34, item 4): values that make every replication fail are refused by
validation, naming the key that does it; a batch too large is estimated up front and runs only when confirmed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scenarios.cli import main
from scenarios.engine.batch import run_batch
from scenarios.engine.options import RunOptionsError
from scenarios.exceptions import ConfigError
from scenarios.sensitivity import run_sensitivity

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "configs" / "baseline.yaml"
SHORT = "simulation.horizon_days=30"
Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.mark.parametrize(
    "key",
    ["ceasefire.attacker_violation_rate", "ceasefire.civilians_per_city_strike", "combat.holding_casualties_per_day"],
)
def test_a_value_no_replication_can_compute_with_is_refused_by_validation(cli: Cli, key: str) -> None:
    """1e20 validated, then every replication failed (a Poisson draw overflows), blaming another parameter."""
    code, out, err = cli("validate", str(BASELINE), "--set", f"{key}=1e20")
    assert code == 2 and out == "" and "Traceback" not in err
    assert f"error: --set {key}=1e20: {key}: value 1e+20 is beyond what the model can compute with" in err


HAWK = """name: hawk
actors:
  azerbaijan:
    gain_weight:
      value: 1000
      assumption: a Baku that wants ground above all
    cover_cost:
      value: 1000
      assumption: and will not fight under a truce it keeps
"""


def test_a_value_that_makes_every_replication_fail_is_refused_naming_its_key(cli: Cli, tmp_path: Path) -> None:
    """A Baku that wants ground above all and will not fight under a truce it keeps, reviewing its course every six
    hours, formally ends the start truce before 12 October on every path: every replication fails, and the key that
    does it is named with the value the scenario it extends runs with."""
    hawk = tmp_path / "hawk.yaml"
    hawk.write_text(f"extends: {BASELINE}\n{HAWK}")
    key = "actors.azerbaijan.review_every_days"
    quick = ["--set", "world.ceasefire.known_in_force.max_redraws=20"]  # each failing replication gives up sooner
    code, _, err = cli("validate", str(hawk), "--set", f"{key}=0.25", *quick)
    assert code == 2 and "Traceback" not in err
    assert err.startswith(f"error: --set {key}=0.25: {key}: with this value every replication fails (")
    assert f"hawk runs with {key} = 5 (" in err and "gain_weight" not in err
    out = tmp_path / "r"
    code, _, err = cli("run", str(hawk), "--set", f"{key}=0.25", *quick, "--n", "4", "--out", str(out), "--quiet")
    assert code == 2 and f"{key}: with this value every replication fails" in err
    assert not out.exists()  # refused before the first replication


def test_a_variant_file_is_blamed_at_its_line(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "hawk.yaml").write_text(f"extends: {BASELINE}\n{HAWK}")
    hot = tmp_path / "hot.yaml"
    hot.write_text(
        "extends: hawk.yaml\nname: hot\nactors:\n  azerbaijan:\n    review_every_days:\n      value: 0.25\n"
        "      assumption: a test of a Baku that decides every six hours\nworld:\n  ceasefire:\n    known_in_force:\n"
        "      max_redraws: 20\n"
    )
    code, _, err = cli("validate", str(hot))
    assert code == 2
    assert f"error: {hot}:6:7: actors.azerbaijan.review_every_days: with this value every replication fails" in err
    with pytest.raises(ConfigError, match="review_every_days: with this value every replication fails"):
        run_batch([hot], n=2, executor="serial", out=tmp_path / "r", quiet=True)


def test_values_that_let_some_replications_run_are_not_refused(tmp_path: Path) -> None:
    """The probe refuses only what fails at the median and at two drawn values: a wide range runs, and its
    failures (if any) are recorded per replication."""
    result = run_batch(
        [BASELINE],
        n=3,
        seed=1,
        overrides=[SHORT, "ceasefire.attacker_violation_rate=[0.5, 6]"],
        executor="serial",
        out=tmp_path / "r",
        quiet=True,
    )
    assert result.status == "complete"


def test_a_batch_too_large_is_estimated_and_needs_confirming(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "big"
    code, stdout, err = cli("run", str(BASELINE), "--n", "100000000", "--out", str(out), "--set", SHORT)
    assert code == 2 and stdout == "" and "Traceback" not in err
    assert err.startswith("error: 100,000,000 replications (1 scenario(s) x 100,000,000): about ")
    assert " on disk (measured on two replications); add --yes to run it, or a smaller --n" in err
    assert not out.exists()
    with pytest.raises(RunOptionsError, match="add `confirm=True` to run it") as info:
        run_batch([BASELINE], n=10**8, overrides=[SHORT], out=out, quiet=True)
    assert info.value.field == "confirm"
    from scenarios.engine.probe import MAX_REPLICATIONS

    code, _, err = cli("run", str(BASELINE), "--n", str(MAX_REPLICATIONS + 1), "--yes", "--out", str(out))
    assert code == 2 and "more than the 1,000,000,000 a batch can hold; give a smaller --n" in err
    assert not out.exists()


def test_a_study_too_large_is_refused_before_its_design_is_drawn(tmp_path: Path) -> None:
    """A Sobol design of 10^6 base samples (121 million runs) would fill memory before the batch could say anything."""
    with pytest.raises(RunOptionsError, match="add `confirm=True`"):
        run_sensitivity(BASELINE, n=10**6, overrides=[SHORT], out=tmp_path / "s", quiet=True)
    assert not (tmp_path / "s").exists()
