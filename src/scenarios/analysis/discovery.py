"""Scenario discovery: the few boxes of assumptions in which a binary outcome (e.g. "the ceasefire holds 90
days") is likely, found over the drawn parameter values by a classification tree (CART, scikit-learn) or by the
Patient Rule Induction Method analysts know (PRIM, from the EMA Workbench).

Each leaf of the tree is a box (a range per parameter on its path); PRIM peels the space a little at a time and
gives a trajectory of ever smaller, denser boxes, of which the one with the largest weighted relative accuracy
(mass x (density - base rate), the subgroup-discovery trade-off of size against lift) is reported; the trajectory is
plotted so the analyst can choose another. A box is reported with its coverage (the
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
    trajectory: pd.DataFrame | None = None  # PRIM: coverage, density, restricted dimensions of each peel
    peel: int | None = None  # PRIM: the point of the trajectory the box is
    quasi_p: dict[str, float] | None = None  # PRIM: each restriction's quasi-p-value (`quasi_p_values`)

    def describe(self) -> str:
        """The box as conditions on the parameters, each with its quasi-p-value where PRIM gives one."""
        parts = []
        for name, (lo, hi) in self.limits.items():
            if np.isfinite(lo) and np.isfinite(hi):
                part = f"{lo:.3g} <= {name} < {hi:.3g}"
            elif np.isfinite(lo):
                part = f"{name} >= {lo:.3g}"
            else:
                part = f"{name} < {hi:.3g}"
            qp = self.qp_text(name)
            parts.append(f"{part} ({qp})" if qp else part)
        return " and ".join(parts) or "everywhere"

    def qp_text(self, name: str) -> str:
        """The quasi-p-value of the restriction of `name` as tables print it ("qp 0.24", "qp < 0.001"), or ""."""
        qp = self.quasi_p.get(name, np.nan) if self.quasi_p is not None else np.nan
        if not np.isfinite(qp):
            return ""
        return f"qp {qp:.2g}" if qp >= 0.001 else "qp < 0.001"

    def restrictions(self) -> list[tuple[str, str]]:
        """Each restriction as a table's row gives it: the parameter's key and its range (">= 36.5, < 65.5")."""
        out = []
        for name, (lo, hi) in self.limits.items():
            bounds = [f">= {lo:.3g}"] if np.isfinite(lo) else []
            bounds += [f"< {hi:.3g}"] if np.isfinite(hi) else []
            out.append((name, ", ".join(bounds)))
        return out


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
    X, interest = _cases(results, outcome, scenario)
    base = float(interest.mean())
    if interest.sum() == 0:
        return [], base
    tree = DecisionTreeClassifier(
        max_depth=max_depth, min_samples_leaf=max(5, int(min_share * len(X))), random_state=seed
    ).fit(X, interest)
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


def _cases(results: Results, outcome: str | Measure, scenario: str | None) -> tuple[pd.DataFrame, np.ndarray]:
    """The drawn parameters and whether each replication is a case of interest (a yes/no outcome)."""
    X = uncertain_parameters(results, scenario)
    y = outcome_vector(results, outcome, scenario).to_numpy()
    if not set(np.unique(y[~np.isnan(y)])) <= {0.0, 1.0} or np.isnan(y).any():
        raise AnalysisError(
            f"scenario discovery needs a true/false measure with a value in every replication; {str(outcome)!r} "
            "is not (try holds_90_days, or an expression such as 'war_days <= 60')"
        )
    return X, y == 1.0


def discover_prim(
    results: Results,
    outcome: str | Measure,
    scenario: str | None = None,
    max_dims: int = 3,
    boxes: int = 3,
    peel_alpha: float = 0.05,
    peel: int | None = None,
) -> tuple[list[Box], float]:
    """PRIM's boxes where `outcome` (0/1) is likely, in the order PRIM finds them (each on what the earlier ones
    leave), and the base rate. Each box is the point of its peeling trajectory with the largest weighted relative
    accuracy, simplified to at most `max_dims` restrictions (the least useful dropped first); coverage, density and
    support are over the whole batch. `peel` makes the first box that point of its trajectory instead (as PRIM
    gives it, every restriction kept: the analyst's choice of the trade-off between coverage and density)."""
    import logging
    import warnings

    with warnings.catch_warnings():  # the workbench warns about optional parallel back ends it does not need here
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

    X, interest = _cases(results, outcome, scenario)
    base = float(interest.mean())
    if interest.sum() == 0:
        return [], base
    logging.getLogger("EMA").setLevel(logging.ERROR)
    # cases of interest are y >= threshold, so 0.5 splits yes from no; a box is kept whatever its density
    search = prim.Prim(X, interest.astype(float), threshold=0.5, peel_alpha=peel_alpha)
    found = []
    values = {name: X[name].to_numpy() for name in X.columns}

    def quality(limits: dict[str, tuple[float, float]]) -> tuple[float, np.ndarray]:
        """Weighted relative accuracy over the whole batch: mass x (density - base)."""
        inside = np.ones(len(X), dtype=bool)
        for name, (lo, hi) in limits.items():
            inside &= (values[name] >= lo) & (values[name] <= hi)
        return (float(inside.mean() * (interest[inside].mean() - base)) if inside.any() else -np.inf), inside

    for number in range(boxes):
        peeled = search.find_box()
        if peeled is None:
            break
        trajectory = peeled.peeling_trajectory
        scores = trajectory["mass"] * (trajectory["mean"] - base)  # weighted relative accuracy (mean: density)
        chosen_peel = number == 0 and peel is not None
        if chosen_peel:
            last = len(trajectory) - 1
            if not 1 <= int(peel) <= last:  # type: ignore[arg-type]
                raise AnalysisError(
                    f"peel {peel} is not a point of the first box's peeling trajectory: give 1 to {last} "
                    "(0 is the whole parameter space)"
                )
            best = int(peel)  # type: ignore[arg-type]
        else:
            best = int(scores.idxmax())
        if best == 0:
            break
        peeled.select(best)  # the next box is sought among the replications outside this one
        initial, lims = peeled.box_lims[0], peeled.box_lims[best]
        limits = {}
        for name in X.columns:
            lo = float(lims[name].iloc[0]) if lims[name].iloc[0] > initial[name].iloc[0] else -np.inf
            hi = float(lims[name].iloc[1]) if lims[name].iloc[1] < initial[name].iloc[1] else np.inf
            if np.isfinite(lo) or np.isfinite(hi):
                limits[name] = (lo, hi)
        # Drop the restrictions that matter least, one at a time, while there are more than max_dims or dropping
        # one does not make the box worse: a box an analyst can read, restricting only what makes the difference.
        while limits and not chosen_peel:
            current, _ = quality(limits)
            name, score = max(
                ((n, quality({k: v for k, v in limits.items() if k != n})[0]) for n in limits), key=lambda t: t[1]
            )
            if len(limits) <= max_dims and score < current:
                break
            del limits[name]
        score, inside = quality(limits)
        if not limits or (score <= 0 and not chosen_peel):
            break
        density = float(interest[inside].mean())
        coverage = float(interest[inside].sum() / interest.sum())
        chosen = trajectory.assign(chosen=trajectory.index == best)
        qp = quasi_p_values(limits, values, interest)
        found.append(Box(limits, coverage, density, int(inside.sum()), chosen, best, qp))
    return found, base


def quasi_p_values(
    limits: dict[str, tuple[float, float]], values: dict[str, np.ndarray], interest: np.ndarray
) -> dict[str, float]:
    """Each restriction's quasi-p-value (Bryant and Lempert 2010, as EMA Workbench computes it): the one-sided
    binomial probability of the box's cases of interest, or more, if the box without that restriction held them at
    its own density. A large value says the restriction adds little beyond chance."""
    from scipy.stats import binomtest

    def inside(of: dict[str, tuple[float, float]]) -> np.ndarray:
        mask = np.ones(len(interest), dtype=bool)
        for name, (lo, hi) in of.items():
            mask &= (values[name] >= lo) & (values[name] <= hi)
        return mask

    box = inside(limits)
    n, k = int(box.sum()), int(interest[box].sum())
    out = {}
    for name in limits:
        wider = inside({key: lim for key, lim in limits.items() if key != name})
        p0 = float(interest[wider].mean()) if wider.any() else 0.0
        out[name] = float(binomtest(k, n, p0, alternative="greater").pvalue) if n else float("nan")
    return out


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


def boxes_table(found: list[Box], judgments: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per box; with `judgments` (parameter -> the report's words), the judgments each box restricts."""
    rows = []
    for i, b in enumerate(found):
        row: dict[str, object] = {
            "box": i + 1,
            "condition": b.describe(),
            "coverage": b.coverage,
            "density": b.density,
            "support": b.support,
        }
        if b.peel is not None:
            row["peel"] = b.peel
        if judgments is not None:
            row["judgments"] = "; ".join(dict.fromkeys(judgments.get(name, name) for name in b.limits))
        rows.append(row)
    return pd.DataFrame(rows)
