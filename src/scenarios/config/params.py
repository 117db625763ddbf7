"""Uncertain quantities: a parameter's value may be a number, a range, an estimative word or a distribution.

Every parameter carries its provenance: ``source:`` (a verbatim quote of the report, with its paragraph) or
``assumption:`` (the modeller's reason). A parameter is resolved to one number per replication by its inverse
CDF at a quantile ``u`` in (0, 1): the same ``u`` gives the same value, which keeps scenarios paired (common
random numbers) and lets sensitivity analysis drive the draws directly.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass
from statistics import NormalDist
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, model_validator
from scipy.special import betaincinv

_STD_NORMAL = NormalDist()
MIN_TRUNCATED_MASS = 0.01  # a truncated normal must keep at least 1% of its mass inside its bounds
# No judgment needs a number beyond a million in size, and the model's draws overflow far beyond it (a Poisson
# count of casualties with a rate of 1e20 fails every replication): such values are refused where they are written.
MAX_MAGNITUDE = 1e6


class ValueProblem(ValueError):
    """A validation error that says what would be valid and, optionally, which sub-key it is about.

    The loader turns it into a `Problem`: ``hint`` becomes the hint line and ``at`` (a path below the node
    being validated, e.g. ``("value",)``) places the error at the line of that sub-key.
    """

    def __init__(self, message: str, hint: str = "", at: tuple[str | int, ...] = ()):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.at = at


class Frozen(BaseModel):
    """Base of every configuration model: unknown keys are errors and values never change after loading.

    Numbers must be finite: ``.inf`` and ``.nan`` are errors wherever a number is expected.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False)


class Source(Frozen):
    """A verbatim quote of a registered source document that this value encodes."""

    ref: str = Field(description="Id of the source document, as registered under `sources:`.")
    para: int = Field(ge=1, description="Paragraph number in the source (1 = the first paragraph of the body).")
    quote: str = Field(min_length=3, description="Short verbatim quote; checked against the source text.")


class Observed(Frozen):
    """Observations of the case that ground this value (`config.observations`), and how the value follows."""

    ref: str = Field(description="Id of the observations file, as registered under `observations:`.")
    ids: list[str] = Field(min_length=1, description="The observations it rests on (ids in that file).")
    reading: str = Field(min_length=3, description="How the value follows from them (the arithmetic, the reading).")


def normalise_word(word: str) -> str:
    """Estimative words match whatever their case and spacing: ``'Very  Likely'`` is ``'very likely'``."""
    return " ".join(word.lower().split())


class EstimativeWords(Frozen):
    """The table of estimative words (ICD 203) and their synonyms."""

    words: dict[str, tuple[float, float]] = Field(description="Word -> [lo, hi] probability range (unit: probability).")
    synonyms: dict[str, str] = Field(default_factory=dict, description="Synonym -> a word of `words`.")
    _lookup: dict[str, tuple[float, float]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> EstimativeWords:
        words = {normalise_word(w): r for w, r in self.words.items()}
        for word, (lo, hi) in self.words.items():
            if not 0.0 <= lo <= hi <= 1.0:
                raise ValueProblem(
                    f"range must satisfy 0 <= lo <= hi <= 1, got [{_fmt(lo)}, {_fmt(hi)}]",
                    "a probability range such as [0.55, 0.8]",
                    at=("words", word),
                )
        for syn, word in self.synonyms.items():
            if normalise_word(word) not in words:
                close = difflib.get_close_matches(normalise_word(word), list(words), n=3, cutoff=0.6)
                hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
                raise ValueProblem(
                    f"synonym {syn!r} points to {word!r}, which is not in `words`",
                    hint + f"words: {', '.join(words)}",
                    at=("synonyms", syn),
                )
            words.setdefault(normalise_word(syn), words[normalise_word(word)])
        self._lookup = words
        return self

    def range_of(self, word: str) -> tuple[float, float] | None:
        """The probability range of a word or synonym (case and spacing ignored), or None."""
        return self._lookup.get(normalise_word(word))

    def known(self) -> list[str]:
        """Every word and synonym, sorted."""
        return sorted({normalise_word(w) for w in [*self.words, *self.synonyms]})

    def canonical(self, word: str) -> str | None:
        """The word of `words` a word or synonym stands for (None if neither)."""
        w = normalise_word(word)
        if w in {normalise_word(x) for x in self.words}:
            return w
        syn = {normalise_word(k): normalise_word(v) for k, v in self.synonyms.items()}
        return syn.get(w)

    def said_in(self, text: str) -> list[str]:
        """The words (as words of `words`) a text says, each stretch of it read once, longest phrase first: "very
        likely" is not also "likely", "unlikely" is not "likely", and a comparison ("more likely") is no word."""
        taken: list[tuple[int, int]] = []
        found: list[tuple[int, str]] = []
        low = text.lower()
        for phrase in sorted([*self.known(), *COMPARATIVES], key=len, reverse=True):
            pattern = r"(?<![\w-])" + r"\s+".join(map(re.escape, phrase.split())) + r"(?![\w-])"
            for m in re.finditer(pattern, low):
                if any(m.start() < end and start < m.end() for start, end in taken):
                    continue
                taken.append((m.start(), m.end()))
                word = self.canonical(phrase)
                if word is not None:
                    found.append((m.start(), word))
        return [w for _, w in sorted(found)]


COMPARATIVES = ("more likely", "less likely")  # a relation's words, not an estimative word


# --- distributions --------------------------------------------------------------------------------


class Beta(Frozen):
    """Beta distribution given by mean and standard deviation, scaled to [lo, hi]."""

    dist: Literal["beta"]
    mean: float = Field(description="Mean (same unit as the parameter).")
    sd: float = Field(gt=0, description="Standard deviation (same unit as the parameter).")
    lo: float = Field(0.0, description="Lower end of the support.")
    hi: float = Field(1.0, description="Upper end of the support.")

    @model_validator(mode="after")
    def _check(self) -> Beta:
        if not self.lo < self.mean < self.hi:
            raise ValueError(
                f"beta: mean {_fmt(self.mean)} must lie strictly between lo {_fmt(self.lo)} and hi {_fmt(self.hi)}"
            )
        m = (self.mean - self.lo) / (self.hi - self.lo)
        s = self.sd / (self.hi - self.lo)
        if s * s >= m * (1 - m):
            limit = math.sqrt(m * (1 - m)) * (self.hi - self.lo)
            raise ValueError(
                f"beta: sd {_fmt(self.sd)} too large for mean {_fmt(self.mean)}; it must be below {limit:.4g}"
            )
        return self

    def shape(self) -> tuple[float, float]:
        m = (self.mean - self.lo) / (self.hi - self.lo)
        s = self.sd / (self.hi - self.lo)
        k = m * (1 - m) / (s * s) - 1
        return m * k, (1 - m) * k


class Triangular(Frozen):
    """Triangular distribution on [lo, hi] with its mode."""

    dist: Literal["triangular"]
    lo: float = Field(description="Lower end.")
    mode: float = Field(description="Most likely value.")
    hi: float = Field(description="Upper end.")

    @model_validator(mode="after")
    def _check(self) -> Triangular:
        if not (self.lo <= self.mode <= self.hi and self.lo < self.hi):
            raise ValueError(
                "triangular: need lo <= mode <= hi and lo < hi, "
                f"got {_fmt(self.lo)}, {_fmt(self.mode)}, {_fmt(self.hi)}"
            )
        return self


class Uniform(Frozen):
    """Uniform distribution on [lo, hi] (the same as writing the range `[lo, hi]`)."""

    dist: Literal["uniform"]
    lo: float = Field(description="Lower end.")
    hi: float = Field(description="Upper end.")

    @model_validator(mode="after")
    def _check(self) -> Uniform:
        if not self.lo <= self.hi:
            raise ValueError(f"uniform: lo {_fmt(self.lo)} must not exceed hi {_fmt(self.hi)}")
        return self


class Normal(Frozen):
    """Normal distribution truncated to [lo, hi] (and always to the parameter's own bounds)."""

    dist: Literal["normal"]
    mean: float = Field(description="Mean before truncation.")
    sd: float = Field(gt=0, description="Standard deviation before truncation.")
    lo: float | None = Field(None, description="Lower truncation point (default: the parameter's lower bound).")
    hi: float | None = Field(None, description="Upper truncation point (default: the parameter's upper bound).")


Dist = Annotated[Beta | Triangular | Uniform | Normal, Field(discriminator="dist")]


@dataclass(frozen=True, slots=True)
class Spec:
    """A resolved value specification: its kind, support and inverse CDF."""

    kind: str  # fixed | uniform | beta | triangular | normal
    lo: float
    hi: float
    a: float = 0.0  # beta alpha, triangular mode, normal mean
    b: float = 0.0  # beta beta, normal sd

    @property
    def uncertain(self) -> bool:
        return self.kind != "fixed" and self.hi > self.lo

    def ppf(self, u: float) -> float:
        """The value at quantile u in [0, 1]."""
        if self.kind == "fixed" or self.hi == self.lo:
            return self.lo
        span = self.hi - self.lo
        if self.kind == "days":
            return float(min(math.floor(self.lo + u * span), self.hi - 1.0))
        if self.kind == "uniform":  # u = 1 is the upper end exactly (lo + span can round below it)
            return self.hi if u >= 1.0 else self._clamp(self.lo + u * span)
        if self.kind == "beta":
            x = float(betaincinv(self.a, self.b, u))
            if math.isnan(x):  # the inversion underflows for u within ~1e-300 of 0 (or 1)
                x = 0.0 if u < 0.5 else 1.0
            return self._clamp(self.lo + span * x)
        if self.kind == "triangular":
            c = (self.a - self.lo) / span
            x = math.sqrt(u * c) if u < c else 1.0 - math.sqrt((1.0 - u) * (1.0 - c))
            return self._clamp(self.lo + span * x)
        # truncated normal by inversion of the standard normal CDF between the truncation points
        lo_p = _STD_NORMAL.cdf((self.lo - self.a) / self.b)
        hi_p = _STD_NORMAL.cdf((self.hi - self.a) / self.b)
        p = min(max(lo_p + u * (hi_p - lo_p), 1e-12), 1 - 1e-12)
        return self._clamp(self.a + self.b * _STD_NORMAL.inv_cdf(p))

    def _clamp(self, x: float) -> float:
        # rounding in lo + u * (hi - lo) can step just outside the support
        return min(max(x, self.lo), self.hi)


# --- parameters -----------------------------------------------------------------------------------

Value = float | tuple[float, float] | str | Dist


def _fmt(x: float) -> str:
    return f"{x:g}"


class Param(Frozen):
    """A model parameter: its value (possibly uncertain) and where it comes from."""

    lo: ClassVar[float] = -math.inf
    hi: ClassVar[float] = math.inf
    lo_open: ClassVar[bool] = False
    words_allowed: ClassVar[bool] = False
    domain: ClassVar[str] = "a number"

    value: Value = Field(
        description="A number; a range [lo, hi] drawn uniformly; an estimative word (probabilities only); "
        "or a distribution {dist: beta|triangular|uniform|normal, ...}."
    )
    source: Source | None = Field(None, description="The report passage this value encodes.")
    assumption: str | None = Field(None, description="The modeller's reason, where the report is silent.")
    observed: Observed | None = Field(
        None, description="Observations of the case this value rests on (`observations:`), and how it follows."
    )
    note: str | None = Field(None, description="Free remark, e.g. why a variant changes this value.")
    group: str | None = Field(
        None, description="The judgment this value belongs to in `sensitivity --by judgment` (default: its quote)."
    )
    aleatory: bool = Field(
        False, description="A draw of chance (which world a replication is in), not a judgment: never calibrated."
    )
    calibrated: str | None = Field(
        None, description="How `scenarios calibrate` narrowed this range (targets, waves, share ruled out)."
    )
    _spec: Spec = PrivateAttr()

    @model_validator(mode="before")
    @classmethod
    def _bare_value(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            data = {"value": data}
        value = data.get("value")
        if isinstance(value, bool) or (isinstance(value, list) and any(isinstance(v, bool) for v in value)):
            raise ValueProblem(f"expected {cls.describe_domain()}, got {value!r}", at=("value",))
        return data

    @model_validator(mode="after")
    def _resolve(self, info: ValidationInfo) -> Param:
        if self.source is None and self.assumption is None and self.observed is None:
            raise ValueProblem(
                "needs its provenance",
                "add `source: {ref, para, quote}` for a judgment of the report, `observed: {ref, ids, reading}` "
                "for a value grounded in observations, or `assumption: <why>` for the modeller's own number",
            )
        words = info.context.get("words") if isinstance(info.context, dict) else None
        self._spec = self._to_spec(self.value, words)
        return self

    @classmethod
    def describe_domain(cls) -> str:
        shapes = "a range [lo, hi], or {dist: ...}"
        if cls.words_allowed:
            shapes = "a range [lo, hi], an estimative word, or {dist: ...}"
        return f"{cls.domain}, {shapes}"

    @classmethod
    def _check_number(cls, x: float, what: str) -> None:
        if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
            raise ValueProblem(f"expected {cls.describe_domain()}, got {x!r}", at=("value",))
        if abs(x) > MAX_MAGNITUDE:
            raise ValueProblem(
                f"{what} {_fmt(x)} is beyond what the model can compute with: a number of at most {MAX_MAGNITUDE:g} "
                "in size",
                f"give {cls.describe_domain()}, of at most {MAX_MAGNITUDE:g} in size",
                at=("value",),
            )
        below = x <= cls.lo if cls.lo_open else x < cls.lo
        if below or x > cls.hi:
            raise ValueProblem(
                f"{what} {_fmt(x)} is outside the valid range: expected {cls.domain}",
                f"give {cls.describe_domain()}",
                at=("value",),
            )

    @classmethod
    def _to_spec(cls, value: Any, words: EstimativeWords | None) -> Spec:
        if isinstance(value, str):
            if not cls.words_allowed:
                raise ValueProblem(
                    f"expected {cls.describe_domain()}, got {value!r}",
                    "estimative words are for probabilities only",
                    at=("value",),
                )
            rng = words.range_of(value) if words is not None else None
            if rng is None:
                known = words.known() if words is not None else []
                close = difflib.get_close_matches(normalise_word(value), known, n=3, cutoff=0.6)
                hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
                raise ValueProblem(
                    f"unknown estimative word {value!r}",
                    hint + f"known words: {', '.join(known)}; or give {cls.describe_domain()}",
                    at=("value",),
                )
            return Spec("uniform", rng[0], rng[1])
        if isinstance(value, tuple):
            lo, hi = value
            cls._check_number(lo, "lower end")
            cls._check_number(hi, "upper end")
            if lo > hi:
                raise ValueProblem(
                    f"range [{_fmt(lo)}, {_fmt(hi)}] is reversed",
                    f"write [{_fmt(hi)}, {_fmt(lo)}]",
                    at=("value",),
                )
            return Spec("uniform", float(lo), float(hi))
        if isinstance(value, Beta):
            cls._check_number(value.lo, "beta lo")
            cls._check_number(value.hi, "beta hi")
            a, b = value.shape()
            return Spec("beta", value.lo, value.hi, a, b)
        if isinstance(value, Triangular):
            cls._check_number(value.lo, "triangular lo")
            cls._check_number(value.hi, "triangular hi")
            return Spec("triangular", value.lo, value.hi, value.mode)
        if isinstance(value, Uniform):
            cls._check_number(value.lo, "uniform lo")
            cls._check_number(value.hi, "uniform hi")
            return Spec("uniform", value.lo, value.hi)
        if isinstance(value, Normal):
            for number, what in ((value.mean, "normal mean"), (value.sd, "normal sd")):
                if abs(number) > MAX_MAGNITUDE:
                    cls._check_number(number, what)  # says why
            lo = cls.lo if value.lo is None else max(value.lo, cls.lo)
            hi = cls.hi if value.hi is None else min(value.hi, cls.hi)
            if cls.lo_open and lo <= cls.lo:
                lo = math.nextafter(cls.lo, math.inf)  # an open bound is never drawn
            if not lo < hi:
                raise ValueProblem(
                    f"normal: empty truncation interval [{_fmt(lo)}, {_fmt(hi)}]",
                    f"lo and hi must leave room inside {cls.domain}",
                    at=("value",),
                )
            mass = _STD_NORMAL.cdf((hi - value.mean) / value.sd) - _STD_NORMAL.cdf((lo - value.mean) / value.sd)
            if mass < MIN_TRUNCATED_MASS:
                centre = f"[{_fmt(value.mean - 1.96 * value.sd)}, {_fmt(value.mean + 1.96 * value.sd)}]"
                opened = cls.lo_open and lo <= math.nextafter(cls.lo, math.inf)
                inside = f"({_fmt(cls.lo)}, {_fmt(hi)}]" if opened else f"[{_fmt(lo)}, {_fmt(hi)}]"
                raise ValueProblem(
                    f"normal: only {mass:.2g} of its mass lies inside {inside} (95% of it is in "
                    f"{centre}), so every draw would sit at the edge",
                    f"move the mean inside {cls.domain}, or widen sd",
                    at=("value",),
                )
            return Spec("normal", lo, hi, value.mean, value.sd)
        cls._check_number(value, "value")
        return Spec("fixed", float(value), float(value))

    @property
    def spec(self) -> Spec:
        return self._spec


class Probability(Param):
    lo: ClassVar[float] = 0.0
    hi: ClassVar[float] = 1.0
    words_allowed: ClassVar[bool] = True
    domain: ClassVar[str] = "a probability between 0 and 1"


class Share(Param):
    lo: ClassVar[float] = 0.0
    hi: ClassVar[float] = 1.0
    domain: ClassVar[str] = "a share between 0 and 1"


class ChoiceFloor(Param):
    """The least probability of an option an actor still takes: up to 0.2, so it never rules out every option
    but the best of a handful."""

    lo: ClassVar[float] = 0.0
    hi: ClassVar[float] = 0.2
    domain: ClassVar[str] = "a probability between 0 and 0.2"


class PositiveShare(Param):
    """A share the model divides by (a target to reach): 0 is not allowed."""

    lo: ClassVar[float] = 0.0
    hi: ClassVar[float] = 1.0
    lo_open: ClassVar[bool] = True
    domain: ClassVar[str] = "a share > 0 and <= 1"


class Period(Param):
    """Days between two reviews or events: a period near 0 would never let simulated time pass."""

    lo: ClassVar[float] = 0.25
    domain: ClassVar[str] = "a period of at least 0.25 days"


class NonNegative(Param):
    lo: ClassVar[float] = 0.0
    domain: ClassVar[str] = "a number >= 0"


class Positive(Param):
    lo: ClassVar[float] = 0.0
    lo_open: ClassVar[bool] = True
    domain: ClassVar[str] = "a number > 0"


class AtLeastOne(Param):
    lo: ClassVar[float] = 1.0
    domain: ClassVar[str] = "a number >= 1"


class Real(Param):
    domain: ClassVar[str] = "a number"


class DateParam(Frozen):
    """A date, or a range of dates [first, last] drawn uniformly by whole days."""

    value: dt.date | tuple[dt.date, dt.date] = Field(description="A date YYYY-MM-DD or a range [first, last].")
    source: Source | None = Field(None, description="The report passage this value encodes.")
    assumption: str | None = Field(None, description="The modeller's reason, where the report is silent.")
    note: str | None = Field(None, description="Free remark.")
    group: str | None = Field(
        None, description="The judgment this value belongs to in `sensitivity --by judgment` (default: its quote)."
    )
    aleatory: bool = Field(
        False, description="A draw of chance (which world a replication is in), not a judgment: never calibrated."
    )
    calibrated: str | None = Field(
        None, description="How `scenarios calibrate` narrowed this range (targets, waves, share ruled out)."
    )

    @model_validator(mode="before")
    @classmethod
    def _bare_value(cls, data: Any) -> Any:
        return data if isinstance(data, dict) else {"value": data}

    @model_validator(mode="after")
    def _check(self) -> DateParam:
        if self.source is None and self.assumption is None:
            raise ValueProblem("needs its provenance", "add `source: {ref, para, quote}` or `assumption: <why>`")
        if isinstance(self.value, tuple) and self.value[0] > self.value[1]:
            first, last = self.value
            raise ValueProblem(f"date range [{first}, {last}] is reversed", f"write [{last}, {first}]", at=("value",))
        return self

    def day_spec(self, start: dt.date) -> Spec:
        """The date as days after `start`; a range is drawn over whole days, both ends included."""
        if isinstance(self.value, tuple):
            lo, hi = ((d - start).days for d in self.value)
            return Spec("days", float(lo), float(hi) + 1.0) if hi > lo else Spec("fixed", float(lo), float(lo))
        d = float((self.value - start).days)
        return Spec("fixed", d, d)
