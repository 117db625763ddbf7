"""No traceback on user input anywhere in the CLI (issue 34, item 5): every command, given a table of bad arguments
(NaN, negative, huge, empty, over-long, the wrong kind of path), exits with code 2 and a message, and writes
nothing. Links, FIFOs and devices are made in a temporary folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from scenarios.cli import command_modules, main
from scenarios.engine.batch import run_batch

ROOT = Path(__file__).resolve().parents[2]
BASELINE = str(ROOT / "configs" / "baseline.yaml")
SHORT = ["--set", "simulation.horizon_days=30"]
HAWKISH = ["--set", "actors.azerbaijan.gain_weight=1000", "--set", "actors.azerbaijan.cover_cost=1000"]
LONG = "n" * 300  # a file name longer than any file system takes
HUGE = str(10**30)


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The paths the table uses: a results folder of two scenarios, a file, a folder, a FIFO, a link loop, ..."""
    root = tmp_path_factory.mktemp("bad-arguments")
    batch = root / "r"
    run_batch(
        [ROOT / "configs" / "baseline.yaml", ROOT / "configs" / "early-winter.yaml"],
        n=6,
        seed=1,
        overrides=["simulation.horizon_days=30"],
        executor="serial",
        out=batch,
        quiet=True,
    )
    (root / "afile.txt").write_text("a file of the user's")
    (root / "folder").mkdir()
    os.mkfifo(root / "fifo")
    (root / "loop").symlink_to(root / "loop")
    shutil.copytree(ROOT / "configs", root / "configs")  # a scenario a command is asked to write over: a copy
    return {
        "scenario": str(root / "configs" / "baseline.yaml"),
        "dir": str(batch),
        "file": str(root / "afile.txt"),
        "folder": str(root / "folder"),
        "fifo": str(root / "fifo"),
        "loop": str(root / "loop"),
        "under_file": str(root / "afile.txt" / "x"),
        "missing": str(root / "missing"),
        "long": str(root / LONG),
        "new": str(root / "new"),
        "root": str(root),
    }


# (command and arguments; {dir} etc. are the paths above). Each must exit 2 with a message and no traceback.
TABLE: list[tuple[str, ...]] = [
    # scenario files of the wrong kind
    *[
        (cmd, "{" + kind + "}")
        for cmd in ("validate", "show", "trace", "measures", "trace-run")
        for kind in ("folder", "fifo", "missing", "long", "under_file", "loop")
    ],
    ("validate", ""),
    ("validate", "   "),
    ("validate", "/dev/zero"),
    ("validate", BASELINE, "--set", ""),
    ("validate", BASELINE, "--set", "=1"),
    ("validate", BASELINE, "--set", "a..b=1"),
    ("validate", BASELINE, "--set", ".".join(["a"] * 2000) + "=1"),
    ("validate", BASELINE, "--set", "simulation.horizon_days=nan"),
    ("validate", BASELINE, "--set", "simulation.horizon_days=-1"),
    ("validate", BASELINE, "--set", f"simulation.horizon_days={HUGE}"),
    ("validate", BASELINE, "--set", "ceasefire.attacker_violation_rate=1e20"),
    ("validate", BASELINE, "--set", "ceasefire.attacker_violation_rate=.nan"),
    ("validate", BASELINE, "--set", "ceasefire.attacker_violation_rate=-3"),
    ("validate", BASELINE, "--allow-path", ""),
    ("show", BASELINE, "--set", "name=" + "a" * 300),
    ("trace-run", BASELINE, "--seed", "-1"),
    ("trace-run", BASELINE, "--seed", HUGE),
    ("trace-run", BASELINE, "--replication", "nan"),
    ("trace-run", BASELINE, "--replication", HUGE),
    ("measures", BASELINE, "--measures", "{fifo}"),
    ("measures", "--measures", "/dev/zero"),
    # run and rerun
    ("run", BASELINE, "--out", ""),
    ("run", BASELINE, "--out", "   "),
    ("run", BASELINE, "--out", "{file}"),
    ("run", BASELINE, "--out", "{under_file}"),
    ("run", BASELINE, "--out", "{long}"),
    ("run", BASELINE, "--out", "/proc/scenarios-out"),
    ("run", BASELINE, "--out", "{fifo}"),
    ("run", BASELINE, "--out", "{loop}"),
    ("run", BASELINE, "--out", "{root}"),  # a folder of the user's (it holds a file, a FIFO, ...)
    ("run", BASELINE, "--n", "0", "--out", "{new}"),
    ("run", BASELINE, "--n", "-5", "--out", "{new}"),
    ("run", BASELINE, "--n", "nan", "--out", "{new}"),
    ("run", BASELINE, "--n", "1e9", "--out", "{new}"),
    ("run", BASELINE, "--n", HUGE, "--out", "{new}"),
    ("run", BASELINE, "--n", "100000000", "--out", "{new}", *SHORT),  # days of work: needs --yes
    ("run", BASELINE, "--seed", "-1", "--out", "{new}"),
    ("run", BASELINE, "--seed", HUGE, "--out", "{new}"),
    ("run", BASELINE, "--seed", "nan", "--out", "{new}"),
    ("run", BASELINE, "--workers", "0", "--out", "{new}"),
    ("run", BASELINE, "--workers", HUGE, "--out", "{new}"),
    ("run", BASELINE, "--chunk-size", "-1", "--out", "{new}"),
    ("run", BASELINE, "--executor", "threads", "--out", "{new}"),
    ("run", BASELINE, "--executor", "dask", "--scheduler", "tls://127.0.0.1:9", "--out", "{new}"),
    ("run", BASELINE, "--executor", "dask", "--scheduler", "", "--out", "{new}"),
    ("run", BASELINE, "--scheduler", "tcp://127.0.0.1:9", "--out", "{new}"),
    ("run", BASELINE, "--report", "", "--out", "{new}"),
    ("run", BASELINE, "--report", "{folder}", "--out", "{new}"),
    ("run", BASELINE, "--report", "{fifo}", "--out", "{new}"),
    ("run", BASELINE, "--report", "{scenario}", "--out", "{new}"),
    ("run", BASELINE, "--report", "/proc/report.html", "--out", "{new}"),
    ("run", BASELINE, BASELINE, "--out", "{new}"),
    ("run", BASELINE, "--resume", "--out", "{new}"),
    # a Baku that ends the start truce before 12 October on every path: every replication fails
    ("run", BASELINE, *HAWKISH, "--set", "actors.azerbaijan.review_every_days=0.25", "--out", "{new}", *SHORT),
    ("rerun", "{dir}", "--out", "{dir}"),
    ("rerun", "{dir}", "--out", ""),
    ("rerun", "{folder}", "--out", "{new}"),
    ("rerun", "{fifo}", "--out", "{new}"),
    ("rerun", "{dir}", "--out", "{file}"),
    ("rerun", "{dir}", "--out", "{new}", "--workers", "-1"),
    # reading results
    *[
        (cmd, "{" + kind + "}")
        for cmd in ("summary", "report", "forecast", "score", "importance", "discover")
        for kind in ("folder", "fifo", "missing", "long", "file", "loop", "under_file")
    ],
    ("summary", ""),
    ("summary", "/proc"),
    ("summary", "{dir}", "--days", "nan"),
    ("summary", "{dir}", "--days", "inf"),
    ("summary", "{dir}", "--days", "-5"),
    ("summary", "{dir}", "--days", "0"),
    ("summary", "{dir}", "--days", "1e308"),
    ("summary", "{dir}", "--measure", ""),
    ("summary", "{dir}", "--measure", "x" * 20000),
    ("summary", "{dir}", "--measure", "(" * 1500 + "1" + ")" * 1500),
    ("summary", "{dir}", "--measure", "no_such_column > 1"),
    ("summary", "{dir}", "--measures", "{fifo}"),
    ("summary", "{dir}", "--measures", "{folder}"),
    ("summary", "{dir}", "--measures", "/dev/zero"),
    ("compare", "{dir}", "--baseline", ""),
    ("compare", "{dir}", "--baseline", "nope"),
    ("compare", "{dir}", "--csv", ""),
    ("compare", "{dir}", "--csv", "{folder}"),
    ("compare", "{dir}", "--csv", "{fifo}"),
    ("compare", "{dir}", "--csv", "{file}"),  # exists: needs --overwrite
    ("compare", "{dir}", "--csv", "{scenario}", "--overwrite"),
    ("compare", "{dir}", "--csv", "{under_file}.csv"),
    ("compare", "{dir}", "--plots", "{file}"),
    ("compare", "{dir}", "--plots", ""),
    ("compare", "{dir}", "--days", "-1"),
    ("compare", "{dir}", "{folder}"),
    ("plot", "{dir}", "--kind", "survival", "-o", ""),
    ("plot", "{dir}", "--kind", "survival", "-o", "{folder}"),
    ("plot", "{dir}", "--kind", "survival", "-o", "{file}"),
    ("plot", "{dir}", "--kind", "survival", "-o", "/dev/null"),
    ("plot", "{dir}", "--kind", "survival", "-o", "{root}/x.png", "--dpi", "0"),
    ("plot", "{dir}", "--kind", "survival", "-o", "{root}/x.png", "--dpi", "-1"),
    ("plot", "{dir}", "--kind", "survival", "-o", "{root}/x.png", "--dpi", "100000"),
    ("plot", "{dir}", "--kind", "survival", "-o", "{root}/x.png", "--dpi", "nan"),
    ("plot", "{dir}", "--kind", "pie", "-o", "{root}/x.png"),
    ("plot", "{dir}", "--kind", "survival", "-o", "/proc/x.png"),
    ("report", "{dir}", "-o", ""),
    ("report", "{dir}", "-o", "{scenario}"),
    ("report", "{dir}", "-o", "{scenario}", "--overwrite"),
    ("report", "{dir}", "-o", "{dir}/manifest.json", "--overwrite"),
    ("report", "{dir}", "-o", "{fifo}"),
    ("report", "{dir}", "-o", "{folder}"),
    ("report", "{dir}", "-o", "{under_file}.html"),
    ("report", "{dir}", "-o", "/proc/r.html"),
    ("report", "{dir}", "-o", "{root}/{long}.html"),
    ("report", "{dir}", "--days", "nan"),
    ("diff", "", BASELINE),
    ("diff", "{fifo}", BASELINE),
    ("diff", "{folder}", BASELINE),
    ("diff", "{dir}:nope", BASELINE),
    ("diff", BASELINE, "{long}"),
    ("importance", "{dir}", "--bootstrap", "0"),
    ("importance", "{dir}", "--bootstrap", HUGE),
    ("importance", "{dir}", "--seed", "-1"),
    ("importance", "{dir}", "--outcome", ""),
    ("importance", "{dir}", "--scenario", ""),
    ("importance", "{dir}", "--scenario", "nope"),
    ("discover", "{dir}", "--depth", "0"),
    ("discover", "{dir}", "--depth", HUGE),
    ("discover", "{dir}", "--boxes", "-1"),
    ("discover", "{dir}", "--outcome", "war_days"),  # not a 0/1 outcome
    ("discover", "{dir}", "--method", "svm"),
    ("check", "{dir}", "--n", "5"),
    ("check", "{folder}"),
    ("check", "{fifo}"),
    ("check", "", "--n", "5"),
    ("check", BASELINE, "--n", "0"),
    ("check", BASELINE, "--n", "nan"),
    ("check", BASELINE, "--seed", "-1"),
    ("check", BASELINE, "--out", "{file}", "--n", "5"),
    ("forecast", "{dir}", "--questions", "{fifo}"),
    ("forecast", "{dir}", "--questions", "/dev/zero"),
    ("forecast", "{dir}", "--questions", ""),
    ("score", "{dir}", "--questions", "{folder}"),
    ("score", "{dir}", "--plot", "{fifo}"),
    ("score", "{dir}", "--plot", "{file}"),
    # studies
    ("whatif", BASELINE),  # no tweak
    ("whatif", "{fifo}", "--set", "world.start_attention=3"),
    ("whatif", BASELINE, "--set", "world.start_attention=nan"),
    ("whatif", BASELINE, "--set", "world.start_attention=3", "--n", "0"),
    ("whatif", BASELINE, "--set", "world.start_attention=3", "--n", "-2"),
    ("whatif", BASELINE, "--set", "world.start_attention=3", "--seed", HUGE),
    ("whatif", BASELINE, "--set", "world.start_attention=3", "--out", ""),
    ("whatif", BASELINE, "--set", "world.start_attention=3", "--out", "{root}"),
    ("whatif", BASELINE, "--set", "world.start_attention=3", "--out", "{dir}", "--n", "4"),  # a batch: --overwrite
    ("whatif", BASELINE, "--set", "world.start_attention=3", "--save", ""),
    ("whatif", BASELINE, "--set", "world.start_attention=3", "--save", "{folder}"),
    ("whatif", "{scenario}", "--set", "world.start_attention=3", "--save", "{scenario}", "--force"),
    ("whatif", BASELINE, "--set", "world.start_attention=3", "--save", "{root}/x.txt"),
    ("whatif", BASELINE, "--set", "world.start_attention=3", "--save", "{under_file}.yaml"),
    ("whatif", BASELINE, "--set", "world.start_attention=3", "--save", "{root}/a b.yaml", "--n", "4"),
    ("whatif", BASELINE, "--set", "world.start_attention=3", "--note", "x" * 5000),
    ("whatif", BASELINE, "--set", "world.start_attention=3", "--note", "why"),  # --note without --save
    ("whatif", BASELINE, "--set", "world.start_attention=3", "--force"),  # --force without --save
    ("whatif", BASELINE, "--set", "world.start_attention=3", "--measure", "nope > 1"),
    ("whatif", BASELINE, "--set", "world.start_attention=3", "--sweep", "world.start_attention=[1, 2]"),
    ("whatif", BASELINE, "--sweep", "world.start_attention=3"),
    ("whatif", BASELINE, "--sweep", "world.start_attention=[]"),
    ("whatif", BASELINE, "--sweep", "world.start_attention=[1, nan]"),
    ("whatif", BASELINE, "--sweep", "world.start_attention=[1, 2]", "--measure", "outcome:nope"),
    ("whatif", BASELINE, "--sweep", "world.start_attention=[1, 2]", "--measure", "outcome_class"),
    ("whatif", BASELINE, "--sweep", "world.start_attention=[1, 2]", "--note", "why"),
    ("whatif", BASELINE, "--sweep", "world.start_attention=[1, 2]", "--save", "{root}/x.txt"),
    ("whatif", BASELINE, "--sweep", "world.start_attention=[1, 2]", "--csv", "{file}"),
    ("whatif", BASELINE, "--set", "world.start_attention=3", "--json", "{file}"),
    ("sensitivity", "{folder}"),
    ("sensitivity", BASELINE, "--n", "0"),
    ("sensitivity", BASELINE, "--n", "nan"),
    ("sensitivity", BASELINE, "--params", "", "--n", "2"),
    ("sensitivity", BASELINE, "--params", "nothing.matches.*", "--n", "2"),
    ("sensitivity", BASELINE, "--outcome", "", "--n", "2"),
    ("sensitivity", BASELINE, "--outcome", "outcome_class", "--n", "2"),
    ("sensitivity", BASELINE, "--method", "fast"),
    ("sensitivity", BASELINE, "--seed", "-3"),
    ("sensitivity", BASELINE, "--out", "{root}", "--n", "2", "--params", "ceasefire.attacker_violation_rate"),
    ("calibrate", "{fifo}"),
    ("calibrate", BASELINE, "--waves", "0"),
    ("calibrate", BASELINE, "--waves", HUGE),
    ("calibrate", BASELINE, "--points", "4"),
    ("calibrate", BASELINE, "--n", "9"),
    ("calibrate", BASELINE, "--cut", "nan"),
    ("calibrate", BASELINE, "--cut", "-1"),
    ("calibrate", BASELINE, "--cut", "inf"),
    ("calibrate", BASELINE, "--seed", "-1"),
    ("calibrate", BASELINE, "--save", "", "--out", "{new}"),
    ("calibrate", "{scenario}", "--save", "{scenario}", "--force", "--out", "{new}"),
    ("calibrate", BASELINE, "--save", "{root}/x.txt", "--out", "{new}"),
    ("calibrate", BASELINE, "--save", "{root}/c.yaml", "--out", "{root}"),
    ("calibrate", BASELINE, "--params", "nothing.*", "--out", "{new}", "--save", "{root}/c.yaml"),
    ("schema", "--json"),
]


def _ids(case: tuple[str, ...]) -> str:
    return " ".join(a if len(a) < 40 else a[:20] + "..." for a in case)


def test_the_table_covers_every_command() -> None:
    covered = {case[0] for case in TABLE}
    assert covered == set(command_modules())


@pytest.mark.parametrize("case", TABLE, ids=_ids)
def test_a_bad_argument_is_a_message(
    case: tuple[str, ...], place: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(place["root"])
    argv = [arg.format(**place) for arg in case]
    before = sorted(os.listdir(place["root"]))
    manifest = Path(place["dir"], "manifest.json").read_bytes()
    scenario = Path(place["scenario"]).read_bytes()
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse refuses it
        code = exc.code  # type: ignore[assignment]
    out, err = capsys.readouterr()
    assert code == 2, f"exit {code}\n{out}\n{err}"
    assert "error: " in err, err
    assert "Traceback" not in err + out
    assert "this is a bug" not in err  # a message of its own, not the last resort for what no check foresaw
    assert sorted(os.listdir(place["root"])) == before  # nothing written, nothing removed
    assert Path(place["dir"], "manifest.json").read_bytes() == manifest
    assert Path(place["scenario"]).read_bytes() == scenario
    new = Path(place["new"])
    if new.exists():
        shutil.rmtree(new)
