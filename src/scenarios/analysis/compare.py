"""Differences between scenarios of one batch, paired by replication index (common random numbers).

Replication i of every scenario of a batch shares its seed, so the paired difference of an outcome has far
less variance than the difference of two independent means; its interval is a t interval on the paired
differences. Survival curves are compared with a log-rank test.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lifelines.statistics import logrank_test
from scipy import stats

from scenarios.analysis.survival import durations
from scenarios.io.load import Results
from scenarios.model.outcomes import OUTCOME_CLASSES


class ConfigMismatchWarning(UserWarning):
    """Scenarios compared across batches: their replications are not paired."""


def outcome_measures(results: Results, days: Sequence[float] = (7, 30, 90)) -> pd.DataFrame:
    """Per replication: the headline measures compared between scenarios (0/1 indicators and amounts).

    ``holds_<d>_days`` is NaN for d beyond the horizon: whether the ceasefire would hold that long is unknown.
    """
    r = results.replications
    m = pd.DataFrame({"scenario": r["scenario"].astype(str), "replication": r["replication"]})
    end = r["first_ceasefire_end_day"].astype(float)
    for d in days:
        m[f"holds_{d:g}_days"] = (end >= d).astype(float) if d <= results.horizon else float("nan")
    for cls in OUTCOME_CLASSES:
        m[f"outcome:{cls}"] = (r["outcome_class"].astype(str) == cls).astype(float)
    for column in (
        "azerbaijani_share",
        "military_azerbaijan",
        "military_armenia",
        "civilian_azerbaijan",
        "civilian_armenia",
        "war_days",
        "attention",
    ):
        m[column] = r[column].astype(float)
    m["durable_ceasefire"] = r["durable_ceasefire"].astype(float)
    return m


def paired_differences(
    results: Results, a: str, b: str, days: Sequence[float] = (7, 30, 90), alpha: float = 0.05
) -> pd.DataFrame:
    """What changed from scenario `a` to `b`: mean of each, paired difference b-a with interval and p-value.

    Pairs where either value is missing are left out; with fewer than two pairs the interval and p-value are
    NaN.
    """
    m = outcome_measures(results, days)
    left = m[m["scenario"] == a].set_index("replication")
    right = m[m["scenario"] == b].set_index("replication")
    common = left.index.intersection(right.index)
    if len(common) == 0:
        raise ValueError(f"scenarios {a!r} and {b!r} share no replication index; compare within one batch")
    left, right = left.loc[common], right.loc[common]
    rows = []
    for measure in [c for c in m.columns if c not in ("scenario", "replication")]:
        x, y = left[measure].to_numpy(dtype=float), right[measure].to_numpy(dtype=float)
        valid = ~(np.isnan(x) | np.isnan(y))
        x, y = x[valid], y[valid]
        d = y - x
        n = len(d)
        nan = float("nan")
        mean = float(d.mean()) if n else nan
        sd = float(d.std(ddof=1)) if n > 1 else nan
        if n < 2:
            lo = hi = p = nan
        elif sd > 0:
            se = sd / np.sqrt(n)
            tcrit = float(stats.t.ppf(1 - alpha / 2, n - 1))
            lo, hi = mean - tcrit * se, mean + tcrit * se
            p = float(2 * stats.t.sf(abs(mean / se), n - 1))
        else:  # every pair differs by the same amount
            lo = hi = mean
            p = 1.0 if mean == 0 else 0.0
        rows.append(
            {
                "measure": measure,
                a: float(x.mean()) if n else nan,
                b: float(y.mean()) if n else nan,
                "difference": mean,
                "lower": lo,
                "upper": hi,
                "p_value": p,
                "significant": bool(p < alpha),
                "n_pairs": n,
            }
        )
    return pd.DataFrame(rows)


def logrank(results: Results, a: str, b: str, which: str = "first") -> dict[str, float]:
    """Log-rank test of the survival of ceasefires in scenarios a and b."""
    data = durations(results, "first" if which == "first" else "all")
    x, y = data[data["scenario"] == a], data[data["scenario"] == b]
    test = logrank_test(x["duration"], y["duration"], event_observed_A=x["observed"], event_observed_B=y["observed"])
    return {"statistic": float(test.test_statistic), "p_value": float(test.p_value)}


def compare(results: Results, baseline: str | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """Every scenario against the first (or `baseline`): a tidy table of what changed and by how much."""
    names = results.scenarios
    base = baseline or names[0]
    if base not in names:
        raise ValueError(f"baseline {base!r} is not a scenario of these results; choose one of {', '.join(names)}")
    frames = []
    for other in names:
        if other == base:
            continue
        table = paired_differences(results, base, other, alpha=alpha)
        table = table.rename(columns={base: "baseline_value", other: "scenario_value"})
        table.insert(0, "scenario", other)
        table.insert(1, "baseline", base)
        lr = logrank(results, base, other)
        table["logrank_p"] = lr["p_value"]
        frames.append(table)
    if not frames:
        raise ValueError("compare needs at least two scenarios")
    return pd.concat(frames, ignore_index=True)


def merge_batches(batches: Sequence[Results]) -> Results:
    """Put scenarios from several batches side by side, warning (ConfigMismatchWarning) where that misleads.

    - different seeds or sizes: replications are not paired, so paired intervals do not apply;
    - different horizons: survival is comparable only up to the shorter one;
    - a scenario name in two folders: the later one is shown as ``name@folder``, and the warning says whether
      its configuration differs (config hash) and how to list the differences.
    """
    if not batches:
        raise ValueError("give at least one results folder")
    if len(batches) == 1:
        return batches[0]
    seeds = {b.manifest["seed"] for b in batches}
    ns = {b.manifest["replications"] for b in batches}
    if len(seeds) > 1 or len(ns) > 1:
        warnings.warn(
            "comparing batches with different seeds or sizes: replications are not paired (no common random "
            "numbers), so intervals are wider and paired tests are not valid; run the scenarios in one batch "
            "(`scenarios run A.yaml B.yaml`) for a sharp comparison",
            ConfigMismatchWarning,
            stacklevel=2,
        )
    horizons = {b.horizon for b in batches}
    if len(horizons) > 1:
        warnings.warn(
            f"comparing batches with different horizons ({sorted(horizons)} days): survival and outcome classes "
            f"are comparable only up to {min(horizons):g} days",
            ConfigMismatchWarning,
            stacklevel=2,
        )
    names: list[str] = []
    entries: list[dict[str, Any]] = []
    renames: list[dict[str, str]] = []
    seen: dict[str, tuple[Path, str | None]] = {}
    for b in batches:
        rename: dict[str, str] = {}
        for entry in b.manifest["scenarios"]:
            name = entry["name"]
            shown = name
            if name in seen:
                shown = f"{name}@{b.directory.name}"
                first_dir, first_hash = seen[name]
                same = first_hash is not None and first_hash == entry.get("config_hash")
                warnings.warn(
                    f"scenario {name!r} is in both {first_dir} and {b.directory}"
                    + (" with the same configuration" if same else " with different configurations")
                    + f"; the second is shown as {shown!r}"
                    + ("" if same else f" (`scenarios diff {first_dir}:{name} {b.directory}:{name}` to compare)"),
                    ConfigMismatchWarning,
                    stacklevel=2,
                )
            seen.setdefault(name, (b.directory, entry.get("config_hash")))
            rename[name] = shown
            names.append(shown)
            entries.append({**entry, "name": shown})
        renames.append(rename)
    manifest = dict(batches[0].manifest)
    manifest["scenarios"] = entries

    def cat(attr: str) -> pd.DataFrame:
        frames: list[pd.DataFrame] = [
            getattr(b, attr).assign(scenario=getattr(b, attr)["scenario"].astype(str).map(rename))
            for b, rename in zip(batches, renames, strict=True)
            if not getattr(b, attr).empty
        ]
        if not frames:
            return pd.DataFrame()
        df = pd.concat(frames, ignore_index=True)
        df["scenario"] = pd.Categorical(df["scenario"], categories=names)
        return df

    reps = cat("replications")
    reps["outcome_class"] = pd.Categorical(reps["outcome_class"].astype(str), categories=list(OUTCOME_CLASSES))
    return Results(
        batches[0].directory,
        manifest,
        reps,
        cat("ceasefires"),
        cat("offers"),
        cat("events"),
        cat("timeseries"),
        cat("errors"),
    )


def replications_needed(
    results: Results,
    a: str,
    b: str,
    measure: str = "holds_30_days",
    effect: float = 0.05,
    alpha: float = 0.05,
    power: float = 0.8,
) -> tuple[int, float]:
    """Pairs needed to detect a change of `effect` in `measure` (two-sided test at `alpha` with `power`).

    From the standard deviation of the paired differences in these results: n = ((z_a/2 + z_b) sd / effect)^2.
    Returns (n, sd).
    """
    m = outcome_measures(results)
    left = m[m["scenario"] == a].set_index("replication")[measure]
    right = m[m["scenario"] == b].set_index("replication")[measure]
    common = left.index.intersection(right.index)
    d = (right.loc[common] - left.loc[common]).to_numpy()
    sd = float(d.std(ddof=1)) if len(d) > 1 else 0.0
    z = float(stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power))
    return int(np.ceil((z * sd / effect) ** 2)), sd
