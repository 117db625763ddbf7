"""A scenario file from a stranger: it may open only files in its own folder tree, never a device, never a
huge file, and its errors never quote a file it was not allowed to read."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from scenarios import yamlio
from scenarios.exceptions import ConfigError
from scenarios.yamlio import MAX_DEPTH, MAX_FILE_BYTES, parse_yaml

from .conftest import BASELINE, write

SECRET = "s3cr3t-line: the user's own words"


@pytest.fixture
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder outside the scenario's, holding a file the scenario must not read."""
    folder = tmp_path_factory.mktemp("elsewhere")
    (folder / "secret.yaml").write_text(SECRET + "\n", encoding="utf-8")
    return folder


def test_extends_outside_the_folder_is_refused_without_reading_it(cli, workdir: Path, elsewhere: Path) -> None:
    secret = elsewhere / "secret.yaml"
    write(workdir, "sent.yaml", f"name: sent\nextends: {secret}\n")
    run = cli("validate", "sent.yaml")
    assert run.code == 2 and "Traceback" not in run.err
    p = run.only
    assert (p.file, p.line) == ("sent.yaml", 2)
    assert p.text == f"extends: '{secret}' is outside {workdir.resolve()}, the folder of the scenario loaded"
    assert "--allow-path" in p.hint
    assert "s3cr3t" not in run.err + run.out


def test_a_relative_climb_and_a_symlink_out_are_refused_too(cli, workdir: Path, elsewhere: Path) -> None:
    (workdir / "link.yaml").symlink_to(elsewhere / "secret.yaml")
    rel = os.path.relpath(elsewhere / "secret.yaml", workdir)
    write(workdir, "climb.yaml", f"name: c\nextends: {rel}\n")
    write(workdir, "linked.yaml", "name: l\nextends: link.yaml\n")
    for name in ("climb.yaml", "linked.yaml"):
        run = cli("validate", name)
        assert run.code == 2 and "is outside" in run.only.text and "s3cr3t" not in run.err


def test_allow_path_lets_the_user_open_another_folder(cli, workdir: Path, elsewhere: Path) -> None:
    write(elsewhere, "base.yaml", f"extends: {BASELINE}\nname: base\n")
    write(workdir, "child.yaml", f"extends: {elsewhere / 'base.yaml'}\nname: child\n")
    assert cli("validate", "child.yaml").code == 2
    run = cli("validate", "child.yaml", "--allow-path", str(elsewhere))
    assert (run.code, run.out) == (0, "child.yaml: ok\n")


def test_a_source_outside_the_folder_is_refused_even_if_no_quote_cites_it(cli, workdir: Path, elsewhere: Path) -> None:
    write(workdir, "sent.yaml", f"extends: {BASELINE}\nname: sent\nsources:\n  s: {elsewhere / 'secret.yaml'}\n")
    p = cli("validate", "sent.yaml").only
    assert (p.file, p.line, p.column) == ("sent.yaml", 4, 3)
    assert p.text.startswith("sources.s: ") and "is outside" in p.text
    assert "s3cr3t" not in p.text + p.hint


def test_a_device_as_source_is_refused_before_it_is_read(cli, workdir: Path) -> None:
    write(workdir, "zero.yaml", f"extends: {BASELINE}\nname: zero\nsources:\n  z: /dev/zero\n")
    run = cli("validate", "zero.yaml", "--allow-path", "/dev")  # even where allowed, and cited by no quote
    p = run.only
    assert run.code == 2 and (p.file, p.line) == ("zero.yaml", 4)
    assert p.text == "sources.z: the source document cannot be used"
    assert "/dev/zero: is not a regular file (a device, FIFO or socket)" in p.hint


def test_a_fifo_is_refused_without_blocking(cli, workdir: Path) -> None:
    os.mkfifo(workdir / "pipe.yaml")
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(cli("validate", "pipe.yaml")), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert result, "validating a FIFO blocked"
    assert result[0].only.text == "is not a regular file (a device, FIFO or socket)"  # type: ignore[attr-defined]


def test_a_file_over_the_cap_is_refused_fast_saying_what_was_too_large(cli, workdir: Path) -> None:
    lines = ["name: big"] + [f"key_{i}: {i}" for i in range(MAX_FILE_BYTES // 10)]
    (workdir / "big.yaml").write_text("\n".join(lines), encoding="utf-8")
    size = (workdir / "big.yaml").stat().st_size
    assert size > MAX_FILE_BYTES
    p = cli("validate", "big.yaml").only
    assert p.text == (
        f"the file is too large ({size:,} bytes; a scenario or source document may have at most "
        f"{MAX_FILE_BYTES:,} bytes)"
    )


def test_many_plain_values_are_not_called_an_alias_bomb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "MAX_NODES", 1000)  # the real limit, 100,000 values, takes seconds to reach
    with pytest.raises(ConfigError) as info:
        parse_yaml("a: [" + ", ".join(["1"] * 1005) + "]\n", "f.yaml")
    (p,) = info.value.problems
    assert p.message == "the document has more than 1,000 values (a scenario has a few thousand)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &a [*a]\n", "an alias refers to the node that contains it"),
        ("name: x\nb: &b {c: *b}\n", "an alias refers to the node that contains it"),
        ("a: " + "[" * 800 + "]" * 800 + "\n", f"nested too deeply (more than {MAX_DEPTH} levels)"),
        ("a: " + "{b: " * 60 + "1" + "}" * 60 + "\n", f"nested too deeply (more than {MAX_DEPTH} levels)"),
    ],
)
def test_recursion_is_a_message(cli, workdir: Path, text: str, message: str) -> None:
    (workdir / "deep.yaml").write_text(text, encoding="utf-8")
    run = cli("validate", "deep.yaml")
    assert run.code == 2 and "Traceback" not in run.err
    assert run.only.file == "deep.yaml" and run.only.text.endswith(message)
