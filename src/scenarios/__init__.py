"""scenarios: a written assessment's judgments as stochastic agent policies in a SimPy simulation.

Public API (names only; the logic lives in the sub-packages).
"""

from scenarios.analysis.compare import compare
from scenarios.config.draw import draw_parameters
from scenarios.config.loader import load_scenario
from scenarios.config.schema import Scenario
from scenarios.engine.batch import BatchResult, run_batch
from scenarios.exceptions import ConfigError, ResultsError, ScenarioError
from scenarios.io.load import Results, load_results
from scenarios.model.simulation import ReplicationResult, run_replication

__all__ = [
    "BatchResult",
    "ConfigError",
    "ReplicationResult",
    "Results",
    "ResultsError",
    "Scenario",
    "ScenarioError",
    "compare",
    "draw_parameters",
    "load_results",
    "load_scenario",
    "run_batch",
    "run_replication",
]
