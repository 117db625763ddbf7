"""Fixtures and markers of the model tests."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "smoke: the shipped configs load and run (the only model tests that read configs/)"
    )
