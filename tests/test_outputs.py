"""Every command that writes a file refuses to replace an existing file or batch without --overwrite (or --force),
never writes over a scenario file or a batch's own manifest, and checks what it will write before it does any work
(issue 34, items 1 and 4). Files are compared byte for byte before and after."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from scenarios.cli import main
from scenarios.config.loader import load_scenario
from scenarios.config.paths import allowing
from scenarios.engine.batch import run_batch

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "baseline.yaml"
SHORT = "simulation.horizon_days=30"
FAST = ["--executor", "serial", "--set", SHORT]
Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    def run(*argv: str) -> tuple[int, str, str]:
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("outputs") / "r"
    run_batch([BASELINE], n=12, seed=1, overrides=[SHORT], executor="serial", out=out, quiet=True)
    return out


@pytest.fixture
def results(reference: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(reference, tmp_path / "r"))


@pytest.fixture
def configs(tmp_path: Path) -> Path:
    folder = tmp_path / "configs"
    shutil.copytree(ROOT / "configs", folder)
    return folder


def refused(run: tuple[int, str, str], *fragments: str) -> None:
    code, _out, err = run
    assert code == 2 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, err


def keeps(path: Path) -> Callable[[], None]:
    """A check that `path` still holds what it holds now."""
    before = path.read_bytes()
    return lambda: None if path.read_bytes() == before else pytest.fail(f"{path} changed")


def test_report_never_writes_over_a_scenario_or_a_manifest(cli: Cli, results: Path, configs: Path) -> None:
    scenario, manifest = configs / "baseline.yaml", results / "manifest.json"
    unchanged = [keeps(scenario), keeps(manifest)]
    for flags in [(), ("--overwrite",)]:
        refused(cli("report", str(results), "-o", str(scenario), *flags), "a scenario file's name")
        refused(cli("report", str(results), "-o", str(manifest), *flags))
    for check in unchanged:
        check()


def test_report_plot_compare_and_score_refuse_an_existing_file_without_overwrite(
    cli: Cli, results: Path, reference: Path, tmp_path: Path
) -> None:
    mine = {name: tmp_path / name for name in ("mine.html", "mine.png", "mine.csv")}
    for path in mine.values():
        path.write_text("the user's own")
    plots = tmp_path / "plots"
    plots.mkdir()
    (plots / "survival.png").write_text("the user's own plot")
    unchanged = [keeps(p) for p in (*mine.values(), plots / "survival.png")]
    refused(cli("report", str(results), "-o", str(mine["mine.html"])), "the file exists; add --overwrite")
    refused(cli("plot", str(results), "--kind", "survival", "-o", str(mine["mine.png"])), "add --overwrite")
    refused(cli("compare", str(results), "--csv", str(mine["mine.csv"])), "--csv", "add --overwrite")
    refused(cli("compare", str(results), "--plots", str(plots)), f"{plots / 'survival.png'}: the file exists")
    questions = ROOT / "configs" / "questions"
    qfile = next(questions.glob("*.yaml"))
    refused(cli("score", str(results), "--questions", str(qfile), "--plot", str(mine["mine.png"])), "--plot")
    for check in unchanged:
        check()
    assert cli("report", str(results), "-o", str(mine["mine.html"]), "--overwrite")[0] == 0
    assert mine["mine.html"].read_text().startswith("<!doctype html>")
    assert cli("compare", str(results), str(reference), "--csv", str(mine["mine.csv"]), "--overwrite")[0] == 0
    assert mine["mine.csv"].read_text().startswith("scenario,")


def test_an_output_under_a_file_or_in_proc_is_a_message_before_any_work(
    cli: Cli, results: Path, tmp_path: Path
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    for target in (afile / "r.html", Path("/proc/r.html")):
        refused(cli("report", str(results), "-o", str(target)))
    refused(cli("plot", str(results), "--kind", "survival", "-o", str(afile / "x.png")))
    refused(cli("compare", str(results), "--plots", str(afile)))
    out = tmp_path / "new"
    refused(cli("run", str(BASELINE), "--n", "2", "--out", str(out), "--report", str(afile / "r.html"), *FAST))
    assert not out.exists()  # refused before the batch


def test_run_report_is_checked_before_the_batch(cli: Cli, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    report.write_text("the user's own")
    out = tmp_path / "r"
    refused(cli("run", str(BASELINE), "--n", "2", "--out", str(out), "--report", str(report), *FAST), "--report")
    assert not out.exists() and report.read_text() == "the user's own"
    refused(cli("run", str(BASELINE), "--n", "2", "--out", str(out), "--report", str(tmp_path / "r.yaml"), *FAST))
    assert not out.exists()


def test_whatif_out_refuses_a_complete_batch_and_keeps_the_users_report(
    cli: Cli, results: Path, tmp_path: Path
) -> None:
    (results / "report.html").write_text("the user's report")
    unchanged = [keeps(results / "report.html"), keeps(results / "manifest.json")]
    args = ["whatif", str(BASELINE), "--set", "world.start_attention=3", "--n", "2", "--out", str(results), *FAST]
    refused(cli(*args), "already holds", "--overwrite")
    refused(cli(*args, "--overwrite"), f"{results / 'report.html'}: the file exists")  # the user's: never replaced
    for check in unchanged:
        check()
    folder = tmp_path / "w"
    assert cli(*args[: -len(FAST) - 2], "--out", str(folder), *FAST)[0] == 0
    refused(cli(*args[: -len(FAST) - 2], "--out", str(folder), *FAST), "already holds a what-if")
    code, _, err = cli(*args[: -len(FAST) - 2], "--out", str(folder), "--overwrite", *FAST)
    assert code == 0, err


def test_sensitivity_and_check_out_refuse_a_complete_batch(cli: Cli, results: Path) -> None:
    unchanged = keeps(results / "replications.parquet")
    sens = [
        "sensitivity",
        str(BASELINE),
        "--n",
        "2",
        "--params",
        "ceasefire.attacker_violation_rate",
        "--out",
        str(results),
    ]
    refused(cli(*sens, *FAST), "already holds", "--overwrite")
    refused(cli("check", str(BASELINE), "--n", "4", "--out", str(results), *FAST), "already holds", "--overwrite")
    unchanged()


def test_calibrate_out_refuses_a_calibration_and_a_folder_of_the_users(cli: Cli, tmp_path: Path) -> None:
    from scenarios.io.owned import prepare_study

    done = tmp_path / "cal"
    prepare_study(done, replace=False, study="calibration")
    args = ["calibrate", str(BASELINE), "--waves", "1", "--points", "5", "--n", "10", "--no-check", *FAST]
    refused(cli(*args, "--out", str(done), "--save", str(tmp_path / "c.yaml")), "already holds a calibration")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    refused(cli(*args, "--out", str(mine), "--save", str(tmp_path / "c.yaml")), "holds files scenarios did not write")
    assert (mine / "notes.txt").read_text() == "keep" and not (tmp_path / "c.yaml").exists()


def test_whatif_save_is_checked_before_the_batch(cli: Cli, configs: Path, tmp_path: Path) -> None:
    """A name that cannot be a scenario's, a place under a file, a note that makes the file too large: refused before
    anything runs (the README promised it; the check came after the batch)."""
    afile = tmp_path / "afile"
    afile.write_text("x")
    out = tmp_path / "w"
    base = ["whatif", str(configs / "baseline.yaml"), "--set", "world.start_attention=3", "--n", "4", "--out", str(out)]
    for save in (
        tmp_path / "my what if.yaml",
        tmp_path / ".hidden.yaml",
        afile / "w.yaml",
        tmp_path / ("x" * 80 + ".yaml"),
    ):
        refused(cli(*base, "--save", str(save), *FAST), save.name[:40])
        assert not out.exists() and not save.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "configs"]  # no draft left behind


@pytest.mark.slow
def test_a_calibrated_scenario_loads_whatever_its_title_and_folder(cli: Cli, tmp_path: Path) -> None:
    """The calibrated scenario is written by the YAML library and loaded before the command reports success: a
    title with quotes and a backslash, a folder named `my cfg #2`, once made a file that did not load (exit 0)."""
    folder = tmp_path / "my cfg #2"
    shutil.copytree(ROOT / "configs", folder)
    config = folder / "odd.yaml"
    # one wide judgment of its own (the baseline's are dropped in a file between): the test is of the file written
    (folder / "bare.yaml").write_text("extends: baseline.yaml\nname: bare\nexpectations: null\ndata: null\n")
    config.write_text(
        "extends: bare.yaml\nname: odd\ntitle: 'He said \"hold\" \\ then: # not a comment'\nexpectations:\n"
        '  wide:\n    source: {ref: isw, para: 4, quote: "despite major violations with civilian casualties"}\n'
        "    band: [0.05, 0.95]\n    measure: war_days > 0\n    note: A wide band, for the test.\n"
    )
    out = tmp_path / "cal"
    args = ["calibrate", str(config), "--waves", "1", "--points", "8", "--n", "20", "--params", "ceasefire.strain_*"]
    code, stdout, err = cli(*args, "--out", str(out), "--no-check", "--executor", "serial", "--quiet")
    assert code == 0, err
    assert not (folder / "odd-calibrated.yaml").exists()  # issue 32: never into the user's configs by default
    target = out / "odd-calibrated.yaml"  # the calibration's own folder, its ledger listing it
    if json.loads((out / "calibration.json").read_text())["ruled_out"] > 0:  # else nothing to run: not recommended
        assert f"run it with: scenarios run {target} --allow-path" in stdout
    else:
        assert "nothing was ruled out" in stdout and "not recommended" in stdout
    with allowing([folder]):  # it `extends:` odd.yaml, outside the results folder
        calibrated = load_scenario(target)
    assert calibrated.title == 'He said "hold" \\ then: # not a comment (calibrated to its expectations)'
    assert calibrated.name == "odd-calibrated"
    ledger = [json.loads(line) for line in (out / "written.jsonl").read_text().splitlines()]
    assert {"folder": "wave-1"} in ledger and {"file": "calibration.json"} in ledger
    assert {"file": "odd-calibrated.yaml"} in ledger
    sampled = (out / "odd-calibrated.sample.csv").exists()  # written only when something was ruled out
    assert sampled == ({"file": "odd-calibrated.sample.csv"} in ledger)


def test_a_file_the_user_named_is_replaced_only_with_overwrite_even_where_the_tool_wrote_it(
    cli: Cli, results: Path
) -> None:
    """A file the tool names itself in its folder (check-<name>.png, a stored analysis) it may write again; one the
    user named (-o, --csv, --plots, --report) needs --overwrite the second time too."""
    report = results / "r.html"
    assert cli("report", str(results), "-o", str(report))[0] == 0
    unchanged = keeps(report)
    refused(cli("report", str(results), "-o", str(report)), "the file exists; add --overwrite")
    unchanged()
    assert cli("report", str(results), "-o", str(report), "--overwrite")[0] == 0
    assert cli("check", str(results))[0] == 0
    assert cli("check", str(results))[0] == 0  # check-baseline.png again: the tool's own, named by the tool


@pytest.mark.parametrize(
    ("command", "first"),
    [
        (["summary", "{r}"], "scenario"),
        (["check", "{r}"], "scenario"),
        (["compare", "{r}", "{r}"], "scenario"),
        (["forecast", "{r}", "--questions", "{q}"], "scenario"),
        (["importance", "{r}", "--screen"], "parameter"),
    ],
)
def test_every_table_command_writes_its_table_as_csv_and_json_and_keeps_a_users_file(
    cli: Cli, results: Path, tmp_path: Path, command: list[str], first: str
) -> None:
    """Issue 32: CSV came only from `compare`. Each table command writes its tidy table (`--csv`, `--json`), the
    files checked before any work: a file of the user's is replaced only with --overwrite."""
    questions = next((ROOT / "configs" / "questions").glob("*.yaml"))
    argv = [a.replace("{r}", str(results)).replace("{q}", str(questions)) for a in command]
    csv, js = tmp_path / "t.csv", tmp_path / "t.json"
    code, out, err = cli(*argv, "--csv", str(csv), "--json", str(js))
    assert code == 0, err
    assert f"table: {csv}" in out and f"table: {js}" in out
    table = pd.read_csv(csv)
    assert table.columns[0] == first and len(table) > 0
    records = json.loads(js.read_text(encoding="utf-8"))
    assert isinstance(records, list) and len(records) == len(table) and first in records[0]
    unchanged = keeps(csv)
    refused(cli(*argv, "--csv", str(csv)), "--csv", "add --overwrite")
    unchanged()
    assert cli(*argv, "--csv", str(csv), "--overwrite")[0] == 0


def test_a_result_object_writes_its_table_as_csv_and_parquet(results: Path, tmp_path: Path) -> None:
    from scenarios import check, load_results, summarize

    loaded = load_results(results)
    for obj in (summarize(loaded), check(loaded)):
        text = obj.to_csv()
        assert text is not None and text.splitlines()[0].startswith("scenario,")
        obj.to_parquet(tmp_path / "t.parquet")
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "t.parquet"), obj.table.reset_index(drop=True))
