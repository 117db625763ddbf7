"""The shipped configurations, their source document, the committed JSON schema, the inspection commands."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scenarios.config.inspect import coverage, trace_rows
from scenarios.config.loader import load_located, load_scenario
from scenarios.config.params import DateParam, Param, Source
from scenarios.config.provenance import check_quotes, iter_parameters, iter_sources, load_source
from scenarios.config.schema import Scenario

from .conftest import BASELINE, CONFIGS, ROOT, SHIPPED

HEADER = "# yaml-language-server: $schema=../schemas/scenario.schema.json"
SCHEMA = ROOT / "schemas" / "scenario.schema.json"


@pytest.fixture(autouse=True)
def _from_the_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="module")
def scenarios() -> dict[str, Scenario]:
    return {p.name: load_scenario(p) for p in SHIPPED}


def words(text: str) -> str:
    return " ".join(text.split())


def test_there_is_a_baseline_and_variants_that_extend_it() -> None:
    assert BASELINE in SHIPPED and len(SHIPPED) >= 5
    for path in SHIPPED:
        if path != BASELINE:
            assert re.search(r"^extends: baseline\.yaml$", path.read_text(), re.MULTILINE), path.name


def test_every_shipped_config_validates(cli) -> None:
    run = cli("validate", *map(str, SHIPPED))
    assert run.code == 0, run.err
    assert run.err == ""
    assert run.out.splitlines() == [f"{p}: ok" for p in SHIPPED]


def test_every_shipped_config_has_the_schema_header() -> None:
    for path in SHIPPED:
        assert path.read_text(encoding="utf-8").splitlines()[0] == HEADER, path.name
        target = (path.parent / HEADER.split("=", 1)[1]).resolve()
        assert target == SCHEMA


def test_variants_have_their_own_names(scenarios: dict[str, Scenario]) -> None:
    names = [s.name for s in scenarios.values()]
    assert len(set(names)) == len(names)
    assert {f"{s.name}.yaml" for s in scenarios.values()} == set(scenarios)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_quote_occurs_in_its_paragraph(path: Path, scenarios: dict[str, Scenario]) -> None:
    scenario = scenarios[path.name]
    sources = list(iter_sources(scenario))
    assert len(sources) > 50
    for where, src in sources:
        doc = load_source(scenario.sources[src.ref])
        assert 1 <= src.para <= len(doc.paragraphs), where
        # whitespace-normalised only: the quote is the report's words, case and punctuation included
        assert words(src.quote) in words(doc.paragraphs[src.para - 1]), (where, src.quote)
    assert check_quotes(scenario, load_located(path).origins) == []


def test_source_document_is_valid_and_numbered() -> None:
    path = CONFIGS / "sources" / "isw-2020-10-12.yaml"
    doc = load_source(str(path))
    assert doc.title.startswith("Erdogan Seeks to Upend")
    assert len(doc.paragraphs) == 15
    text = path.read_text(encoding="utf-8")
    assert [int(n) for n in re.findall(r"^  # (\d+)$", text, re.MULTILINE)] == list(range(1, 16))


def test_every_parameter_has_provenance(scenarios: dict[str, Scenario]) -> None:
    """A quote of the report, observations of the case (`observed:`, each naming its records), or the modeller's
    reason."""
    observed = 0
    for scenario in scenarios.values():
        for path, param in iter_parameters(scenario):
            obs = getattr(param, "observed", None)
            if obs is not None:
                observed += 1
                assert obs.ref in scenario.observations and obs.ids and obs.reading.strip(), path
            assert param.source is not None or obs is not None or (param.assumption or "").strip(), path
    assert observed > 0


def test_schema_command_prints_the_committed_schema(cli) -> None:
    run = cli("schema")
    assert run.code == 0
    assert json.loads(run.out) == json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert run.out == SCHEMA.read_text(encoding="utf-8"), "regenerate: scenarios schema > schemas/scenario.schema.json"


def test_schema_describes_the_language() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["additionalProperties"] is False
    assert {"name", "sources", "estimative_words", "season", "world", "actors"} <= set(schema["required"])
    text = json.dumps(schema)
    for dist in ("beta", "triangular", "uniform", "normal"):
        assert f'"const": "{dist}"' in text


# --- trace and show -----------------------------------------------------------------------------------------


def test_trace_shows_every_sourced_parameter_beside_its_quote(cli, scenarios: dict[str, Scenario]) -> None:
    run = cli("trace", str(BASELINE.relative_to(ROOT)))
    assert run.code == 0, run.err
    out = run.out
    report_part, _, rest = out.partition("Modeller's assumptions")
    flat = words(report_part)
    scenario = scenarios["baseline.yaml"]
    sourced = [(".".join(map(str, p)), prm) for p, prm in iter_parameters(scenario) if prm.source is not None]
    unsourced = [(".".join(map(str, p)), prm) for p, prm in iter_parameters(scenario) if prm.source is None]
    observed = [(path, prm) for path, prm in unsourced if getattr(prm, "observed", None) and not prm.assumption]
    assumed = [(path, prm) for path, prm in unsourced if (path, prm) not in observed]
    assert f"Judgments of the report ({len(sourced)} parameters)" in out
    # a value grounded in observations only is said to be, with the observations, not listed as an empty assumption
    assert observed and f"Grounded in observations of the case ({len(observed)} parameters;" in out
    for path, prm in observed:
        assert re.search(re.escape(path) + r"\s+\S.*?\s+" + re.escape(prm.observed.ref + ": "), out), path
    assert f"Modeller's assumptions ({len(assumed)} parameters;" in out
    for path, param in sourced:
        assert isinstance(param.source, Source)
        # the path, then on the next lines its paragraph and quote
        pattern = (
            re.escape(path) + r"\s+\S.*?\s+¶" + str(param.source.para) + r" “" + re.escape(words(param.source.quote))
        )
        assert re.search(pattern, flat), path
    for path, _ in assumed:
        assert re.search(rf"^  {re.escape(path)}\s", rest, re.MULTILINE), path
        assert path not in report_part.split()


def test_trace_prints_coverage(cli, scenarios: dict[str, Scenario]) -> None:
    out = cli("trace", str(BASELINE)).out
    m = re.search(
        r"Coverage of isw \((.+)\): (\d+) of (\d+) paragraphs covered \((\d+)%\): (\d+) by parameters, "
        r"(\d+) by expectations, (\d+) by both",
        out,
    )
    assert m, out[-500:]
    (cov,) = coverage(scenarios["baseline.yaml"])
    assert (int(m[2]), int(m[3])) == (len(cov.covered), cov.paragraphs) == (14, 15)
    assert int(m[4]) == round(100 * 14 / 15)
    assert (int(m[5]), int(m[6]), int(m[7])) == (len(cov.encoded), len(cov.expected), len(cov.both))
    assert "not covered: ¶8" in out
    tail = out.split("parameter quotes per paragraph:")[1]
    params, expected = tail.split("expectations per paragraph:")
    counted = {int(p): int(n) for p, n in re.findall(r"¶(\d+): (\d+)", params)}
    assert counted == cov.encoded
    by_expectations = {int(p): int(n) for p, n in re.findall(r"¶(\d+): (\d+)", expected.split("not covered")[0])}
    assert by_expectations == cov.expected
    baseline = scenarios["baseline.yaml"]
    assert sum(counted.values()) + sum(by_expectations.values()) == len(list(iter_sources(baseline)))
    judgments = [e for e in baseline.active_expectations().values() if e.coherence is None]
    assert sum(by_expectations.values()) == len(judgments) >= 10  # coherence checks quote no paragraph
    assert all(e.source is None for e in baseline.active_expectations().values() if e.coherence is not None)


def test_trace_shows_a_variants_values(cli) -> None:
    out = cli("trace", str(CONFIGS / "russia-backs-early.yaml")).out
    assert re.search(r"actors\.russia\.back_defender_propensity\s+very likely -> uniform \[0\.8, 0\.95\]", out)
    assert re.search(r"actors\.russia\.alliance_weight\s+uniform \[8, 14\]", out)


def test_trace_rows_origins_point_to_the_variant() -> None:
    path = CONFIGS / "early-winter.yaml"
    rows = {r.path: r for r in trace_rows(load_scenario(path))}
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "value: [2020-10-25" in t)
    assert rows["season.winter_start"].origin == f"configs/early-winter.yaml:{line}:5"
    assert rows["season.winter_start"].value == "2020-10-25 to 2020-11-05"
    assert rows["season.winter_start"].kind == "assumption"


def test_show_annotates_every_value_with_where_it_was_set(cli) -> None:
    path = CONFIGS / "city-strike-attention.yaml"
    run = cli("show", str(path.relative_to(ROOT)))
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    variant_lines = path.read_text().splitlines()

    def shown(prefix: str) -> str:
        return next(t for t in lines if t.lstrip().startswith(prefix))

    name_line = next(i for i, t in enumerate(variant_lines, 1) if t.startswith("name:"))
    assert shown("name:") == f'name: "city-strike-attention"  # configs/city-strike-attention.yaml:{name_line}:1'
    horizon_line = next(i for i, t in enumerate(BASELINE.read_text().splitlines(), 1) if "horizon_days:" in t)
    assert shown("horizon_days:").endswith(f"# configs/baseline.yaml:{horizon_line}:3")
    per_city = [t for t in lines if t.strip().startswith("value: [0.6, 1.2]")]
    assert len(per_city) == 1 and "# configs/city-strike-attention.yaml:" in per_city[0]
    scalar_lines = [t for t in lines if ": " in t and not t.rstrip().endswith(":")]
    assert all("  # " in t for t in scalar_lines if not t.lstrip().startswith("-"))


def test_show_resolved_prints_the_validated_scenario(cli) -> None:
    run = cli("show", "--resolved", str(BASELINE), "--set", "simulation.seed=3")
    assert run.code == 0, run.err
    body, _, params = run.out.partition("\n# parameters as drawn per replication")
    data = json.loads(body)
    assert data == load_scenario(BASELINE, ["simulation.seed=3"]).model_dump(mode="json")
    assert "actors.russia.back_defender_propensity: uniform [0.55, 0.8]  # configs/baseline.yaml:" in params
    spec_lines = [t for t in params.splitlines()[1:] if t]
    assert len(spec_lines) == len(load_scenario(BASELINE).parameter_specs())


def test_parameters_are_all_typed(scenarios: dict[str, Scenario]) -> None:
    for scenario in scenarios.values():
        kinds = {type(p) for _, p in iter_parameters(scenario)}
        assert DateParam in kinds
        assert all(issubclass(k, Param | DateParam) for k in kinds)


# A date after the report's (12 October 2020) in a reason would justify a number by hindsight.
_LATER = re.compile(
    r"\b(20(2[1-9]|[3-9]\d))\b"  # a later year
    r"|\b(1[3-9]|2\d|3[01])\s+October\s+2020\b|\bOctober\s+(1[3-9]|2\d|3[01]),?\s+2020\b"
    r"|\b(November|December)\s+2020\b|\b\d{1,2}\s+(November|December)\s+2020\b"
    r"|\bin 2020\b",  # "as happened in 2020" reads the whole year, the rest of the war included
    flags=re.IGNORECASE,
)


def _reasons(node: object, path: str = "") -> list[tuple[str, str]]:
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else str(key)
            if key in ("assumption", "route_assumption", "note", "description") and isinstance(value, str):
                out.append((here, value))
            else:
                out.extend(_reasons(value, here))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.extend(_reasons(value, f"{path}.{i}"))
    return out


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_no_reason_is_dated_after_the_report(path: Path) -> None:
    """Assumptions are the modeller's reasons as of 12 October 2020: none may cite a later date."""
    tree = load_located(path).data
    late = [(key, text) for key, text in _reasons(tree) if _LATER.search(text)]
    assert not late, f"{path.name}: reasons dated after the report: {late}"


def test_the_hindsight_check_catches_a_later_date() -> None:
    assert _LATER.search("Peacekeepers cut violations (e.g. after 10 November 2020).")
    assert _LATER.search("About 2,900 soldiers died in 44 days of war in 2020.")
    assert not _LATER.search("The strike on Ganja reported on 11 October killed about ten civilians.")
