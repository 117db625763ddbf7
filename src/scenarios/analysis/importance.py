"""Which drawn parameters drive an outcome, from any ordinary batch (the draws are stored with each replication).

Permutation importance of a random forest fitted to (parameters -> outcome): how much the forest's held-out
score drops when one parameter's column is shuffled. It captures non-linear effects and interactions; its
uncertainty comes from refitting on bootstrap resamples of the replications.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

from scenarios.analysis.render import Rendered, View, frame_columns
from scenarios.exceptions import AnalysisError
from scenarios.io.load import Results
from scenarios.io.records import PARAM_PREFIX
from scenarios.labels import KEY, expectation_label, measure_named, parameter_label, short
from scenarios.measures import Measure, results_measures


def outcome_vector(results: Results, outcome: str | Measure, scenario: str | None = None) -> pd.Series:
    """A measure (a name, e.g. holds_30_days, or an expression) per replication of one scenario, as floats."""
    measure = outcome if isinstance(outcome, Measure) else results_measures(results).get(outcome)
    if measure.kind == "category":
        raise AnalysisError(f"{measure.name!r} is a category; use one of its classes, e.g. outcome:fighting_at_horizon")
    name = one_scenario(results, scenario)
    values = measure.evaluate(results).astype(float)
    return values.xs(name, level="scenario").reset_index(drop=True)


def one_scenario(results: Results, scenario: str | None) -> str:
    """The scenario to analyse: the one named, or the batch's only one; of several, none is picked in silence."""
    names = list(results.scenarios)
    if scenario is None and len(names) > 1:
        raise AnalysisError(f"these results hold {len(names)} scenarios ({', '.join(names)}): name the one to analyse")
    if scenario is not None and scenario not in names:
        raise AnalysisError(f"no scenario {scenario!r} in these results; choose one of {', '.join(names)}")
    return scenario or names[0]


def uncertain_parameters(results: Results, scenario: str | None = None) -> pd.DataFrame:
    """The drawn parameter values that actually vary in this batch (columns without the `param.` prefix)."""
    name = one_scenario(results, scenario)
    r = results.replications[results.replications["scenario"] == name]
    cols = [c for c in r.columns if c.startswith(PARAM_PREFIX) and r[c].nunique() > 1]
    return r[cols].rename(columns=lambda c: c.removeprefix(PARAM_PREFIX)).reset_index(drop=True)


FOREST = {
    "n_estimators": 100,
    "min_samples_leaf": 5,
    "max_samples": 0.5,
}  # each refit's forest (`parameter_importance`)
POOR_FIT = {"AUC": 0.6, "R^2": 0.1}  # below these the forest tells the outcome little better than chance
MIN_CLASS = 10  # replications of the rarer class a 0/1 outcome needs (fewer: no held-out AUC to speak of)


@dataclass(repr=False)
class Importance(Rendered):
    """Permutation importance of every uncertain parameter for one outcome of one scenario, with the forests' fit.

    `table`: parameter, importance (mean drop of the held-out score when the parameter is shuffled), lower, upper
    (2.5 and 97.5 percentiles over the refits), rank. `fit` is the forests' own held-out score (`metric`: AUC for a
    0/1 outcome, R^2 for an amount) with its range over the refits; `n` the replications analysed (those where the
    outcome is defined); `warning` says when the fit is too poor for the ranking to mean anything. `label` is how
    charts name the outcome (its measure's label); the printed ranking gives it with `outcome`, its name, beside it;
    stored files keep the name.
    """

    table: pd.DataFrame
    outcome: str
    scenario: str
    n: int
    left_out: int  # replications of the scenario where the outcome is n/a (not analysed)
    metric: str
    fit: float
    fit_lower: float
    fit_upper: float
    refits: int
    seed: int
    warning: str = ""
    label: str = ""

    def fit_text(self) -> str:
        """The forests' fit, with what it means."""
        span = f"{self.fit:.2f} [{self.fit_lower:.2f}, {self.fit_upper:.2f}]"
        if self.metric == "AUC":
            means = (
                "the chance that the forest ranks a replication where it happens above one where it does not; "
                "0.5 is a coin toss, 1 a perfect fit"
            )
        else:
            means = "the share of the outcome's variance the forest predicts; 0 is no better than its mean, 1 perfect"
        return (
            f"out-of-bag fit of the forests: {self.metric} {span} (mean and 2.5-97.5 percentiles of {self.refits} "
            f"refits, each scored on the replications its bootstrap left out): {means}. An importance is the drop "
            "of this score when the parameter is shuffled: from a forest that fits no better than chance it means "
            "nothing."
        )

    def to_text(self) -> str:
        """The ranking: each parameter in words, as the chart names it, with its key (what `--set` takes)."""
        left = f"; {self.left_out:,} where it is n/a left out" if self.left_out else ""
        rough = "; 20 or more for an interval to quote" if self.refits < 20 else ""
        names = [short(parameter_label(str(k))) for k in self.table["parameter"]]
        width = max([len("parameter"), *map(len, names)])
        lines = [
            f"permutation importance for {measure_named(self.outcome, self.label)} in {self.scenario} "
            f"({self.n:,} replications analysed{left}; drop in held-out {self.metric}; interval: 2.5-97.5 "
            f"percentiles of {self.refits} bootstrap refits{rough})",
            f"{'rank':>4}  {'importance [95% interval]':>26}  {'parameter':<{width}}  {KEY}",
        ]
        for name, (_, r) in zip(names, self.table.iterrows(), strict=True):
            cell = f"{r['importance']:.3f} [{r['lower']:.3f}, {r['upper']:.3f}]"
            lines.append(f"{int(r['rank']):>4}  {cell:>26}  {name:<{width}}  {r['parameter']}")
        lines.append(self.fit_text())
        return "\n".join(lines)

    def views(self) -> list[View]:
        before = f"permutation importance for {self.outcome} in {self.scenario} ({self.n:,} replications)"
        return [View(self.table, frame_columns(self.table), before=before, after=self.fit_text())]

    def plot(self, ax: Any = None) -> Any:
        """The ranked chart of the importances with their intervals."""
        from scenarios.plots.sensitivity import tornado

        named = f"{self.label or self.outcome} in {self.scenario}"
        fig = tornado(self.table, named, ax=ax)
        axes = ax if ax is not None else fig.axes[0]
        axes.set_xlabel(
            f"drop in held-out {self.metric} when the parameter is shuffled\n"
            f"(the forests' own {self.metric}: {self.fit:.2f}; {self.n:,} replications)"
        )
        axes.set_title(
            f"What matters most for {textwrap.fill(named, 90)}\n"
            f"(intervals: 2.5-97.5 percentiles of {self.refits} bootstrap refits)",
            fontsize=10,
        )
        return fig

    def __repr__(self) -> str:
        top = ", ".join(map(str, self.table["parameter"].head(3)))
        return (
            f"<Importance of {self.outcome} in {self.scenario}: {self.n} replications, {self.metric} {self.fit:.2f}; "
            f"most influential: {top}>"
        )


def parameter_importance(
    results: Results,
    outcome: str | Measure,
    scenario: str | None = None,
    bootstrap: int = 5,
    repeats: int = 1,
    seed: int = 0,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> Importance:
    """Permutation importance of every uncertain parameter for `outcome`, ranked, with a bootstrap interval and the
    forests' out-of-bag fit.

    Each of `bootstrap` refits grows a random forest (100 trees, each on half of it, leaves of at least 5; half
    samples grow twice as fast for the same held-out fit on the baseline) on a bootstrap resample of
    the replications (stratified by class for a 0/1 outcome) and scores it on the replications the resample left
    out: its fit (AUC for a 0/1 outcome, R^2 otherwise), then the drop of that score when one parameter's column is
    shuffled (`repeats` shuffles each). The refits already resample the replications and the shuffles, so their
    spread gives the interval, and one shuffle per refit is enough: more would re-measure the shuffle's noise,
    which the refits average. Five refits put a parameter that matters clear of those that do not; ask for more
    (``bootstrap=20``) for intervals to quote. `workers` grow the trees and shuffle the parameters in parallel;
    the numbers depend only on `seed`, never on `workers`. `progress(done, total)` is called after each refit.
    """
    name = one_scenario(results, scenario)
    y_all = outcome_vector(results, outcome, name)
    defined = y_all.notna().to_numpy()
    X = uncertain_parameters(results, name)
    X = X[defined].reset_index(drop=True)
    X = X.loc[:, X.nunique() > 1]
    y = y_all[defined].to_numpy(dtype=float)
    measure = outcome if isinstance(outcome, Measure) else results_measures(results).get(outcome)
    label = measure.name
    if X.empty:
        raise AnalysisError("no parameter varies in this batch: nothing to attribute")
    if len(y) == 0 or np.ptp(y) == 0:
        raise AnalysisError(f"{label} never varies in {name} ({len(y):,} replications): nothing to attribute")
    binary = set(np.unique(y)) <= {0.0, 1.0}
    if binary and min(int(y.sum()), int(len(y) - y.sum())) < MIN_CLASS:
        rare = min(int(y.sum()), int(len(y) - y.sum()))
        raise AnalysisError(
            f"{label} is {'true' if y.sum() < len(y) / 2 else 'false'} in only {rare} of {len(y):,} replications of "
            f"{name}: too few (at least {MIN_CLASS}) to tell what drives it; run more replications"
        )
    metric = "AUC" if binary else "R^2"
    features = X.to_numpy(dtype=np.float32)  # what the trees split on (sklearn's own dtype)
    fits = np.zeros(bootstrap)
    scores = np.zeros((bootstrap, features.shape[1]))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for b, child in enumerate(np.random.SeedSequence(seed).spawn(bootstrap)):
            rng = np.random.default_rng(child)
            train, test = _resample(y, binary, rng)
            model = (RandomForestClassifier if binary else RandomForestRegressor)(
                **FOREST,
                max_features="sqrt" if binary else 1 / 3,  # Breiman's defaults: sqrt(p) to classify, p/3 to regress
                random_state=int(rng.integers(0, 2**31 - 1)),
                n_jobs=workers,
            )
            model.fit(features[train], y[train])
            predict, score = _predictor(model, binary), _auc if binary else _r2
            X_test, y_test = features[test], y[test]
            fits[b] = score(y_test, predict(X_test))
            orders = rng.permuted(np.tile(np.arange(len(test)), (features.shape[1] * repeats, 1)), axis=1)
            scores[b] = _drops(predict, score, X_test, y_test, orders.reshape(features.shape[1], repeats, -1), pool)
            if progress is not None:
                progress(b + 1, bootstrap)
    table = pd.DataFrame(
        {
            "parameter": X.columns,
            "importance": scores.mean(axis=0),
            "lower": np.percentile(scores, 2.5, axis=0),
            "upper": np.percentile(scores, 97.5, axis=0),
        }
    ).sort_values("importance", ascending=False, ignore_index=True, kind="stable")
    table["rank"] = np.arange(1, len(table) + 1)
    fit = float(fits.mean())
    warning = ""
    if fit < POOR_FIT[metric]:
        warning = (
            f"the forests fit {label} poorly ({metric} {fit:.2f}, below {POOR_FIT[metric]}): the parameters drawn "
            "in this batch tell little about it, so this ranking means little; more replications may help, or the "
            "outcome depends on chance more than on these parameters"
        )
    return Importance(
        table=table,
        outcome=label,
        label=measure.label,
        scenario=name,
        n=len(y),
        left_out=int((~defined).sum()),
        metric=metric,
        fit=fit,
        fit_lower=float(np.percentile(fits, 2.5)),
        fit_upper=float(np.percentile(fits, 97.5)),
        refits=bootstrap,
        seed=seed,
        warning=warning,
    )


def _drops(
    predict: Callable[[np.ndarray], np.ndarray],
    score: Callable[[np.ndarray, np.ndarray], float],
    X: np.ndarray,
    y: np.ndarray,
    orders: np.ndarray,
    pool: ThreadPoolExecutor,
) -> list[float]:
    """The mean drop of `score` when each column of `X` is shuffled (`orders[j]`: its shuffles), one column per
    task: each column's drop is computed alone, so the threads' order changes nothing."""
    fit = score(y, predict(X))

    def drop(j: int) -> float:
        shuffled = X.copy()
        losses = []
        for order in orders[j]:
            shuffled[:, j] = X[order, j]
            losses.append(fit - score(y, predict(shuffled)))
        return float(np.mean(losses))

    return list(pool.map(drop, range(X.shape[1])))


def _predictor(model: Any, binary: bool) -> Callable[[np.ndarray], np.ndarray]:
    """The forest's prediction (the probability of 1 for a 0/1 outcome), tree by tree in a fixed order: the trees'
    leaves (`tree_.apply`, which releases the GIL, so threads share the work) and the forest's mean of their values,
    as `predict_proba` and `predict` compute them, without their per-call checks."""
    trees = []
    for estimator in model.estimators_:
        value = estimator.tree_.value[:, 0, :]
        trees.append((estimator.tree_, value[:, 1] / value.sum(axis=1) if binary else value[:, 0]))

    def predict(X: np.ndarray) -> np.ndarray:
        total = np.zeros(len(X))
        for tree, leaf_value in trees:
            total += leaf_value[tree.apply(X)]
        return total / len(trees)

    return predict


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    """The area under the ROC curve (Mann-Whitney: the chance a 1 scores above a 0, ties counted half)."""
    from scipy.stats import rankdata

    ones = y == 1
    n1, n0 = int(ones.sum()), int((~ones).sum())
    return float((rankdata(p)[ones].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _r2(y: np.ndarray, p: np.ndarray) -> float:
    """The share of the variance of `y` the predictions `p` explain (1 - SSE/SST)."""
    return float(1 - np.sum((y - p) ** 2) / np.sum((y - y.mean()) ** 2))


def _resample(y: np.ndarray, binary: bool, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A bootstrap resample of the rows (within each class for a 0/1 outcome) and the rows it left out (drawn again
    until the rows left out hold both classes, which AUC needs)."""
    groups = [np.flatnonzero(y == v) for v in (0.0, 1.0)] if binary else [np.arange(len(y))]
    while True:
        train = np.concatenate([g[rng.integers(0, len(g), len(g))] for g in groups])
        test = np.setdiff1d(np.arange(len(y)), train)
        if len(test) > 1 and (not binary or len(np.unique(y[test])) == 2):
            return train, test


def headline_measures(results: Results, scenario: str | None = None) -> dict[str, pd.Series]:
    """Every non-category measure of the batch, and every expectation of its scenario (NaN where `given` fails)."""
    from scenarios.analysis.check import expectation_values

    name = scenario or results.scenarios[0]
    measures = results_measures(results)
    out = {m.name: outcome_vector(results, m, name) for m in measures if m.kind != "category"}
    out.update(expectation_values(results, name))
    return out


def headline_labels(results: Results, scenario: str | None = None) -> dict[str, str]:
    """How tables name each of `headline_measures`: a measure by its label, an expectation as `scenarios check`'s
    chart names it."""
    from scenarios.analysis.check import judged_scenario

    name = scenario or results.scenarios[0]
    out = {m.name: str(m) for m in results_measures(results) if m.kind != "category"}
    for eid, exp in judged_scenario(results, name).active_expectations().items():
        out[f"expectation:{eid}"] = f"expectation: {expectation_label(eid, exp.label)}"
    return out


def screen(
    results: Results,
    scenario: str | None = None,
    bins: int = 5,
    alpha: float = 0.05,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Which uncertain parameters move any headline measure: a Kruskal-Wallis test across quantile bins of each
    parameter (so non-monotone effects count), Bonferroni-adjusted over the measures.

    A parameter none of whose adjusted p-values is below `alpha` has no effect this batch can tell from noise on
    any measure; it is a candidate to fix, remove or keep with a note. Columns: parameter, measure (the one it
    moves most), p (adjusted), spread (largest difference of bin means, in standard deviations of the measure),
    detectable.
    """
    from scipy import stats

    scenario = one_scenario(results, scenario)
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
        if progress is not None:
            progress(len(rows), len(X.columns))
    table = pd.DataFrame(rows).sort_values(["p", "spread"], ascending=[True, False], ignore_index=True)
    table["detectable"] = table["p"] < alpha
    return table
