"""Build a figure of a given kind from loaded results: analysis first, then the plot function."""

from __future__ import annotations

import functools
import hashlib
import io
import json
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from scenarios import plots
from scenarios.analysis.outcomes import outcome_probabilities
from scenarios.analysis.survival import survival_curves
from scenarios.exceptions import ScenarioError
from scenarios.io import safe, store
from scenarios.io.load import Results

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
CACHE = Path(store.CACHE) / "figures"  # inside a results folder
MAX_FIGURE_BYTES = 64 * 2**20


def day0(results: Results) -> str:
    """Day 0 of the first scenario as axis labels say it ('10 October 2020'), from its start date."""
    import datetime as dt

    start = (results.scenario_config(results.scenarios[0]).get("simulation") or {}).get("start_date")
    try:
        date = dt.date.fromisoformat(str(start))
    except ValueError:
        return "day 0"
    return f"{date.day} {date:%B %Y}"


def make_figure(results: Results, kind: str) -> Figure:
    """One of `plots.KINDS` for these results; of a study's design (`Results.design`), without confidence bands."""
    start, band = day0(results), not results.design
    if kind == "survival":
        return plots.survival(survival_curves(results, "first"), day0=start, band=band)
    if kind == "survival-all":
        return plots.survival(
            survival_curves(results, "all"), title="Survival of all ceasefires (Kaplan-Meier)", day0=start, band=band
        )
    if kind == "outcomes":
        return plots.outcomes(outcome_probabilities(results), labels=results.labels(), band=band)
    if kind == "timeline":
        return plots.ceasefire_timeline(results.ceasefires, results.horizon, day0=start)
    if kind == "casualties":
        return plots.casualties(results.replications, labels=results.labels())
    if kind.startswith("fan-"):
        series, traced = time_series(results)
        if series.empty:
            raise ScenarioError(
                f"{results.directory}: no daily series stored (no daily table, and simulation.trace_sample is 0); "
                "run the batch again with this version"
            )
        if kind == "fan-ceasefire":
            return plots.ceasefire_share(series, day0=start, traced=traced, band=band)
        if kind == "fan-supporter":
            supporter = results.actor_of("supporter")
            actors = results.scenario_config(results.scenarios[0]).get("actors") or {}
            ladder = (actors.get(supporter) or {}).get("ladder") if supporter else None
            rungs = [rung_label(r, block) for r, block in (ladder or {}).items()]
            return plots.supporter_levels(
                series, rungs, day0=start, traced=traced, supporter=results.labels()["supporter"]
            )
        column = {
            "fan-territory": "attacker_share",
            "fan-casualties": "military_total",
            "fan-attention": "attention",
        }[kind]
        return plots.fan(series, column, day0=start, traced=traced, labels=results.labels())
    raise ScenarioError(f"unknown plot kind {kind!r}; choose one of {', '.join(plots.KINDS)}")


def rung_label(rung: str, block: Any) -> str:
    """A rung as readers name it: its `label`, else its id with spaces for underscores (charts show no ids)."""
    label = block.get("label") if isinstance(block, dict) else None
    return str(label) if label else str(rung).replace("_", " ")


def time_series(results: Results) -> tuple[pd.DataFrame, bool]:
    """The series fan charts draw: the daily table of every replication, or, for folders written before it
    existed, the traced replications' timeseries (then True: the figure says so)."""
    if not results.daily.empty:
        return results.daily, False
    return results.timeseries, True


def available_kinds(results: Results) -> list[str]:
    """The kinds that can be drawn from these results (fan charts need a daily table or traced replications)."""
    empty = time_series(results)[0].empty
    return [k for k in plots.KINDS if not (k.startswith("fan-") and empty)]


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 110) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi)
    return buf.getvalue()


@functools.cache
def code_digest() -> str:
    """A digest of this package's source and the versions of the libraries that draw: a cached figure is reused
    only by the code that drew it (an edited plot function, even uncommitted, draws afresh)."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for file in sorted(root.rglob("*.py")):
        h.update(file.relative_to(root).as_posix().encode())
        h.update(file.read_bytes())
    for package in ("matplotlib", "pandas", "numpy", "lifelines"):
        h.update(f"{package} {metadata.version(package)}".encode())
    return h.hexdigest()


class FigureCache:
    """The PNGs of one complete results folder's figures, kept in <folder>/.cache/figures.

    A complete batch's tables never change, so drawing its report again (other --days, a new measure, a second
    look) reuses every figure instead of drawing it: compute once, render many times. The key is the manifest, the
    figure's name and `code_digest()`. A partial batch (it may still grow) or a merge of several folders is not
    cached, and a folder that cannot be written is simply drawn every time.
    """

    def __init__(self, results: Results | None, dpi: int = 110):
        self.dpi = dpi
        self.root = results.directory if results is not None else None
        self.folder = results.directory / CACHE if results is not None and results.complete else None
        if self.folder is not None and self.root is not None:
            try:  # a cache folder reached through a link is not the batch's: never read or written
                safe.check_folders(self.root, self.folder / "x")
            except ScenarioError:
                self.folder = None
        manifest = json.dumps(results.manifest, sort_keys=True, default=str) if results is not None else ""
        self._stamp = hashlib.sha256(f"{manifest}|{dpi}|{code_digest()}".encode()).hexdigest()[:20]

    def png(self, name: str, draw: Callable[[], Figure]) -> tuple[bytes, int, int]:
        """The figure `name` as PNG bytes with its width and height in pixels, drawn by `draw` only if needed."""
        key = f"{name}-{self._stamp}"
        if self.folder is not None and self.root is not None:
            for hit in self.folder.glob(f"{key}-*x*.png"):
                try:
                    width, height = (int(v) for v in hit.stem.rsplit("-", 1)[1].split("x"))
                    return safe.read_bytes(hit, self.root, MAX_FIGURE_BYTES), width, height
                except (ValueError, OSError, ScenarioError):
                    continue  # not a figure of the cache's (a link, a FIFO, a name edited): drawn again
        fig = draw()
        width, height = (int(v * self.dpi) for v in fig.get_size_inches())
        data = figure_bytes(fig, dpi=self.dpi)
        if self.folder is not None and self.root is not None:
            try:
                safe.make_folders(self.root, self.folder)
                for stale in self.folder.glob("*.png"):  # this figure drawn by other code, or for another batch
                    if stale.stem.rsplit("-", 2)[0] == name and safe.is_regular(stale):
                        stale.unlink(missing_ok=True)
                safe.write_atomic(self.folder / f"{key}-{width}x{height}.png", data, self.root)
            except (OSError, ScenarioError):
                pass  # a read-only results folder, or one whose cache is not a folder of its own: drawn next time
        return data, width, height
