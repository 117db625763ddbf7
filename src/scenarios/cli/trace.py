"""`scenarios trace CONFIG`: each parameter beside the report's words, and the report's coverage."""

from __future__ import annotations

import argparse
import textwrap

from scenarios.cli.args import FILE, add_allow, add_set

HELP = "each judgment beside the report's words, and the report's coverage"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("config", type=FILE, metavar="CONFIG")
    add_set(p)
    add_allow(p)


def run(args: argparse.Namespace) -> int:
    from scenarios.config.inspect import coverage, trace_rows
    from scenarios.config.loader import load_scenario

    scenario = load_scenario(args.config, args.overrides)
    rows = trace_rows(scenario)
    report = [r for r in rows if r.kind == "report"]
    observed = [r for r in rows if r.kind == "observed"]
    assumed = [r for r in rows if r.kind == "assumption"]
    width = max(len(r.path) for r in rows)
    print(f"Judgments of the report ({len(report)} parameters)")
    for r in sorted(report, key=lambda r: (r.para or 0, r.path)):
        print(f"  {r.path:<{width}}  {r.value}")
        quote = f"\u00b6{r.para} \u201c{r.quote}\u201d"
        print(textwrap.fill(quote, width=110, initial_indent=" " * 6, subsequent_indent=" " * 8))
    if observed:
        print(f"\nGrounded in observations of the case ({len(observed)} parameters; the report is silent on these)")
        for r in observed:
            print(f"  {r.path:<{width}}  {r.value}")
            print(textwrap.fill(r.quote, width=110, initial_indent=" " * 6, subsequent_indent=" " * 6))
    print(f"\nModeller's assumptions ({len(assumed)} parameters; the report is silent on these)")
    for r in assumed:
        print(f"  {r.path:<{width}}  {r.value}")
        print(textwrap.fill(r.quote, width=110, initial_indent=" " * 6, subsequent_indent=" " * 6))
    for cov in coverage(scenario):
        print(
            f"\nCoverage of {cov.source} ({cov.title}): {len(cov.covered)} of {cov.paragraphs} paragraphs "
            f"covered ({cov.share:.0%}): {len(cov.encoded)} by parameters, {len(cov.expected)} by expectations, "
            f"{len(cov.both)} by both"
        )
        print("  parameter quotes per paragraph: " + ", ".join(f"\u00b6{p}: {n}" for p, n in cov.encoded.items()))
        print(
            "  expectations per paragraph: " + (", ".join(f"\u00b6{p}: {n}" for p, n in cov.expected.items()) or "none")
        )
        print("  not covered: " + (", ".join(f"\u00b6{p}" for p in cov.missing) or "none"))
    return 0
