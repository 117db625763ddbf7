"""A patron of the defender, on two tracks at once: diplomacy (mediate, press the defender, press the attacker and its
supporters) and a ladder of commitments to its ally (political cover, arms, a military intervention), one rung at a
time. It brokers truces whatever its diplomatic posture, and can offer its own peacekeepers. A rung that `requires:
treaty` opens only once its treaty obligation is triggered (the covered territory attacked); its forces then fight,
after the rung's lag. A triggered treaty weighs on every rung (`guarantee_weight`); it presses its ally to concede
only at the table (`Patron.at_the_table`), never the ally it backs, and pays for pressing one that asked it for help
or whose territory its treaty covers once attacked (`ally_pressure_cost`); it answers
a supporter's combat troops (`supporter_troops_weight`). Which of its courses it is disposed to at all is realised
once per replication from its propensities (`Policy.dispositions`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, NamedTuple

from pydantic import Field

from scenarios.config.blocks import Drawn, Setting, block_of
from scenarios.config.mechanisms import Rung, Treaty
from scenarios.config.params import NonNegative, Period, Probability, Real
from scenarios.config.policies import ActorParams, ActorValues
from scenarios.model.choice import Decision
from scenarios.model.observation import Observation
from scenarios.model.policy import PatronPolicy, Trigger, Utility, choose
from scenarios.model.random import Random
from scenarios.roles import PolicySchema, Role

OPTIONS = ("mediate", "press_defender", "press_attacker")
SUPPORT = "support"  # its ladder's track, kept under <actor>.support


@dataclass(frozen=True, slots=True)
class Values(ActorValues):
    """The patron's dispositions and utility weights on both tracks."""

    ladder: Annotated[
        tuple[str, ...],
        Setting(
            dict[str, Rung],
            "Its rungs of commitment to the defender by name, from the lowest to the highest, in order.",
            convert=tuple,
        ),
    ]
    support_inertia: Annotated[
        float,
        Drawn(NonNegative, "Commitment on its ladder: utility of keeping its support as it is (utility)."),
    ]
    min_dwell_days: Annotated[
        float, Drawn(NonNegative, "Days a rung is kept before it changes its support again (days).")
    ]
    back_defender_propensity: Annotated[
        float,
        Drawn(
            Probability,
            "Chance that it is disposed to back the defender at all, realised once per replication: if not, it "
            "climbs its ladder only when its treaty obliges it (probability).",
        ),
    ]
    press_defender_propensity: Annotated[
        float,
        Drawn(
            Probability,
            "Chance that it is disposed to press the defender into a concession at all, realised once per "
            "replication (probability).",
        ),
    ]
    press_attacker_propensity: Annotated[
        float,
        Drawn(
            Probability,
            "Chance that it is disposed to press the attacker and its supporters to back down at all, realised once "
            "per replication (probability).",
        ),
    ]
    mediation_weight: Annotated[float, Drawn(NonNegative, "Utility of being seen as the even-handed broker (utility).")]
    alliance_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of standing by the defender per share of the contested value it has lost (utility/share).",
        ),
    ]
    request_weight: Annotated[float, Drawn(NonNegative, "Utility of backing the defender once it has asked (utility).")]
    outreach_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Value of its outreach to the attacker, set back by backing the defender or pressing the attacker "
            "(utility).",
        ),
    ]
    supporter_influence_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of checking the attacker's supporters, at their full support (utility at the top of their "
            "ladders).",
        ),
    ]
    supporter_troops_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of backing the defender (and pressing the attacker) while a supporter's forces fight (utility).",
        ),
    ]
    offensive_pressure_weight: Annotated[
        float, Drawn(NonNegative, "Utility of pressing the attacker while it is on the offensive (utility).")
    ]
    ally_pressure_cost: Annotated[
        float, Drawn(NonNegative, "Disutility of pressing the defender while backing it (utility).")
    ]
    conflict_cost_weight: Annotated[
        float,
        Drawn(NonNegative, "Disutility of committing to another low-level conflict by backing a side (utility)."),
    ]
    escalation_cost: Annotated[
        float,
        Drawn(NonNegative, "Cost of climbing one rung, times the rung's height, where a rung sets none (utility)."),
    ]
    crisis_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of pressing the defender for a concession to defuse the crisis, per share of the contested value "
            "it has lost: at the table, a concession is what ends a war it is losing (utility/share).",
        ),
    ]
    calm_weight: Annotated[
        float, Drawn(NonNegative, "Utility of stepping down a rung once the fighting has stopped (utility).")
    ]
    intervention_cost: Annotated[float, Drawn(NonNegative, "Disutility of sending its forces to fight (utility).")]
    guarantee_weight: Annotated[
        float,
        Drawn(NonNegative, "Utility of honouring its treaty once the covered territory is attacked (utility)."),
    ]
    intervention_loss_weight: Annotated[
        float,
        Drawn(
            NonNegative,
            "Utility of sending its forces per share of the contested value the defender has lost (utility/share).",
        ),
    ]
    mediation_credibility: Annotated[float, Drawn(Real, "Its standing as a broker with the parties (utility).")]
    offer_every_days: Annotated[float, Drawn(Period, "Days between its offers while it has one to make (days).")]
    treaty: Annotated[
        Any,
        Setting(Treaty | None, "Its treaty obligation to the defender's own territory, if any.", default=None),
    ] = None
    refused_claims_weight: Annotated[
        float | None,
        Drawn(
            NonNegative,
            "Utility of pressing the defender per offer of terms handing places to the attacker that the attacker "
            "accepted and the defender refused, in this spell of truce or of war: the concession that would defuse "
            "it (utility/refusal; left out: none).",
            optional=True,
        ),
    ] = None
    violations_weight: Annotated[
        float | None,
        Drawn(
            NonNegative,
            "Utility of pressing a party per unit of the truce's strain its own violations left, when that is the "
            "larger part: a truce in name only is a crisis its broker would defuse by pressing the side that fires "
            "more, the defender for a concession, the attacker to back down (utility/strain; left out: none).",
            optional=True,
        ),
    ] = None
    press_settle_days: Annotated[
        float | None,
        Drawn(
            NonNegative,
            "Days the front must have stood still before it presses the defender to concede: pressing the side that "
            "has just lost ground (or just won some back) for a concession rewards the attack or punishes the defence "
            "(days; left out: no wait).",
            optional=True,
        ),
    ] = None
    end_fighting_propensity: Annotated[
        float | None,
        Drawn(
            Probability,
            "Chance that it is disposed to seek an end to the fighting at all, realised once per replication: if "
            "not, at open war it offers no plain halt (a humanitarian truce), only the terms of a political process "
            "(a comprehensive truce), and lets the war run until they are taken (probability; left out: it always "
            "seeks an end).",
            optional=True,
        ),
    ] = None


@block_of(Values)
class Params(ActorParams):
    """The patron's dispositions and utility weights on both tracks."""

    OPTIONS: ClassVar[tuple[str, ...]] = OPTIONS

    policy: Literal["patron"] = Field(description="The patron's policy: diplomacy, a ladder of support, brokering.")
    ladder: dict[str, Rung] = Field(
        min_length=1, description="Its rungs of commitment to the defender by name, lowest first (in order)."
    )


SCHEMA = PolicySchema("patron", Role.PATRON, Params, broker=True)


def _fires_more(own: float, other: float) -> float:
    """A party's part of the truce's strain if it is the larger part, else none: a broker's displeasure at a truce
    in name only falls on the side that fires more, not on the one answering it (story reading 10)."""
    return own if own > other else 0.0


class Mediate(NamedTuple):
    commitment: float
    broker_role: float
    calm: float


class PressDefender(NamedTuple):
    commitment: float
    broker_role: float
    defuse_the_crisis: float
    refused_claims: float
    its_violations: float  # the truce violated day after day, by it more than by the other
    outreach_to_attacker: float
    pressing_its_ally: float


class PressAttacker(NamedTuple):
    commitment: float
    outreach_to_attacker: float
    supporter_influence: float
    supporter_troops: float
    attacker_offensive: float
    alliance: float
    its_violations: float  # the truce violated day after day, by it more than by the other


class Hold(NamedTuple):
    commitment: float


class Escalate(NamedTuple):
    alliance: float
    defender_request: float
    supporter_influence: float
    supporter_troops: float
    outreach_to_attacker: float
    conflict_cost: float
    rung_cost: float
    treaty_obligation: float
    intervention_cost: float


class BackOff(NamedTuple):
    calm: float
    outreach_regained: float
    alliance: float
    defender_request: float
    supporter_troops: float
    treaty_obligation: float


class Patron(PatronPolicy[Values]):
    """The patron's policy (module docstring)."""

    schema = SCHEMA
    values = Values
    options = OPTIONS
    pressing: ClassVar[Mapping[str, Role]] = {"press_defender": Role.DEFENDER, "press_attacker": Role.ATTACKER}
    ladder_track = SUPPORT
    reviews_on = frozenset(
        {
            Trigger.CEASEFIRE_COLLAPSED,
            Trigger.CEASEFIRE_AGREED,
            Trigger.OBJECTIVE_TAKEN,
            Trigger.HELP_REQUESTED,
            Trigger.TREATY_TRIGGERED,
            Trigger.SUPPORT_ARRIVED,
            Trigger.TRUCE_FIGHTING,
        }
    )
    dispositions: ClassVar[Mapping[str, str]] = {
        "back_defender": "back_defender_propensity",
        "press_defender": "press_defender_propensity",
        "press_attacker": "press_attacker_propensity",
        "end_fighting": "end_fighting_propensity",  # left out of a scenario: always disposed, nothing drawn
    }
    disposition_words: ClassVar[Mapping[str, str]] = {
        "end_fighting": "seek a halt to renewed fighting before a political settlement"
    }
    quiet_acts = ("hold",)  # keeping its support as it is: nothing to tell
    broker = True
    peacekeepers = True  # it can put its own peacekeepers on the line as a term of a settlement

    @property
    def tracks(self) -> Mapping[str, tuple[str, ...]]:  # type: ignore[override]
        return {SUPPORT: ("none", *self.rungs())}

    def offer_interval(self, v: Values) -> float:
        return v.offer_every_days

    def seeks_halt(self, disposed: frozenset[str]) -> bool:
        """Whether it offers a plain halt at open war: only if disposed to seek an end to the fighting."""
        return "end_fighting" in disposed

    def credibility(self, v: Values) -> float:
        return v.mediation_credibility

    def decide(self, obs: Observation, v: Values, rng: Random, explain: bool = True) -> tuple[Decision, ...]:
        """Its diplomatic posture, and (unless it changed its support lately) one step on its ladder; each by the
        logit rule with its own commitment bonus."""
        me = obs.actor
        posture = obs.postures[me]
        inertia = v.inertia
        supporters = obs.supporter_level / max(obs.supporter_levels, 1)
        losses = obs.defender_losses
        fighting = 1.0 if obs.fighting or not obs.ceasefire else 0.0
        backing = obs.support_level > obs.support_floor
        troops = v.supporter_troops_weight if obs.supporter_fights else 0.0
        # pressing its ally to concede is a broker's line as much as mediating (pressing it "to defuse the crisis
        # and frame" itself "as a mediator"): moving between the two is no change of line, it keeps its commitment
        brokering = inertia if posture in ("mediate", "press_defender") else 0.0
        claims = obs.claims_refused if obs.ceasefire else obs.war_claims_refused
        diplomacy: dict[str, Utility] = {
            # once the fighting stops there is no crisis to defuse: it steps back to the broker's role (calm_weight)
            "mediate": Mediate(brokering, v.mediation_weight, v.calm_weight * (1.0 - fighting)),
            "press_defender": PressDefender(
                brokering,
                v.mediation_weight,  # pressing its ally to concede frames it as the broker too (¶7)
                v.crisis_weight * losses,
                (v.refused_claims_weight or 0.0) * claims,
                (v.violations_weight or 0.0) * _fires_more(obs.defender_strain, obs.attacker_strain),
                v.outreach_weight / 2.0 * fighting,  # a concession its outreach wants, while there is fighting
                # nor does it press an ally it backs, one that has asked it for help, or one its treaty obliges it to
                # defend
                -v.ally_pressure_cost if backing or obs.help_requested or obs.treaty_triggered else 0.0,
            ),
            "press_attacker": PressAttacker(
                inertia if posture == "press_attacker" else 0.0,
                -v.outreach_weight,
                v.supporter_influence_weight * supporters,
                troops,
                v.offensive_pressure_weight if obs.attacker_on_offensive else 0.0,
                v.alliance_weight * losses,
                (v.violations_weight or 0.0) * _fires_more(obs.attacker_strain, obs.defender_strain),
            ),
        }
        floor = v.min_choice_probability
        table = self.at_the_table(obs)
        step = self._ladder(obs, v, rng, explain, losses, fighting, supporters, troops, table)
        moved = 0 if step is None else (step.option == "escalate") - (step.option == "back_off")
        backs = obs.support_level + moved > obs.support_floor
        for course in ("press_defender", "press_attacker"):  # a course it is not disposed to is not open to it
            if course not in obs.disposed and posture != course:
                del diplomacy[course]
        # it does not press the ally it backs, nor away from the table, nor the victim of an offensive (its wish is to
        # press the attacker back, ¶7) or of a front that has just moved, unless the attacker has offered to stop on
        # terms the defender refused
        settling = v.press_settle_days is not None and obs.days_since_front_moved < v.press_settle_days
        if backs or not table or ((obs.attacker_on_offensive or settling) and not claims):
            diplomacy.pop("press_defender", None)
        decisions = [choose(me, diplomacy, v.rationality, rng, explain, floor)]
        return (*decisions, step) if step is not None else tuple(decisions)

    @staticmethod
    def at_the_table(obs: Observation) -> bool:
        """Whether a concession by the defender is on the table: under a truce in force (its talks), or at war once
        the attacker has accepted terms handing it places that the defender refused. Away from the table, pressing
        its ally to concede would only be abandoning it under fire."""
        return obs.ceasefire or obs.war_claims_refused > 0

    def _ladder(
        self,
        obs: Observation,
        v: Values,
        rng: Random,
        explain: bool,
        losses: float,
        fighting: float,
        supporters: float,
        troops: float,
        table: bool,
    ) -> Decision | None:
        """One step on its ladder (none while a commitment just made is kept, unless its treaty was triggered since:
        a new obligation, story readings 15-16: a patron still for two weeks after its treaty was triggered)."""
        obligation_since = obs.treaty_triggered and obs.days_since_treaty_triggered < obs.days_since_support_changed
        if obs.days_since_support_changed < v.min_dwell_days and not obligation_since:
            return None  # a commitment just made is kept for a while
        asked = v.request_weight if obs.help_requested else 0.0
        rung = obs.next_rung
        # a treaty triggered (the ally's own territory attacked) is honoured on every rung, its forces included;
        # without a treaty, a rung that fights weighs the same guarantee while the fighting goes on
        obliged = v.guarantee_weight if obs.treaty_triggered or (rung is not None and rung.fights and fighting) else 0.0
        first = obs.support_level == obs.support_floor
        # disposed to back the defender, it has already weighed what backing costs it (the report's word is the net
        # of it); obliged by its treaty without that disposition, it backs reluctantly and pays for it
        reluctant = first and "back_defender" not in obs.disposed
        # nothing decided yet, a patron disposed to back its ally has no commitment to keep: only the rung's cost
        ladder: dict[str, Utility] = {"hold": Hold(0.0 if first and not reluctant else v.support_inertia)}
        # disposed to press its ally into a concession too, it tries that first while a concession is on the table:
        # it backs its ally "in the end" (¶7 "may pressure" its ally "... but is more likely to support" it), unless
        # its treaty obliges it
        tried = not table or "press_defender" not in obs.disposed or f"{obs.actor}.press_defender" in obs.taken
        open_ = rung is not None and (not first or ("back_defender" in obs.disposed and tried) or obs.treaty_triggered)
        # beyond its first backing it climbs only in answer to fighting (its forces, its arms): a treaty triggered
        # weeks ago does not send arms into a quiet truce (story reading 18: arms decided into a truce with no
        # fighting); its first backing needs no fighting
        if rung is not None and open_ and (fighting or (not rung.fights and first)):
            ladder["escalate"] = Escalate(
                v.alliance_weight * losses,
                asked,
                v.supporter_influence_weight * supporters,
                troops,
                -v.outreach_weight if reluctant else 0.0,
                -v.conflict_cost_weight if reluctant else 0.0,
                -(rung.cost if rung.cost is not None else v.escalation_cost * rung.height),
                obliged + (v.intervention_loss_weight * losses * fighting if rung.fights else 0.0),
                -v.intervention_cost if rung.fights else 0.0,
            )
        # disposed to back its ally, it keeps the backing it gave (its first rung) to the end; it steps down from above
        if obs.support_level > obs.support_floor + ("back_defender" in obs.disposed):
            ladder["back_off"] = BackOff(
                v.calm_weight if obs.ceasefire and not obs.fighting else 0.0,
                v.outreach_weight / 2.0,
                -v.alliance_weight * losses,
                -asked,
                -troops,
                -v.guarantee_weight if obs.treaty_triggered else 0.0,
            )
        return choose(obs.actor, ladder, v.rationality, rng, explain, v.min_choice_probability, track="")

    def signal(self, state: Any, v: Values, start_share: float) -> bool:
        """Nothing of its own: its treaty's trigger is read by the core (`treaty_triggered`)."""
        return False
