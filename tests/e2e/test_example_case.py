"""The second case (configs/examples/): two parties and one envoy, no Karabakh names, through the same core.

It validates, runs a small batch, passes `scenarios check` on its own expectations and builds the report. The tests
that iterate over the shipped configs (tests/config) cover the baseline's family (`configs/*.yaml`, each extending
the baseline); the examples are a case of their own and are covered here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.text import Text

from scenarios.cli import main
from scenarios.config.loader import load_located, load_scenario
from scenarios.config.provenance import check_quotes, iter_parameters
from scenarios.io.load import load_results
from scenarios.report.figures import available_kinds, make_figure
from scenarios.roles import Role

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "configs" / "examples").glob("*.yaml"))
EXAMPLE = ROOT / "configs" / "examples" / "two-party-dispute.yaml"
KARABAKH = re.compile(
    r"azerbaij|armeni|russia|turk|karabakh|baku|yerevan|kremlin|cochairs|erdogan|putin|aliyev|shusha|stepanakert|minsk",
    re.I,
)


def test_there_is_an_example_and_it_extends_nothing() -> None:
    assert EXAMPLE in EXAMPLES
    for path in EXAMPLES:
        assert "extends:" not in path.read_text(encoding="utf-8"), path.name


def test_the_example_names_no_actor_or_place_of_the_first_case() -> None:
    """Not a key, value or comment of the example names the first case: its keys speak of roles."""
    assert not KARABAKH.search(EXAMPLE.read_text(encoding="utf-8"))
    scenario = load_scenario(EXAMPLE)
    assert list(scenario.actors) == ["northland", "southland", "envoy"]
    assert scenario.by_role(Role.ATTACKER) == ["northland"] and scenario.by_role(Role.DEFENDER) == ["southland"]
    assert scenario.by_role(Role.PATRON) == []


def test_every_parameter_of_the_example_carries_its_assumption() -> None:
    """No report stands behind the example: every number is the modeller's invention, and says so."""
    scenario = load_scenario(EXAMPLE)
    params = list(iter_parameters(scenario))
    assert len(params) > 80
    for path, param in params:
        assert param.assumption or param.note, ".".join(map(str, path))
    assert check_quotes(scenario, load_located(EXAMPLE).origins) == []


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "batch"
    args = ["run", str(EXAMPLE), "--n", "200", "--seed", "1", "--executor", "serial", "--quiet", "--out", str(out)]
    assert main(args) == 0
    return out


def test_the_example_runs_through_the_same_core(batch: Path) -> None:
    reps = pd.read_parquet(batch / "replications.parquet")
    assert len(reps) == 200
    # columns per actor carry the example's own names; the attacker's gains and the envoy's offers happen
    assert {"final_posture.northland", "final_posture.southland", "final_posture.envoy"} <= set(reps.columns)
    assert not any(c.startswith(("final_posture.russia", "first_day.turkey")) for c in reps.columns)
    assert reps["gained_share"].gt(0).any() and reps["offers"].gt(0).mean() > 0.5  # the envoy offers in most runs
    assert not reps["patron_backs_defender"].any() and reps["supporter_level"].eq(0).all()  # no patron, no supporter
    offers = pd.read_parquet(batch / "offers.parquet")
    assert set(offers["broker"]) == {"envoy"} and {"answer.northland", "answer.southland"} <= set(offers.columns)
    events = pd.read_parquet(batch / "events.parquet")
    assert {"northland", "southland", "envoy"} <= set(events["actor"])


def test_the_example_meets_its_own_expectations(batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(batch), "--strict"]) == 0
    out = capsys.readouterr().out
    assert "3 judgments:" in out and "0 too high, 0 too low" in out


def test_the_report_builds_for_the_example(batch: Path, tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    assert main(["report", str(batch), "-o", str(html)]) == 0
    text = html.read_text(encoding="utf-8")
    assert "two-party-dispute" in text and "northland" in text
    # the places and the outcome definitions speak of the example's own actors, by role
    places = text[text.index("<h2>Places</h2>") : text.index("<h2>Assumptions</h2>")]
    assert "taken by Northland (share of runs)" in places and "<td>Southland</td>" in places
    assert "taken back by Southland (share of runs)" in places
    assert "Northland holds at least" in places and "Southland agreed to terms handing over places" in places
    prose = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", text)  # the figures' bytes are not words
    assert not KARABAKH.search(prose)  # the whole report: tables, captions, definitions, figures' alt texts


def test_the_summary_and_plots_name_only_the_examples_actors(batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", str(batch)]) == 0
    out = capsys.readouterr().out
    assert "Northland" in out and not KARABAKH.search(out)
    results = load_results(batch)
    for kind in available_kinds(results):
        figure = make_figure(results, kind)
        texts = [t.get_text() for t in figure.findobj(Text)]
        assert not KARABAKH.search(" ".join(texts)), kind
