"""Scenario discovery: the few boxes of assumptions in which a binary outcome (e.g. "the ceasefire holds 90
days") is likely, found by a classification tree (CART, scikit-learn) over the drawn parameter values.

Each leaf of the tree is a box (a range per parameter on its path). A box is reported with its coverage (the
share of all cases of interest that fall inside it), its density (the share of cases inside it that are of
interest) and its support (replications inside).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

from scenarios.analysis.importance import outcome_vector, uncertain_parameters
from scenarios.exceptions import AnalysisError
from scenarios.io.load import Results
from scenarios.measures import Measure


@dataclass(frozen=True)
class Box:
    """A region of parameter space: {parameter: (lower, upper)} (inclusive lower, exclusive upper)."""

    limits: dict[str, tuple[float, float]]
    coverage: float
    density: float
    support: int

    def describe(self) -> str:
        parts = []
        for name, (lo, hi) in self.limits.items():
            if np.isfinite(lo) and np.isfinite(hi):
                parts.append(f"{lo:.3g} <= {name} < {hi:.3g}")
            elif np.isfinite(lo):
                parts.append(f"{name} >= {lo:.3g}")
            else:
                parts.append(f"{name} < {hi:.3g}")
        return " and ".join(parts) or "everywhere"


def discover(
    results: Results,
    outcome: str | Measure,
    scenario: str | None = None,
    max_depth: int = 3,
    min_share: float = 0.05,
    boxes: int = 3,
    seed: int = 0,
) -> tuple[list[Box], float]:
    """The boxes where `outcome` (0/1) is most likely, best first, and the base rate over the whole batch."""
    X = uncertain_parameters(results, scenario)
    y = outcome_vector(results, outcome, scenario).to_numpy()
    if not set(np.unique(y[~np.isnan(y)])) <= {0.0, 1.0} or np.isnan(y).any():
        raise AnalysisError(
            f"scenario discovery needs a true/false measure with a value in every replication; {str(outcome)!r} "
            "is not (try holds_90_days, or an expression such as 'war_days <= 60')"
        )
    interest = y == 1.0
    base = float(interest.mean())
    if interest.sum() == 0:
        return [], base
    tree = DecisionTreeClassifier(
        max_depth=max_depth, min_samples_leaf=max(5, int(min_share * len(X))), random_state=seed
    ).fit(X, y)
    leaves = tree.apply(X)
    t = tree.tree_
    found = []
    for leaf in np.unique(leaves):
        inside = leaves == leaf
        density = float(interest[inside].mean())
        if density <= base:
            continue
        limits = _path_limits(t, leaf, list(X.columns))
        found.append(Box(limits, float(interest[inside].sum() / interest.sum()), density, int(inside.sum())))
    found.sort(key=lambda b: (-b.density * b.coverage, -b.density))
    return found[:boxes], base


def _path_limits(t: object, leaf: int, names: list[str]) -> dict[str, tuple[float, float]]:
    """The range of each parameter on the path from the root to `leaf`."""
    left, right = t.children_left, t.children_right  # type: ignore[attr-defined]
    feature, threshold = t.feature, t.threshold  # type: ignore[attr-defined]
    parent = {int(c): (int(i), True) for i, c in enumerate(left) if c >= 0}
    parent.update({int(c): (int(i), False) for i, c in enumerate(right) if c >= 0})
    limits: dict[str, tuple[float, float]] = {}
    node = int(leaf)
    while node in parent:
        p, went_left = parent[node]
        name = names[int(feature[p])]
        lo, hi = limits.get(name, (-np.inf, np.inf))
        if went_left:  # x <= threshold
            hi = min(hi, float(threshold[p]))
        else:
            lo = max(lo, float(threshold[p]))
        limits[name] = (lo, hi)
        node = p
    return limits


def boxes_table(found: list[Box]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "box": i + 1,
                "condition": b.describe(),
                "coverage": b.coverage,
                "density": b.density,
                "support": b.support,
            }
            for i, b in enumerate(found)
        ]
    )
