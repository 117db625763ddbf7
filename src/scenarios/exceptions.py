"""Errors a user can act on: each names where the problem is and what would be valid."""

from __future__ import annotations

from dataclasses import dataclass


class ScenarioError(Exception):
    """Base of every error `scenarios` raises on purpose; the CLI prints it without a traceback."""


@dataclass(frozen=True)
class Problem:
    """One problem in a configuration: where it is, which key, what is wrong, what would be valid."""

    file: str
    line: int | None
    column: int | None
    key: str
    message: str
    hint: str = ""

    def render(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        head = f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"
        return head + (f"\n    {self.hint}" if self.hint else "")


class ConfigError(ScenarioError):
    """A configuration that cannot be used; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(p.render() for p in self.problems))


class ModelError(ScenarioError):
    """A scenario whose runs cannot do what it asks of them (e.g. agree with a known fact): names the key and a fix."""


class ResultsError(ScenarioError):
    """A results directory that cannot be read or written as asked."""


class MeasureError(ScenarioError):
    """A measure that cannot be defined or evaluated: names the measure or expression, the column and a fix."""


class MeasureDefinitionError(ConfigError, MeasureError):
    """A measure defined in YAML that is not valid, with the file, line and column of its definition."""


class AnalysisError(ScenarioError, ValueError):
    """An analysis asked of results that cannot answer it (an unknown scenario, too few scenarios, ...)."""
