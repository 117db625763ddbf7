"""What every actor module provides, and the parameters every actor has."""

from __future__ import annotations

import difflib
import math
from typing import ClassVar

from pydantic import Field, model_validator

from scenarios.config.params import ChoiceFloor, Frozen, NonNegative, Period, Positive


class ActorParams(Frozen):
    """Parameters shared by every actor policy."""

    policy: str = Field(
        description="The policy this actor follows, which fixes its role (attacker, defender, patron, supporter, "
        "mediator); see docs/model.md, roles."
    )
    start_posture: str = Field(description="Posture on the start date (one of the actor's options).")
    review_every_days: Period = Field(description="Days between periodic reviews of its posture (days).")
    rationality: Positive = Field(
        description="Logit rationality: 0 chooses at random, large values always take the best option (1/utility)."
    )
    min_choice_probability: ChoiceFloor = Field(
        description="An option it rates less likely than this is not taken; the others share its chance "
        "(probability; 0 is the plain logit, at most 0.2)."
    )
    inertia: NonNegative = Field(
        description="Commitment: utility of keeping the current posture; a switch must beat it (utility)."
    )

    OPTIONS: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _posture_is_an_option(self) -> ActorParams:
        if self.OPTIONS and self.start_posture not in self.OPTIONS:
            close = difflib.get_close_matches(self.start_posture, self.OPTIONS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(
                f"start_posture {self.start_posture!r} is not an option{hint}; options: {', '.join(self.OPTIONS)}"
            )
        return self


def inertia_term(option: str, posture: str, inertia: float) -> float:
    return inertia if option == posture else 0.0


def log_odds(p: float) -> float:
    """A propensity word's probability as a log-odds utility term."""
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))
