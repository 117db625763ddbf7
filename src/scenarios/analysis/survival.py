"""Ceasefire durability: Kaplan-Meier survival with confidence bands (lifelines), censored at the horizon.

A truce's duration is how long it stayed *formally* in force (until a party's decision ended it); how long it held
in fact is ``first_ceasefire_quiet_days`` and the ``quiet_<d>_days`` measures. Two views: the *first* truce (the one in
force on day 0, or the first agreed: one duration per replication that had a truce; a run that never had one has no
duration and is left out) and *all* truces (every truce of every replication; they are not independent within a
replication, so treat its bands as indicative).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter

from scenarios.io.load import Results

Which = Literal["first", "all"]


def durations(results: Results, which: Which = "first") -> pd.DataFrame:
    """Columns scenario, replication, duration (days formally in force), observed (False = still in force at the
    horizon); for the first truce, only the replications that had one."""
    if which == "first":
        r = results.replications
        r = r[r["first_ceasefire_days"].notna()]
        return pd.DataFrame(
            {
                "scenario": r["scenario"],
                "replication": r["replication"],
                "duration": r["first_ceasefire_days"].astype(float),
                "observed": ~r["first_ceasefire_censored"].astype(bool),
            }
        )
    c = results.ceasefires
    return pd.DataFrame(
        {
            "scenario": c["scenario"],
            "replication": c["replication"],
            "duration": c["duration_days"].astype(float),
            "observed": ~c["censored"].astype(bool),
        }
    )


def fit_km(duration: pd.Series, observed: pd.Series, alpha: float = 0.05, label: str = "") -> KaplanMeierFitter:
    """A fitted Kaplan-Meier estimator (confidence interval: exponential Greenwood, lifelines' default)."""
    return KaplanMeierFitter(alpha=alpha).fit(duration, event_observed=observed, label=label or "survival")


def holds_at(km: KaplanMeierFitter, duration: pd.Series, d: float, alpha: float = 0.05) -> tuple[float, float, float]:
    """P(holds at least d days) off a fitted curve, with its interval: S(d-), since the curve is right-continuous and
    "holds at least d days" is P(T >= d). Greenwood's interval (lifelines' log-log) where the curve is strictly
    between 0 and 1; at 0 or 1 Greenwood's variance is 0 and its interval a point, so the interval is then Wilson's
    on the replications that decide it: those seen to hold d days (at 1), or to end before d (at 0)."""
    from statsmodels.stats.proportion import proportion_confint

    if d <= 0:
        return 1.0, 1.0, 1.0  # every ceasefire holds 0 days: true by definition, not an estimate
    sf = km.survival_function_.iloc[:, 0]
    idx = int(np.searchsorted(sf.index.to_numpy(), d, side="left")) - 1
    if idx < 0:  # d at or before the first time point: every ceasefire holds that long
        p, lo, hi = 1.0, 1.0, 1.0
    else:
        ci = km.confidence_interval_survival_function_
        p, lo, hi = float(sf.iloc[idx]), float(ci.iloc[idx, 0]), float(ci.iloc[idx, 1])
    if p >= 1.0 or p <= 0.0:
        durations_ = duration.to_numpy(dtype=float)
        if p >= 1.0:
            n = int((durations_ >= d).sum())
            k = n
        else:
            observed = km.event_observed.astype(bool)
            n = int((observed & (durations_ < d)).sum())
            k = 0
        if n:
            lo, hi = (float(x) for x in proportion_confint(k, n, alpha, method="wilson"))
    return p, lo, hi


def survival_curves(results: Results, which: Which = "first", alpha: float = 0.05) -> pd.DataFrame:
    """Long table: scenario, day, survival, lower, upper (a step function at each event time)."""
    frames = []
    data = durations(results, which)
    for name, group in data.groupby("scenario", observed=True, sort=False):
        km = fit_km(group["duration"], group["observed"], alpha, str(name))
        sf = km.survival_function_.iloc[:, 0]
        ci = km.confidence_interval_survival_function_
        frames.append(
            pd.DataFrame(
                {
                    "scenario": str(name),
                    "day": sf.index.to_numpy(dtype=float),
                    "survival": sf.to_numpy(),
                    "lower": ci.iloc[:, 0].to_numpy(),
                    "upper": ci.iloc[:, 1].to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def hold_probability(
    results: Results, days: Sequence[float] = (7, 30, 90), which: Which = "first", alpha: float = 0.05
) -> pd.DataFrame:
    """P(the ceasefire holds at least d days) for each scenario and d, with its confidence interval.

    Read off the Kaplan-Meier curve, so censoring at the horizon is handled; d beyond the horizon is NaN.
    """
    rows = []
    data = durations(results, which)
    for name, group in data.groupby("scenario", observed=True, sort=False):
        km = fit_km(group["duration"], group["observed"], alpha, str(name))
        for d in days:
            if d > results.horizon_of(str(name)):
                p = lo = hi = float("nan")
            else:
                p, lo, hi = holds_at(km, group["duration"], d, alpha)
            rows.append({"scenario": str(name), "days": d, "p": p, "lower": lo, "upper": hi, "n": len(group)})
    return pd.DataFrame(rows)


def median_survival(results: Results, which: Which = "first", alpha: float = 0.05) -> pd.DataFrame:
    """Median duration per scenario with its confidence interval (inf when over half hold to the horizon)."""
    from lifelines.utils import median_survival_times

    rows = []
    data = durations(results, which)
    for name, group in data.groupby("scenario", observed=True, sort=False):
        km = fit_km(group["duration"], group["observed"], alpha, str(name))
        ci = median_survival_times(km.confidence_interval_survival_function_)
        rows.append(
            {
                "scenario": str(name),
                "median_days": float(km.median_survival_time_),
                "lower": float(ci.iloc[0, 0]),
                "upper": float(ci.iloc[0, 1]),
            }
        )
    return pd.DataFrame(rows)
