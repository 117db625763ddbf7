"""The HTML report: one self-contained file (images embedded, no network), from a Jinja2 template.

Everything that comes from YAML or results (names, notes, quotes) is escaped by the template engine.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from scenarios.analysis.compare import compare, merge_batches
from scenarios.analysis.summary import headline
from scenarios.config.diff import diff_scenarios
from scenarios.config.inspect import field_description, trace_rows
from scenarios.config.loader import scenario_from_dump
from scenarios.io.atomic import write_atomic
from scenarios.io.load import Results, load_results
from scenarios.report.figures import available_kinds, figure_bytes, make_figure

CAPTIONS = {
    "survival": "Survival of the first ceasefire: the share of replications in which the 10 October ceasefire still "
    "holds after each day, with a 95% band; censored at the horizon.",
    "survival-all": "Survival of every ceasefire agreed in the replications (indicative: ceasefires of one "
    "replication are not independent).",
    "outcomes": "Outcome classes at the horizon with 95% simultaneous intervals (rules in docs/model.md).",
    "timeline": "Ceasefires in the first replications of each scenario; gaps between bars are open war.",
    "casualties": "Deaths by the horizon by category: boxes span the quartiles, whiskers the 5th to 95th percentiles.",
    "fan-territory": "Share of the contested value held by Azerbaijan over time, across the traced replications.",
    "fan-casualties": "Military deaths over time, both sides, across the traced replications.",
    "fan-attention": "International attention over time, across the traced replications.",
}


@dataclass(frozen=True)
class Section:
    """An extra section (e.g. sensitivity analysis or an assumption diff): a title and trusted HTML."""

    title: str
    html: str


def _pct(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.0%}"


def _num(x: Any) -> str:
    if isinstance(x, float):
        if math.isnan(x):
            return "n/a"
        return f"{x:.3g}" if abs(x) < 1000 else f"{x:,.0f}"
    return str(x)


def _figures(results: Results, plots_dir: Path | None) -> list[dict[str, Any]]:
    """Every figure, embedded; with `plots_dir`, each is also written there as <kind>.png (drawn once)."""
    out = []
    for kind in available_kinds(results):
        fig = make_figure(results, kind)
        width, height = (int(v * 110) for v in fig.get_size_inches())
        png = figure_bytes(fig)
        if plots_dir is not None:
            write_atomic(plots_dir / f"{kind}.png", png)
        out.append(
            {
                "data": base64.b64encode(png).decode("ascii"),
                "alt": f"{kind} plot of {', '.join(results.scenarios)}",
                "caption": CAPTIONS.get(kind, kind),
                "width": width,
                "height": height,
            }
        )
    return out


def _assumptions(results: Results) -> list[dict[str, Any]]:
    out = []
    for s in results.manifest["scenarios"]:
        scenario = scenario_from_dump(s["config"], "manifest")
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


def _assumption_diffs(results: Results) -> list[dict[str, Any]]:
    """For each scenario after the first: the assumptions that differ from the first."""
    configs = results.manifest["scenarios"]
    if len(configs) < 2:
        return []
    base = scenario_from_dump(configs[0]["config"], "manifest")
    out = []
    for other in configs[1:]:
        rows = diff_scenarios(base, scenario_from_dump(other["config"], "manifest"))
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
        top = ", ".join(table["parameter"].head(3))
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


def _judgments(results: Results, plots_dir: Path | None) -> dict[str, Any] | None:
    """The first section: each expectation of each scenario against the batch (None if there are none)."""
    from scenarios.analysis.check import check

    result = check(results)
    if result.table.empty:
        return None
    figures = []
    for name in result.scenarios:
        fig = result.plot(name)
        width, height = (int(v * 110) for v in fig.get_size_inches())
        png = figure_bytes(fig)
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
        "summary": ", ".join(f"{counts.get(v, 0)} {v}" for v in ("consistent", "too high", "too low", "undetermined")),
        "n": len(result.table),
    }


def render_report(results: Results, extra_sections: Sequence[Section] = (), plots_dir: Path | None = None) -> str:
    """The report as an HTML string."""
    env = Environment(
        loader=PackageLoader("scenarios.report", "templates"), autoescape=select_autoescape(["html", "j2"])
    )
    template = env.get_template("report.html.j2")
    head = headline(results)
    cards = []
    titles = {s["name"]: s.get("title", "") for s in results.manifest["scenarios"]}
    for _, row in head.iterrows():
        outcomes = {c.removeprefix("outcome: "): row[c] for c in head.columns if c.startswith("outcome: ")}
        top = max(outcomes, key=lambda k: outcomes[k])
        med = row["median days"]
        cards.append(
            {
                "scenario": row["scenario"],
                "title": titles.get(row["scenario"], ""),
                "n": row["n"],
                "holds": [
                    {
                        "days": d,
                        "p": _pct(row[f"P(holds {d}d)"]),
                        "lower": _pct(row[f"P(holds {d}d) lower"]),
                        "upper": _pct(row[f"P(holds {d}d) upper"]),
                    }
                    for d in ("7", "30", "90")
                ],
                "median": "beyond the horizon" if med == float("inf") else f"{med:.1f} days",
                "top_outcome": f"{top.replace('_', ' ')} ({outcomes[top]:.0%})",
            }
        )
    comparison: list[dict[str, Any]] = []
    logranks: list[dict[str, Any]] = []
    if len(results.scenarios) > 1:
        table = compare(results)
        for _, r in table.iterrows():
            comparison.append(
                {str(k): (_num(v) if k not in ("scenario", "measure", "significant") else v) for k, v in r.items()}
            )
        for (base, other), group in table.groupby(["baseline", "scenario"], sort=False):
            logranks.append({"baseline": base, "scenario": other, "p": _num(float(group["logrank_p"].iloc[0]))})
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
    return template.render(
        title=f"Ceasefire durability: {', '.join(results.scenarios)}",
        subtitle="Monte Carlo forecast from the ISW assessment of 12 October 2020 (scenarios)",
        warnings=warns,
        judgments=_judgments(results, plots_dir),
        headline=cards,
        figures=_figures(results, plots_dir),
        comparison=comparison,
        logranks=logranks,
        extra_sections=list(extra_sections),
        assumption_diffs=_assumption_diffs(results),
        sensitivity=_sensitivity(results),
        assumptions=_assumptions(results),
        metadata=metadata,
        version=(m.get("code") or {}).get("version"),
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        source_title="Institute for the Study of War, \u201cErdogan Seeks to Upend Kremlin-Backed Status Quo in "
        "Nagorno-Karabakh\u201d, 12 October 2020",
    )


def write_report(
    dirs: Sequence[str | Path],
    out: str | Path,
    extra_sections: Sequence[Section] = (),
    plots_dir: Path | None = None,
) -> Path:
    """Load results, render the report and write it atomically; returns its path.

    With `plots_dir`, every figure of the report is also written there as a PNG.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        results = merge_batches([load_results(d) for d in dirs])
    html = render_report(results, extra_sections, plots_dir)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, html.encode("utf-8"))
    return Path(os.path.abspath(path))
