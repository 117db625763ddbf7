"""Nothing is overwritten by surprise: `whatif --save` and reruns into a finished folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from scenarios.cli import main
from scenarios.config.loader import load_scenario
from scenarios.whatif import save_whatif

ROOT = Path(__file__).resolve().parents[1]
TWEAK = "actors.russia.back_defender_propensity=very likely"


@pytest.fixture
def configs(tmp_path: Path) -> Path:
    """A private copy of the shipped configs (so a bug here can never damage the real baseline)."""
    folder = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", folder)
    return folder


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_save_over_the_scenario_itself_is_refused_before_running(cli, configs: Path) -> None:
    baseline = configs / "baseline.yaml"
    before = baseline.read_bytes()
    code, out, err = cli("whatif", str(baseline), "--set", TWEAK, "--save", str(baseline), "--force")
    assert code == 2 and "Traceback" not in err and out == ""  # refused before any batch ran
    assert err.startswith(f"error: --save {baseline}: {baseline} is built from this file")
    assert "--force does not change this" in err
    assert baseline.read_bytes() == before


def test_save_over_a_file_the_scenario_extends_is_refused(cli, configs: Path) -> None:
    baseline = configs / "baseline.yaml"
    before = baseline.read_bytes()
    code, _, err = cli("whatif", str(configs / "early-winter.yaml"), "--set", TWEAK, "--save", str(baseline))
    assert code == 2 and "is built from this file" in err
    assert baseline.read_bytes() == before


def test_save_over_an_existing_file_needs_force(cli, configs: Path) -> None:
    other = configs / "early-winter.yaml"
    before = other.read_bytes()
    code, out, err = cli("whatif", str(configs / "baseline.yaml"), "--set", TWEAK, "--save", str(other))
    assert (code, out) == (2, "")
    assert err == f"error: --save {other}: the file exists; choose another name, or add --force to replace it\n"
    assert other.read_bytes() == before
    saved = save_whatif(configs / "baseline.yaml", [TWEAK], other, "replaced on purpose", force=True)
    assert load_scenario(saved).actors.russia.back_defender_propensity.value == "very likely"
    assert sorted(p.name for p in configs.iterdir() if p.name.startswith(".")) == []  # no draft left behind


def test_a_save_that_would_not_load_leaves_nothing(configs: Path) -> None:
    target = configs / "broken.yaml"
    with pytest.raises(Exception, match=r"world\.no_such_key"):
        save_whatif(configs / "baseline.yaml", ["world.no_such_key=1"], target, None)
    assert not target.exists()
    assert [p.name for p in configs.iterdir() if p.name.startswith(".")] == []


def test_rerunning_into_a_complete_folder_says_overwrite(cli, configs: Path, tmp_path: Path) -> None:
    out = tmp_path / "r"
    args = ["run", str(configs / "baseline.yaml"), "--n", "2", "--executor", "serial", "--quiet", "--out", str(out)]
    args += ["--set", "simulation.horizon_days=30"]
    assert cli(*args)[0] == 0
    manifest = (out / "manifest.json").read_bytes()
    code, _, err = cli(*args)
    assert code == 2
    assert err == (
        f"error: {out}: already holds a complete batch; use --overwrite to replace it, or --out for another folder\n"
    )
    assert (out / "manifest.json").read_bytes() == manifest
