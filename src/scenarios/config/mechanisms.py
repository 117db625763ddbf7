"""The parameters of the world's mechanisms (violations, combat, attention, mediation) and of what support does.

Each block is declared once, as the typed values the model reads (`config.blocks`); the schema's pydantic model is
generated from it. Nothing here names a case: the parties are the attacker and the defender, the third parties
their patron (of the defender) and supporter (of the attacker), by role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import model_validator

from scenarios.config.blocks import Drawn, block_of
from scenarios.config.params import AtLeastOne, Frozen, NonNegative, Positive, Probability, Share, ValueProblem


@dataclass(frozen=True, slots=True)
class CeasefireValues:
    """Violations while a ceasefire is in force, and how it collapses."""

    attacker_violation_rate: Annotated[
        float, Drawn(Positive, "Violations initiated by the attacker's forces (per day).")
    ]
    defender_violation_rate: Annotated[
        float, Drawn(Positive, "Violations initiated by the defender's forces (per day).")
    ]
    retaliation_multiplier: Annotated[
        float, Drawn(AtLeastOne, "The defender's rate x this while the defender retaliates (factor).")
    ]
    talks_multiplier: Annotated[
        float, Drawn(Share, "The attacker's rate x this while the attacker is in talks (factor).")
    ]
    comprehensive_multiplier: Annotated[
        float, Drawn(Share, "Both rates x this under a comprehensive ceasefire (factor).")
    ]
    peacekeeper_multiplier: Annotated[
        float, Drawn(Share, "Both rates x this while peacekeepers are deployed (factor).")
    ]
    civilian_harm_probability: Annotated[float, Drawn(Probability, "Chance a violation kills civilians (probability).")]
    civilians_per_harmful_violation: Annotated[float, Drawn(Positive, "Mean civilians killed when it does (people).")]
    city_strike_probability: Annotated[
        float, Drawn(Probability, "Chance a violation is a strike on a city (probability).")
    ]
    civilians_per_city_strike: Annotated[
        float, Drawn(Positive, "Mean civilians killed by a strike on a city (people).")
    ]
    mass_casualty_threshold: Annotated[
        float, Drawn(Positive, "Civilians killed in one strike that make it a mass-casualty event (people).")
    ]
    spiral_increment: Annotated[float, Drawn(Positive, "Escalation added by each violation (spiral units).")]
    spiral_retaliation_bonus: Annotated[
        float, Drawn(NonNegative, "Extra escalation per violation while the defender retaliates (spiral units).")
    ]
    spiral_half_life_days: Annotated[float, Drawn(Positive, "Half-life of escalation between violations (days).")]
    spiral_threshold: Annotated[float, Drawn(Positive, "Escalation at which the ceasefire collapses (spiral units).")]


@dataclass(frozen=True, slots=True)
class CombatValues:
    """Fighting while no ceasefire is in force."""

    lowland_advance_per_day: Annotated[
        float, Drawn(Positive, "Attacker progress per day in lowland (difficulty units/day).")
    ]
    mountain_advance_per_day: Annotated[
        float, Drawn(Positive, "Attacker progress per day in mountains (difficulty units/day).")
    ]
    winter_mountain_advance_factor: Annotated[float, Drawn(Share, "Mountain progress x this in winter (factor).")]
    winter_mountain_casualty_multiplier: Annotated[
        float, Drawn(AtLeastOne, "Attacker casualties in mountains x this in winter (factor).")
    ]
    patron_backing_advance_factor: Annotated[
        float, Drawn(Share, "The attacker's progress x this while the patron backs the defender (factor).")
    ]
    patron_intervention_advance_factor: Annotated[
        float, Drawn(Share, "The attacker's progress x this once the patron intervenes militarily (factor).")
    ]
    daily_progress_sd: Annotated[float, Drawn(NonNegative, "Day-to-day spread of progress (sd of its logarithm).")]
    attacker_casualties_per_day_lowland: Annotated[
        float, Drawn(NonNegative, "Attacker military deaths per sector-day of offensive in lowland (people/day).")
    ]
    attacker_casualties_per_day_mountain: Annotated[
        float, Drawn(NonNegative, "Attacker military deaths per sector-day of offensive in mountains (people/day).")
    ]
    defender_casualties_per_day: Annotated[
        float, Drawn(NonNegative, "Defender military deaths per sector-day of offensive (people/day).")
    ]
    positional_casualties_per_day: Annotated[
        float, Drawn(NonNegative, "Military deaths per side per day of war without an offensive (people/day).")
    ]
    civilian_casualties_per_thousand_residents: Annotated[
        float,
        Drawn(
            NonNegative,
            "Civilian deaths per sector-day of offensive per thousand residents of the objective (people/day).",
        ),
    ]
    city_strike_probability_per_day: Annotated[
        float, Drawn(Probability, "Chance of a strike on a city on a day of war, per side (probability).")
    ]
    retaliation_city_strike_multiplier: Annotated[
        float, Drawn(AtLeastOne, "The defender's city-strike chance x this while it retaliates (factor).")
    ]


@dataclass(frozen=True, slots=True)
class AttentionValues:
    """International attention: rises with civilian deaths, strikes on cities and war; decays otherwise."""

    half_life_days: Annotated[float, Drawn(Positive, "Half-life of attention without new inputs (days).")]
    per_civilian_casualty: Annotated[float, Drawn(NonNegative, "Attention added per civilian killed (index/person).")]
    per_city_strike: Annotated[float, Drawn(NonNegative, "Attention added per strike on a city (index/strike).")]
    per_war_day: Annotated[float, Drawn(NonNegative, "Attention added per day of open war (index/day).")]


@dataclass(frozen=True, slots=True)
class MediationValues:
    """The terms brokers put on the table; whether a ceasefire follows is each party's own answer."""

    upgrade_after_days: Annotated[
        float,
        Drawn(NonNegative, "Days a humanitarian ceasefire holds before a broker proposes comprehensive terms (days)."),
    ]
    comprehensive_when_position_met: Annotated[
        float,
        Drawn(
            Probability,
            "Chance a broker's offer to stop open war carries comprehensive terms once the attacker holds its target "
            "position or the defender has conceded (probability).",
        ),
    ]
    comprehensive_otherwise: Annotated[float, Drawn(Probability, "The same chance otherwise (probability).")]
    peacekeepers_offered: Annotated[
        float,
        Drawn(
            Probability,
            "Chance a broker that can provide peacekeepers offers them with comprehensive terms (probability).",
        ),
    ]


@dataclass(frozen=True, slots=True)
class EffectValues:
    """What a capability or a rung of support does for the side it serves (the attacker, for its own capabilities
    and its supporter's rungs). Every one declares at least one effect: nothing is keyed on a name."""

    advance_bonus: Annotated[
        float | None, Drawn(NonNegative, "Extra progress of the side it serves while in place (fraction).", True)
    ] = None
    enemy_casualty_multiplier: Annotated[
        float | None,
        Drawn(AtLeastOne, "The other side's military deaths in an offensive x this while in place (factor).", True),
    ] = None
    violation_multiplier: Annotated[
        float | None,
        Drawn(AtLeastOne, "The served side's violations under a ceasefire x this while in place (factor).", True),
    ] = None
    deters_retaliation: Annotated[
        float | None,
        Drawn(NonNegative, "Disutility to the other side of retaliating while it is in place (utility).", True),
    ] = None
    support_weight: Annotated[
        float | None,
        Drawn(
            NonNegative,
            "Its weight in the served side's expectation of support: the served side counts the weights of the rungs "
            "in place over those of the whole ladder (relative).",
            True,
        ),
    ] = None


@block_of(CeasefireValues)
class CeasefireParams(Frozen):
    """Violations while a ceasefire is in force, and how it collapses."""


@block_of(CombatValues)
class CombatParams(Frozen):
    """Fighting while no ceasefire is in force."""


@block_of(AttentionValues)
class AttentionParams(Frozen):
    """International attention: rises with civilian deaths, strikes on cities and war; decays otherwise."""


@block_of(MediationValues)
class MediationParams(Frozen):
    """The terms brokers put on the table; whether a ceasefire follows is each party's own answer."""


@block_of(EffectValues)
class Effects(Frozen):
    """What a capability or a rung of support does for the side it serves; at least one effect."""

    @model_validator(mode="after")
    def _declared(self) -> Effects:
        if all(getattr(self, name) is None for name in type(self).model_fields):
            raise ValueProblem(
                "declares no effect",
                "give at least one of: "
                + ", ".join(type(self).model_fields)
                + " (a capability or rung that does nothing would be silently inert)",
            )
        return self
