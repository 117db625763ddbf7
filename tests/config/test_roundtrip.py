"""Any valid configuration survives dump -> load unchanged (through the same loader path users take)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from scenarios.config.draw import draw_parameters
from scenarios.config.loader import load_scenario
from scenarios.config.params import Param
from scenarios.config.provenance import iter_parameters
from scenarios.config.schema import Scenario

from .conftest import BASELINE, SHIPPED, settable, with_overrides
from .strategies import values


def dump_yaml(scenario: Scenario, folder: Path, as_json: bool = False) -> Path:
    """The resolved scenario as a YAML file (block style), or as JSON (YAML too: a manifest's form)."""
    data = scenario.model_dump(mode="json", exclude_defaults=False)
    path = folder / f"dump-{scenario.name}.yaml"
    if as_json:
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        return path
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.representer.sort_base_mapping_type_on_output = False  # a ladder's rungs are in order
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def assert_round_trip(scenario: Scenario, folder: Path, as_json: bool = False) -> None:
    again = load_scenario(dump_yaml(scenario, folder, as_json))
    assert again.model_dump(mode="json") == scenario.model_dump(mode="json")
    assert again.parameter_specs() == scenario.parameter_specs()
    rng_a, rng_b = np.random.default_rng(5), np.random.default_rng(5)
    assert draw_parameters(again, rng_a) == draw_parameters(scenario, rng_b)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_configs_round_trip(path: Path, tmp_path: Path) -> None:
    assert_round_trip(load_scenario(path), tmp_path, as_json=path != BASELINE)


def _parameters(scenario: Scenario) -> list[tuple[str, type[Param]]]:
    return [
        (path, type(param))
        for p, param in iter_parameters(scenario)
        if isinstance(param, Param) and settable(path := ".".join(map(str, p)))
    ]


BASE = load_scenario(BASELINE, check_sources=False)
PARAMS = _parameters(BASE)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=40)


@st.composite
def overrides(draw: st.DrawFn) -> list[str]:
    """`--set` overrides that make a valid variant of the baseline: any parameters, any shapes of value."""
    chosen = draw(st.lists(st.sampled_from(PARAMS), min_size=1, max_size=8, unique_by=lambda p: p[0]))
    out = [f"{path}={json.dumps(draw(values(cls, BASE.estimative_words)))}" for path, cls in chosen]
    out.append(f"name={json.dumps(draw(st.from_regex(r'[A-Za-z0-9][A-Za-z0-9_.-]{0,20}', fullmatch=True)))}")
    for key in ("title", "description", "note"):
        if draw(st.booleans()):
            out.append(f"{key}={json.dumps(draw(TEXT))}")
    settings_: dict[str, Any] = {
        "seed": draw(st.none() | st.integers(0, 2**63)),
        "horizon_days": draw(st.integers(1, 3650)),
        "replications": draw(st.integers(1, 10**6)),
    }
    out.append(f"simulation={json.dumps(settings_)}")
    if draw(st.booleans()):
        lo = draw(st.floats(0, 0.5))
        out.append(f"estimative_words.words.a fair bet={json.dumps([lo, lo + draw(st.floats(0, 0.5))])}")
        out.append("actors.russia.back_defender_propensity=A Fair Bet")
    if draw(st.booleans()):
        first = draw(st.dates(min_value=BASE.simulation.start_date).map(str))
        out.append(f"season.winter_start=[{first}, {first}]")
    return out


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(overrides())
def test_any_valid_config_survives_dump_and_load(tmp_path: Path, sets: list[str]) -> None:
    scenario = with_overrides(*sets)
    assert_round_trip(scenario, tmp_path)
