"""What several commands share: argument groups (--set, --allow-path, the executor flags, --measure), argument
types, and the few steps between parsing and the library (run options, folders read as one batch, a measure named
by a flag). Nothing here imports the analysis stack at import time: building the parser stays fast."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from scenarios.exceptions import ScenarioError

if TYPE_CHECKING:
    import pandas as pd

    from scenarios.config.schema import Scenario
    from scenarios.engine.options import RunOptions
    from scenarios.io.load import Results
    from scenarios.measures import Measure


def count(least: int, most: int | None = None) -> Callable[[str], int]:
    """An argparse type: an integer of at least `least` and at most `most` (argparse names the flag in its error)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text[:80]!r}") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be at least {least}, got {value}")
        if most is not None and value > most:
            raise argparse.ArgumentTypeError(f"must be at most {most:,}, got {value:,}")
        return value

    return parse


def number(least: float, most: float, *, above: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number in [least, most] (or (least, most] with `above`)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text[:80]!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"expected a finite number, got {text[:80]!r}")
        if value < least or (above and value == least):
            raise argparse.ArgumentTypeError(f"must be {'above' if above else 'at least'} {least:g}, got {value:g}")
        if value > most:
            raise argparse.ArgumentTypeError(f"must be at most {most:g}, got {value:g}")
        return value

    return parse


def path_text(what: str) -> Callable[[str], str]:
    """An argparse type: a usable name of `what` (a file, a folder): not empty or blank, no NUL byte, not too long."""

    def parse(text: str) -> str:
        from scenarios.io.safe import name_problem

        problem = name_problem(text)
        if problem is not None:
            raise argparse.ArgumentTypeError(f"{problem}; give {what}")
        return text

    return parse


def text(most: int) -> Callable[[str], str]:
    """An argparse type: text of at most `most` characters."""

    def parse(value: str) -> str:
        if len(value) > most:
            raise argparse.ArgumentTypeError(f"at most {most:,} characters, got {len(value):,}")
        return value

    return parse


def name_text(what: str) -> Callable[[str], str]:
    """An argparse type: a name (of a scenario, say): not empty, at most 200 characters."""

    def parse(value: str) -> str:
        if not value.strip():
            raise argparse.ArgumentTypeError(f"an empty name; give {what}")
        return text(200)(value)

    return parse


FILE = path_text("a file name")
FOLDER = path_text("a folder name")
SEED = count(0, 2**63 - 1)  # a batch seed: a non-negative 64-bit integer (the errors table stores it as one)
WORKERS = count(1, 1024)
DAYS = number(0, 1e6, above=True)
EXPRESSION = text(10_000)  # a measure's name or expression


def add_set(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a value, e.g. --set actors.<id>.rationality=3 (repeatable)",
    )


def add_allow(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--allow-path",
        dest="allow_path",
        action="append",
        default=[],
        metavar="DIR",
        type=FOLDER,
        help="let `extends:` and `sources:` name files in DIR too (repeatable; default: only the scenario's folder)",
    )


def add_executor(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=WORKERS, default=None, help="worker processes (default: one per core)")
    p.add_argument(
        "--executor",
        choices=("serial", "process", "dask"),
        default="process",
        help="serial: in this process; process: a process pool (default); dask: a Dask cluster",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="with --executor dask: a running scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster)",
    )
    p.add_argument("--overwrite", action="store_true", help="replace the results already in the output folder")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    add_yes(p)


def add_yes(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--yes",
        dest="confirm",
        action="store_true",
        help="run a batch estimated to take more than an hour or 10 GB (refused otherwise, with the estimate)",
    )


def add_overwrite(p: argparse.ArgumentParser, what: str = "an existing output file") -> None:
    p.add_argument("--overwrite", action="store_true", help=f"replace {what}")


def add_table_files(p: argparse.ArgumentParser) -> None:
    """`--csv FILE` and `--json FILE`: the command's tidy table (the result object's `.table`) written as well."""
    p.add_argument("--csv", type=FILE, default=None, metavar="FILE", help="also write the full table as CSV")
    p.add_argument(
        "--json", type=FILE, default=None, metavar="FILE", help="also write the full table as JSON (one record a row)"
    )


def check_table_files(args: argparse.Namespace) -> None:
    """The files of `add_table_files`, checked before any work (an existing one only with --overwrite)."""
    from scenarios.io.owned import check_output_file

    replace = bool(getattr(args, "overwrite", False))
    for field, suffix in (("csv", ".csv"), ("json", ".json")):
        if getattr(args, field, None):
            check_output_file(getattr(args, field), field=field, replace=replace, suffixes=(suffix,), named=True)


def write_table_files(args: argparse.Namespace, table: Any) -> None:
    """Write the table to the files `add_table_files` named (NaN as empty in CSV, null in JSON)."""
    from scenarios.io.owned import write_output

    replace = bool(getattr(args, "overwrite", False))
    if getattr(args, "csv", None):
        write_output(args.csv, table.to_csv(index=False).encode("utf-8"), field="csv", replace=replace, named=True)
        print(f"table: {args.csv}")
    if getattr(args, "json", None):
        data = table.to_json(orient="records", indent=1, force_ascii=False, date_format="iso").encode("utf-8")
        write_output(args.json, data, field="json", replace=replace, named=True)
        print(f"table: {args.json}")


def add_measures(p: argparse.ArgumentParser, choose: bool = True, help: str | None = None) -> None:
    if choose:
        p.add_argument(
            "--measure",
            action="append",
            default=[],
            type=EXPRESSION,
            metavar="NAME|EXPR",
            help=help or "also show this measure: a name (`scenarios measures`) or an expression (repeatable)",
        )
    p.add_argument(
        "--measures",
        dest="measure_files",
        action="append",
        default=[],
        type=FILE,
        metavar="FILE",
        help="a YAML file of more measures (measures: {name: {expression: ...}}) (repeatable)",
    )


def add_days(p: argparse.ArgumentParser) -> None:
    p.add_argument("--days", type=DAYS, nargs="+", default=[7, 30, 90], help="durations for P(holds d days)")


def run_options(args: argparse.Namespace, **fixed: Any) -> RunOptions:
    """The `RunOptions` a command's arguments give: each field its flags set (by `dest`), `fixed`, the defaults for
    the rest."""
    import dataclasses

    from scenarios.engine.options import RunOptions

    names = {f.name for f in dataclasses.fields(RunOptions)}
    return RunOptions(**{**{k: v for k, v in vars(args).items() if k in names}, **fixed})


def load_many(dirs: Sequence[str]) -> Results:
    """Results folders read as one batch (`analysis.compare.merge_batches` says where that misleads)."""
    from scenarios.analysis.compare import merge_batches
    from scenarios.io.load import load_results

    return merge_batches([load_results(d) for d in dirs])


def measures_of(results: Results, args: argparse.Namespace) -> list[Measure]:
    """The measures named by --measure (names or expressions), with the batch's and --measures files' definitions."""
    from scenarios.measures import results_measures

    ms = results_measures(results, args.measure_files)
    out = []
    for text in args.measure:
        try:
            out.append(ms.get(text))
        except ScenarioError as exc:
            raise ScenarioError(f"--measure {text}: {exc}") from None
    return out


def outcome_of(results: Results, args: argparse.Namespace) -> Measure:
    """The measure --outcome names (a name or an expression), or a ScenarioError naming the flag."""
    from scenarios.measures import results_measures

    try:
        return results_measures(results, args.measure_files).get(args.outcome)
    except ScenarioError as exc:
        raise ScenarioError(f"--outcome {args.outcome}: {exc}") from None


def scenario_arg(text: str) -> Scenario:
    """A scenario named on the command line: a YAML file, or a results folder (its first scenario, or DIR:NAME)."""
    from pathlib import Path

    from scenarios.config.loader import load_scenario, scenario_from_dump
    from scenarios.io.store import read_manifest, required_problem

    folder, _, name = text.partition(":") if ":" in text and not Path(text).exists() else (text, "", "")
    if Path(folder).is_dir():
        manifest = read_manifest(Path(folder))
        problem = required_problem(manifest)
        if problem is not None:
            raise ScenarioError(f"{folder}/manifest.json: {problem}; the manifest was edited or is damaged")
        entries = manifest["scenarios"]
        entry = next((e for e in entries if e["name"] == name), None) if name else entries[0]
        if entry is None:
            raise ScenarioError(f"{folder}: no scenario {name!r}; it holds {', '.join(e['name'] for e in entries)}")
        return scenario_from_dump(entry["config"], f"{folder}/manifest.json", entry.get("origins"))
    return load_scenario(text)


def print_table(table: Any, title: str) -> None:
    """A title, then a DataFrame as plain text (three decimals, no index, text columns flush left so words read as
    words; no trailing blanks)."""
    import pandas as pd

    assert isinstance(table, pd.DataFrame)
    shown = table.copy()
    for column in table.columns:
        if table[column].dtype == object:
            cells = table[column].astype(str)
            width = max(len(str(column)), int(cells.str.len().max()) if len(cells) else 0)
            shown[column] = cells.str.ljust(width)
            shown = shown.rename(columns={column: str(column).ljust(width)})
    print(title)
    with pd.option_context("display.width", 160, "display.max_rows", 200, "display.float_format", "{:.3f}".format):
        print("\n".join(line.rstrip() for line in shown.to_string(index=False).splitlines()))


def with_parameter_labels(table: pd.DataFrame, column: str = "parameter") -> pd.DataFrame:
    """A table of parameters as a console shows it: `column` holds each parameter in words, as charts name it
    (`labels.parameter_label`, shortened), and the key moves to the last column, `labels.KEY`, for `--set`."""
    from scenarios.labels import KEY, parameter_label, short

    keys = table[column]
    return table.assign(**{column: [short(parameter_label(str(k))) for k in keys]}).assign(**{KEY: keys})


def duration(seconds: float) -> str:
    """A duration as a person says it: 40 s, 12 min, 1.5 h."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
