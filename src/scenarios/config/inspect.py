"""Views of a loaded scenario for people: the merged tree with origins, the parameter table, coverage."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from scenarios.config.params import DateParam, Param, Spec
from scenarios.config.provenance import iter_parameters, iter_sources, load_source
from scenarios.config.schema import Scenario
from scenarios.yamlio import Located, Path_, dotted


def describe_spec(spec: Spec, raw: Any = None) -> str:
    """A short human description of a value specification: `0.7`, `likely -> uniform [0.55, 0.8]`."""
    if not spec.uncertain:
        return f"{spec.lo:g}"
    word = f"{raw} -> " if isinstance(raw, str) else ""
    if spec.kind == "uniform":
        return f"{word}uniform [{spec.lo:g}, {spec.hi:g}]"
    if spec.kind == "days":
        return f"days [{spec.lo:g}, {spec.hi - 1:g}]"
    if spec.kind == "beta":
        return f"beta on [{spec.lo:g}, {spec.hi:g}] (a={spec.a:.3g}, b={spec.b:.3g})"
    if spec.kind == "triangular":
        return f"triangular [{spec.lo:g}, {spec.a:g}, {spec.hi:g}]"
    return f"normal(mean {spec.a:g}, sd {spec.b:g}) on [{spec.lo:g}, {spec.hi:g}]"


def render_tree(tree: Located) -> str:
    """The merged configuration as YAML-like text, each value followed by where it was set."""
    lines: list[str] = []

    def scalar(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False, default=str)

    def walk(node: Any, path: Path_, indent: int) -> None:
        pad = "  " * indent
        if isinstance(node, dict):
            for key, value in node.items():
                child = (*path, key)
                origin = tree.origins.get(child)
                where = f"  # {origin}" if origin else ""
                if isinstance(value, dict | list) and value and not _is_flat_list(value):
                    lines.append(f"{pad}{key}:{where}")
                    walk(value, child, indent + 1)
                else:
                    lines.append(f"{pad}{key}: {scalar(value)}{where}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                child = (*path, i)
                origin = tree.origins.get(child)
                where = f"  # {origin}" if origin else ""
                if isinstance(value, dict):
                    lines.append(f"{pad}-{where}")
                    walk(value, child, indent + 1)
                else:
                    lines.append(f"{pad}- {scalar(value)}{where}")

    walk(tree.data, (), 0)
    return "\n".join(lines)


def _is_flat_list(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(v, dict | list) for v in value)


@dataclass(frozen=True)
class TraceRow:
    """One parameter as `scenarios trace` shows it."""

    path: str
    value: str
    kind: str  # report | observed (grounded in observations only) | assumption
    para: int | None
    quote: str
    origin: str


def trace_rows(scenario: Scenario) -> list[TraceRow]:
    """Every parameter beside its quote, the observations it rests on, or the modeller's assumption."""
    specs = scenario.parameter_specs()
    rows = []
    for path, param in iter_parameters(scenario):
        key = dotted(path)
        raw = param.value if isinstance(param, Param) else None
        if isinstance(param, DateParam):
            v = param.value
            shown = f"{v[0]} to {v[1]}" if isinstance(v, tuple) else str(v)
        else:
            shown = describe_spec(specs[key], raw)
        if param.source is not None:
            rows.append(TraceRow(key, shown, "report", param.source.para, param.source.quote, scenario.origin_of(key)))
        elif (seen := param.observed if isinstance(param, Param) else None) is not None and not param.assumption:
            why = f"{seen.ref}: {', '.join(seen.ids)}: {seen.reading}"  # grounded in data only: not "assumed"
            rows.append(TraceRow(key, shown, "observed", None, why, scenario.origin_of(key)))
        else:
            why = param.assumption or ""
            if param.note and param.note.startswith("was: "):  # an override: what it replaced stays visible
                why = f"{why}; {param.note}"
            rows.append(TraceRow(key, shown, "assumption", None, why, scenario.origin_of(key)))
    return rows


@dataclass(frozen=True)
class Coverage:
    """Which paragraphs of each source the scenario encodes (parameters, structure) and checks (expectations)."""

    source: str
    title: str
    paragraphs: int
    encoded: dict[int, int]  # paragraph -> number of quotes by parameters and structure
    expected: dict[int, int]  # paragraph -> number of expectations quoting it

    @property
    def covered(self) -> list[int]:
        """Paragraphs quoted by parameters, by expectations, or both."""
        return sorted({*self.encoded, *self.expected})

    @property
    def both(self) -> list[int]:
        return sorted(set(self.encoded) & set(self.expected))

    @property
    def share(self) -> float:
        return len(self.covered) / self.paragraphs

    @property
    def missing(self) -> list[int]:
        return [i for i in range(1, self.paragraphs + 1) if i not in self.encoded and i not in self.expected]


def coverage(scenario: Scenario) -> list[Coverage]:
    """Paragraph coverage of every registered source: by parameters and structure, and by expectations."""
    counts: dict[str, dict[int, int]] = {ref: {} for ref in scenario.sources}
    expected: dict[str, dict[int, int]] = {ref: {} for ref in scenario.sources}
    active = scenario.active_expectations()
    for path, src in iter_sources(scenario):
        if path[0] == "expectations":
            if path[1] not in active:
                continue
            table = expected
        else:
            table = counts
        if src.ref in table:
            table[src.ref][src.para] = table[src.ref].get(src.para, 0) + 1
    out = []
    for ref, file in scenario.sources.items():
        doc = load_source(file)
        out.append(
            Coverage(
                ref,
                doc.title,
                len(doc.paragraphs),
                dict(sorted(counts[ref].items())),
                dict(sorted(expected[ref].items())),
            )
        )
    return out


def source_paragraph(scenario: Scenario, ref: str, para: int) -> str:
    return load_source(scenario.sources[ref]).paragraphs[para - 1]


def field_description(path: str) -> str:
    """The schema's description of a dotted path (what it means and its unit), or '' if unknown."""
    from pydantic import BaseModel

    from scenarios.config.loader import schema_class_at

    parts = tuple(path.split("."))
    parent = schema_class_at(parts[:-1])
    if isinstance(parent, type) and issubclass(parent, BaseModel):
        field = parent.model_fields.get(parts[-1])
        if field is not None and field.description:
            return field.description
    return ""


GROUPINGS = ("parameter", "judgment", "paragraph")


def judgment_groups(scenario: Scenario, by: str = "judgment") -> dict[str, str]:
    """Each parameter's judgment, named by the report's words, for a sensitivity analysis by judgment.

    `judgment`: parameters citing the same quote form one group; `paragraph`: the same paragraph. A `group:` key
    overrides either; an assumption without one belongs to its section ("assumption: combat", "assumption:
    actors.<id>"), so the modeller's guesses are weighed beside the report's judgments.
    """
    if by not in GROUPINGS[1:]:
        raise ValueError(f"unknown grouping {by!r}; choose one of {', '.join(GROUPINGS)}")
    from scenarios.config.provenance import normalise

    quoted = [p.source for _, p in iter_parameters(scenario) if p.source is not None]
    longest = sorted({(s.ref, s.para, s.quote) for s in quoted}, key=lambda t: -len(t[2]))

    def passage(ref: str, para: int, quote: str) -> str:
        """The longest quote of the same paragraph that contains this one: one judgment, however it is cut."""
        text = normalise(quote)
        return next(q for r, p, q in longest if (r, p) == (ref, para) and text in normalise(q))

    groups = {}
    for path, param in iter_parameters(scenario):
        key = dotted(path)
        if param.group:
            groups[key] = param.group
        elif param.source is not None:
            s = param.source
            groups[key] = f"¶{s.para}" if by == "paragraph" else f"¶{s.para} “{passage(s.ref, s.para, s.quote)}”"
        else:
            section = ".".join(map(str, path[:2])) if path[0] == "actors" else str(path[0])
            groups[key] = f"assumption: {section}"
    return groups
