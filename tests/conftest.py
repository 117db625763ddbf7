"""Fixtures shared across test folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from scenarios.engine.batch import run_batch
from scenarios.io.load import Results, load_results

ROOT = Path(__file__).resolve().parents[1]

# CI explores the same hypothesis examples on every run, so a landing never depends on a lucky draw; locally each
# run explores new ones (and the local example database replays any failure found).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`make test` runs `-n auto --dist loadfile --no-loadscope-reorder`: each file on one worker,
    so a module-scoped fixture, most often a real batch, is computed once), the files that take long go out first:
    those with a slow test or a module-scoped fixture. A long file handed out last would leave the other workers idle
    while it runs. Each file keeps the order of its tests; a run without xdist keeps the collection order."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return

    def heavy(item: pytest.Item) -> bool:
        info = getattr(item, "_fixtureinfo", None)
        shared = info is not None and any(d and d[-1].scope == "module" for d in info.name2fixturedefs.values())
        return shared or item.get_closest_marker("slow") is not None

    first = {item.nodeid.split("::")[0] for item in items if heavy(item)}
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in first)  # stable: files stay whole and in order


@pytest.fixture(autouse=True, scope="session")
def allow_shipped_configs() -> Iterator[None]:
    """Test files live in temporary folders and extend the shipped baseline: allow its folder, as a user would.

    Session-scoped, so module and session fixtures that load scenarios see it too.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCENARIOS_ALLOW_PATH", str(ROOT / "configs"))
        yield


@pytest.fixture(scope="session")
def two_scenario_batch(tmp_path_factory: pytest.TempPathFactory) -> Results:
    """A real batch of baseline and early winter (40 replications each, 60 days), run once per session."""
    out = tmp_path_factory.mktemp("two-scenarios") / "r"
    run_batch(
        [ROOT / "configs" / "baseline.yaml", ROOT / "configs" / "early-winter.yaml"],
        n=40,
        seed=1,
        overrides=["simulation.horizon_days=60"],
        executor="serial",
        out=out,
        quiet=True,
    )
    return load_results(out)
