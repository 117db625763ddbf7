"""Observations files: what was public by a date, each claim with its source; nothing later than the file's date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scenarios.config.loader import load_scenario
from scenarios.config.observations import load_observations
from scenarios.exceptions import ConfigError

ROOT = Path(__file__).resolve().parents[2]
FORTNIGHT = ROOT / "configs" / "observations" / "first-fortnight-2020.yaml"
REPORT_DATE = dt.date(2020, 10, 12)


def test_every_observation_of_the_shipped_case_was_public_by_the_report_date() -> None:
    """The model is the report's view of 12 October 2020: every claim, and every source it cites, is dated on or
    before that day, and so is every event."""
    doc = load_observations(str(FORTNIGHT))
    assert doc.meta.as_of == REPORT_DATE
    assert len(doc.observations) >= 50
    for oid, o in doc.observations.items():
        assert o.event_date <= REPORT_DATE, oid
        assert o.claims, oid
        for claim in o.claims:
            assert claim.published <= REPORT_DATE, oid
            assert claim.source.date <= REPORT_DATE, oid
            assert claim.source.publisher and claim.source.title, oid


def test_the_shipped_scenarios_cite_only_observations_that_exist() -> None:
    """Every `observed:` of the baseline and the backcast names an observation of the file (checked on load)."""
    for name in ("baseline.yaml", "backcast.yaml"):
        scenario = load_scenario(ROOT / "configs" / name)
        assert scenario.observations


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "obs.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_claim_published_after_the_files_date_is_refused_at_its_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """meta:
  as_of: 2020-10-12
observations:
  later:
    kind: control
    subject: somewhere
    event_date: 2020-10-11
    claims:
      - by: someone
        says: something
        value: held
        published: 2020-10-20
        source: {publisher: P, title: T, date: 2020-10-20}
    reliability: none
""",
    )
    load_observations.cache_clear()
    with pytest.raises(ConfigError) as info:
        load_observations(str(path))
    text = str(info.value)
    assert "after the file's as_of (2020-10-12)" in text and "obs.yaml" in text


def test_a_parameter_citing_an_unknown_observation_is_an_error_with_its_line(tmp_path: Path) -> None:
    source = (ROOT / "configs" / "baseline.yaml").read_text(encoding="utf-8")
    base = tmp_path / "configs"
    (base / "sources").mkdir(parents=True)
    (base / "observations").mkdir()
    (base / "sources" / "isw-2020-10-12.yaml").write_text(
        (ROOT / "configs" / "sources" / "isw-2020-10-12.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (base / "observations" / "first-fortnight-2020.yaml").write_text(FORTNIGHT.read_text(encoding="utf-8"))
    broken = source.replace(
        "ids: [truce_violations_1010, truce_violations_1011, truce_violations_1012]", "ids: [no_such_thing]", 1
    )
    assert broken != source
    (base / "baseline.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_scenario(base / "baseline.yaml")
    text = str(info.value)
    assert "'no_such_thing' is not an observation of 'fortnight'" in text and "baseline.yaml:" in text
