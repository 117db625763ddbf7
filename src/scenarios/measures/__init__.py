"""Measures: named outcomes over a batch, one value per replication, used by every command and study.

A `Measure` has a name, a label, a unit and a kind (probability, amount, days or category); built-ins are
registered once (`measures.builtin`), and a scenario (or a file passed with ``--measures``) defines more under
``measures:`` as expressions of the measure language (`measures.expr`, docs/results.md), checked when the file
is loaded, before anything runs.

>>> ms = measure_set()                                                   # doctest: +SKIP
>>> ms.get("holds_30_days").evaluate(results)                             # doctest: +SKIP
>>> ms.get("quiet_30_days and not fighting_at_horizon")                    # doctest: +SKIP
>>> ms.get('final_posture.<patron id>.support != "none"')                  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scenarios.exceptions import MeasureDefinitionError, MeasureError, Problem
from scenarios.io.records import scenario_columns
from scenarios.measures import builtin
from scenarios.measures.expr import Compiled, Env, Schema, Type, parse
from scenarios.roles import fill, role_labels
from scenarios.yamlio import load_yaml

if TYPE_CHECKING:
    import pandas as pd

    from scenarios.io.load import Results

__all__ = [
    "Measure",
    "MeasureError",
    "MeasureSet",
    "MeasureSpec",
    "builtin_measures",
    "measure_set",
    "results_measures",
]

Kind = Literal["probability", "amount", "days", "category"]
KINDS: tuple[Kind, ...] = ("probability", "amount", "days", "category")
_TYPE_OF_KIND: dict[str, Type] = {"probability": "bool", "amount": "number", "days": "number", "category": "category"}
_KIND_OF_TYPE: dict[str, Kind] = {"bool": "probability", "number": "amount", "category": "category"}
_UNIT_OF_KIND = {"probability": "probability", "amount": "", "days": "days", "category": ""}
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class MeasureSpec(BaseModel):
    """A measure defined in YAML: an expression of the measure language, with its label, unit and kind."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    expression: str = Field(description="What it measures, per replication (the measure language, docs/results.md).")
    label: str = Field("", description="How tables and plots name it (default: the expression).")
    unit: str = Field("", description="Its unit, e.g. probability, days, people, share (default: from the kind).")
    kind: Kind | None = Field(
        None,
        description="probability (a true/false expression), amount, days or category (default: from the expression).",
    )


@dataclass(frozen=True)
class Measure:
    """One outcome over a batch: `evaluate` gives one value per replication.

    The Series has a (scenario, replication) MultiIndex. A probability is a bool Series, except where the measure
    is n/a by definition (``holds_<d>_days`` beyond a scenario's horizon): then it is float, 1.0/0.0 and NaN for
    n/a. An amount or days is float (NaN where null, e.g. a town never taken); a category is text (None: null).
    A column missing from the results raises MeasureError, never a silent NaN.
    """

    name: str
    label: str
    unit: str
    kind: Kind
    expression: str | None
    compute: Callable[[Results], pd.Series] = field(repr=False, compare=False)

    def evaluate(self, results: Results) -> pd.Series:
        """One value per replication of `results` (see the class docstring for dtypes)."""
        try:
            series = self.compute(results)
        except MeasureError as exc:
            raise MeasureError(f"measure {self.name!r}: {exc}") from None
        series.name = self.name
        return series

    @property
    def is_probability(self) -> bool:
        return self.kind == "probability"

    def __str__(self) -> str:
        return self.label or self.name


def _from_compiled(compiled: Compiled, kind: Kind) -> Callable[[Results], pd.Series]:
    def compute(results: Results) -> pd.Series:
        import pandas as pd

        frame = results.replications.copy(deep=False)
        frame.index = builtin._index(results)
        value = compiled.run(Env(frame, results))
        if not hasattr(value, "to_numpy"):
            value = pd.Series([value] * len(frame), index=frame.index)
        series: pd.Series
        if kind == "probability":
            series = value.astype(bool)
        elif kind in ("amount", "days"):
            series = value.astype(float)
        else:
            series = value.astype(object).where(value.notna(), None)
        return series

    return compute


class MeasureSet:
    """Named measures (built-ins first, then those defined in YAML, in order) and inline expressions."""

    def __init__(self, measures: Iterable[Measure] = (), family_ids: Mapping[str, set[str]] | None = None):
        self._measures: dict[str, Measure] = {}
        self._family_ids = dict(family_ids or {})
        for m in measures:
            self._measures[m.name] = m

    def copy(self, family_ids: Mapping[str, set[str]] | None = None) -> MeasureSet:
        ids = dict(self._family_ids)
        ids.update(family_ids or {})
        return MeasureSet(self._measures.values(), ids)

    def schema(self) -> Schema:
        """The names an expression may use here: the record's columns and the measures with simple names."""
        return Schema(
            family_ids=self._family_ids,
            measures={
                name: (_TYPE_OF_KIND[m.kind], m.evaluate) for name, m in self._measures.items() if NAME.match(name)
            },
        )

    def names(self) -> list[str]:
        return list(self._measures)

    def __iter__(self) -> Iterator[Measure]:
        return iter(self._measures.values())

    def __contains__(self, name: object) -> bool:
        return name in self._measures

    def __len__(self) -> int:
        return len(self._measures)

    def __repr__(self) -> str:
        return f"MeasureSet({len(self)} measures: {', '.join(list(self._measures)[:6])}, ...)"

    def get(self, name_or_expression: str) -> Measure:
        """A registered measure, ``holds_<d>_days`` for any d, else the text parsed as an inline expression."""
        text = name_or_expression.strip()
        if text in self._measures:
            return self._measures[text]
        match = builtin.HOLDS.match(text)
        if match:
            kind, days = match.group(1), float(match.group(2))
            label = builtin.holds_label(days, kind)
            return Measure(text, label, "probability", "probability", None, builtin.holds(days, kind))
        if re.fullmatch(r"[A-Za-z_][\w.:]*", text) and ":" in text:
            import difflib

            close = difflib.get_close_matches(text, self.names(), n=3, cutoff=0.6)
            hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
            raise MeasureError(f"unknown measure {text!r}{hint}; `scenarios measures` lists them")
        compiled = parse(text, self.schema())
        kind = _KIND_OF_TYPE.get(compiled.type)
        if kind is None:
            raise MeasureError(f"{text!r} is always null: not a measure")
        return Measure(text, text, _UNIT_OF_KIND[kind], kind, text, _from_compiled(compiled, kind))

    def define(self, name: str, spec: MeasureSpec) -> Measure:
        """Add a measure defined by an expression; raise MeasureError naming what is wrong."""
        if not NAME.match(name):
            raise MeasureError(
                f"{name!r} is not a valid measure name: use letters, digits and '_' (it must be usable in expressions)"
            )
        if name in self._measures or builtin.HOLDS.match(name):
            raise MeasureError(f"{name!r} is already a measure (a built-in or defined before); choose another name")
        schema = self.schema()
        if schema.column_type(name) is not None:
            raise MeasureError(f"{name!r} is a column of the results; choose another name")
        compiled = parse(spec.expression, schema)
        inferred = _KIND_OF_TYPE.get(compiled.type)
        if inferred is None:
            raise MeasureError(f"{spec.expression!r} is always null: not a measure")
        kind = spec.kind or inferred
        if _TYPE_OF_KIND[kind] != compiled.type and not (kind in ("amount", "days") and compiled.type == "bool"):
            want = "a true/false" if kind == "probability" else "a " + _TYPE_OF_KIND[kind]
            got = "true/false" if compiled.type == "bool" else compiled.type
            raise MeasureError(
                f"kind {kind} needs {want} expression, but {spec.expression!r} gives {got} (use kind: {inferred})"
            )
        measure = Measure(
            name,
            spec.label or spec.expression,
            spec.unit or _UNIT_OF_KIND[kind],
            kind,
            compiled.text,
            _from_compiled(compiled, kind),
        )
        self._measures[name] = measure
        return measure


def builtin_measures(labels: Mapping[str, str] | None = None) -> MeasureSet:
    """The built-in measures (`measures.builtin.BUILTINS` and holds_7/30/90_days; holds_<d>_days for any d); their
    labels name the actors by `labels` (role -> name; generic names without)."""
    names = role_labels(None) if labels is None else labels
    out = MeasureSet()
    for kind in ("holds", "quiet"):
        for days in builtin.HOLDS_DAYS:
            name = builtin.holds_name(days, kind)
            out._measures[name] = Measure(
                name, builtin.holds_label(days, kind), "probability", "probability", None, builtin.holds(days, kind)
            )
    for name, expression, label, unit, kind in builtin.BUILTINS:
        compiled = parse(expression, out.schema())
        k: Kind = kind  # type: ignore[assignment]
        out._measures[name] = Measure(name, fill(label, names), unit, k, expression, _from_compiled(compiled, k))
    return out


def _config_of(scenario: Any) -> dict[str, Any]:
    if scenario is None:
        return {}
    if isinstance(scenario, Mapping):
        return dict(scenario)
    dumped: dict[str, Any] = scenario.model_dump(mode="json")
    return dumped


def _sector_measures(config: Mapping[str, Any], into: MeasureSet, labels: Mapping[str, str]) -> None:
    sectors = (config.get("world") or {}).get("sectors") or {}
    for sector, spec in sectors.items():
        places = ((spec or {}).get("objectives") or {}).values()
        if not any(not (o or {}).get("territory_of") for o in places):
            continue  # someone's own territory: not part of the contested value
        name = f"share_{sector}"
        label = f"share of {(spec or {}).get('label') or sector} held by {labels['attacker']} at the horizon"
        if name not in into:
            compiled = parse(name, into.schema())
            into._measures[name] = Measure(name, label, "share", "amount", name, _from_compiled(compiled, "amount"))


def measure_set(scenario_or_config_dict: Any = None, extra_files: Sequence[str | Path] = ()) -> MeasureSet:
    """Built-ins, the share of each of the scenario's sectors, its ``measures:``, then those of `extra_files`.

    `scenario_or_config_dict` is a loaded Scenario (errors then carry file:line:col), a resolved config mapping (as
    stored in a results manifest), or None. Errors in YAML-defined measures raise MeasureDefinitionError (a
    ConfigError and a MeasureError) listing every problem.
    """
    config = _config_of(scenario_or_config_dict)
    labels = role_labels(config)
    out = builtin_measures(labels).copy(scenario_columns(config))
    _sector_measures(config, out, labels)
    origins: Mapping[tuple[str | int, ...], Any] = getattr(scenario_or_config_dict, "_origins", {}) or {}
    display = "<scenario>" if not config else f"<scenario {config.get('name', '')}>"
    problems = _define_all(out, config.get("measures") or {}, origins, display)
    for file in extra_files:
        problems.extend(_define_file(out, Path(file)))
    if problems:
        raise MeasureDefinitionError(problems)
    return out


def results_measures(results: Results, extra_files: Sequence[str | Path] = ()) -> MeasureSet:
    """The measures for a batch: those of its first scenario, plus measures the other scenarios define."""
    configs = [s.get("config") or {} for s in results.manifest.get("scenarios", [])]
    if not configs:
        return measure_set(None, extra_files)
    merged = dict(configs[0])
    defined: dict[str, Any] = {}
    for c in configs:
        for k, v in (c.get("measures") or {}).items():
            defined.setdefault(k, v)
    merged["measures"] = defined
    return measure_set(merged, extra_files)


def _define_all(
    into: MeasureSet, specs: Mapping[str, Any], origins: Mapping[tuple[str | int, ...], Any], display: str
) -> list[Problem]:
    problems: list[Problem] = []
    for name, raw in specs.items():
        where = origins.get(("measures", name, "expression")) or origins.get(("measures", name))
        file, line, col = (where.file, where.line, where.column) if where is not None else (display, None, None)
        try:
            spec = raw if isinstance(raw, MeasureSpec) else MeasureSpec.model_validate(raw)
            into.define(str(name), spec)
        except ValidationError as exc:
            msg = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False))
            problems.append(Problem(file, line, col, f"measures.{name}", msg, _SPEC_HINT))
        except MeasureError as exc:
            problems.append(Problem(file, line, col, f"measures.{name}", str(exc)))
    return problems


def _define_file(into: MeasureSet, path: Path) -> list[Problem]:
    located = load_yaml(path)
    data = located.data
    if not isinstance(data, dict) or not isinstance(data.get("measures"), dict) or set(data) != {"measures"}:
        return [Problem(str(path), None, None, "", "a measures file holds one key, `measures:`", _SPEC_HINT)]
    specs = data["measures"]
    return _define_all(into, specs, located.origins, str(path))


_SPEC_HINT = 'e.g. measures: {early_war: {expression: "war_days >= 30", label: "...", unit: probability}}'
