"""Plain-data YAML with positions: what is accepted, what is refused, and where each node was written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scenarios.exceptions import ConfigError
from scenarios.yamlio import MAX_NODES, Origin, load_yaml, parse_yaml


def problems(text: str) -> list[tuple[int | None, int | None, str, str]]:
    with pytest.raises(ConfigError) as info:
        parse_yaml(text, "f.yaml")
    return [(p.line, p.column, p.key, p.message) for p in info.value.problems]


def test_positions_of_keys_and_items() -> None:
    doc = parse_yaml("a:\n  b: 1\n  c:\n    - 2\n    - {d: 3}\n", "f.yaml")
    assert doc.data == {"a": {"b": 1, "c": [2, {"d": 3}]}}
    assert doc.origins[("a",)] == Origin("f.yaml", 1, 1)
    assert doc.origins[("a", "b")] == Origin("f.yaml", 2, 3)  # a key's position, not its value's
    assert doc.origins[("a", "c", 0)] == Origin("f.yaml", 4, 7)
    assert doc.origins[("a", "c", 1, "d")] == Origin("f.yaml", 5, 8)
    assert str(doc.origins[("a", "b")]) == "f.yaml:2:3"


def test_plain_scalars_are_yaml_1_2() -> None:
    doc = parse_yaml("a: yes\nb: no\nc: 2020-10-10\nd: 1e-05\ne: ~\nf: 'true'\ng: 0.5\n", "f.yaml")
    assert doc.data == {
        "a": "yes",
        "b": "no",
        "c": dt.date(2020, 10, 10),
        "d": 1e-05,
        "e": None,
        "f": "true",
        "g": 0.5,
    }


def test_aliases_of_plain_data_are_read() -> None:
    assert parse_yaml("a: &x {b: 1}\nc: *x\n", "f.yaml").data == {"a": {"b": 1}, "c": {"b": 1}}


def test_exploding_aliases_are_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    ((line, _, key, message),) = problems("\n".join(lines) + "\n")
    expected = f"the document expands to more than {MAX_NODES:,} values through its aliases"
    assert (line, key, message) == (1, "", expected)


def test_all_problems_of_a_file_at_once() -> None:
    found = problems("a: 1\na: 2\nb: !!python/name:os.system\nc: 2020-10-10 10:00:00\nd: 2020-13-45\n")
    assert found == [
        (2, 1, "a", "duplicate key (first at line 1)"),
        (3, 4, "b", "YAML tag 'tag:yaml.org,2002:python/name:os.system' is not allowed"),
        (4, 4, "c", "a date and time is not allowed here"),
        (5, 4, "d", "cannot read this value: month must be in 1..12"),
    ]


@pytest.mark.parametrize("tag", ["!!binary aGk=", "!!set {x}", "!!omap [a: 1]", "!local 3", "!!python/tuple [1]"])
def test_tags_are_refused(tag: str) -> None:
    ((line, col, key, message),) = problems(f"k: {tag}\n")
    assert (line, col, key) == (1, 4, "k")
    assert message.startswith("YAML tag") and message.endswith("is not allowed")


def test_merge_keys_and_complex_keys_are_refused() -> None:
    assert problems("a: &x {b: 1}\nc:\n  <<: *x\n") == [(3, 3, "c", "merge keys (<<) are not allowed")]
    assert problems("? [a, b]\n: 1\n") == [(1, 3, "", "a key must be a plain name, not a mapping or a list")]


def test_several_documents_are_a_syntax_error() -> None:
    ((line, _, _, message),) = problems("a: 1\n---\nb: 2\n")
    assert line == 2 and message.startswith("YAML syntax error")


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffname: x\n".encode())
    assert load_yaml(path).data == {"name": "x"}


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_yaml(tmp_path / "nope.yaml", "nope.yaml")
    assert str(info.value) == "nope.yaml: file not found"
