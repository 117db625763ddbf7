"""Outcome classes with simultaneous intervals, and quantiles of casualties and territory."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import multinomial_proportions_confint

from scenarios.io.load import Results
from scenarios.measures.builtin import CASUALTIES

CASUALTY_COLUMNS = CASUALTIES


def outcome_probabilities(results: Results, alpha: float = 0.05) -> pd.DataFrame:
    """P(outcome class) per scenario with Goodman simultaneous intervals (all classes at once)."""
    rows = []
    r = results.replications[["scenario", "outcome_class"]]  # a group copies its columns: only these
    classes = list(r["outcome_class"].cat.categories)
    for name, group in r.groupby("scenario", observed=True, sort=False):
        counts = group["outcome_class"].value_counts().reindex(classes, fill_value=0).to_numpy()
        # Goodman's intervals need every cell > 0 to be informative; they remain valid (wide) otherwise.
        ci = multinomial_proportions_confint(np.maximum(counts, 0), alpha=alpha, method="goodman")
        n = counts.sum()
        for cls, k, (lo, hi) in zip(classes, counts, ci, strict=True):
            rows.append(
                {
                    "scenario": str(name),
                    "outcome_class": cls,
                    "count": int(k),
                    "p": k / n,
                    "lower": float(lo),
                    "upper": float(hi),
                    "n": int(n),
                }
            )
    return pd.DataFrame(rows)


def quantiles(
    results: Results,
    columns: Sequence[str] = (*CASUALTY_COLUMNS, "attacker_share"),
    probs: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95),
) -> pd.DataFrame:
    """Quantiles of outcome columns per scenario (long table: scenario, column, mean, q05 ... q95)."""
    rows = []
    r = results.replications[["scenario", *columns]]  # a group copies its columns: only these
    for name, group in r.groupby("scenario", observed=True, sort=False):
        for column in columns:
            values = group[column].astype(float)
            row = {"scenario": str(name), "column": column, "mean": float(values.mean())}
            row.update({f"q{round(p * 100):02d}": float(values.quantile(p)) for p in probs})
            rows.append(row)
    return pd.DataFrame(rows)
