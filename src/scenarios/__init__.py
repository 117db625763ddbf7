"""scenarios: a written assessment's judgments as stochastic agent policies in a SimPy simulation.

Public API (names only; the logic lives in the sub-packages).
"""

from scenarios.config.draw import draw_parameters
from scenarios.config.loader import load_scenario
from scenarios.config.schema import Scenario
from scenarios.exceptions import ConfigError, ResultsError, ScenarioError
from scenarios.model.simulation import ReplicationResult, run_replication

__all__ = [
    "ConfigError",
    "ReplicationResult",
    "ResultsError",
    "Scenario",
    "ScenarioError",
    "draw_parameters",
    "load_scenario",
    "run_replication",
]
