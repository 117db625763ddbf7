"""`scenarios schema`: the JSON Schema of scenario files, or the key reference as Markdown."""

from __future__ import annotations

import argparse
import json

HELP = "print the JSON Schema of scenario files"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--markdown", action="store_true", help="the key reference as a Markdown table instead")


def run(args: argparse.Namespace) -> int:
    if args.markdown:
        from scenarios.config.reference import markdown_reference

        print(markdown_reference())
        return 0
    from scenarios.config.schema import Scenario

    print(json.dumps(Scenario.model_json_schema(), indent=2, ensure_ascii=False))
    return 0
