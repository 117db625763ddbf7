"""The ground as a graph of routes: `after:` in YAML, its defaults, and the errors a bad map gets (file:line:col,
the key, what would be valid), as a user sees them from `scenarios validate`."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

from scenarios.cli import main
from scenarios.config.loader import load_scenario
from scenarios.model.simulation import _Replication

from .support import BASELINE, load_baseline, medians

EXIT = 2


def variant(folder: Path, body: str) -> Path:
    """bad.yaml: extends the baseline (line 1), is named (line 2), and adds `body` from line 3 on."""
    path = folder / "bad.yaml"
    path.write_text(f"extends: {BASELINE}\nname: variant\n" + textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def validate(folder: Path, body: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run `scenarios validate bad.yaml`; return the exit code and the one `error:` line, parsed, and its hint."""
    variant(folder, body)
    monkeypatch.chdir(folder)
    code = main(["validate", "bad.yaml"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, err
    m = re.match(r"^error: (?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<text>.*)$", errors[0])
    assert m, errors[0]
    hint = err.splitlines()[err.splitlines().index(errors[0]) + 1].strip()
    return code, (m["file"], int(m["line"]), int(m["col"])), m["text"], hint


def test_after_naming_an_unknown_objective(tmp_path: Path, capsys, monkeypatch) -> None:
    body = """
    world:
      sectors:
        south:
          objectives:
            zangilan:
              after: [jabrayl]
    """
    code, where, text, hint = validate(tmp_path, body, capsys, monkeypatch)
    assert code == EXIT and where == ("bad.yaml", 8, 11)  # the `after:` line of bad.yaml
    assert text == "world.sectors.south.objectives.zangilan.after: `after` names 'jabrayl', which is not an objective"
    assert hint.startswith("did you mean 'jabrayil'?") and "objectives: " in hint and "stepanakert" in hint


def test_routes_that_form_a_cycle(tmp_path: Path, capsys, monkeypatch) -> None:
    body = """
    world:
      sectors:
        south:
          objectives:
            fuzuli:
              after: [hadrut]
    """
    code, (file, line, _), text, hint = validate(tmp_path, body, capsys, monkeypatch)
    assert code == EXIT
    assert re.fullmatch(
        r"world\.sectors\.south\.objectives\.(fuzuli|hadrut)\.after: routes form a cycle: "
        r"(fuzuli <- hadrut <- fuzuli|hadrut <- fuzuli <- hadrut)",
        text,
    ), text
    # the `after:` line of an objective on the cycle, in whichever file wrote it
    written = (tmp_path / "bad.yaml") if file == "bad.yaml" else Path(file)
    assert written.read_text(encoding="utf-8").splitlines()[line - 1].strip().startswith("after: [")
    assert hint == "`after` must point back toward the line of contact"


def test_an_objective_in_two_sectors(tmp_path: Path, capsys, monkeypatch) -> None:
    body = """
    world:
      sectors:
        east:
          objectives:
            fuzuli:
              label: "Fuzuli again"
              terrain: lowland
              value: 1
              population: 1
              held_by: armenia
              after: []
              difficulty: {value: 5, assumption: "a test"}
              assumption: "a test"
    """
    code, (file, line, _), text, hint = validate(tmp_path, body, capsys, monkeypatch)
    assert code == EXIT and file in ("bad.yaml", str(BASELINE))
    assert re.fullmatch(
        r"world\.sectors\.(east|south)\.objectives\.fuzuli: objective 'fuzuli' is in sectors '(east|south)' and "
        r"'(east|south)'",
        text,
    ), text
    written = (tmp_path / "bad.yaml") if file == "bad.yaml" else Path(file)
    assert written.read_text(encoding="utf-8").splitlines()[line - 1].strip() == "fuzuli:"
    assert "objective 'fuzuli' is in sectors" in text and hint == "objective ids must be unique across sectors"


def test_every_shipped_objective_can_be_reached_and_routes_resolve() -> None:
    """The baseline's map: every `after` names an objective; absent `after` means the previous one in its
    sector; the simulation reads the same routes."""
    scenario = load_baseline()
    routes = scenario.world.routes()
    ids = list(routes)
    assert all(a in ids for after in routes.values() for a in after)
    assert routes["shusha"] == ["hadrut", "martuni", "lachin"]  # more than one route into the centre
    state = _Replication(scenario, medians(), np.random.SeedSequence(0), False).state
    assert {oid: list(o.after) for oid, o in state.objectives.items()} == routes
    attackable = {o.id for o in state.attackable()}
    line_of_contact = {oid for oid, after in routes.items() if not after}
    opened = {oid for oid, after in routes.items() if any(state.objectives[a].held_by == "azerbaijan" for a in after)}
    held = {oid for oid, o in state.objectives.items() if o.held_by == "azerbaijan"}
    assert attackable == (line_of_contact | opened) - held


def test_absent_after_follows_the_sector_order(tmp_path: Path) -> None:
    path = tmp_path / "order.yaml"
    path.write_text(
        f"extends: {BASELINE}\nname: order\n"
        + textwrap.dedent(
            """
            world:
              sectors:
                east:
                  objectives:
                    askeran:
                      after: null
            """
        ),
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    assert scenario.world.routes()["askeran"] == ["aghdam"]  # the objective written before it
    assert scenario.world.routes()["aghdam"] == []
