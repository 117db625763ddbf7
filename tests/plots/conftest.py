"""The figure tests use the session's real two-scenario batch (tests/conftest.py)."""

from __future__ import annotations

import pytest

from scenarios.io.load import Results


@pytest.fixture(scope="session")
def real(two_scenario_batch: Results) -> Results:
    return two_scenario_batch
