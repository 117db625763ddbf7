from __future__ import annotations

import pytest

from scenarios.config.schema import Scenario

from .support import load_baseline


@pytest.fixture(scope="session")
def baseline() -> Scenario:
    """configs/baseline.yaml as written (180-day horizon)."""
    return load_baseline()


@pytest.fixture(scope="session")
def short() -> Scenario:
    """The baseline over 60 days."""
    return load_baseline("simulation.horizon_days=60")
