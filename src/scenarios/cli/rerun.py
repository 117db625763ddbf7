"""`scenarios rerun DIR --out NEWDIR`: run again the batch a results folder's manifest describes."""

from __future__ import annotations

import argparse

from scenarios.cli.args import FOLDER, add_executor, run_options

HELP = "run again the batch a results folder's manifest describes"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", type=FOLDER, metavar="DIR")
    p.add_argument("--out", type=FOLDER, required=True, help="folder for the new results")
    add_executor(p)


def run(args: argparse.Namespace) -> int:
    from scenarios.engine.batch import rerun_manifest

    result = rerun_manifest(args.dir, run_options(args))
    print(f"{result.status}: re-ran {args.dir} into {result.directory}")
    return 0
