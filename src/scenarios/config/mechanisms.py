"""The parameters of the world's mechanisms (ground, combat, truces, attention, mediation, endurance) and of what
support does.

Each block is declared once, as the typed values the model reads (`config.blocks`); the schema's pydantic model is
generated from it. Nothing here names a case: the parties are the attacker and the defender, the third parties
their backers (patrons of the defender, supporters of the attacker) and brokers, by role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field, model_validator

from scenarios.config.blocks import Drawn, Setting, block_of
from scenarios.config.params import (
    AtLeastOne,
    Frozen,
    NonNegative,
    Period,
    Positive,
    PositiveShare,
    Probability,
    Share,
    Source,
    ValueProblem,
)


@dataclass(frozen=True, slots=True)
class TerrainValues:
    """What a kind of ground does to an assault on a place of it (relative to the base rates of `combat:`)."""

    advance: Annotated[float, Drawn(Positive, "The assaulting side's progress x this (factor).")]
    casualties: Annotated[float, Drawn(Positive, "The assaulting side's military deaths x this (factor).")]
    winter_advance: Annotated[float, Drawn(Share, "Progress x this in winter, on top of `advance` (factor).")]
    winter_casualties: Annotated[
        float, Drawn(AtLeastOne, "The assaulting side's deaths x this in winter, on top of `casualties` (factor).")
    ]


@dataclass(frozen=True, slots=True)
class FortificationValues:
    """What one level of prepared defences (belts of trenches, minefields, strongpoints) does to an assault."""

    difficulty: Annotated[float, Drawn(AtLeastOne, "The effort to take the place x this (factor).")]
    casualties: Annotated[float, Drawn(AtLeastOne, "The assaulting side's military deaths x this (factor).")]


@dataclass(frozen=True, slots=True)
class CombatValues:
    """Fighting on the days a party runs an operation, and what open war does besides."""

    attacker_advance_per_day: Annotated[
        float,
        Drawn(Positive, "The attacker's progress per day of assault on open ground (difficulty units/day)."),
    ]
    defender_advance_per_day: Annotated[
        float,
        Drawn(Positive, "The defender's progress per day of a counter-attack on open ground (difficulty units/day)."),
    ]
    assault_casualties_per_day: Annotated[
        float,
        Drawn(NonNegative, "Military deaths of the assaulting side per day of assault on open ground (people/day)."),
    ]
    holding_casualties_per_day: Annotated[
        float,
        Drawn(NonNegative, "Military deaths of the side holding the place assaulted, per day (people/day)."),
    ]
    positional_casualties_per_day: Annotated[
        float, Drawn(NonNegative, "Military deaths per side per day of open war without an assault (people/day).")
    ]
    daily_progress_sd: Annotated[float, Drawn(NonNegative, "Day-to-day spread of progress (sd of its logarithm).")]
    civilian_casualties_per_thousand_residents: Annotated[
        float,
        Drawn(
            NonNegative,
            "Civilian deaths per day of assault per thousand residents of the place assaulted (people/day).",
        ),
    ]
    city_strike_probability_per_day: Annotated[
        float, Drawn(Probability, "Chance of a strike on a city on a day of war, per side (probability).")
    ]
    retaliation_city_strike_multiplier: Annotated[
        float, Drawn(AtLeastOne, "The defender's city-strike chance x this while it retaliates (factor).")
    ]
    spillover_strike_probability_per_day: Annotated[
        float,
        Drawn(
            Probability,
            "Chance on a day of war that the attacker's fire strikes a place of the defender's own territory (outside "
            "the contested region) (probability).",
        ),
    ]
    civilians_per_spillover_strike: Annotated[
        float, Drawn(NonNegative, "Mean civilians killed by such a strike (people).")
    ]
    air_power_winter_factor: Annotated[
        float,
        Drawn(Share, "What weather-bound support (`air: true`) keeps of its effects in winter (fraction)."),
    ]
    broad_front_effort: Annotated[
        float,
        Drawn(
            Share,
            "While the attacker fights an open offensive, the share of its main effort's daily progress (and of its "
            "losses) it also spends along the rest of the line, spread evenly over the place of every other sector "
            "quickest to take: pressure along the whole line (fraction; 0 = one axis at a time).",
        ),
    ]
    progress_half_life_days: Annotated[
        float,
        Drawn(
            Positive,
            "Half-life of the effort spent against a place while nobody assaults it: the holder digs back in (days).",
        ),
    ]
    local_route_objectives: Annotated[
        float,
        Drawn(
            AtLeastOne,
            "Most places a local operation under a truce may cross: beyond that it is an open offensive (count).",
        ),
    ]
    broad_front_max_fortification: Annotated[
        int,
        Setting(
            int,
            "The highest level of fortification at which the attacker's pressure along the line (`broad_front_effort`) "
            "may take a place: deeper belts fall only to a main effort (level).",
            2,
        ),
    ] = 2
    dig_in_days: Annotated[
        float | None,
        Drawn(
            Positive,
            "Days a party holds a place it took before it has dug in: from then an assault on the place meets the "
            "field works of `dig_in_level`, whoever built the works there before (days; left out: a place taken is "
            "held on open ground until it changes hands again).",
            optional=True,
        ),
    ] = None
    pocket_days: Annotated[
        float | None,
        Drawn(
            Positive,
            "Days a party holds ground cut off from its lines (beyond a hub the other side took back, "
            "`WorldState.supplied`) before it gives that ground up to the other side, counted from the first day of "
            "fighting it is found cut off; under a truce nothing changes hands (days; left out: held until the hub is "
            "retaken).",
            optional=True,
        ),
    ] = None
    dig_in_level: Annotated[
        int,
        Setting(
            int,
            "The level of prepared defences (`ground.fortification`) a party builds in a place it took, "
            "`dig_in_days` after taking it (level).",
            1,
        ),
    ] = 1
    overlooked_advance_factor: Annotated[
        float | None,
        Drawn(
            AtLeastOne,
            "How many times faster a place falls to a side that holds the heights it lies under (its "
            "`overlooked_from`): every approach under direct fire from above (factor; left out: no such effect).",
            optional=True,
        ),
    ] = None


@dataclass(frozen=True, slots=True)
class TruceValues:
    """Violations while a truce is in force, and the strain they leave. A truce ends only by a party's decision."""

    attacker_violation_rate: Annotated[
        float, Drawn(Positive, "Violations initiated by the attacker's forces (per day).")
    ]
    defender_violation_rate: Annotated[
        float, Drawn(Positive, "Violations initiated by the defender's forces (per day).")
    ]
    retaliation_multiplier: Annotated[
        float,
        Drawn(
            AtLeastOne,
            "The defender's rate x this while the defender retaliates, its return fire scaled by the attacker's fire "
            "against the attacker's base rate: an answer rises and falls with what it answers (factor).",
        ),
    ]
    talks_multiplier: Annotated[
        float, Drawn(Share, "The attacker's rate x this while the attacker is in talks (factor).")
    ]
    local_operation_multiplier: Annotated[
        float,
        Drawn(AtLeastOne, "Both rates x this while an operation is fought under the truce (factor)."),
    ]
    comprehensive_multiplier: Annotated[float, Drawn(Share, "Both rates x this under a comprehensive truce (factor).")]
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
    strain_increment: Annotated[
        float, Drawn(Positive, "Strain a violation adds to the truce: what the parties weigh (strain units).")
    ]
    strain_retaliation_bonus: Annotated[
        float,
        Drawn(NonNegative, "Extra strain per violation while the defender retaliates (strain units)."),
    ]
    strain_half_life_days: Annotated[float, Drawn(Positive, "Half-life of the strain between violations (days).")]
    settling_half_life_days: Annotated[
        float,
        Drawn(
            Positive,
            "Half-life of a truce's violations as it holds: the line settles from the rate of its first days towards "
            "the settled share of it (days).",
        ),
    ]
    settled_share: Annotated[
        float,
        Drawn(Share, "The violation rate of a truce that has held for months, as a share of its first days' (share)."),
    ]


@dataclass(frozen=True, slots=True)
class AttentionValues:
    """International attention: rises with civilian deaths, strikes on cities and war; decays otherwise."""

    half_life_days: Annotated[float, Drawn(Positive, "Half-life of attention without new inputs (days).")]
    per_civilian_casualty: Annotated[float, Drawn(NonNegative, "Attention added per civilian killed (index/person).")]
    per_city_strike: Annotated[float, Drawn(NonNegative, "Attention added per strike on a city (index/strike).")]
    per_war_day: Annotated[float, Drawn(NonNegative, "Attention added per day of fighting (index/day).")]


@dataclass(frozen=True, slots=True)
class MediationValues:
    """The terms brokers put on the table; whether an agreement follows is each party's own answer."""

    upgrade_after_days: Annotated[
        float,
        Drawn(NonNegative, "Days a humanitarian truce holds before a broker proposes comprehensive terms (days)."),
    ]
    comprehensive_when_position_met: Annotated[
        float,
        Drawn(
            Probability,
            "Chance a broker's offer to stop the fighting carries comprehensive terms once the attacker holds its "
            "target position or the defender has conceded (probability).",
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
    settlement_chance: Annotated[
        float,
        Drawn(
            Probability,
            "Chance that an offer carries a settlement's terms (places handed over) when one is on the table "
            "(`settlements:`) (probability).",
        ),
    ]
    cooldown_days: Annotated[
        float,
        Drawn(NonNegative, "Days after a party formally ends a truce before brokers offer again (days)."),
    ]
    reoffer_after_days: Annotated[
        float | None,
        Drawn(
            Positive,
            "Days after which brokers put terms a party refused on the table again though the map has not moved: "
            "diplomacy goes on under a violated truce (days; left out: only once the map has moved).",
            optional=True,
        ),
    ] = None


@dataclass(frozen=True, slots=True)
class EnduranceValues:
    """A party's stocks, each a fraction of what it started with: manpower, materiel and money. They deplete with
    the war and are replenished by its backers (`replenish_*` effects)."""

    manpower: Annotated[float, Drawn(Positive, "Military deaths that would exhaust its manpower (people).")]
    materiel_days: Annotated[
        float, Drawn(Positive, "Days of assault its stock of materiel lasts without resupply (days).")
    ]
    positional_materiel_share: Annotated[
        float, Drawn(Share, "Materiel a day of war without an assault uses, relative to a day of assault (fraction).")
    ]
    money_days: Annotated[float, Drawn(Positive, "Days of war its treasury bears (days).")]
    attention_money_cost: Annotated[
        float,
        Drawn(
            NonNegative,
            "Extra days of its treasury lost per day of war at attention 1 (trade, investment) (days/day).",
        ),
    ]
    advance_at_empty: Annotated[
        float,
        Drawn(Share, "What its progress keeps with its materiel exhausted (fraction; full at a full stock)."),
    ]


@dataclass(frozen=True, slots=True)
class EffectValues:
    """What a capability or a rung of support does for the side it serves. Every one declares at least one effect:
    nothing is keyed on a name."""

    advance_bonus: Annotated[
        float | None, Drawn(NonNegative, "Extra progress of the side it serves while in place (fraction).", True)
    ] = None
    enemy_casualty_multiplier: Annotated[
        float | None,
        Drawn(AtLeastOne, "The other side's military deaths in fighting x this while in place (factor).", True),
    ] = None
    enemy_advance_factor: Annotated[
        float | None,
        Drawn(Share, "The other side's progress x this while in place (arms, air defence, troops) (factor).", True),
    ] = None
    violation_multiplier: Annotated[
        float | None,
        Drawn(AtLeastOne, "The served side's violations under a truce x this while in place (factor).", True),
    ] = None
    deters_retaliation: Annotated[
        float | None,
        Drawn(NonNegative, "Disutility to the other side of retaliating while it is in place (utility).", True),
    ] = None
    support_weight: Annotated[
        float | None,
        Drawn(
            NonNegative,
            "Its weight in what the parties expect of the served side's support: it acts on their calculus at once, "
            "on the battlefield only when it arrives (relative).",
            True,
        ),
    ] = None
    replenish_materiel: Annotated[
        float | None,
        Drawn(NonNegative, "Days of the served side's materiel it brings per day while in place (days/day).", True),
    ] = None
    replenish_money: Annotated[
        float | None,
        Drawn(NonNegative, "Days of the served side's treasury it brings per day while in place (days/day).", True),
    ] = None
    air: Annotated[
        bool, Setting(bool, "Weather-bound (air power): in winter it keeps `combat.air_power_winter_factor`.", False)
    ] = False
    fights: Annotated[
        bool,
        Setting(bool, "Its forces fight the other side (a military intervention, combat troops).", False),
    ] = False


@block_of(TerrainValues)
class TerrainParams(Frozen):
    """A kind of ground (`ground.terrain.<kind>`)."""


@block_of(FortificationValues)
class FortificationParams(Frozen):
    """One level of prepared defences (`ground.fortification.<level>`)."""


@block_of(CombatValues)
class CombatParams(Frozen):
    """Fighting on the days a party runs an operation, and what open war does besides."""


@block_of(TruceValues)
class CeasefireParams(Frozen):
    """Violations while a truce is in force, and the strain they leave (a truce ends only by a decision)."""


@block_of(AttentionValues)
class AttentionParams(Frozen):
    """International attention: rises with civilian deaths, strikes on cities and fighting; decays otherwise."""


@block_of(MediationValues)
class MediationParams(Frozen):
    """The terms brokers put on the table; whether an agreement follows is each party's own answer."""


@block_of(EnduranceValues)
class EnduranceParams(Frozen):
    """A party's stocks: manpower, materiel and money."""


@block_of(EffectValues)
class Effects(Frozen):
    """What a capability or a rung of support does for the side it serves; at least one effect."""

    @model_validator(mode="after")
    def _declared(self) -> Effects:
        drawn = [name for name in type(self).model_fields if name not in ("air", "fights")]
        if all(getattr(self, name) is None for name in drawn) and not self.fights:  # type: ignore[attr-defined]
            raise ValueProblem(
                "declares no effect",
                "give at least one of: "
                + ", ".join(drawn)
                + ", or `fights: true` (a capability or rung that does nothing would be silently inert)",
            )
        return self


class Ground(Frozen):
    """The kinds of ground and the levels of prepared defences places are made of."""

    terrain: dict[str, TerrainParams] = Field(
        min_length=1, description="Kind of ground (lowland, foothills, mountain, urban, ...) -> what it does."
    )
    fortification: dict[int, FortificationParams] = Field(
        default_factory=dict,
        description="Level of prepared defences (1, 2, 3: deeper belts) -> what it does; level 0 is open ground.",
    )

    @model_validator(mode="after")
    def _levels(self) -> Ground:
        levels = sorted(self.fortification)
        if levels and levels != list(range(1, len(levels) + 1)):
            raise ValueProblem(
                f"fortification levels {levels} leave a gap", "number them 1, 2, 3 ... (0 is open ground)"
            )
        return self


class Rung(Frozen):
    """One rung of a backer's ladder of commitments: what it commits, when, and what it does."""

    label: str | None = Field(
        None, description="Its name for readers (charts); absent: its id, with spaces for underscores."
    )
    in_place_at_start: bool = Field(description="Whether this support is in place on the start date.")
    withdrawable: bool = Field(
        True,
        description="Whether the backer may take this support back; false for support that is the relationship "
        "itself (only the lowest rungs, in place at the start).",
    )
    lag_days: Period | None = Field(
        None,
        description="Days between deciding it and its arriving on the battlefield (arms in transit, troops "
        "deploying); its weight in the parties' calculus acts at once (days; absent: the day it is decided).",
    )
    requires: str | None = Field(
        None,
        description="A condition that must hold before it can be decided: `treaty` (its treaty's obligation "
        "triggered: the covered territory attacked).",
    )
    cost: NonNegative | None = Field(
        None,
        description="Utility the backer pays to climb to this rung (its risk and price); absent: the policy's "
        "`escalation_cost` times the rung's height.",
    )
    effects: Effects = Field(description="What this support does while in place (at least one effect).")
    source: Source | None = Field(None, description="The report passage this encodes.")
    assumption: str | None = Field(None, description="The modeller's reason, where the report is silent.")

    @model_validator(mode="after")
    def _provenance(self) -> Rung:
        if self.source is None and self.assumption is None:
            raise ValueError("a rung needs `source:` or `assumption:`")
        if self.requires not in (None, "treaty"):
            raise ValueProblem(f"unknown condition {self.requires!r}", "`requires: treaty`, or leave it out")
        return self


class Treaty(Frozen):
    """A backer's treaty obligation: to come to the defence of a party's own territory if it is attacked."""

    covers: list[str] = Field(
        min_length=1, description="The actors whose own territory (places with `territory_of:`) it covers."
    )
    strikes_to_trigger: Positive = Field(
        description="Strikes on the covered territory that count as an attack on it, as the backer reads them (a "
        "ground operation into it always does) (count)."
    )
    strikes_to_trigger_on_application: Positive | None = Field(
        None,
        description="Strikes that count as an attack once a covered party has asked its backers for help: a treaty "
        "that assists 'on application' answers an application for strikes it could leave unconfirmed without one "
        "(the lower of this and `strikes_to_trigger` counts; absent: the application changes nothing) (count).",
    )
    lapse_days: float = Field(
        30.0,
        gt=0,
        description="The obligation weighs while the covered territory (or the backer's peacekeepers) was attacked "
        "within this many days; it lapses in a quiet spell and returns with the next attack (days).",
    )
    source: Source | None = Field(None, description="The treaty or statement this encodes.")
    assumption: str | None = Field(None, description="The modeller's reason, where no source is quoted.")


class Settlement(Frozen):
    """Terms a broker may put on the table: places the defender hands over to the attacker, and who guarantees it."""

    label: str = Field(description="Its name for readers.")
    handover: list[str] = Field(
        min_length=1, description="The places handed over (objective ids); those the attacker holds already are moot."
    )
    keeps: list[str] = Field(
        default_factory=list,
        description="Places the terms leave to the defender, as their premise (a corridor kept): no broker puts them "
        "on the table once the attacker holds any of these (objective ids).",
    )
    peacekeepers: bool = Field(True, description="Whether a broker's peacekeepers guarantee the new line.")
    offered_from_share: PositiveShare = Field(
        description="The broker puts it on the table once the attacker holds this share of the contested value, or "
        "the defender has conceded (share)."
    )
    source: Source | None = Field(None, description="The document or plan these terms come from.")
    assumption: str | None = Field(None, description="The modeller's reason, where no source is quoted.")

    @model_validator(mode="after")
    def _provenance(self) -> Settlement:
        if self.source is None and self.assumption is None:
            raise ValueError("a settlement needs `source:` or `assumption:`")
        return self
