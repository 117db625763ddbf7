"""The HTML report: one self-contained file (images embedded, no network), from a Jinja2 template.

Everything that comes from YAML or results (names, notes, quotes) is escaped by the template engine.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from scenarios.analysis.check import Check
from scenarios.analysis.compare import merge_batches
from scenarios.analysis.summary import DESIGN_NOTE
from scenarios.config.diff import diff_scenarios
from scenarios.config.inspect import field_description, trace_rows
from scenarios.config.schema import Scenario
from scenarios.exceptions import ScenarioError
from scenarios.io.load import Results, load_results
from scenarios.io.owned import check_output_file, write_output
from scenarios.io.records import DURABLE_DEFINITION, OUTCOME_DEFINITIONS
from scenarios.report.figures import FigureCache, available_kinds, figure_bytes, make_figure, time_series
from scenarios.report.findings import Findings, StoredAnalysis
from scenarios.roles import fill

REPORT_SUFFIXES = (".html", ".htm")
CAPTIONS = {
    "survival": "Survival of the first truce: the share of replications in which {phrase} is still formally in "
    "force after each day (no party has ended it, whether or not it is fought under){band}; censored at the horizon.",
    "survival-all": "Survival of every truce agreed in the replications, formally in force (indicative: truces of one "
    "replication are not independent).",
    "outcomes": "Outcome classes at the horizon{intervals} (defined below, in What the outcomes mean).",
    "timeline": "Ceasefires in the first replications of each scenario; gaps between bars are open war.",
    "casualties": "Deaths by the horizon by category: boxes span the quartiles, whiskers the 5th to 95th percentiles.",
    "fan-territory": "Share of the contested value held by {attacker} over time: median and 50% / 90% bands {across}.",
    "fan-casualties": "Military deaths over time, both sides: median and 50% / 90% bands {across}.",
    "fan-attention": "International attention over time: median and 50% / 90% bands {across}.",
    "fan-supporter": "{Supporter}'s rung on its support ladder over time: the share of replications at each rung, "
    "{across}.",
    "fan-ceasefire": "The share of replications with a truce formally in force on each day{paren_band}, {across}.",
}
# how the captions name the confidence bands a figure draws; a study's design draws none (`plots`' `band`)
BANDS = {"band": ", with a 95% band", "intervals": " with 95% simultaneous intervals", "paren_band": " (95% band)"}


@dataclass(frozen=True)
class Section:
    """An extra section (e.g. sensitivity analysis or an assumption diff): a title and trusted HTML."""

    title: str
    html: str

    @classmethod
    def figure(cls, title: str, text: str, png: bytes, alt: str) -> Section:
        """A section of a paragraph (escaped) and an embedded PNG."""
        import html

        image = base64.b64encode(png).decode("ascii")
        return cls(
            title, f'<p>{html.escape(text)}</p><img alt="{html.escape(alt)}" src="data:image/png;base64,{image}">'
        )


def _figures(results: Results, plots_dir: Path | None, phrase: str, cache: FigureCache) -> list[dict[str, Any]]:
    """Every figure, embedded; with `plots_dir`, each is also written there as <kind>.png (drawn once)."""
    series, traced = time_series(results)
    runs = series.groupby("scenario", observed=True)["replication"].nunique() if not series.empty else pd.Series()
    n = f"{runs.min()}" if runs.empty or runs.min() == runs.max() else f"{runs.min()}-{runs.max()}"
    across = (
        f"across only the {n} traced replications of each scenario (this folder has no daily table)"
        if traced
        else f"across all {n} replications of each scenario"
    )
    out = []
    for kind in available_kinds(results):
        png, width, height = cache.png(kind, functools.partial(make_figure, results, kind))
        if plots_dir is not None:
            write_output(plots_dir / f"{kind}.png", png, field="plots", replace=True)
        out.append(
            {
                "data": base64.b64encode(png).decode("ascii"),
                "alt": f"{kind} plot of {', '.join(results.scenarios)}",
                "caption": fill(CAPTIONS.get(kind, kind), results.labels()).format(
                    phrase=phrase, across=across, **({k: "" for k in BANDS} if results.design else BANDS)
                ),
                "width": width,
                "height": height,
            }
        )
    return out


def _definitions(results: Results) -> tuple[list[dict[str, str]], str]:
    """The outcome classes and "durable" in plain words, with the first scenario's thresholds and actors."""
    config = results.scenario_config(results.scenarios[0])
    settings: dict[str, Any] = dict(results.labels())
    settings |= {role.capitalize(): text[0].upper() + text[1:] for role, text in list(settings.items())}
    settings |= config.get("outcomes") or {}
    return (
        [{"name": k, "text": v.format(**settings)} for k, v in OUTCOME_DEFINITIONS.items()],
        DURABLE_DEFINITION.format(**settings),
    )


def _assumptions(results: Results, scenarios: dict[str, Scenario]) -> list[dict[str, Any]]:
    out = []
    for s in results.manifest["scenarios"]:
        scenario = scenarios[s["name"]]
        rows = [
            {
                "path": r.path,
                "value": r.value,
                "meaning": field_description(r.path),
                "kind": r.kind,
                "para": r.para,
                "quote": r.quote,
            }
            for r in trace_rows(scenario)
        ]
        out.append(
            {
                "name": s["name"],
                "title": s.get("title", ""),
                "description": s["config"].get("description", ""),
                "rows": rows,
                "report_count": sum(r["kind"] == "report" for r in rows),
                "observed_count": sum(r["kind"] == "observed" for r in rows),
                "assumption_count": sum(r["kind"] == "assumption" for r in rows),
            }
        )
    return out


def _assumption_diffs(results: Results, scenarios: dict[str, Scenario]) -> list[dict[str, Any]]:
    """For each scenario after the first: the assumptions that differ from the first."""
    configs = results.manifest["scenarios"]
    if len(configs) < 2:
        return []
    base = scenarios[configs[0]["name"]]
    out = []
    for other in configs[1:]:
        rows = diff_scenarios(base, scenarios[other["name"]])
        out.append({"base": base.name, "other": other["name"], "rows": [r for r in rows if r.path != "name"]})
    return out


def _sensitivity(analyses: Sequence[StoredAnalysis]) -> list[dict[str, Any]]:
    """The analyses stored beside the batch (sensitivity, importance), as tornado plots."""
    from scenarios.analysis.sobol import inert
    from scenarios.plots.sensitivity import tornado

    out = []
    for a in analyses:
        fig = tornado(a.table, a.name)
        width, height = (int(v * 110) for v in fig.get_size_inches())
        t = a.table[~inert(a.table)]  # no measurable effect: not among the most influential
        top = ", ".join(map(str, t[t.columns[0]].head(3))) or "none measurable"  # parameters, or judgments by words
        out.append(
            {
                "method": a.method,
                "outcome": a.name,
                "width": width,
                "height": height,
                "image": base64.b64encode(figure_bytes(fig)).decode("ascii"),
                "top": f"most influential: {top}",
            }
        )
    return out


def _calibration(info: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What `scenarios calibrate` changed and why, when the folder is a calibration's check (its calibration.json:
    the share of the space ruled out, by which expectation, and each free parameter's range before and after)."""
    if info is None:
        return None
    params = info.get("parameters", [])
    return {
        "scenario": info["scenario"],
        "calibrated": info.get("calibrated"),
        "ruled_out": f"{info['ruled_out']:.0%}",
        "waves": info["waves"],
        "points": info["points"],
        "n": info["replications_per_point"],
        "free": len(info["free"]),
        "why": [{"target": k, "share": f"{v:.0%}"} for k, v in info.get("ruled_out_by", {}).items()],
        "parameters": [
            {
                **row,
                "original": f"[{row['original'][0]:g}, {row['original'][1]:g}]",
                "surviving": f"[{row['surviving'][0]:g}, {row['surviving'][1]:g}]",
                "spread_left": f"{row['spread_left']:.0%}",
            }
            for row in params
            if row.get("constrained")
        ],
        "kept": sum(1 for row in params if not row.get("constrained")),
        "joint": bool(info.get("joint")),
        "fit": info.get("fit"),  # better, worse or unchanged (`calibrate.fit_change`), and in words
        "fit_text": info.get("fit_text"),
    }


def _judgments(result: Check, plots_dir: Path | None, cache: FigureCache) -> dict[str, Any] | None:
    """The first section: each expectation of each scenario against the batch (None if there are none)."""
    from scenarios.analysis.check import VERDICTS

    if result.table.empty:
        return None
    figures = []
    for name in result.scenarios:
        png, width, height = cache.png(f"check-{name}", functools.partial(result.plot, name))
        if plots_dir is not None:
            write_output(plots_dir / f"check-{name}.png", png, field="plots", replace=True)
        figures.append(
            {
                "data": base64.b64encode(png).decode("ascii"),
                "alt": f"the report's judgments against {name}",
                "width": width,
                "height": height,
            }
        )
    counts = result.table["verdict"].value_counts()
    return {
        "figures": figures,
        "table": result.to_html(),
        "summary": ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS if v != "n/a" or v in counts),
        "n": len(result.table),
    }


def _source_title(scenario: Scenario) -> str:
    """The first source document's title and date, as the report's subtitle names it."""
    from scenarios.config.provenance import load_source

    for file in scenario.sources.values():
        if not file:  # a file a results folder named outside itself: never read
            continue
        try:
            doc = load_source(file)
        except ScenarioError:
            continue
        return f"{doc.author}, \u201c{doc.title}\u201d, {doc.date.day} {doc.date:%B %Y}"
    return scenario.title or scenario.name


def render_report(
    findings: Findings,
    extra_sections: Sequence[Section] = (),
    plots_dir: Path | None = None,
    cache: bool = False,
) -> str:
    """The report as an HTML string: it renders the study objects of `findings` (computed once, by
    `Findings.of`) and computes nothing else.

    With `cache`, the figures of a complete folder are kept in it and reused (`report.figures.FigureCache`).
    """
    env = Environment(
        loader=PackageLoader("scenarios.report", "templates"), autoescape=select_autoescape(["html", "j2"])
    )
    template = env.get_template("report.html.j2")
    results, summary = findings.results, findings.summary
    figure_cache = FigureCache(results if cache else None)
    scenarios = dict(findings.scenarios)
    source = _source_title(next(iter(scenarios.values())))
    titles = {s["name"]: s.get("title", "") for s in results.manifest["scenarios"]}
    cards = [{**c, "title": titles.get(c["scenario"], "")} for c in summary.cards()]
    comparison = Markup(findings.comparison.to_html()) if findings.comparison is not None else None
    warns = []
    if not results.complete:
        warns.append(
            f"PARTIAL BATCH: {results.manifest.get('reason') or 'not finished'}. The figures cover only "
            "the replications that finished; finish the batch (resume it) before drawing conclusions."
        )
    if not results.errors.empty:
        warns.append(f"{len(results.errors)} replication(s) failed and are excluded (see errors.parquet).")
    if summary.design:
        warns.append(
            f"{DESIGN_NOTE}. The charts draw no confidence band or interval either, and the report's judgments are "
            "not checked against these runs (scenarios check refuses such a folder)."
        )
    m = results.manifest
    metadata = [
        ("results", str(results.directory)),
        ("scenarios", ", ".join(results.scenarios)),
        ("replications per scenario", m["replications"]),
        ("seed", m["seed"]),
        ("status", m.get("status")),
        ("created", m.get("created")),
        ("finished", m.get("finished")),
        ("executor", f"{m.get('timings', {}).get('executor')} ({m.get('timings', {}).get('workers')} workers)"),
        ("code", m.get("code")),
        ("versions", ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items() if v)),
    ]
    definitions, durable = _definitions(results)
    return template.render(
        places=Markup(findings.places.to_html()),
        attacker=findings.places.attacker(),
        definitions=definitions,
        durable=durable,
        title=f"Ceasefire durability: {', '.join(results.scenarios)}",
        subtitle=f"Monte Carlo forecast from {source} (scenarios)",
        warnings=warns,
        judgments=_judgments(findings.check, plots_dir, figure_cache),
        calibration=_calibration(findings.calibration),
        headline=cards,
        design=summary.design,
        figures=_figures(results, plots_dir, summary.phrase, figure_cache),
        comparison=comparison,
        phrase=summary.phrase,
        extra_sections=[Section(s.title, Markup(s.html)) for s in extra_sections],  # trusted HTML: not escaped again
        assumption_diffs=_assumption_diffs(results, scenarios),
        sensitivity=_sensitivity(findings.analyses),
        assumptions=_assumptions(results, scenarios),
        metadata=metadata,
        version=(m.get("code") or {}).get("version"),
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        source_title=source,
    )


def save_report(
    findings: Findings,
    out: str | Path,
    extra_sections: Sequence[Section] = (),
    plots_dir: Path | None = None,
    cache: bool = False,
    replace: bool = True,
    named: bool = True,
) -> Path:
    """Render the report of `findings` and write it atomically (never through a link; inside a folder of the tool,
    its ledger lists it); returns its path. With `plots_dir`, every figure of the report is also written there as a
    PNG; with `cache`, figures are kept in (and reused from) the folder. Without `replace`, an existing file is
    refused, unless `out` is a name the tool chose (not `named` by the user) and the tool wrote it
    (`io.owned.check_output_file`)."""
    path = check_output_file(out, field="output", replace=replace, suffixes=REPORT_SUFFIXES, named=named)
    html = render_report(findings, extra_sections, plots_dir, cache)
    write_output(path, html.encode("utf-8"), field="output", replace=replace, named=named)
    return Path(os.path.abspath(path))


def write_report(
    dirs: Sequence[str | Path],
    out: str | Path,
    extra_sections: Sequence[Section] = (),
    plots_dir: Path | None = None,
    days: Sequence[float] = (7, 30, 90),
    replace: bool = True,
) -> Path:
    """Load results, compute their findings once, render the report and write it; returns its path.

    With `plots_dir`, every figure of the report is also written there as a PNG. Without `replace`, an existing
    `out` is refused (checked before anything is read) unless it is the tool's own."""
    check_output_file(out, field="output", replace=replace, suffixes=REPORT_SUFFIXES, named=True)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        results = merge_batches([load_results(d) for d in dirs])
    findings = Findings.of(results, days)
    return save_report(findings, out, extra_sections, plots_dir, cache=len(dirs) == 1, replace=replace)
