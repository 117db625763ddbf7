"""Every bad input is one readable `error:` block naming file, line and key; exit code 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.exceptions import ConfigError, Problem

from .conftest import BASELINE, Run, variant, write

EXIT = 2


def assert_clean_failure(run: Run) -> None:
    assert run.code == EXIT
    assert "Traceback" not in run.err
    assert run.err.startswith("error: ")


# --- the list, one test each ------------------------------------------------------------------------


def test_unknown_key_suggests_the_closest_valid_key(cli, workdir: Path) -> None:
    variant(
        workdir,
        """
        actors:
          russia:
            back_armenia_propensty: likely
        """,
    )
    run = cli("validate", "bad.yaml")
    assert_clean_failure(run)
    p = run.only
    assert (p.file, p.line, p.column) == ("bad.yaml", 5, 5)
    assert p.text == "actors.russia.back_armenia_propensty: unknown key"
    assert p.hint.startswith("did you mean 'back_defender_propensity'")
    assert "valid keys here:" in p.hint and "press_defender_propensity" in p.hint


def test_undeclared_dig_in_level_names_the_levels_declared(cli, workdir: Path) -> None:
    variant(workdir, "combat:\n  dig_in_level: 7\n")
    run = cli("validate", "bad.yaml")
    assert_clean_failure(run)
    p = run.only
    assert (p.file, p.line) == ("bad.yaml", 4)
    assert p.text == "combat.dig_in_level: fortification level 7 is not declared"
    assert p.hint == "levels under ground.fortification: 1, 2, 3"


def test_a_settlement_that_keeps_a_place_it_hands_over_is_refused(cli, workdir: Path) -> None:
    variant(workdir, "settlements:\n  adjacent_districts:\n    keeps: [lachin, kalbajar]\n")
    run = cli("validate", "bad.yaml")
    assert_clean_failure(run)
    p = run.only
    assert p.text == "settlements.adjacent_districts.keeps: kalbajar both handed over and kept"
    assert "remove it from `keeps`" in p.hint


def test_a_settlement_keeping_an_unknown_place_suggests_the_closest(cli, workdir: Path) -> None:
    variant(workdir, "settlements:\n  adjacent_districts:\n    keeps: [lachn]\n")
    p = cli("validate", "bad.yaml").only
    assert p.text == "settlements.adjacent_districts.keeps.0: 'lachn' is not an objective"
    assert p.hint.startswith("did you mean 'lachin'?")


def test_a_major_gain_place_must_be_an_objective(cli, workdir: Path) -> None:
    variant(workdir, "outcomes:\n  major_gain_places: [stepanakret]\n")
    p = cli("validate", "bad.yaml").only
    assert p.text == "outcomes.major_gain_places.0: 'stepanakret' is not an objective"
    assert p.hint.startswith("did you mean 'stepanakert'?")


def test_unknown_top_level_key(cli, workdir: Path) -> None:
    variant(workdir, "simulaton:\n  seed: 3\n")
    p = cli("validate", "bad.yaml").only
    assert (p.file, p.line) == ("bad.yaml", 3)
    assert p.text == "simulaton: unknown key"
    assert p.hint.startswith("did you mean 'simulation'?")


def test_misspelled_estimative_word_suggests_the_word(cli, workdir: Path) -> None:
    variant(
        workdir,
        """
        actors:
          russia:
            back_defender_propensity: likley
        """,
    )
    run = cli("validate", "bad.yaml")
    assert_clean_failure(run)
    p = run.only
    assert (p.file, p.line, p.column) == ("bad.yaml", 5, 5)
    assert p.text == "actors.russia.back_defender_propensity: unknown estimative word 'likley'"
    assert p.hint.startswith("did you mean 'likely'")
    assert "known words:" in p.hint and "roughly even chance" in p.hint


def test_misspelled_synonym_suggests_the_synonym(cli, workdir: Path) -> None:
    variant(
        workdir,
        """
        actors:
          russia:
            back_defender_propensity:
              value: extremly unlikely
        """,
    )
    p = cli("validate", "bad.yaml").only
    assert (p.file, p.line) == ("bad.yaml", 6)  # the line of `value:`, in this file
    assert "unknown estimative word 'extremly unlikely'" in p.text
    assert "did you mean 'extremely unlikely'" in p.hint


def test_probability_above_one(cli, workdir: Path) -> None:
    variant(
        workdir,
        """
        ceasefire:
          civilian_harm_probability: 1.7
        """,
    )
    run = cli("validate", "bad.yaml")
    assert_clean_failure(run)
    p = run.only
    assert (p.file, p.line, p.column) == ("bad.yaml", 4, 3)
    assert p.text == (
        "ceasefire.civilian_harm_probability: value 1.7 is outside the valid range: "
        "expected a probability between 0 and 1"
    )
    assert "an estimative word" in p.hint


def test_reversed_range(cli, workdir: Path) -> None:
    variant(
        workdir,
        """
        ceasefire:
          civilian_harm_probability: [0.8, 0.2]
        """,
    )
    run = cli("validate", "bad.yaml")
    assert_clean_failure(run)
    p = run.only
    assert (p.file, p.line) == ("bad.yaml", 4)
    assert p.text == "ceasefire.civilian_harm_probability: range [0.8, 0.2] is reversed"
    assert p.hint == "write [0.2, 0.8]"


def test_word_where_a_number_is_expected(cli, workdir: Path) -> None:
    # the issue's own example: a factor >= 1 given a (misspelled) word
    variant(
        workdir,
        """
        combat:
          retaliation_city_strike_multiplier: hihg
        """,
    )
    run = cli("validate", "bad.yaml")
    assert_clean_failure(run)
    p = run.only
    assert (p.file, p.line, p.column) == ("bad.yaml", 4, 3)
    assert p.text == (
        "combat.retaliation_city_strike_multiplier: "
        "expected a number >= 1, a range [lo, hi], or {dist: ...}, got 'hihg'"
    )


def test_wrong_type_for_a_setting(cli, workdir: Path) -> None:
    variant(
        workdir,
        """
        simulation:
          horizon_days: lots
        """,
    )
    run = cli("validate", "bad.yaml")
    assert_clean_failure(run)
    p = run.only
    assert (p.file, p.line, p.column) == ("bad.yaml", 4, 3)
    assert p.text.startswith("simulation.horizon_days: Input should be a valid integer")
    assert p.text.endswith("got 'lots'")
    assert "(days)" in p.hint  # the field's meaning and unit


def test_wrong_shape_of_range(cli, workdir: Path) -> None:
    variant(
        workdir,
        """
        actors:
          azerbaijan:
            target_share: {value: [0.1, 0.2, 0.3], assumption: "three ends"}
        """,
    )
    p = cli("validate", "bad.yaml").only
    assert (p.file, p.line) == ("bad.yaml", 5)
    assert p.text == (
        "actors.azerbaijan.target_share: expected a share > 0 and <= 1, a range [lo, hi], or {dist: ...}, "
        "got [0.1, 0.2, 0.3]"
    )


def test_boolean_is_not_a_probability(cli, workdir: Path) -> None:
    variant(workdir, "actors:\n  russia:\n    back_defender_propensity: true\n")
    p = cli("validate", "bad.yaml").only
    assert (p.file, p.line) == ("bad.yaml", 5)
    assert p.text.endswith("got True")


def test_missing_required_key(cli, workdir: Path) -> None:
    variant(
        workdir,
        """
        world:
          sectors:
            north:
              objectives:
                aghdam:
                  label: "Aghdam"
                  terrain: lowland
                  value: 1
                  population: 1
                  difficulty: {value: 3, assumption: "open ground"}
                  assumption: "a new objective"
        """,
    )
    run = cli("validate", "bad.yaml")
    assert_clean_failure(run)
    p = run.only
    assert (p.file, p.line, p.column) == ("bad.yaml", 7, 9)  # the objective that lacks the key
    assert p.text == "world.sectors.north.objectives.aghdam.held_by: missing required key"
    assert "Holder on the start date" in p.hint


def test_missing_sections_of_a_standalone_file(cli, workdir: Path) -> None:
    write(workdir, "bare.yaml", "name: bare\nsources: {}\n")
    run = cli("validate", "bare.yaml")
    assert_clean_failure(run)
    missing = {p.text.split(":")[0] for p in run.problems if p.text.endswith("missing required key")}
    sections = {"season", "world", "ground", "ceasefire", "combat", "attention", "mediation", "endurance", "actors"}
    assert sections <= missing
    assert all((p.file, p.line) == ("bare.yaml", 1) for p in run.problems)


def test_missing_provenance(cli, workdir: Path) -> None:
    write(
        workdir,
        "bad.yaml",
        f"""
        extends: {BASELINE}
        name: variant
        world:
          sectors:
            north:
              objectives:
                aghdam: {{label: A, terrain: lowland, value: 1, population: 1, held_by: armenia,
                          difficulty: 3, assumption: "new"}}
        """,
    )
    p = cli("validate", "bad.yaml").only
    assert p.text == "world.sectors.north.objectives.aghdam.difficulty: needs its provenance"
    assert "assumption:" in p.hint and "source:" in p.hint


def test_extends_a_missing_file(cli, workdir: Path) -> None:
    write(workdir, "bad.yaml", "name: x\nextends: nothere.yaml\n")
    run = cli("validate", "bad.yaml")
    assert_clean_failure(run)
    p = run.only
    assert (p.file, p.line, p.column) == ("bad.yaml", 2, 1)
    assert p.text == "extends: file 'nothere.yaml' not found (looked for nothere.yaml)"
    assert "relative to the file that extends it" in p.hint


def test_extends_a_folder(cli, workdir: Path) -> None:
    (workdir / "sub").mkdir()
    write(workdir, "bad.yaml", "extends: sub\nname: x\n")
    p = cli("validate", "bad.yaml").only
    assert (p.file, p.line) == ("bad.yaml", 1)
    assert p.text == "extends: 'sub' is not a file"


def test_extends_cycle_prints_the_chain(cli, workdir: Path) -> None:
    write(workdir, "a.yaml", "extends: b.yaml\nname: a\n")
    write(workdir, "b.yaml", "name: b\nextends: c.yaml\n")
    write(workdir, "c.yaml", "extends: a.yaml\nname: c\n")
    run = cli("validate", "a.yaml")
    assert_clean_failure(run)
    p = run.only
    assert (p.file, p.line) == ("c.yaml", 1)  # the link that closes the loop
    assert p.text == "extends: `extends:` makes a cycle: a.yaml -> b.yaml -> c.yaml -> a.yaml"


def test_extends_itself(cli, workdir: Path) -> None:
    write(workdir, "self.yaml", "name: s\nextends: ./self.yaml\n")
    p = cli("validate", "self.yaml").only
    assert (p.file, p.line) == ("self.yaml", 2)
    assert p.text.endswith("makes a cycle: self.yaml -> self.yaml")


def test_duplicate_key(cli, workdir: Path) -> None:
    variant(
        workdir,
        """
        simulation:
          seed: 1
          horizon_days: 90
          seed: 2
        """,
    )
    run = cli("validate", "bad.yaml")
    assert_clean_failure(run)
    p = run.only
    assert (p.file, p.line, p.column) == ("bad.yaml", 6, 3)
    assert p.text == "simulation.seed: duplicate key (first at line 4)"


def test_yaml_syntax_error(cli, workdir: Path) -> None:
    variant(
        workdir,
        """
        ceasefire:
          civilian_harm_probability: [0.2, 0.5
        combat: {}
        """,
    )
    run = cli("validate", "bad.yaml")
    assert_clean_failure(run)
    p = run.only
    assert p.file == "bad.yaml" and p.line == 5
    assert p.text.startswith("YAML syntax error:")


def test_bad_indentation_is_a_syntax_error(cli, workdir: Path) -> None:
    variant(workdir, "simulation:\n  seed: 1\n   horizon_days: 90\n")
    p = cli("validate", "bad.yaml").only
    assert p.file == "bad.yaml" and p.line == 5
    assert p.text.startswith("YAML syntax error:")


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_file(cli, workdir: Path, text: str) -> None:
    (workdir / "empty.yaml").write_text(text)
    run = cli("validate", "empty.yaml")
    assert_clean_failure(run)
    p = run.only
    assert (p.file, p.line, p.text) == ("empty.yaml", None, "empty file")
    assert "name:" in p.hint


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not a UTF-8 text file (byte 0)"),
        (b"name: x\n\x00\x01\x02\x03", "binary file (contains NUL bytes)"),
    ],
)
def test_binary_file(cli, workdir: Path, data: bytes, message: str) -> None:
    (workdir / "blob.yaml").write_bytes(data)
    run = cli("validate", "blob.yaml")
    assert_clean_failure(run)
    p = run.only
    assert (p.file, p.line, p.text) == ("blob.yaml", None, message)


def test_python_object_tag_is_refused_and_never_run(cli, workdir: Path) -> None:
    marker = workdir / "pwned"
    variant(
        workdir,
        f"""
        title: !!python/object/apply:os.system ["touch {marker}"]
        description: !!python/object:collections.OrderedDict {{}}
        """,
    )
    run = cli("validate", "bad.yaml")
    assert_clean_failure(run)
    assert not marker.exists()
    first, second = run.problems
    assert (first.file, first.line, first.column) == ("bad.yaml", 3, 8)
    assert first.text == "title: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"
    assert (second.line, second.text) == (
        4,
        "description: YAML tag 'tag:yaml.org,2002:python/object:collections.OrderedDict' is not allowed",
    )
    assert first.hint == "only plain data: remove the tag"


def test_other_refused_yaml_features(cli, workdir: Path) -> None:
    variant(
        workdir,
        """
        base: &b {seed: 1}
        simulation:
          <<: *b
        season:
          winter_start: {value: 2020-11-01 10:30:00, assumption: "a time of day"}
        """,
    )
    run = cli("validate", "bad.yaml")
    assert_clean_failure(run)
    by_line = {p.line: p.text for p in run.problems}
    assert by_line[5] == "simulation: merge keys (<<) are not allowed"
    assert by_line[7] == "season.winter_start.value: a date and time is not allowed here"


def test_set_on_a_key_that_does_not_exist_names_the_override(cli) -> None:
    run = cli("validate", str(BASELINE), "--set", "actors.russia.nonexistent=3")
    assert_clean_failure(run)
    p = run.only
    assert p.file == "--set actors.russia.nonexistent=3" and p.line is None
    assert p.text == "actors.russia.nonexistent: unknown key"
    assert "valid keys here:" in p.hint


def test_set_on_a_misspelled_section_names_the_override(cli) -> None:
    run = cli("validate", str(BASELINE), "--set", "acters.russia.rationality=2")
    p = run.only
    assert p.file == "--set acters.russia.rationality=2"
    assert p.text == "acters: unknown key"
    assert p.hint.startswith("did you mean 'actors'?")


def test_set_value_is_validated_like_a_file_value(cli) -> None:
    run = cli("validate", str(BASELINE), "--set", "actors.russia.back_defender_propensity=likley")
    assert_clean_failure(run)
    p = run.only
    assert p.file == "--set actors.russia.back_defender_propensity=likley"
    assert p.text == "actors.russia.back_defender_propensity: unknown estimative word 'likley'"
    assert p.hint.startswith("did you mean 'likely'")


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("noequals", "expected KEY=VALUE"),
        ("a..b=1", "a..b: expected a dotted key such as a.b.c"),
        ("simulation.seed=", "simulation.seed: empty value"),
        ("simulation.seed=[1", "simulation.seed: cannot read the value: YAML syntax error:"),
        ("simulation.seed=!!python/name:os.system", "simulation.seed: cannot read the value: YAML tag"),
        ("simulation.seed.deeper=1", "simulation.seed.deeper: the parent of this key is not a mapping"),
        ("actors.russia.treaty.covers.9=armenia", "actors.russia.treaty.covers.9: expected an index below 1"),
    ],
)
def test_malformed_set(cli, override: str, message: str) -> None:
    run = cli("validate", str(BASELINE), "--set", override)
    assert_clean_failure(run)
    p = run.only
    assert p.file == f"--set {override}"
    assert p.text.startswith(message)


def test_quote_not_in_the_source(cli, workdir: Path) -> None:
    variant(
        workdir,
        """
        ceasefire:
          strain_half_life_days:
            source: {ref: isw, para: 4, quote: "the ceasefire will certainly hold"}
        """,
    )
    run = cli("validate", "bad.yaml")
    assert_clean_failure(run)
    p = run.only
    assert (p.file, p.line) == ("bad.yaml", 5)
    assert p.text == (
        "ceasefire.strain_half_life_days.source.quote: quote not found in isw paragraph 4: "
        "'the ceasefire will certainly hold'"
    )
    assert p.hint == "copy the words exactly as the source writes them"


def test_quote_in_another_paragraph_says_which(cli, workdir: Path) -> None:
    variant(
        workdir,
        """
        ceasefire:
          strain_half_life_days:
            source: {ref: isw, para: 3, quote: "A Kremlin-brokered   ceasefire has so far failed"}
        """,
    )
    p = cli("validate", "bad.yaml").only
    assert p.text.startswith("ceasefire.strain_half_life_days.source.quote: quote not found in isw paragraph 3")
    assert p.hint == "it is in paragraph 4"


def test_source_reference_and_paragraph_checked(cli, workdir: Path) -> None:
    variant(
        workdir,
        """
        ceasefire:
          strain_half_life_days:
            source: {ref: isv, para: 4, quote: "A Kremlin-brokered ceasefire"}
          strain_increment:
            value: 1
            source: {ref: isw, para: 99, quote: "A Kremlin-brokered ceasefire"}
        """,
    )
    run = cli("validate", "bad.yaml")
    texts = {p.line: (p.text, p.hint) for p in run.problems}
    assert texts[5] == (
        "ceasefire.strain_half_life_days.source.ref: unknown source 'isv'",
        "registered sources: isw",
    )
    assert texts[8] == (
        "ceasefire.strain_increment.source.para: paragraph 99 does not exist",
        "isw has 15 paragraphs",
    )


def test_unreadable_source_document_is_reported_where_it_is_registered(cli, workdir: Path) -> None:
    variant(
        workdir,
        """
        sources:
          notes: notes/missing.yaml
        ceasefire:
          strain_half_life_days:
            source: {ref: notes, para: 1, quote: "anything"}
        """,
    )
    run = cli("validate", "bad.yaml")
    assert_clean_failure(run)
    p = run.only
    assert (p.file, p.line) == ("bad.yaml", 4)
    assert p.text == "sources.notes: the source document cannot be used"
    assert "missing.yaml: file not found" in p.hint


def test_two_errors_in_one_file_are_both_reported(cli, workdir: Path) -> None:
    variant(
        workdir,
        """
        ceasefire:
          civilian_harm_probability: 1.7
          strain_half_life_days: [14, 8]
        """,
    )
    run = cli("validate", "bad.yaml")
    assert_clean_failure(run)
    assert [(p.file, p.line, p.text.split(":")[0]) for p in run.problems] == [
        ("bad.yaml", 4, "ceasefire.civilian_harm_probability"),
        ("bad.yaml", 5, "ceasefire.strain_half_life_days"),
    ]
    assert run.err.rstrip().endswith("2 problems found")


def test_schema_and_quote_errors_are_reported_together(cli, workdir: Path) -> None:
    variant(
        workdir,
        """
        ceasefire:
          strain_increment: -1
          strain_half_life_days:
            source: {ref: isw, para: 4, quote: "not in the report"}
        """,
    )
    run = cli("validate", "bad.yaml")
    assert [(p.line, p.text.split(":")[0]) for p in run.problems] == [
        (4, "ceasefire.strain_increment"),
        (6, "ceasefire.strain_half_life_days.source.quote"),
    ]


def test_errors_from_several_files_are_all_reported(cli, workdir: Path) -> None:
    variant(workdir, "simulation: {seed: -1}\n", name="one.yaml")
    variant(workdir, "outcomes: {major_gain_share: 2}\n", name="two.yaml")
    run = cli("validate", "one.yaml", str(BASELINE), "two.yaml")
    assert run.code == EXIT
    assert f"{BASELINE}: ok" in run.out
    assert [p.file for p in run.problems] == ["one.yaml", "two.yaml"]


def test_error_in_the_base_file_is_reported_in_the_base_file(cli, workdir: Path) -> None:
    write(workdir, "base.yaml", BASELINE.read_text().replace("horizon_days: 180", "horizon_days: 0"))
    (workdir / "sources").symlink_to(BASELINE.parent / "sources")
    write(workdir, "child.yaml", "extends: base.yaml\nname: child\n")
    p = cli("validate", "child.yaml").only
    line = next(i for i, t in enumerate((workdir / "base.yaml").read_text().splitlines(), 1) if "horizon_days" in t)
    assert (p.file, p.line) == ("base.yaml", line)
    assert p.text.startswith("simulation.horizon_days: Input should be greater than or equal to 1")


def test_unknown_broker_is_reported_at_its_line(cli, workdir: Path) -> None:
    variant(workdir, "world:\n  ceasefire:\n    broker: russa\n")
    p = cli("validate", "bad.yaml").only
    assert (p.file, p.line, p.text) == ("bad.yaml", 5, "world.ceasefire.broker: 'russa' is not an actor")
    assert "russia" in p.hint


def test_top_level_list_is_refused(cli, workdir: Path) -> None:
    write(workdir, "list.yaml", "- name: x\n")
    p = cli("validate", "list.yaml").only
    assert (p.file, p.line, p.text) == ("list.yaml", 1, "the top level must be a mapping of keys, got a list")


def test_a_config_that_is_a_folder(cli, workdir: Path) -> None:
    (workdir / "folder.yaml").mkdir()
    p = cli("validate", "folder.yaml").only
    assert p.file == "folder.yaml" and p.text == "is a folder, not a file"


# --- how errors are shown -----------------------------------------------------------------------------------


def test_debug_shows_the_traceback(cli, workdir: Path) -> None:
    variant(workdir, "ceasefire:\n  civilian_harm_probability: 1.7\n")
    with pytest.raises(ConfigError) as info:
        cli("--debug", "validate", "bad.yaml")
    assert info.value.problems[0].key == "ceasefire.civilian_harm_probability"


@pytest.mark.parametrize("command", ["show", "trace"])
def test_other_commands_report_config_errors_the_same_way(cli, workdir: Path, command: str) -> None:
    variant(workdir, "ceasefire:\n  civilian_harm_probability: 1.7\n")
    run = cli(command, "bad.yaml")
    assert_clean_failure(run)
    assert run.out == ""
    assert (run.only.file, run.only.line) == ("bad.yaml", 4)


def test_problem_render() -> None:
    assert Problem("a.yaml", 14, 5, "x.y", "bad", "try this").render() == "a.yaml:14:5: x.y: bad\n    try this"
    assert Problem("a.yaml", None, None, "", "empty file").render() == "a.yaml: empty file"
    assert Problem("--set k=v", None, None, "k", "unknown key").render() == "--set k=v: k: unknown key"
    error = ConfigError([Problem("a", 1, 1, "k", "m1"), Problem("b", 2, 2, "", "m2")])
    assert str(error) == "a:1:1: k: m1\nb:2:2: m2"


def test_a_bad_override_is_reported_once_for_several_files(cli) -> None:
    run = cli("validate", str(BASELINE), str(BASELINE.parent / "early-winter.yaml"), "--set", "simulation.sed=1")
    assert_clean_failure(run)
    assert [p.text for p in run.problems] == ["simulation.sed: unknown key"]


def test_a_known_date_outside_the_run_is_reported_at_its_line(cli, workdir: Path) -> None:
    variant(
        workdir,
        "simulation:\n  start_date: 2020-10-10\nworld:\n  ceasefire:\n    known_in_force:\n      until: 2020-10-10\n",
    )
    p = cli("validate", "bad.yaml").only
    assert (p.file, p.line) == ("bad.yaml", 8)
    # the truce in force on day 0 took effect on the start date
    assert p.text == "world.ceasefire.known_in_force.until: 2020-10-10 is not after the day the truce took effect"
    assert p.hint == "give a later date"
