"""Figures of stored results: each a function ``(data, ax=None) -> Figure``, Agg backend, no I/O inside.

The data are the tidy tables of `scenarios.analysis` (or of `load_results`); scenario names appear in legends,
axes carry units, and colours follow the Okabe-Ito palette, which stays distinct for colour-blind readers.
"""

from scenarios.plots.figures import (
    KINDS,
    casualties,
    ceasefire_timeline,
    fan,
    outcomes,
    survival,
)

__all__ = ["KINDS", "casualties", "ceasefire_timeline", "fan", "outcomes", "survival"]
