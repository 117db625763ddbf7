"""The HTML report: one self-contained file (images embedded, no network), from a Jinja2 template.

Everything that comes from YAML or results (names, notes, quotes) is escaped by the template engine.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import math
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from scenarios.analysis.compare import compare, merge_batches
from scenarios.analysis.summary import summarize
from scenarios.config.diff import diff_scenarios
from scenarios.config.inspect import field_description, trace_rows
from scenarios.config.loader import scenario_from_dump
from scenarios.config.schema import Scenario
from scenarios.exceptions import ScenarioError
from scenarios.io.atomic import write_atomic
from scenarios.io.load import Results, load_results
from scenarios.io.records import DURABLE_DEFINITION, OUTCOME_DEFINITIONS
from scenarios.report.figures import FigureCache, available_kinds, figure_bytes, make_figure, time_series
from scenarios.roles import actor_label, fill

CAPTIONS = {
    "survival": "Survival of the first ceasefire: the share of replications in which {phrase} still "
    "holds after each day, with a 95% band; censored at the horizon.",
    "survival-all": "Survival of every ceasefire agreed in the replications (indicative: ceasefires of one "
    "replication are not independent).",
    "outcomes": "Outcome classes at the horizon with 95% simultaneous intervals (defined below, in What the outcomes "
    "mean).",
    "timeline": "Ceasefires in the first replications of each scenario; gaps between bars are open war.",
    "casualties": "Deaths by the horizon by category: boxes span the quartiles, whiskers the 5th to 95th percentiles.",
    "fan-territory": "Share of the contested value held by {attacker} over time: median and 50% / 90% bands {across}.",
    "fan-casualties": "Military deaths over time, both sides: median and 50% / 90% bands {across}.",
    "fan-attention": "International attention over time: median and 50% / 90% bands {across}.",
    "fan-supporter": "{Supporter}'s rung on its support ladder over time: the share of replications at each rung, "
    "{across}.",
    "fan-ceasefire": "The share of replications with a ceasefire in force on each day (95% band), {across}.",
}


@dataclass(frozen=True)
class Section:
    """An extra section (e.g. sensitivity analysis or an assumption diff): a title and trusted HTML."""

    title: str
    html: str


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
            write_atomic(plots_dir / f"{kind}.png", png)
        out.append(
            {
                "data": base64.b64encode(png).decode("ascii"),
                "alt": f"{kind} plot of {', '.join(results.scenarios)}",
                "caption": fill(CAPTIONS.get(kind, kind), results.labels()).format(phrase=phrase, across=across),
                "width": width,
                "height": height,
            }
        )
    return out


def _places(results: Results) -> list[dict[str, Any]]:
    """The places table of each scenario (`analysis.places`), formatted."""
    from scenarios.analysis.places import places

    table = places(results)
    out = []
    for name in results.scenarios:
        rows = table[table["scenario"] == name]
        out.append(
            {
                "scenario": name,
                "n": int((results.replications["scenario"].astype(str) == name).sum()),
                "attacker": _actor_name(str(rows["attacker"].iloc[0]), results) if len(rows) else "the attacker",
                "rows": [
                    {
                        "sector": r["sector"],
                        "label": r["label"],
                        "held_at_start": _actor_name(r["held_at_start"], results),
                        "held": _share(r["attacker_share_of_runs"]),
                        "fell": "held on day 0" if r["held_at_start"] == r["attacker"] else _share(r["fell_in_runs"]),
                        "day": "" if math.isnan(r["median_fall_day"]) else f"{r['median_fall_day']:.0f}",
                    }
                    for r in rows.to_dict("records")
                ],
            }
        )
    return out


def _actor_name(actor_id: str, results: Results | None = None) -> str:
    """An actor as readers name it: its `label` in the first scenario, or its id capitalised."""
    actors = results.scenario_config(results.scenarios[0]).get("actors") or {} if results is not None else {}
    return actor_label(actor_id, actors.get(actor_id))


def _share(x: float) -> str:
    """A share of runs in whole percent, but never 0% or 100% when some runs differ (1 of 200 is "<1%")."""
    text = f"{x:.0%}"
    if x > 0 and text == "0%":
        return "<1%"
    if x < 1 and text == "100%":
        return ">99%"
    return text


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


def _sensitivity(results: Results) -> list[dict[str, Any]]:
    """The stored sensitivity analyses of the results folder, as tornado plots."""
    from scenarios.plots.sensitivity import tornado
    from scenarios.sensitivity import stored

    out = []
    for method, outcome, table in stored(results.directory):
        fig = tornado(table, outcome)
        width, height = (int(v * 110) for v in fig.get_size_inches())
        top = ", ".join(map(str, table[table.columns[0]].head(3)))  # parameters, or judgments by their words
        out.append(
            {
                "method": method,
                "outcome": outcome,
                "width": width,
                "height": height,
                "image": base64.b64encode(figure_bytes(fig)).decode("ascii"),
                "top": f"most influential: {top}",
            }
        )
    return out


def _calibration(results: Results) -> dict[str, Any] | None:
    """What `scenarios calibrate` changed and why, when the folder is a calibration's check (its calibration.json:
    the share of the space ruled out, by which expectation, and each free parameter's range before and after)."""
    path = results.directory / "calibration.json"
    if not path.is_file():
        return None
    info = json.loads(path.read_text(encoding="utf-8"))
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
    }


def _judgments(
    results: Results, scenarios: dict[str, Scenario], plots_dir: Path | None, cache: FigureCache
) -> dict[str, Any] | None:
    """The first section: each expectation of each scenario against the batch (None if there are none)."""
    from scenarios.analysis.check import VERDICTS, check

    result = check(results, scenarios)
    if result.table.empty:
        return None
    figures = []
    for name in result.scenarios:
        png, width, height = cache.png(f"check-{name}", functools.partial(result.plot, name))
        if plots_dir is not None:
            write_atomic(plots_dir / f"check-{name}.png", png)
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
        try:
            doc = load_source(file)
        except ScenarioError:
            continue
        return f"{doc.author}, \u201c{doc.title}\u201d, {doc.date.day} {doc.date:%B %Y}"
    return scenario.title or scenario.name


def render_report(
    results: Results,
    extra_sections: Sequence[Section] = (),
    plots_dir: Path | None = None,
    days: Sequence[float] = (7, 30, 90),
    cache: bool = False,
) -> str:
    """The report as an HTML string: it renders the study objects (Summary, Comparison) and computes nothing else.

    With `cache`, the figures of a complete folder are kept in it and reused (`report.figures.FigureCache`).
    """
    env = Environment(
        loader=PackageLoader("scenarios.report", "templates"), autoescape=select_autoescape(["html", "j2"])
    )
    template = env.get_template("report.html.j2")
    figure_cache = FigureCache(results if cache else None)
    scenarios = {s["name"]: scenario_from_dump(s["config"], "manifest") for s in results.manifest["scenarios"]}
    summary = summarize(results, days)
    source = _source_title(next(iter(scenarios.values())))
    titles = {s["name"]: s.get("title", "") for s in results.manifest["scenarios"]}
    cards = [{**c, "title": titles.get(c["scenario"], "")} for c in summary.cards()]
    comparison = Markup(compare(results, days=days).to_html()) if len(results.scenarios) > 1 else None
    warns = []
    if not results.complete:
        warns.append(
            f"PARTIAL BATCH: {results.manifest.get('reason') or 'not finished'}. The figures cover only "
            "the replications that finished; finish the batch with --resume before drawing conclusions."
        )
    if not results.errors.empty:
        warns.append(f"{len(results.errors)} replication(s) failed and are excluded (see errors.parquet).")
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
        places=_places(results),
        definitions=definitions,
        durable=durable,
        title=f"Ceasefire durability: {', '.join(results.scenarios)}",
        subtitle=f"Monte Carlo forecast from {source} (scenarios)",
        warnings=warns,
        judgments=_judgments(results, scenarios, plots_dir, figure_cache),
        calibration=_calibration(results),
        headline=cards,
        figures=_figures(results, plots_dir, summary.phrase, figure_cache),
        comparison=comparison,
        phrase=summary.phrase,
        extra_sections=list(extra_sections),
        assumption_diffs=_assumption_diffs(results, scenarios),
        sensitivity=_sensitivity(results),
        assumptions=_assumptions(results, scenarios),
        metadata=metadata,
        version=(m.get("code") or {}).get("version"),
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        source_title=source,
    )


def write_report(
    dirs: Sequence[str | Path],
    out: str | Path,
    extra_sections: Sequence[Section] = (),
    plots_dir: Path | None = None,
    days: Sequence[float] = (7, 30, 90),
) -> Path:
    """Load results, render the report and write it atomically; returns its path.

    With `plots_dir`, every figure of the report is also written there as a PNG.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        results = merge_batches([load_results(d) for d in dirs])
    html = render_report(results, extra_sections, plots_dir, days, cache=len(dirs) == 1)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, html.encode("utf-8"))
    return Path(os.path.abspath(path))
