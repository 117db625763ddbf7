"""Which drawn parameters drive an outcome, from any ordinary batch (the draws are stored with each replication).

Permutation importance of a random forest fitted to (parameters -> outcome): how much the forest's held-out
score drops when one parameter's column is shuffled. It captures non-linear effects and interactions; its
uncertainty comes from refitting on bootstrap resamples of the replications.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.inspection import permutation_importance
from sklearn.model_selection import train_test_split

from scenarios.exceptions import AnalysisError
from scenarios.io.load import Results
from scenarios.io.records import PARAM_PREFIX
from scenarios.measures import Measure, results_measures


def outcome_vector(results: Results, outcome: str | Measure, scenario: str | None = None) -> pd.Series:
    """A measure (a name, e.g. holds_30_days, or an expression) per replication of one scenario, as floats."""
    measure = outcome if isinstance(outcome, Measure) else results_measures(results).get(outcome)
    if measure.kind == "category":
        raise AnalysisError(f"{measure.name!r} is a category; use one of its classes, e.g. outcome:fighting_at_horizon")
    name = scenario or results.scenarios[0]
    if name not in results.scenarios:
        raise AnalysisError(f"no scenario {name!r} in these results; choose one of {', '.join(results.scenarios)}")
    values = measure.evaluate(results).astype(float)
    return values.xs(name, level="scenario").reset_index(drop=True)


def uncertain_parameters(results: Results, scenario: str | None = None) -> pd.DataFrame:
    """The drawn parameter values that actually vary in this batch (columns without the `param.` prefix)."""
    name = scenario or results.scenarios[0]
    r = results.replications[results.replications["scenario"] == name]
    cols = [c for c in r.columns if c.startswith(PARAM_PREFIX) and r[c].nunique() > 1]
    return r[cols].rename(columns=lambda c: c.removeprefix(PARAM_PREFIX)).reset_index(drop=True)


def parameter_importance(
    results: Results,
    outcome: str | Measure,
    scenario: str | None = None,
    bootstrap: int = 10,
    repeats: int = 5,
    seed: int = 0,
) -> pd.DataFrame:
    """Permutation importance of every uncertain parameter for `outcome`, ranked, with a bootstrap interval.

    Columns: parameter, importance (mean drop in held-out score: accuracy for a 0/1 outcome, R^2 otherwise),
    lower, upper (2.5% and 97.5% over bootstrap refits), rank.
    """
    X = uncertain_parameters(results, scenario)
    y = outcome_vector(results, outcome, scenario)
    if X.empty:
        raise AnalysisError("no parameter varies in this batch: nothing to attribute")
    binary = set(np.unique(y)) <= {0.0, 1.0}
    rng = np.random.default_rng(seed)
    scores = np.zeros((bootstrap, X.shape[1]))
    for b in range(bootstrap):
        idx = rng.integers(0, len(X), len(X))
        Xb, yb = X.iloc[idx].reset_index(drop=True), y.iloc[idx].reset_index(drop=True)
        state = int(rng.integers(0, 2**31 - 1))
        X_train, X_test, y_train, y_test = train_test_split(Xb, yb, test_size=0.3, random_state=state)
        model = (RandomForestClassifier if binary else RandomForestRegressor)(
            n_estimators=150, min_samples_leaf=5, random_state=state, n_jobs=1
        )
        model.fit(X_train, y_train)
        result = permutation_importance(model, X_test, y_test, n_repeats=repeats, random_state=state, n_jobs=1)
        scores[b] = result.importances_mean
    table = pd.DataFrame(
        {
            "parameter": X.columns,
            "importance": scores.mean(axis=0),
            "lower": np.percentile(scores, 2.5, axis=0),
            "upper": np.percentile(scores, 97.5, axis=0),
        }
    ).sort_values("importance", ascending=False, ignore_index=True)
    table["rank"] = np.arange(1, len(table) + 1)
    return table


def headline_measures(results: Results, scenario: str | None = None) -> dict[str, pd.Series]:
    """Every non-category measure of the batch, and every expectation of its scenario (NaN where `given` fails)."""
    from scenarios.analysis.check import expectation_values

    name = scenario or results.scenarios[0]
    measures = results_measures(results)
    out = {m.name: outcome_vector(results, m, name) for m in measures if m.kind != "category"}
    out.update(expectation_values(results, name))
    return out


def screen(results: Results, scenario: str | None = None, bins: int = 5, alpha: float = 0.05) -> pd.DataFrame:
    """Which uncertain parameters move any headline measure: a Kruskal-Wallis test across quantile bins of each
    parameter (so non-monotone effects count), Bonferroni-adjusted over the measures.

    A parameter none of whose adjusted p-values is below `alpha` has no effect this batch can tell from noise on
    any measure; it is a candidate to fix, remove or keep with a note. Columns: parameter, measure (the one it
    moves most), p (adjusted), spread (largest difference of bin means, in standard deviations of the measure),
    detectable.
    """
    from scipy import stats

    X = uncertain_parameters(results, scenario)
    if X.empty:
        raise AnalysisError("no parameter varies in this batch: nothing to screen")
    measures = {k: v.to_numpy(dtype=float) for k, v in headline_measures(results, scenario).items()}
    measures = {k: y for k, y in measures.items() if np.nanstd(y) > 0}
    rows = []
    for parameter in X.columns:
        x = X[parameter].to_numpy(dtype=float)
        best = (1.0, "", 0.0)
        for name, y in measures.items():
            ok = ~np.isnan(y)
            groups = pd.qcut(x[ok], bins, labels=False, duplicates="drop")
            parts = [y[ok][groups == g] for g in np.unique(groups)]
            if len(parts) < 2 or np.ptp(y[ok]) == 0:
                continue
            p = min(1.0, float(stats.kruskal(*parts).pvalue) * len(measures))
            means = [part.mean() for part in parts]
            spread = (max(means) - min(means)) / float(np.std(y[ok]))
            if (p, -spread) < (best[0], -best[2]):
                best = (p, name, spread)
        rows.append({"parameter": parameter, "measure": best[1], "p": best[0], "spread": best[2]})
    table = pd.DataFrame(rows).sort_values(["p", "spread"], ascending=[True, False], ignore_index=True)
    table["detectable"] = table["p"] < alpha
    return table
