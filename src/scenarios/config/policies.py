"""What every actor's block holds, whatever its policy: the values its policy reads and the block in YAML.

A policy's own block extends both (`model.actors`); the policies themselves are registered at run time
(`scenarios.roles`), so this package imports nothing from the model.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Annotated, ClassVar

from pydantic import Field, model_validator

from scenarios.config.blocks import Drawn, Setting
from scenarios.config.params import ChoiceFloor, Frozen, NonNegative, Period, Positive
from scenarios.roles import PolicySchema, Role

__all__ = ["ActorParams", "ActorValues", "PolicySchema", "Role"]


@dataclass(frozen=True, slots=True)
class ActorValues:
    """The values every actor's policy reads, whatever its role (a policy's own block extends this)."""

    policy: Annotated[
        str,
        Setting(str, "The policy this actor follows, which fixes its role; see docs/model.md, roles."),
    ]
    start_posture: Annotated[str, Setting(str, "Posture on the start date (one of the actor's options).")]
    review_every_days: Annotated[float, Drawn(Period, "Days between periodic reviews of its posture (days).")]
    rationality: Annotated[
        float,
        Drawn(
            Positive, "Logit rationality: 0 chooses at random, large values always take the best option (1/utility)."
        ),
    ]
    min_choice_probability: Annotated[
        float,
        Drawn(
            ChoiceFloor,
            "An option it rates less likely than this is not taken; the others share its chance (probability; 0 is "
            "the plain logit, at most 0.2).",
        ),
    ]
    inertia: Annotated[
        float,
        Drawn(NonNegative, "Commitment: utility of keeping the current posture; a switch must beat it (utility)."),
    ]


class ActorParams(Frozen):
    """An actor's block in YAML: the policy it follows, its name for readers, and that policy's parameters."""

    policy: str = Field(description="The policy this actor follows, which fixes its role; see docs/model.md, roles.")

    label: str | None = Field(
        None, description="The actor's name for readers (tables, plots, stories); default: its id, capitalised."
    )

    OPTIONS: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _posture_is_an_option(self) -> ActorParams:
        posture = getattr(self, "start_posture", None)
        if self.OPTIONS and posture not in self.OPTIONS:
            close = difflib.get_close_matches(str(posture), self.OPTIONS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"start_posture {posture!r} is not an option{hint}; options: {', '.join(self.OPTIONS)}")
        return self
