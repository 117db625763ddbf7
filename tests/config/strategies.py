"""Hypothesis strategies for valid parameter values of every kind."""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from scenarios.config.params import MIN_TRUNCATED_MASS, EstimativeWords, Param


def support(cls: type[Param]) -> tuple[float, float]:
    """A finite box inside the class's domain to draw test numbers from."""
    lo = cls.lo if math.isfinite(cls.lo) else -1e6
    hi = cls.hi if math.isfinite(cls.hi) else 1e6
    return lo, hi


def in_domain(cls: type[Param], x: float) -> bool:
    """Whether x is a valid number for the class (open lower bounds are excluded)."""
    above = x > cls.lo if cls.lo_open else x >= cls.lo
    return math.isfinite(x) and above and x <= cls.hi


@st.composite
def numbers(draw: st.DrawFn, cls: type[Param]) -> float:
    lo, hi = support(cls)
    return draw(st.floats(lo, hi, allow_nan=False, allow_infinity=False, exclude_min=cls.lo_open))


@st.composite
def values(draw: st.DrawFn, cls: type[Param], words: EstimativeWords) -> Any:
    """Any valid value of a parameter class: number, range, word, or one of the four distributions."""
    kinds = ["number", "range", "beta", "triangular", "uniform", "normal"]
    if cls.words_allowed:
        kinds.append("word")
    kind = draw(st.sampled_from(kinds))
    if kind == "number":
        return draw(numbers(cls))
    if kind == "word":
        return draw(st.sampled_from(words.known()))
    if kind == "normal":
        spec: dict[str, Any] = {
            "dist": "normal",
            "mean": draw(st.floats(-1e6, 1e6)),
            "sd": draw(st.floats(1e-3, 1e6)),
        }
        a, b = sorted([draw(numbers(cls)), draw(numbers(cls))])
        if draw(st.booleans()) and a < b:
            spec.update(lo=a, hi=b)
        # a valid normal keeps at least MIN_TRUNCATED_MASS of its mass inside its bounds
        lo = max(spec.get("lo", cls.lo), cls.lo)
        hi = min(spec.get("hi", cls.hi), cls.hi)
        unit = NormalDist(spec["mean"], spec["sd"])
        assume(unit.cdf(hi) - unit.cdf(lo) >= 2 * MIN_TRUNCATED_MASS)
        return spec
    lo, hi = support(cls)
    a = draw(st.floats(lo, hi - 1e-3 * (hi - lo), exclude_min=cls.lo_open))
    b = draw(st.floats(a + 1e-3 * (hi - lo), hi))
    if kind == "range":
        return [a, b]
    if kind == "uniform":
        return {"dist": "uniform", "lo": a, "hi": b}
    if kind == "triangular":
        return {"dist": "triangular", "lo": a, "mode": draw(st.floats(a, b)), "hi": b}
    # beta on [a, b] with a mean strictly inside and an sd below its maximum
    m = draw(st.floats(0.01, 0.99))
    sd = draw(st.floats(0.01, 0.99)) * math.sqrt(m * (1 - m)) * (b - a)
    return {"dist": "beta", "mean": a + m * (b - a), "sd": sd, "lo": a, "hi": b}
