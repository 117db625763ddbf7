"""Figures of stored results: each a function ``(data, ax=None) -> Figure``, no I/O inside.

The data are the tidy tables of `scenarios.analysis` (or of `load_results`); scenario names appear in legends,
axes carry units, and colours follow the Okabe-Ito palette, which stays distinct for colour-blind readers.
Figures are `matplotlib.figure.Figure` objects made without pyplot, so importing this package never changes the
backend (a notebook keeps its inline one); the plot functions are imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from scenarios.plots.kinds import KINDS

if TYPE_CHECKING:
    from scenarios.plots.figures import (
        casualties,
        ceasefire_share,
        ceasefire_timeline,
        fan,
        outcomes,
        supporter_levels,
        survival,
    )

__all__ = [
    "KINDS",
    "casualties",
    "ceasefire_share",
    "ceasefire_timeline",
    "fan",
    "outcomes",
    "supporter_levels",
    "survival",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("scenarios.plots.figures"), name)
    raise AttributeError(f"module 'scenarios.plots' has no attribute {name!r}")
