"""Variance-based global sensitivity (SALib): Sobol indices, and Morris elementary effects for screening.

The problem is built from a scenario's uncertain parameters. SALib samples quantiles in the unit hypercube and
each parameter's own inverse CDF turns them into values, so ranges, estimative words and distributions are all
respected. `evaluate` maps the design (one row of quantiles per model run) to one output per run: for a
scenario it is a batch run through the engine; for a test function it is the function itself. Parameters not
in the problem stay at their median.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from scenarios.config.params import Spec
from scenarios.exceptions import AnalysisError
from scenarios.io.records import SEED_COLUMN

METHODS = ("sobol", "morris")
SOBOL_RESAMPLES = 1000  # bootstrap resamples of the runs behind each Sobol interval (2.5-97.5 percentiles)


@dataclass(frozen=True)
class Problem:
    """The parameters studied (dotted paths) and their value specifications."""

    names: list[str]
    specs: dict[str, Spec]
    groups: list[str] | None = None  # the judgment of each parameter (same order as names), or None: one by one

    def salib(self) -> dict[str, Any]:
        """SALib's problem: every parameter as a quantile in [0, 1], grouped by judgment when groups are set."""
        problem: dict[str, Any] = {
            "num_vars": len(self.names),
            "names": list(self.names),
            "bounds": [[0.0, 1.0]] * len(self.names),
        }
        if self.groups is not None:
            problem["groups"] = list(self.groups)
        return problem

    @property
    def factors(self) -> list[str]:
        """What the indices are of: the parameters, or the judgments in order of first appearance."""
        return list(dict.fromkeys(self.groups)) if self.groups is not None else list(self.names)

    @property
    def factor_label(self) -> str:
        """The name of the indices' first column: `parameter`, or `judgment` when grouped."""
        return "parameter" if self.groups is None else "judgment"

    def grouped(self, group_of: dict[str, str]) -> Problem:
        """The same parameters, studied as groups (`group_of`: parameter -> judgment)."""
        return Problem(self.names, self.specs, [group_of[n] for n in self.names])

    def values(self, design: pd.DataFrame) -> pd.DataFrame:
        """Quantiles -> values, column by column, through each parameter's inverse CDF."""
        return pd.DataFrame({n: [self.specs[n].ppf(u) for u in design[n]] for n in self.names})


def build_problem(specs: dict[str, Spec], patterns: Sequence[str] = ()) -> Problem:
    """The uncertain parameters whose path matches any glob pattern (all uncertain ones when none given)."""
    uncertain = [p for p, s in specs.items() if s.uncertain]
    names = [p for p in uncertain if not patterns or any(fnmatch.fnmatchcase(p, pat) for pat in patterns)]
    if not names:
        fixed = [p for p in specs if p not in uncertain and any(fnmatch.fnmatchcase(p, pat) for pat in patterns)]
        why = f" ({', '.join(fixed[:5])} {'is' if len(fixed) == 1 else 'are'} fixed in this scenario)" if fixed else ""
        raise AnalysisError.naming(
            "params",
            "no uncertain parameter matches {patterns}{why}; the scenario has {count} uncertain parameters "
            "(`scenarios show CONFIG` lists every value; give a range to study a fixed one, e.g. {overrides} "
            "KEY=[lo,hi])",
            patterns=", ".join(patterns),
            why=why,
            count=len(uncertain),
        )
    return Problem(names, {n: specs[n] for n in names})


def sample(problem: Problem, method: str, n: int, seed: int) -> pd.DataFrame:
    """The design: one row of quantiles per model run (Sobol: n(d+2) rows; Morris: n(d+1) rows).

    Column `seed_index` gives the runs of one Sobol block (or one Morris trajectory) the same random streams, so
    that in a stochastic model the differences the estimators take reflect the parameters, not the noise.
    """
    if method == "sobol":
        x = sobol_sample.sample(problem.salib(), n, calc_second_order=False, scramble=True, seed=seed)
    elif method == "morris":
        x = morris_sample.sample(problem.salib(), n, num_levels=4, seed=seed)
    else:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    # keep quantiles strictly inside (0, 1) so that unbounded distributions stay finite
    design = pd.DataFrame(np.clip(x, 1e-9, 1 - 1e-9), columns=problem.names)
    block = len(problem.factors) + (2 if method == "sobol" else 1)
    design[SEED_COLUMN] = np.arange(len(design)) // block
    return design


def analyse(problem: Problem, method: str, design: pd.DataFrame, y: np.ndarray, seed: int) -> pd.DataFrame:
    """Indices per parameter, ranked. Sobol: S1, ST with 95% percentile bootstrap intervals (`SOBOL_RESAMPLES`
    resamples of the runs: a total index is never below 0, and nor is its interval, which SALib's normal
    approximation, the estimate +- 1.96 sd, can put there); Morris: mu_star with its 95% bootstrap interval (cut at
    0), mu and sigma. Factors with no measurable effect (`inert`) come last, with no rank."""
    y = np.asarray(y, dtype=float)
    if method == "sobol":
        s = sobol_analyze.analyze(
            problem.salib(),
            y,
            calc_second_order=False,
            num_resamples=SOBOL_RESAMPLES,
            conf_level=0.95,
            keep_resamples=True,
            seed=seed,
        )
        s1 = np.nanpercentile(s["S1_conf_all"], [2.5, 97.5], axis=0)
        st = np.nanpercentile(s["ST_conf_all"], [2.5, 97.5], axis=0)
        table = pd.DataFrame(
            {
                problem.factor_label: problem.factors,
                "S1": s["S1"],
                "S1_lower": s1[0],
                "S1_upper": s1[1],
                "ST": s["ST"],
                "ST_lower": st[0],
                "ST_upper": st[1],
            }
        )
        key = "ST"
    else:
        x = design[problem.names].to_numpy()
        m = morris_analyze.analyze(problem.salib(), x, y, conf_level=0.95, seed=seed)
        mu_star, conf = np.asarray(m["mu_star"], dtype=float), np.asarray(m["mu_star_conf"], dtype=float)
        table = pd.DataFrame(
            {
                problem.factor_label: problem.factors,
                "mu_star": mu_star,
                "mu_star_lower": np.maximum(mu_star - conf, 0.0),  # a mean of absolute values is never below 0
                "mu_star_upper": mu_star + conf,
                "mu": m["mu"],
                "sigma": m["sigma"],  # NaN for a group of several parameters: SALib defines it per parameter only
            }
        )
        key = "mu_star"
    table = table.sort_values(key, ascending=False, ignore_index=True)
    still = inert(table)  # sorted last: an index is never below 0 (ST a mean of squares, mu* of absolute values)
    table["rank"] = pd.array([pd.NA if s else k + 1 for k, s in enumerate(still)], dtype="Int64")
    return table


def inert(table: pd.DataFrame) -> pd.Series:
    """The factors with no measurable effect in this design, as a mask of the rows: moving them never changed the
    outcome in any run. Sobol: ST = 0 with a zero-width interval (every swap of the factor left the outcome as it
    was); Morris: mu* = 0 (no step of any trajectory moved it); another method's table (an importance): none.
    They are not ranked (`rank` empty): a tie at zero says nothing about their order, only that this design saw no
    effect (a larger n, or a longer horizon, may)."""
    if {"ST", "ST_lower", "ST_upper"} <= set(table.columns):
        return (table["ST"] == 0) & (table["ST_lower"] == 0) & (table["ST_upper"] == 0)
    if "mu_star" in table.columns:
        return table["mu_star"] == 0
    return pd.Series(False, index=table.index)  # another method's table (an importance): every row ranked


def run(
    problem: Problem, method: str, n: int, seed: int, evaluate: Callable[[pd.DataFrame], np.ndarray]
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Sample, evaluate, analyse: (indices, design, outputs)."""
    design = sample(problem, method, n, seed)
    y = evaluate(design)
    return analyse(problem, method, design, y, seed), design, y
