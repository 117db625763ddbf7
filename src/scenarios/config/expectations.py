"""The report's forecast-like judgments as expectations, and forecast questions.

An expectation ties a verbatim quote of the report to the band its words give (an estimative word, an explicit
``[lo, hi]`` or a relation to another expectation) and to the measure that answers it; ``scenarios check``
compares the model's frequency with the band. A question is something a user will learn the answer to; its
optional ``resolution:`` comes only from a user's file, never from the shipped configs.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    Field,
    PrivateAttr,
    StrictBool,
    StrictFloat,
    StrictInt,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from scenarios.config.params import EstimativeWords, Frozen, Observed, Source, ValueProblem, normalise_word
from scenarios.config.words import packaged_words
from scenarios.exceptions import ConfigError, Problem
from scenarios.yamlio import Located, Origin, Path_, dotted, load_yaml

BAND_HINT = (
    "a band is an estimative word (e.g. likely), a range [lo, hi] of probabilities, "
    "or {more_likely_than: <id>} / {less_likely_than: <id>}"
)


def _words(info: ValidationInfo) -> EstimativeWords | None:
    words = info.context.get("words") if isinstance(info.context, dict) else None
    return words if isinstance(words, EstimativeWords) else None


def word_range(word: str, words: EstimativeWords | None, at: tuple[str | int, ...]) -> tuple[float, float]:
    """The range of an estimative word, or a ValueProblem with a did-you-mean."""
    rng = words.range_of(word) if words is not None else None
    if rng is not None:
        return rng
    known = words.known() if words is not None else []
    close = difflib.get_close_matches(normalise_word(word), known, n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    raise ValueProblem(f"unknown estimative word {word!r}", hint + f"known words: {', '.join(known)}", at=at)


class Relation(Frozen):
    """A band relative to another expectation: this one is more (or less) likely than that one."""

    more_likely_than: str | None = Field(None, description="Id of an expectation this one is more likely than.")
    less_likely_than: str | None = Field(None, description="Id of an expectation this one is less likely than.")

    @model_validator(mode="after")
    def _one(self) -> Relation:
        if (self.more_likely_than is None) == (self.less_likely_than is None):
            raise ValueProblem("a relation names exactly one of more_likely_than or less_likely_than", BAND_HINT)
        return self

    @property
    def op(self) -> Literal["more_likely_than", "less_likely_than"]:
        return "more_likely_than" if self.more_likely_than is not None else "less_likely_than"

    @property
    def other(self) -> str:
        return self.more_likely_than or self.less_likely_than or ""


class Expectation(Frozen):
    """A judgment of the report the model's behaviour should agree with (see `scenarios check`)."""

    source: Source | None = Field(None, description="The report's words, verbatim, with their paragraph.")
    label: str | None = Field(
        None,
        max_length=60,
        description="A short name of what the band is a probability of, for charts (default: the id, as words).",
    )
    band: str | tuple[float, float] | Relation | None = Field(
        None,
        description="What the words say: an estimative word, a range [lo, hi] (probability), or "
        "{more_likely_than: <id>} / {less_likely_than: <id>}.",
    )
    measure: str | None = Field(None, description="The outcome the words are about: a measure name or an expression.")
    given: str | None = Field(
        None, description="A condition (a measure name or expression): the band is for P(measure | given)."
    )
    note: str | None = Field(None, description="Why this measure answers the words (or, with drop, why it goes).")
    coherence: str | None = Field(
        None,
        description="A coherence check instead of a judgment of the report: the absurd story it rules out (then "
        "`source` and `note` may be left out; the band should be at most a few per cent).",
    )
    drop: bool = Field(False, description="A variant that changes this judgment on purpose drops it (with a note).")
    _range: tuple[float, float] | None = PrivateAttr(None)

    @field_validator("band", mode="before")
    @classmethod
    def _band_shape(cls, v: Any) -> Any:
        if v is None or isinstance(v, str | dict):
            return v
        if isinstance(v, list) and len(v) == 2:
            for x in v:
                if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
                    raise ValueProblem(f"a range holds two probabilities, got {v!r}", BAND_HINT)
            lo, hi = float(v[0]), float(v[1])
            if not (0 <= lo <= 1 and 0 <= hi <= 1):
                raise ValueProblem(f"range {v!r} is not within [0, 1]", "probabilities, e.g. [0, 0.05]")
            if lo > hi:
                raise ValueProblem(f"range [{v[0]}, {v[1]}] is reversed", f"write [{v[1]}, {v[0]}]")
            return (lo, hi)
        raise ValueProblem(f"not a band: {v!r}", BAND_HINT)

    @model_validator(mode="after")
    def _complete(self, info: ValidationInfo) -> Expectation:
        if self.drop:
            if not self.note:
                raise ValueProblem("a dropped expectation needs a `note:` saying why", at=("drop",))
            return self
        needed = ("band", "measure") if self.coherence else ("source", "band", "measure", "note")
        missing = [k for k in needed if getattr(self, k) is None]
        if missing:
            raise ValueProblem(
                f"missing {', '.join(f'`{k}`' for k in missing)}",
                "an expectation has source {ref, para, quote}, band, measure and a note on why the measure "
                "answers the words (or `drop: true` with a note); a coherence check has `coherence:` (the absurd "
                "story it rules out), band and measure",
            )
        if isinstance(self.band, str):
            self._range = word_range(self.band, _words(info), ("band",))
        elif isinstance(self.band, tuple):
            self._range = self.band
        return self

    @property
    def range(self) -> tuple[float, float] | None:
        """The probability band (None for a relation or a dropped expectation)."""
        return self._range

    @property
    def relation(self) -> Relation | None:
        return self.band if isinstance(self.band, Relation) else None

    def origin(self, sentence: str, words: EstimativeWords) -> str:
        """Where the band comes from, in words: the report's own word (said in `sentence`, the one quoted), or the
        modeller's reading of a sentence that says another word or none (its `note` says why), or the modeller's
        band (a range)."""
        band = self.band
        said = words.said_in(sentence)
        if isinstance(band, Relation):
            phrase = band.op.replace("_than", "").replace("_", " ")
            text = " ".join(sentence.lower().split())
            return "the report's comparison" if phrase in text else "the modeller's comparison"
        if isinstance(band, str):
            word = words.canonical(band)
            if word is not None and word in said:
                return "the report's word"
            others = sorted(set(said) - {word})
            if others:
                return f"the modeller's reading (the sentence says {' and '.join(repr(w) for w in others)})"
            return "the modeller's reading (the sentence has no estimative word)"
        return "the modeller's band" if isinstance(band, tuple) else ""

    def band_text(self) -> str:
        """The band as a reader sees it: ``likely (55-80%)``, ``[0-5%]``, ``more likely than x``."""
        rel = self.relation
        if rel is not None:
            return f"{rel.op.replace('_', ' ')} {rel.other}"
        if self._range is None:
            return "dropped"
        span = f"{_pct(self._range[0])}-{_pct(self._range[1])}"
        return f"{self.band} ({span})" if isinstance(self.band, str) else f"[{span}]"


class DataTarget(Frozen):
    """An observation the model must reproduce: what was observed about the case by the scenario's horizon (e.g. the
    deaths one side had published, a place still held), with its measurement uncertainty and its observations.

    `scenarios check` compares the observed value with the model's predictive distribution (the implausibility of
    history matching: distance from the model's mean to the observed range, over the model's spread and the
    observation's own); `scenarios calibrate` rules out parameter values under which the observation is implausible.
    A single war is one realisation: the spread of the model's replications is part of the comparison.
    """

    measure: str = Field(description="What was observed, as a measure of each replication (a number or yes-no).")
    value: float | tuple[float, float] = Field(
        description="The observed value, or a range [lo, hi] where the sources disagree or the figure is uncertain "
        "(for a yes-no measure: 1 = it happened, 0 = it did not)."
    )
    sd: float | None = Field(
        None, ge=0, description="The measurement's standard deviation (default: a sixth of the range's width; 0)."
    )
    observed: Observed = Field(description="The observations it rests on and how the value follows from them.")
    note: str | None = Field(None, description="Free remark.")

    @field_validator("value", mode="before")
    @classmethod
    def _shape(cls, v: Any) -> Any:
        if isinstance(v, list) and len(v) == 2 and all(isinstance(x, int | float) for x in v):
            if v[0] > v[1]:
                raise ValueProblem(f"range [{v[0]}, {v[1]}] is reversed", f"write [{v[1]}, {v[0]}]")
            return (float(v[0]), float(v[1]))
        return v

    @property
    def range(self) -> tuple[float, float]:
        return self.value if isinstance(self.value, tuple) else (float(self.value), float(self.value))

    @property
    def variance(self) -> float:
        """The measurement's variance: its `sd` squared, else a sixth of the range's width, squared."""
        if self.sd is not None:
            return self.sd**2
        lo, hi = self.range
        return ((hi - lo) / 6.0) ** 2

    def value_text(self) -> str:
        lo, hi = self.range
        return f"{lo:g}" if lo == hi else f"[{lo:g}, {hi:g}]"


def _pct(x: float) -> str:
    return f"{x * 100:.3g}%"


def expectation_problems(expectations: dict[str, Expectation]) -> ValueProblem | None:
    """The first cross-reference problem among expectations (relations to missing, dropped or conditional ones)."""
    for name, exp in expectations.items():
        rel = exp.relation
        if exp.drop or rel is None:
            continue
        at = ("expectations", name, "band", rel.op)
        live = [k for k, e in expectations.items() if not e.drop and k != name]
        target = expectations.get(rel.other)
        if rel.other == name:
            return ValueProblem("an expectation cannot be compared with itself", "name another expectation", at=at)
        if target is None or target.drop:
            close = difflib.get_close_matches(rel.other, live, n=3, cutoff=0.6)
            hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
            what = "is dropped" if target is not None else "does not exist"
            return ValueProblem(f"expectation {rel.other!r} {what}", hint + f"expectations: {', '.join(live)}", at=at)
        if exp.given is not None or target.given is not None:
            return ValueProblem(
                "a relation compares two unconditional frequencies paired by replication; "
                f"{name if exp.given else rel.other!r} has `given:`",
                "remove `given:` from the expectations a relation compares",
                at=at,
            )
    return None


def measure_problems(scenario: Any, measures: Any, display: str) -> list[Problem]:
    """Every expectation's measure and condition exist and are yes-no; every question's measure fits its answer.

    `scenario` is a loaded Scenario and `measures` its MeasureSet; problems carry the file, line and column.
    """
    from scenarios.exceptions import MeasureError

    problems = []

    def add(path: Path_, message: str, hint: str = "") -> None:
        o = scenario._origins.get(path) or scenario._origins.get(path[:-1]) or Origin(display)
        problems.append(Problem(o.file, o.line, o.column, dotted(path), message, hint))

    def kind_of(path: Path_, text: str) -> str | None:
        try:
            return str(measures.get(text).kind)
        except MeasureError as exc:
            add(path, str(exc))
            return None

    for eid, exp in scenario.active_expectations().items():
        for key in ("measure", "given"):
            text = getattr(exp, key)
            path: Path_ = ("expectations", eid, key)
            kind = kind_of(path, text) if text is not None else None
            if kind is not None and kind != "probability":
                what = "a band is about a yes-no outcome" if key == "measure" else "a condition is yes-no"
                add(
                    path, f"{text!r} is a {kind} measure, not a probability: {what}", "compare it, e.g. 'war_days < 60'"
                )
    for did, target in scenario.data.items():
        path = ("data", did, "measure")
        kind = kind_of(path, target.measure)
        if kind is not None and kind not in ("probability", "amount", "days"):
            add(path, f"{target.measure!r} is a {kind} measure: an observation is a number or yes-no")
    for qid, q in scenario.questions.items():
        path = ("questions", qid, "measure")
        kind = kind_of(path, q.measure)
        if kind is None:
            continue
        problem = question_problem(q, kind)
        if problem is not None:
            key, message, hint = problem
            add(("questions", qid, *key.split(".")), message, hint)
    return problems


def question_problem(q: Question, kind: str) -> tuple[str, str, str] | None:
    """What is wrong with a question whose measure has this kind: (key, message, hint), or None."""
    if kind not in ("probability", "amount", "days"):
        return (
            "measure",
            f"{q.measure!r} is a {kind} measure: a question needs a yes-no measure or a number",
            "compare it, e.g. 'outcome_class == \"frozen_status_quo\"'",
        )
    if kind != "probability" and q.report_word is not None:
        return ("report_word", f"{q.measure!r} is a {kind} measure; report_word is for yes-no questions", "remove it")
    value = q.resolution.value if q.resolution is not None else None
    if kind == "probability" and value is not None and not isinstance(value, bool):
        return ("resolution.value", f"a yes-no question resolves true or false, got {value!r}", "`value: true`")
    if kind != "probability" and isinstance(value, bool):
        return ("resolution.value", f"{q.measure!r} is a {kind} measure: it resolves to a number, got {value!r}", "")
    return None


# --- forecast questions ---------------------------------------------------------------------------


class Resolution(Frozen):
    """How a question resolved: the answer, when it became known, and where it was published."""

    value: StrictBool | StrictInt | StrictFloat = Field(description="true/false for a yes-no question, or a number.")
    date: dt.date = Field(description="The date the answer became known.")
    source: str = Field(min_length=1, description="Where the answer was published (citation or URL).")

    @field_validator("value", mode="before")
    @classmethod
    def _answer(cls, v: Any) -> Any:
        if isinstance(v, bool) or (isinstance(v, int | float) and math.isfinite(v)):
            return v
        raise ValueProblem(f"expected true, false or a number, got {v!r}", "e.g. `value: true` or `value: 42`")


class Question(Frozen):
    """A forecast question: its text, the measure that answers it, and (once known) its resolution."""

    text: str = Field(min_length=1, description="The question as a forecaster reads it.")
    measure: str = Field(description="The measure that answers it: a probability (yes-no) or a number.")
    forecast_date: dt.date | None = Field(None, description="The date the forecast is made as of.")
    report_word: str | None = Field(
        None, description="The report's own estimative word for it (scored at the midpoint of its band)."
    )
    resolution: Resolution | None = Field(None, description="The answer, once known (only from a user's file).")
    note: str | None = Field(None, description="Free remark: how the measure answers the question.")
    _word_p: float | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> Question:
        if self.report_word is not None:
            lo, hi = word_range(self.report_word, _words(info), ("report_word",))
            self._word_p = (lo + hi) / 2
        if self.resolution is not None and self.forecast_date is not None and self.resolution.date < self.forecast_date:
            raise ValueProblem(
                f"resolved on {self.resolution.date}, before the forecast date {self.forecast_date}",
                "a question resolves after it is forecast",
                at=("resolution", "date"),
            )
        if self.resolution is not None and self.report_word is not None and not isinstance(self.resolution.value, bool):
            raise ValueProblem(
                f"a question with a report_word resolves true or false, got {self.resolution.value!r}",
                "report words are probabilities: give `value: true` or `value: false`",
                at=("resolution", "value"),
            )
        return self

    @property
    def word_probability(self) -> float | None:
        """The midpoint of the report word's band, or None."""
        return self._word_p


class QuestionFile(Frozen):
    """A separate file of forecast questions (``--questions FILE``)."""

    questions: dict[str, Question] = Field(min_length=1, description="Question id -> question.")


def load_questions(path: str | Path, words: EstimativeWords | None = None) -> dict[str, Question]:
    """Read a question file; every problem names file:line:col and key. Words default to the packaged table."""
    located = load_yaml(Path(path))
    if words is None:
        words = EstimativeWords.model_validate(packaged_words().data["estimative_words"])
    try:
        return dict(QuestionFile.model_validate(located.data, context={"words": words}).questions)
    except ValidationError as exc:
        raise ConfigError(_located_problems(exc, located, str(path))) from None


def _located_problems(exc: ValidationError, located: Located, display: str) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc: Path_ = tuple(err["loc"])
        error = (err.get("ctx") or {}).get("error")
        hint = ""
        if isinstance(error, ValueProblem):
            loc, message, hint = (*loc, *error.at), error.message, error.hint
        elif err["type"] == "extra_forbidden":
            message = "unknown key"
            hint = "a question has text, measure, forecast_date, report_word, resolution {value, date, source}, note"
        else:
            message = str(err["msg"]).removeprefix("Value error, ")
            if err["type"] != "missing":
                message += f", got {err.get('input')!r}"
        origin = next(
            (located.origins[loc[:n]] for n in range(len(loc), -1, -1) if loc[:n] in located.origins),
            Origin(display),
        )
        problems.append(Problem(origin.file, origin.line, origin.column, dotted(loc), message, hint))
    return list(dict.fromkeys(problems))
