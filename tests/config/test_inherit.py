"""`extends:` merge rules, `--set` overrides, and where every value came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.config.inherit import apply_overrides, merge_into, parse_override
from scenarios.config.loader import load_located, load_scenario
from scenarios.config.params import Beta, Normal, Triangular, Uniform
from scenarios.config.paths import allowing
from scenarios.config.schema import Scenario
from scenarios.exceptions import ConfigError
from scenarios.yamlio import Located, Origin, parse_yaml

from .conftest import BASELINE, CONFIGS, variant, write


def located(text: str, name: str) -> Located:
    return parse_yaml(text, name)


# --- merge rules on located trees ---------------------------------------------------------------------------


def test_mappings_merge_key_by_key() -> None:
    base = located("a:\n  x: 1\n  y: 2\nb: 3\n", "base")
    merge_into(base, located("a:\n  y: 20\n  z: 30\n", "top"))
    assert base.data == {"a": {"x": 1, "y": 20, "z": 30}, "b": 3}
    assert base.origins[("a", "x")] == Origin("base", 2, 3)
    assert base.origins[("a", "y")] == Origin("top", 2, 3)
    assert base.origins[("a", "z")] == Origin("top", 3, 3)
    assert base.origins[("b",)] == Origin("base", 4, 1)


def test_lists_replace_whole() -> None:
    base = located("l: [1, 2, 3]\nm:\n  - {a: 1}\n  - {a: 2}\n", "base")
    merge_into(base, located("l: [9]\nm:\n  - {b: 1}\n", "top"))
    assert base.data == {"l": [9], "m": [{"b": 1}]}
    assert ("m", 1) not in base.origins and ("m", 1, "a") not in base.origins  # no stale positions
    assert base.origins[("m", 0, "b")].file == "top"


def test_scalars_replace_and_a_mapping_replaces_a_scalar() -> None:
    base = located("a: 1\nb: {x: 1}\nc: text\n", "base")
    merge_into(base, located("a: 2\nb: 5\nc: {k: v}\n", "top"))
    assert base.data == {"a": 2, "b": 5, "c": {"k": "v"}}
    assert ("b", "x") not in base.origins


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("0.4", 0.4),
        ("[0.1, 0.3]", [0.1, 0.3]),
        ("likely", "likely"),
        ("{dist: beta, mean: 0.5, sd: 0.1}", {"dist": "beta", "mean": 0.5, "sd": 0.1}),
    ],
)
def test_value_over_a_parameter_replaces_only_its_value(override: str, expected: object) -> None:
    base = located("p:\n  value: 0.2\n  source: {ref: isw, para: 1, quote: abc}\n  note: kept\n", "base")
    merge_into(base, located(f"p: {override}\n", "top"))
    assert base.data["p"] == {
        "value": expected,
        "source": {"ref": "isw", "para": 1, "quote": "abc"},
        "note": "kept",
    }
    assert base.origins[("p", "value")] == Origin("top", 1, 1)
    assert base.origins[("p", "source", "quote")] == Origin("base", 3, len("  source: {ref: isw, para: 1, ") + 1)


def test_parameter_mapping_without_dist_merges_key_by_key() -> None:
    base = located("p:\n  value: 0.2\n  assumption: old\n", "base")
    merge_into(base, located("p: {value: 0.3, note: why}\n", "top"))
    assert base.data["p"] == {"value": 0.3, "assumption": "old", "note": "why"}


# --- merge rules through real files -------------------------------------------------------------------------


def test_variant_keeps_the_source_of_the_parameters_it_overrides(tmp_path: Path, baseline: Scenario) -> None:
    path = variant(
        tmp_path,
        """
        actors:
          russia:
            back_defender_propensity: very likely
            alliance_weight: {dist: triangular, lo: 4, mode: 6, hi: 10}
            mediation_weight: [1.5, 2.5]
        """,
    )
    scenario = load_scenario(path)
    russia, base = scenario.actors.russia, baseline.actors.russia
    assert russia.back_defender_propensity.value == "very likely"
    assert russia.back_defender_propensity.source == base.back_defender_propensity.source
    assert isinstance(russia.alliance_weight.value, Triangular)
    assert russia.alliance_weight.source == base.alliance_weight.source
    assert russia.mediation_weight.value == (1.5, 2.5)
    assert russia.mediation_weight.source == base.mediation_weight.source
    # everything not mentioned is the baseline's
    assert russia.outreach_weight == base.outreach_weight
    assert scenario.ceasefire == baseline.ceasefire


def test_variant_replaces_a_list_whole(tmp_path: Path, baseline: Scenario) -> None:
    assert len(baseline.actors.armenia.collapse_objectives) > 1
    path = variant(tmp_path, "actors:\n  armenia:\n    collapse_objectives: [lachin]\n")
    scenario = load_scenario(path)
    assert scenario.actors.armenia.collapse_objectives == ["lachin"]


def test_variant_merges_a_ladder_rung_by_rung(tmp_path: Path, baseline: Scenario) -> None:
    # the lowest rung not in place (those in place at the start are the lowest ones)
    top = next(k for k, r in baseline.actors.turkey.ladder.items() if not r.in_place_at_start)
    path = variant(tmp_path, f"actors:\n  turkey:\n    ladder:\n      {top}:\n        in_place_at_start: true\n")
    scenario = load_scenario(path)
    ladder = scenario.actors.turkey.ladder
    assert list(ladder) == list(baseline.actors.turkey.ladder)
    assert ladder[top].in_place_at_start
    assert ladder[top].effects == baseline.actors.turkey.ladder[top].effects
    assert ladder[top].lag_days == baseline.actors.turkey.ladder[top].lag_days
    assert {k: r for k, r in ladder.items() if k != top} == {
        k: r for k, r in baseline.actors.turkey.ladder.items() if k != top
    }


def test_mapping_sections_merge_key_by_key(tmp_path: Path, baseline: Scenario) -> None:
    path = variant(tmp_path, "simulation:\n  seed: 7\n")
    scenario = load_scenario(path)
    assert scenario.simulation.seed == 7
    assert scenario.simulation.horizon_days == baseline.simulation.horizon_days
    assert scenario.simulation.replications == baseline.simulation.replications


def test_chain_of_three_files_and_origins(tmp_path: Path) -> None:
    variant(tmp_path, "simulation:\n  seed: 7\n  horizon_days: 90\n", name="middle.yaml")
    write(tmp_path, "top.yaml", "extends: middle.yaml\nname: top\nsimulation:\n  horizon_days: 60\n")
    scenario = load_scenario(tmp_path / "top.yaml")
    assert (scenario.name, scenario.simulation.seed, scenario.simulation.horizon_days) == ("top", 7, 60)
    assert scenario.origin_of("name") == f"{tmp_path / 'top.yaml'}:2:1"
    assert scenario.origin_of("simulation.horizon_days") == f"{tmp_path / 'top.yaml'}:4:3"
    assert scenario.origin_of("simulation.seed") == f"{tmp_path / 'middle.yaml'}:4:3"
    assert scenario.origin_of("simulation.replications").startswith("configs/baseline.yaml:")


def test_sources_are_relative_to_the_file_that_registers_them(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    write(
        tmp_path / "docs",
        "note.yaml",
        """
        title: A note
        author: Me
        date: 2020-10-13
        url: https://example.org
        paragraphs: ["Winter comes early in the highlands this year."]
        """,
    )
    (tmp_path / "deeper").mkdir()
    variant(
        tmp_path,
        """
        sources:
          note: docs/note.yaml
        season:
          winter_start:
            value: [2020-10-25, 2020-11-05]
            source: {ref: note, para: 1, quote: "winter comes early"}
        """,
        name="mid.yaml",
    )
    write(tmp_path / "deeper", "leaf.yaml", "extends: ../mid.yaml\nname: leaf\n")
    with allowing([tmp_path]):  # mid.yaml is outside the folder of leaf.yaml
        scenario = load_scenario(tmp_path / "deeper" / "leaf.yaml")
    assert scenario.sources["note"] == str(tmp_path / "docs" / "note.yaml")
    assert scenario.sources["isw"] == str(CONFIGS / "sources" / "isw-2020-10-12.yaml")
    assert scenario.season.winter_start.source is not None


# --- --set --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "path", "value"),
    [
        ("simulation.seed=7", ("simulation", "seed"), 7),
        ("a.b=0.25", ("a", "b"), 0.25),
        ("a.b=very likely", ("a", "b"), "very likely"),
        ("a.b=[1, 2]", ("a", "b"), [1, 2]),
        ("a.b={dist: normal, mean: 1, sd: 2}", ("a", "b"), {"dist": "normal", "mean": 1, "sd": 2}),
        ("a.b=null", ("a", "b"), None),
        ("a.b=false", ("a", "b"), False),
        ("a.b='7'", ("a", "b"), "7"),
        ("a.b=x=y", ("a", "b"), "x=y"),
        (" a.b = 3", ("a", "b"), 3),
        (
            "actors.turkey.ladder.4.in_place_at_start=true",
            ("actors", "turkey", "ladder", 4, "in_place_at_start"),
            True,
        ),
    ],
)
def test_parse_override_reads_the_value_as_yaml(text: str, path: tuple[object, ...], value: object) -> None:
    assert parse_override(text) == (path, value)


def test_set_reaches_a_level_of_fortification(baseline: Scenario) -> None:
    level = max(baseline.ground.fortification)
    scenario = load_scenario(BASELINE, [f"ground.fortification.{level}.difficulty=[1.1, 1.2]"])
    assert scenario.ground.fortification[level].difficulty.value == (1.1, 1.2)
    assert scenario.ground.fortification[level].casualties == baseline.ground.fortification[level].casualties


def test_set_values_of_every_shape(baseline: Scenario) -> None:
    top = next(k for k, r in baseline.actors.turkey.ladder.items() if not r.in_place_at_start)
    scenario = load_scenario(
        BASELINE,
        [
            "actors.russia.back_defender_propensity=highly likely",
            "actors.russia.alliance_weight=[5, 9]",
            "actors.russia.mediation_weight=1.25",
            "actors.armenia.retaliation_base={dist: normal, mean: -2, sd: 0.5}",
            "ceasefire.civilian_harm_probability={dist: beta, mean: 0.3, sd: 0.05}",
            "ceasefire.talks_multiplier={dist: uniform, lo: 0.5, hi: 0.7}",
            "simulation.seed=11",
            f"actors.turkey.ladder.{top}.in_place_at_start=true",
        ],
    )
    russia = scenario.actors.russia
    assert russia.back_defender_propensity.value == "highly likely"
    assert russia.back_defender_propensity.spec.lo == 0.8 and russia.back_defender_propensity.spec.hi == 0.95
    assert russia.alliance_weight.value == (5.0, 9.0)
    assert russia.mediation_weight.value == 1.25
    assert isinstance(scenario.actors.armenia.retaliation_base.value, Normal)
    assert isinstance(scenario.ceasefire.civilian_harm_probability.value, Beta)
    assert isinstance(scenario.ceasefire.talks_multiplier.value, Uniform)
    assert scenario.simulation.seed == 11
    assert (
        scenario.actors.turkey.ladder[top].in_place_at_start
        and not baseline.actors.turkey.ladder[top].in_place_at_start
    )
    # --set replaces only the value, which is then the analyst's: the quote it replaced is kept as "was:"
    assert russia.back_defender_propensity.source is None
    assert (
        russia.back_defender_propensity.note is not None and "Putin will likely" in russia.back_defender_propensity.note
    )
    assert scenario.actors.armenia.retaliation_base.note is not None
    assert baseline.actors.armenia.retaliation_base.assumption in scenario.actors.armenia.retaliation_base.note


def test_later_overrides_win_and_origins_name_the_override() -> None:
    scenario = load_scenario(BASELINE, ["simulation.seed=1", "simulation.seed=2", "actors.russia.inertia=0.5"])
    assert scenario.simulation.seed == 2
    assert scenario.origin_of("simulation.seed") == "--set simulation.seed=2"
    assert scenario.origin_of("actors.russia.inertia") == "--set actors.russia.inertia=0.5"
    assert scenario.origin_of("actors.russia.inertia.value") == "--set actors.russia.inertia=0.5"
    # the value is the override's, and so is its provenance (what it replaced is in the note)
    assert scenario.origin_of("actors.russia.inertia.assumption") == "--set actors.russia.inertia=0.5"


def test_set_overrides_a_variant(tmp_path: Path) -> None:
    path = variant(tmp_path, "simulation:\n  seed: 7\n  horizon_days: 90\n")
    scenario = load_scenario(path, ["simulation.horizon_days=30"])
    assert (scenario.simulation.seed, scenario.simulation.horizon_days) == (7, 30)
    assert scenario.origin_of("simulation.seed") == f"{path}:4:3"
    assert scenario.origin_of("simulation.horizon_days") == "--set simulation.horizon_days=30"


def test_set_of_a_mapping_gives_every_key_the_override_as_origin() -> None:
    tree = load_located(BASELINE, ["simulation={seed: 3, trace_sample: 2}"])
    assert tree.origins[("simulation", "trace_sample")] == Origin("--set simulation={seed: 3, trace_sample: 2}")
    assert tree.origins[("simulation", "horizon_days")].file.endswith("baseline.yaml")


def test_set_does_not_change_the_file_tree_it_was_given() -> None:
    tree = load_located(BASELINE)
    before = repr(tree.data["simulation"])
    apply_overrides(tree, ["simulation.seed=3"])
    assert tree.data["simulation"]["seed"] == 3
    assert repr(load_located(BASELINE).data["simulation"]) == before


def test_set_with_a_dist_missing_a_key_names_the_problem() -> None:
    with pytest.raises(ConfigError) as info:
        load_scenario(BASELINE, ["ceasefire.civilian_harm_probability={dist: beta, mean: 0.3}"])
    (p,) = info.value.problems
    assert (p.file, p.key) == (
        "--set ceasefire.civilian_harm_probability={dist: beta, mean: 0.3}",
        "ceasefire.civilian_harm_probability",
    )
    assert p.message == "beta: missing key `sd`"


# --- origins ------------------------------------------------------------------------------------------------


def test_origins_of_a_shipped_variant() -> None:
    scenario = load_scenario(CONFIGS / "russia-backs-early.yaml")
    lines = (CONFIGS / "russia-backs-early.yaml").read_text().splitlines()
    base_lines = BASELINE.read_text().splitlines()

    def line_of(text: list[str], needle: str) -> int:
        return next(i for i, t in enumerate(text, 1) if needle in t)

    variant_file = str((CONFIGS / "russia-backs-early.yaml").relative_to(Path.cwd()))
    base_file = str(BASELINE.relative_to(Path.cwd()))
    value_line = line_of(lines, "value: very likely")
    assert scenario.origin_of("actors.russia.back_defender_propensity") == f"{variant_file}:{value_line}:7"
    block = line_of(base_lines, "back_defender_propensity:")
    quote_line = block + line_of(base_lines[block:], "Putin will likely support his ally Armenia in the end")
    assert scenario.origin_of("actors.russia.back_defender_propensity.source").startswith(f"{base_file}:{quote_line}:")
    rung = "actors.russia.ladder.political_backing.in_place_at_start"
    assert scenario.origin_of(rung) == f"{variant_file}:{line_of(lines, 'in_place_at_start: true')}:9"
    assert scenario.origin_of("actors.russia.ladder.political_backing.source").startswith(f"{base_file}:")
    assert scenario.origin_of("name") == f"{variant_file}:{line_of(lines, 'name:')}:1"
    assert scenario.origin_of("actors.russia.outreach_weight").startswith(f"{base_file}:")
    assert scenario.origin_of("actors.turkey.ladder.syrian_fighters.in_place_at_start").startswith(f"{base_file}:")
    assert scenario.origin_of("actors.turkey.ladder.syrian_fighters") != scenario.origin_of(
        "actors.turkey.ladder.f16_deterrent"
    )
    assert scenario.origin_of("no.such.key") == "(default)"


@pytest.fixture(autouse=True)
def _from_the_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BASELINE.parent.parent)
