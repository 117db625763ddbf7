"""History matching: which values of the modeller's assumptions agree with the report, by history matching.

Craig, Goldstein and Vernon's history matching (as in the R package hmer), with the report's own expectations as
the targets: in waves, a space-filling design over the region not yet ruled out, each point run as a small batch
through the batch engine, an emulator per expectation fitted to the logit of its frequency (a ridge regression
for the trend and a Gaussian process for what it misses, scikit-learn, with its predictive variance), and the
implausibility of every candidate point

    I(x) = distance from the emulated logit to the band / sqrt(emulator variance + Monte Carlo variance + band
    variance)

maximised over the targets. Observations (`data:` of a backcast that runs the same parameters from an earlier
start) are targets too: the emulated mean of their measure against the observed range, over the emulator's
variance, the model's spread across replications (a war is one realisation) and the observation's own,
`data_implausibility`. Points with I above the cut (3) are ruled out; the next wave samples what survives. The
report's estimative words are never narrowed, and draws of chance (`aleatory: true`) are not judgments to
calibrate. The targets are the report's words and what was observed by its date, never what happened after it.

Everything is done in quantile space: a point is the quantile in [0, 1] of each free parameter's own
distribution, so any distribution calibrates the same way and a surviving range maps back to values.
"""

from __future__ import annotations

import fnmatch
import json
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scenarios.config.schema import Scenario
from scenarios.exceptions import AnalysisError
from scenarios.io.owned import write_output
from scenarios.io.records import SEED_COLUMN
from scenarios.io.store import frame_to_parquet

CUT = 3.0  # implausibility beyond which a point is ruled out (Pukelsheim's three-sigma rule)
CANDIDATES = 20_000  # candidate points per wave on which the emulators judge the region
BAND_SD_SHARE = 1 / 6  # a band of width w on the logit scale adds (w / 6)^2: its edges are soft, not knife-edges
KEEP_SPREAD = 0.9  # a parameter keeping less of its spread than this is "constrained" (listed in the report)
# design points per free parameter an emulator needs to stand for the model (Loeppky, Sacks and Welch 2009, "Choosing
# the sample size of a computer experiment": n = 10 d)
POINTS_PER_PARAMETER = 10
EPS = 0.5  # added to counts before the logit (the empirical logit), so 0 % and 100 % stay finite


def design_warning(points: int, free: int) -> str | None:
    """What to tell a user whose waves are too small for the emulators to stand for the model, or None."""
    need = POINTS_PER_PARAMETER * free
    if points >= need:
        return None
    return (
        f"warning: {points:,} design points a wave for {free:,} free parameters: an emulator needs about "
        f"{POINTS_PER_PARAMETER} a parameter ({need:,}; Loeppky, Sacks and Welch 2009), so this calibration rules out "
        f"only what is plain and draws a rough region; give --points {need:,}, or fewer parameters with --params"
    )


def constraint_lines(shrink: pd.Series, ranges: dict[str, tuple[float, float]], top: int = 10) -> list[str]:
    """The parameters the region constrains on its own (keeping at most `KEEP_SPREAD` of their spread), most
    constrained first, as lines for a console; one line saying so when none is."""
    constrained = [name for name in shrink.index if shrink[name] <= KEEP_SPREAD][:top]
    if not constrained:
        return [
            f"no free parameter is constrained on its own (each keeps more than {KEEP_SPREAD:.0%} of its spread): "
            "what is ruled out are combinations, which the calibrated scenario keeps by drawing them jointly"
        ]
    lines = ["constrained on their own (spread left: the survivors' sd over the original's; range of the survivors):"]
    for name in constrained:
        lo, hi = ranges[name]
        lines.append(f"  {name:60s} {shrink[name]:4.0%}  [{lo:.4g}, {hi:.4g}]")
    return lines


def free_parameters(scenario: Scenario, patterns: Sequence[str] = ()) -> list[str]:
    """The parameters calibration may narrow (or those matching `patterns`): uncertain, not aleatory, and not the
    report's own words. A probability written as an estimative word is the report's range and is never narrowed; a
    number quoted to a sentence (a utility weight, a rate) is the modeller's reading of how much the sentence weighs,
    which observations and the report's other judgments may narrow."""
    from scenarios.config.provenance import iter_parameters
    from scenarios.yamlio import dotted

    specs = scenario.parameter_specs()
    out = []
    for path, param in iter_parameters(scenario):
        key = dotted(path)
        if not specs[key].uncertain or getattr(param, "aleatory", False):
            continue
        if patterns:
            if any(fnmatch.fnmatchcase(key, p) for p in patterns):
                out.append(key)
        elif not isinstance(param.value, str):
            out.append(key)
    if not out:
        raise AnalysisError(
            "no free parameter to calibrate: "
            + (
                f"none matches {', '.join(patterns)}"
                if patterns
                else "the scenario has no uncertain `assumption:` parameter"
            )
        )
    return out


@dataclass(frozen=True)
class Target:
    """A calibration target: an expectation with a band (its frequency, on the logit scale), or an observation
    (`data:`: a measure's mean against what was observed, the model's spread counted, as a war is one realisation).

    `scenario` names the scenario whose replications answer it (the report's words are about the forecast, the
    observations about a backcast of the same parameters)."""

    name: str
    measure: str
    given: str | None
    band: tuple[float, float]
    scenario: str = ""
    observed_var: float | None = None  # an observation's measurement variance; None for a band

    @property
    def is_data(self) -> bool:
        return self.observed_var is not None

    def logit_band(self) -> tuple[float, float]:
        lo, hi = self.band
        return _logit(max(lo, 1e-3)), _logit(min(hi, 1 - 1e-3))


def targets(scenario: Scenario, data: Scenario | None = None) -> list[Target]:
    """The expectations with a band (a relation between two expectations is not a band and is left to `check`),
    and the observations (`data:`) of `scenario` and of `data`, a backcast of the same parameters."""
    out = [  # coherence checks are checked, not calibrated to: a band of at most 1 % is no target for an emulator
        Target(name, e.measure, e.given, e.range, scenario.name)
        for name, e in scenario.active_expectations().items()
        if e.range is not None and e.measure is not None and not e.coherence
    ]
    for source in (scenario, data):
        if source is None:
            continue
        prefix = "data:" if source is scenario else f"data:{source.name}."
        out += [
            Target(prefix + name, t.measure, None, t.range, source.name, t.variance) for name, t in source.data.items()
        ]
    if not out:
        raise AnalysisError(
            f"scenario {scenario.name!r} has no expectation with a band and no observation: nothing to calibrate to"
        )
    return out


def _logit(p: float | np.ndarray) -> Any:
    return np.log(p) - np.log1p(-p)


class Emulator:
    """A cheap stand-in for one expectation's logit frequency: ridge trend + Gaussian process on the residuals."""

    def __init__(self, x: np.ndarray, z: np.ndarray, noise: np.ndarray, seed: int):
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import RBF, ConstantKernel
        from sklearn.linear_model import RidgeCV

        self.trend = RidgeCV(alphas=np.logspace(-3, 3, 13)).fit(x, z)
        residual = z - self.trend.predict(x)
        d = x.shape[1]
        kernel = ConstantKernel(max(float(np.var(residual)), 1e-3), (1e-4, 1e2)) * RBF(np.full(d, 0.5), (0.05, 20.0))
        self.gp = GaussianProcessRegressor(kernel, alpha=noise + 1e-6, normalize_y=False, random_state=seed)
        with warnings.catch_warnings():  # a length scale at its bound is an inert parameter, not a failure
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.gp.fit(x, residual)
        self.residual_var = float(np.var(residual))

    def predict(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Emulated logit frequency and its variance at each point."""
        mean, sd = self.gp.predict(x, return_std=True)
        return self.trend.predict(x) + mean, np.maximum(sd**2, 1e-6)


def implausibility(mean: np.ndarray, var: np.ndarray, band: tuple[float, float], mc_var: float) -> np.ndarray:
    """Distance from the emulated logit to the band, in standard deviations (0 inside the band)."""
    lo, hi = band
    distance = np.maximum(lo - mean, 0.0) + np.maximum(mean - hi, 0.0)
    band_var = ((hi - lo) * BAND_SD_SHARE) ** 2
    return distance / np.sqrt(var + mc_var + band_var)


def data_implausibility(mean: np.ndarray, var: np.ndarray, observed: tuple[float, float], obs_var: float) -> np.ndarray:
    """How implausible an observation is under the model at each point: the distance from the model's mean to the
    observed range, in standard deviations of what separates them (the model's spread across replications, for a
    single war is one realisation of it; the emulator's and the Monte Carlo variance, folded into `var` by the
    caller; and the observation's own)."""
    lo, hi = observed
    distance = np.maximum(lo - mean, 0.0) + np.maximum(mean - hi, 0.0)
    return distance / np.sqrt(np.maximum(var + obs_var, 1e-12))


@dataclass
class Wave:
    """One wave: its design points (quantiles), the frequencies they gave, and the emulators fitted to them."""

    number: int
    points: pd.DataFrame  # one row per point: free-parameter quantiles
    frequencies: pd.DataFrame  # one row per point: each target's frequency (NaN where its condition never held)
    counts: pd.DataFrame  # replications in each target's denominator
    emulators: dict[str, Emulator] = field(default_factory=dict)
    scales: dict[str, float] = field(default_factory=dict)  # an observation's variance scale (its emulators' unit)

    def implausibility(self, t: Target, x: np.ndarray, n: int) -> np.ndarray | None:
        """Target `t`'s implausibility at points `x` under this wave's emulators (None: not emulated this wave)."""
        em = self.emulators.get(t.name)
        if em is None:
            return None
        mean, var = em.predict(x)
        if not t.is_data:  # a conditional frequency rests on the replications where its condition held
            counted = float(self.counts[t.name].mean()) if t.given else float(n)
            band = t.logit_band()
            return implausibility(mean, var, band, _mc_var(max(counted, 1.0), np.clip(mean, *band)))
        assert t.observed_var is not None
        scale = self.scales[t.name]
        logvar, _ = self.emulators[f"var:{t.name}"].predict(x)
        spread = np.maximum(np.exp(logvar) - 1e-3, 0.0)  # the model's variance across replications, scaled
        sd = math.sqrt(scale)
        return data_implausibility(mean * sd, (var + spread + spread / n) * scale, t.band, t.observed_var)


@dataclass
class Calibration:
    """The result: waves, the surviving region, the share ruled out, and what conflicts if nothing survives."""

    scenario: Scenario
    free: list[str]
    targets: list[Target]
    waves: list[Wave]
    survivors: pd.DataFrame  # candidate quantiles not ruled out by any wave
    ruled_out: float  # share of the original space ruled out
    directory: Path
    conflicts: dict[str, float]  # target -> share of the space it alone rules out (when nothing survives)
    n: int  # replications per design point
    seed: int = 0  # the calibration's seed (its check runs on it too)
    ruled_out_by: dict[str, float] = field(default_factory=dict)  # target -> share of the space it alone rules out

    def ranges(self) -> dict[str, tuple[float, float]]:
        """Each free parameter's surviving range of values (from the surviving candidates' quantiles)."""
        specs = self.scenario.parameter_specs()
        out = {}
        for name in self.free:
            u = self.survivors[name]
            lo, hi = specs[name].ppf(float(u.min())), specs[name].ppf(float(u.max()))
            out[name] = (min(lo, hi), max(lo, hi))
        return out

    def shrinkage(self) -> pd.Series:
        """How much of each parameter's spread survives: the survivors' standard deviation in quantile space over
        that of the original (uniform) one, 1/sqrt(12); most constrained first. The region is not a box, so a
        parameter may keep its whole range and still lose most of its mass."""
        if self.survivors.empty:
            return pd.Series(dtype=float)
        return (self.survivors[self.free].std() * math.sqrt(12)).sort_values()

    def changes(self) -> pd.DataFrame:
        """One row per free parameter, most constrained first: its original range, the survivors' range, the share
        of its spread left, and whether the region constrains it on its own (below `KEEP_SPREAD`; the calibrated
        scenario draws every free parameter jointly from the region, constrained or not)."""
        specs = self.scenario.parameter_specs()
        if self.survivors.empty:
            return pd.DataFrame(columns=["parameter", "original", "surviving", "spread_left", "constrained"])
        ranges, shrink = self.ranges(), self.shrinkage()
        rows = [
            {
                "parameter": name,
                "original": [_round(min(specs[name].lo, specs[name].hi)), _round(max(specs[name].lo, specs[name].hi))],
                "surviving": [_round(ranges[name][0]), _round(ranges[name][1])],
                "spread_left": round(float(shrink[name]), 3),
                "constrained": bool(shrink[name] <= KEEP_SPREAD),
            }
            for name in shrink.index
        ]
        return pd.DataFrame(rows)


def wave_design(points: np.ndarray, free: list[str], others: list[str], n: int, seed: int) -> pd.DataFrame:
    """n replications per point: free parameters at the point, the others drawn (the same draws at every point:
    common random numbers, so differences between points are the parameters', not the noise's)."""
    rng = np.random.default_rng(seed)
    other = rng.uniform(1e-9, 1 - 1e-9, size=(n, len(others)))
    rows = []
    for u in points:
        columns: dict[str, np.ndarray] = {name: other[:, k] for k, name in enumerate(others)}
        columns.update({name: np.full(n, float(np.clip(u[k], 1e-9, 1 - 1e-9))) for k, name in enumerate(free)})
        columns[SEED_COLUMN] = np.arange(n)
        rows.append(pd.DataFrame(columns))  # built at once: a column at a time fragments the frame
    return pd.concat(rows, ignore_index=True)


def frequencies(
    results: Any, scenario: Scenario, goals: list[Target], points: int, n: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each of `scenario`'s targets at each point (replication i belongs to point i // n): a band's frequency, an
    observation's mean (and, as ``var:<name>``, the variance of its measure across the point's replications), and
    the denominator."""
    from scenarios.measures import measure_set

    measures = measure_set(scenario)
    freq, count = {}, {}
    for t in goals:
        if t.scenario and t.scenario != scenario.name:
            continue
        values = measures.get(t.measure).evaluate(results).xs(scenario.name, level="scenario")
        point = np.asarray(values.index.get_level_values(-1), dtype=int) // n
        v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
        keep = np.ones(len(v), dtype=bool)
        if t.given:
            keep = measures.get(t.given).evaluate(results).xs(scenario.name, level="scenario").to_numpy(dtype=bool)
        frame = pd.DataFrame({"point": point, "v": np.where(keep, v, np.nan)})
        grouped = frame.groupby("point")["v"]
        freq[t.name] = grouped.mean().reindex(range(points))
        if t.is_data:
            freq[f"var:{t.name}"] = grouped.var(ddof=1).reindex(range(points))
        count[t.name] = grouped.count().reindex(range(points), fill_value=0)
    return pd.DataFrame(freq), pd.DataFrame(count)


def fit_wave(
    number: int,
    design_points: np.ndarray,
    free: list[str],
    freq: pd.DataFrame,
    count: pd.DataFrame,
    goals: list[Target],
    seed: int,
) -> Wave:
    """A wave's emulators: one per target whose condition held at enough points, on the empirical logit."""
    wave = Wave(number, pd.DataFrame(design_points, columns=free), freq, count)
    for t in goals:
        ok = count[t.name].to_numpy() > 1
        if ok.sum() < 5:
            continue  # its condition almost never held: this wave cannot emulate it
        if t.is_data:  # the mean, and the log of the spread across replications, each emulated
            m = count[t.name].to_numpy()[ok]
            var = np.maximum(freq[f"var:{t.name}"].to_numpy()[ok], 0.0)
            scale = max(float(np.mean(var)), 1e-9)  # emulate on a unit scale
            mean = freq[t.name].to_numpy()[ok] / math.sqrt(scale)
            wave.emulators[t.name] = Emulator(design_points[ok], mean, var / scale / m, seed)
            logvar = np.log(var / scale + 1e-3)
            wave.emulators[f"var:{t.name}"] = Emulator(design_points[ok], logvar, 2.0 / (m - 1), seed)
            wave.scales[t.name] = scale
            continue
        kcount = freq[t.name].to_numpy()[ok] * count[t.name].to_numpy()[ok]
        m = count[t.name].to_numpy()[ok]
        z = _logit((kcount + EPS) / (m + 2 * EPS))
        noise = 1 / (kcount + EPS) + 1 / (m - kcount + EPS)  # variance of the empirical logit
        wave.emulators[t.name] = Emulator(design_points[ok], z, noise, seed)
    return wave


def next_design(
    pool: np.ndarray,
    alive: np.ndarray,
    done: list[Wave],
    goals: list[Target],
    cut: float,
    n: int,
    points: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """The next wave's points: a sample of the surviving candidates, refilled near them when too few survive."""
    survivors = pool[alive]
    if len(survivors) < points:
        survivors = _refill(survivors, done, goals, cut, n, points * 20, rng)
    pick = rng.choice(len(survivors), size=min(points, len(survivors)), replace=False)
    return np.asarray(survivors[pick])


Simulator = Callable[[int, np.ndarray], tuple[pd.DataFrame, pd.DataFrame]]
"""Runs wave k at the given points (rows of quantiles): each target's frequency and denominator, one row a point."""


def history_match(
    simulate: Simulator,
    free: list[str],
    goals: list[Target],
    *,
    waves: int,
    points: int,
    n: int,
    cut: float,
    seed: int,
    on_wave: Callable[[Wave], None] | None = None,
) -> tuple[list[Wave], np.ndarray, np.ndarray]:
    """The waves: design over what survives, simulate, emulate, cut; stop when the region stops shrinking (by
    less than 5 % of what was left) or nothing is left. Returns the waves, the candidates and which survive."""
    from scipy.stats import qmc

    rng = np.random.default_rng(seed)
    done: list[Wave] = []
    pool = qmc.LatinHypercube(d=len(free), seed=rng).random(CANDIDATES)  # the original space, as candidates
    alive = np.ones(len(pool), dtype=bool)
    previous = 1.0
    for k in range(1, waves + 1):
        if k == 1:
            design_points = qmc.LatinHypercube(d=len(free), seed=rng).random(points)
        else:
            design_points = next_design(pool, alive, done, goals, cut, n, points, rng)
        freq, count = simulate(k, design_points)
        wave = fit_wave(k, design_points, free, freq, count, goals, seed + k)
        done.append(wave)
        alive &= plausible(pool, wave, goals, cut, n)
        if on_wave is not None:
            on_wave(wave)
        share = float(alive.mean())
        if not alive.any() or (k > 1 and previous - share < 0.05 * previous):
            break
        previous = share
    return done, pool, alive


def finish(
    scenario: Scenario,
    free: list[str],
    goals: list[Target],
    done: list[Wave],
    pool: np.ndarray,
    alive: np.ndarray,
    directory: Path,
    *,
    points: int,
    n: int,
    cut: float,
    seed: int,
) -> Calibration:
    """The region that survives (or, with nothing left, the targets that conflict), written beside the waves."""
    survivors = pd.DataFrame(pool[alive], columns=free)
    why = ruled_out_by(pool, done, goals, cut, n)
    conflicts = {} if alive.any() else why
    result = Calibration(
        scenario,
        free,
        goals,
        done,
        survivors,
        1 - float(alive.mean()),
        directory,
        conflicts,
        n,
        seed=seed,
        ruled_out_by=why,
    )
    write_output(directory / "calibration-survivors.parquet", frame_to_parquet(survivors), field="out")
    write_output(
        directory / "calibration.json",
        json.dumps(
            {
                "scenario": scenario.name,
                "free": free,
                "targets": [t.name for t in goals],
                "waves": len(done),
                "points": points,
                "replications_per_point": n,
                "cut": cut,
                "seed": seed,
                "ruled_out": result.ruled_out,
                "ruled_out_by": why,
                "conflicts": conflicts,
                "parameters": result.changes().to_dict(orient="records"),
            },
            indent=2,
        ).encode(),
        field="out",
    )
    return result


def _mc_var(n: float, logit: np.ndarray | None = None) -> Any:
    """Monte Carlo variance of an empirical logit from n replications at frequency `logit` (the variance of the
    empirical logit, 1/(np + 1/2) + 1/(n(1-p) + 1/2)). The caller takes it at the band's nearest edge, the frequency
    the point is tested against: a variance taken at p = 1/2 (its smallest) would rule out points the runs do not,
    and one taken at the emulated frequency (30 of 30 runs: a logit variance near 1) would keep points whose runs
    a band edge of 75 % makes all but impossible (0.75^30)."""
    if logit is None:
        return 4.0 / n
    p = 1.0 / (1.0 + np.exp(-logit))
    return 1.0 / (n * p + EPS) + 1.0 / (n * (1.0 - p) + EPS)


def plausible(x: np.ndarray, wave: Wave, goals: list[Target], cut: float, n: int) -> np.ndarray:
    """Points this wave's emulators do not rule out: every target's implausibility below the cut."""
    keep = np.ones(len(x), dtype=bool)
    for t in goals:
        i = wave.implausibility(t, x, n)
        if i is not None:
            keep &= i <= cut
    return keep


def _refill(
    survivors: np.ndarray, done: list[Wave], goals: list[Target], cut: float, n: int, want: int, rng: Any
) -> np.ndarray:
    """More points in the surviving region: jitter the survivors and keep what every wave finds plausible."""
    if len(survivors) == 0:
        return survivors
    out = [survivors]
    for _ in range(20):
        base = survivors[rng.integers(0, len(survivors), size=want)]
        x = np.clip(base + rng.normal(0, 0.05, size=base.shape), 0, 1)
        keep = np.ones(len(x), dtype=bool)
        for w in done:
            keep &= plausible(x, w, goals, cut, n)
        out.append(x[keep])
        if sum(len(o) for o in out) >= want:
            break
    return np.concatenate(out)


def ruled_out_by(pool: np.ndarray, done: list[Wave], goals: list[Target], cut: float, n: int) -> dict[str, float]:
    """The share of the original space each target alone rules out (in any wave), largest first: why the region is
    what it is, and, when nothing survives, which expectations conflict."""
    out = {}
    for t in goals:
        out_t = np.zeros(len(pool), dtype=bool)
        for wave in done:
            i = wave.implausibility(t, pool, n)
            if i is not None:
                out_t |= i > cut
        out[t.name] = float(out_t.mean())
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def write_wave(directory: Path, wave: Wave) -> None:
    table = pd.concat([wave.points, wave.frequencies.add_prefix("freq."), wave.counts.add_prefix("n.")], axis=1).assign(
        wave=wave.number
    )
    write_output(directory / f"wave-{wave.number}" / "calibration-points.parquet", frame_to_parquet(table), field="out")


def _round(x: float) -> float:
    return float(f"{x:.4g}")


def implausibility_frame(result: Calibration) -> pd.DataFrame:
    """Each design point's maximum implausibility under its own wave's emulators (for the by-wave plot), with the
    point's quantiles (one column per free parameter)."""
    rows = []
    for wave in result.waves:
        x = wave.points.to_numpy()
        rows.append(wave.points.reset_index(drop=True).assign(wave=wave.number, implausibility=_worst(result, wave, x)))
    return pd.concat(rows, ignore_index=True)


def _worst(result: Calibration, wave: Wave, x: np.ndarray) -> np.ndarray:
    """The largest implausibility over the targets at points `x` under one wave's emulators."""
    worst = np.zeros(len(x))
    for t in result.targets:
        i = wave.implausibility(t, x, result.n)
        if i is not None:
            worst = np.maximum(worst, i)
    return worst


def implausibility_curve(result: Calibration, points: int = 201) -> pd.DataFrame:
    """For a calibration of one free parameter: the largest implausibility over the targets along its range (a grid
    of quantiles), under each wave's emulators, and `value`, the parameter's value there. A point is ruled out where
    any wave puts it above the cut, so the region is where every wave's curve is below it."""
    if len(result.free) != 1:
        raise AnalysisError(
            f"an implausibility curve is of one free parameter; this calibration has {len(result.free)}"
        )
    name = result.free[0]
    spec = result.scenario.parameter_specs()[name]
    u = np.linspace(0.0, 1.0, points)
    u[0], u[-1] = 1e-4, 1 - 1e-4  # an unbounded distribution stays finite
    values = [spec.ppf(float(q)) for q in u]
    frames = [
        pd.DataFrame(
            {"quantile": u, "value": values, "wave": w.number, "implausibility": _worst(result, w, u[:, None])}
        )
        for w in result.waves
    ]
    return pd.concat(frames, ignore_index=True)
