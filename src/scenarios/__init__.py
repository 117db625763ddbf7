"""scenarios: a written assessment's judgments as stochastic agent policies in a SimPy simulation.

Public API (names only; the logic lives in the sub-packages). Names are imported on first use, so that a worker
process that needs only the model does not load the analysis stack.

A batch, its survival curves and its per-replication measures in a notebook (from the repository's root; a few
seconds; `tests/test_docs.py` runs it):

>>> import tempfile, scenarios
>>> out = tempfile.mkdtemp() + "/batch"
>>> batch = scenarios.run_batch(
...     ["configs/baseline.yaml"], n=8, seed=1, overrides=["simulation.horizon_days=20"],
...     executor="serial", out=out, quiet=True,
... )
>>> results = scenarios.load_results(batch.directory)
>>> list(scenarios.survival_curves(results).columns)
['scenario', 'day', 'survival', 'lower', 'upper']
>>> list(scenarios.hold_probability(results, days=[7]).columns)
['scenario', 'days', 'p', 'lower', 'upper', 'n']
>>> per_run = scenarios.outcome_measures(results, measures=["holds_7_days", "attacker_share"])
>>> list(per_run.columns), len(per_run)
(['scenario', 'replication', 'holds_7_days', 'attacker_share'], 8)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scenarios.analysis.check import Check, check
    from scenarios.analysis.compare import Comparison, compare, outcome_measures
    from scenarios.analysis.importance import Importance, parameter_importance
    from scenarios.analysis.questions import Forecast, Score, forecast, score
    from scenarios.analysis.summary import Summary, summarize
    from scenarios.analysis.survival import hold_probability, survival_curves
    from scenarios.config.draw import draw_parameters
    from scenarios.config.expectations import load_questions
    from scenarios.config.loader import load_scenario
    from scenarios.config.schema import Scenario
    from scenarios.engine.batch import BatchResult, run_batch
    from scenarios.engine.options import RunOptions
    from scenarios.exceptions import ConfigError, MeasureError, ResultsError, ScenarioError
    from scenarios.io.load import Results, load_results
    from scenarios.measures import Measure, MeasureSet, measure_set
    from scenarios.model.simulation import ReplicationResult, run_replication
    from scenarios.sensitivity import Sensitivity, run_sensitivity
    from scenarios.sweep import Sweep, run_sweep
    from scenarios.whatif import WhatIf, run_whatif


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("scenarios")
    except PackageNotFoundError:  # pragma: no cover - a source tree without an install
        return "0+unknown"


_WHERE = {
    "Check": "scenarios.analysis.check",
    "check": "scenarios.analysis.check",
    "Forecast": "scenarios.analysis.questions",
    "Score": "scenarios.analysis.questions",
    "forecast": "scenarios.analysis.questions",
    "score": "scenarios.analysis.questions",
    "load_questions": "scenarios.config.expectations",
    "Comparison": "scenarios.analysis.compare",
    "compare": "scenarios.analysis.compare",
    "outcome_measures": "scenarios.analysis.compare",
    "hold_probability": "scenarios.analysis.survival",
    "survival_curves": "scenarios.analysis.survival",
    "Summary": "scenarios.analysis.summary",
    "summarize": "scenarios.analysis.summary",
    "Measure": "scenarios.measures",
    "MeasureSet": "scenarios.measures",
    "measure_set": "scenarios.measures",
    "MeasureError": "scenarios.exceptions",
    "draw_parameters": "scenarios.config.draw",
    "load_scenario": "scenarios.config.loader",
    "Scenario": "scenarios.config.schema",
    "BatchResult": "scenarios.engine.batch",
    "run_batch": "scenarios.engine.batch",
    "RunOptions": "scenarios.engine.options",
    "ConfigError": "scenarios.exceptions",
    "ResultsError": "scenarios.exceptions",
    "ScenarioError": "scenarios.exceptions",
    "Results": "scenarios.io.load",
    "load_results": "scenarios.io.load",
    "ReplicationResult": "scenarios.model.simulation",
    "run_replication": "scenarios.model.simulation",
    "WhatIf": "scenarios.whatif",
    "run_whatif": "scenarios.whatif",
    "Sweep": "scenarios.sweep",
    "run_sweep": "scenarios.sweep",
    "Sensitivity": "scenarios.sensitivity",
    "run_sensitivity": "scenarios.sensitivity",
    "Importance": "scenarios.analysis.importance",
    "parameter_importance": "scenarios.analysis.importance",
}

__all__ = [
    "BatchResult",
    "Check",
    "Comparison",
    "ConfigError",
    "Forecast",
    "Importance",
    "Measure",
    "MeasureError",
    "MeasureSet",
    "ReplicationResult",
    "Results",
    "ResultsError",
    "RunOptions",
    "Scenario",
    "ScenarioError",
    "Score",
    "Sensitivity",
    "Summary",
    "Sweep",
    "WhatIf",
    "check",
    "compare",
    "draw_parameters",
    "forecast",
    "hold_probability",
    "load_questions",
    "load_results",
    "load_scenario",
    "measure_set",
    "outcome_measures",
    "parameter_importance",
    "run_batch",
    "run_replication",
    "run_sensitivity",
    "run_sweep",
    "run_whatif",
    "score",
    "summarize",
    "survival_curves",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":  # computed on first use: importlib.metadata costs ~80 ms, too much for `--help`
        return _version()
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'scenarios' has no attribute {name!r}")


def __dir__() -> list[str]:
    return list(__all__)
