"""Errors a user can act on: each names where the problem is and what would be valid."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

# Options that are switched on, not given a value: Python says `force=True` where the command line says --force.
SWITCHES = frozenset(
    {"resume", "overwrite", "force", "fail_fast", "quiet", "all", "strict", "no_check", "stability", "confirm"}
)


def python_name(field: str) -> str:
    """How an error names an option to a Python caller: `chunk_size`, or `force=True` for a switch."""
    return f"`{field}=True`" if field in SWITCHES else f"`{field}`"


class _Names(dict[str, Any]):
    """The values of a message template; any other name in it is an option, named by `namer`."""

    def __init__(self, values: dict[str, Any], namer: Callable[[str], str]):
        super().__init__(values)
        self.namer = namer

    def __missing__(self, key: str) -> str:
        return self.namer(key)


class ScenarioError(Exception):
    """Base of every error `scenarios` raises on purpose; the CLI prints it without a traceback.

    An error about an option or argument (`naming`) carries its `field` (the Python name, ``chunk_size``), and its
    message names options by field: ``str()`` says `chunk_size` (or `force=True`), the CLI says --chunk-size.
    """

    field: str | None = None
    template: str | None = None
    values: dict[str, Any] | None = None

    @classmethod
    def naming(cls, field: str, template: str, **values: Any) -> Self:
        """An error about option `field`. `template` is a `str.format` template: the names in `values` are filled
        in as they are, every other name is an option (``"{chunk_size} must be at least 1, got {value}"``)."""
        exc = cls(template.format_map(_Names(values, python_name)))
        exc.field, exc.template, exc.values = field, template, values
        return exc

    def render(self, namer: Callable[[str], str] = python_name) -> str:
        """The message with every option named by `namer` (the CLI passes one that gives its flags)."""
        if self.template is None:
            return str(self)
        return self.template.format_map(_Names(self.values or {}, namer))


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
