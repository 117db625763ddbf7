"""What a replication ends with: the outcome class at the horizon and the flat outcome record.

Outcome classes, checked in the order of ``io.records.OUTCOME_DEFINITIONS`` (the first that applies), which says
each rule in plain words for the report; `classify` below is the same rules in code. They are defined by what
happened: who holds what, whether the parties are fighting at the horizon (at open war, or under a truce in name
only), whether a backer's forces fought, whether land was handed over by agreement. A truce is durable as
``io.records.DURABLE_DEFINITION`` says (`ceasefire_row`).

The results schema (`io/records.py`) names columns by role, whatever a scenario calls its actors:
``attacker_share`` is the attacker's share, ``military_attacker``/``military_defender`` (and ``civilian_*``)
the attacker's and the defender's deaths, ``supporter_*`` the attacker's backers, ``patron_*`` the defender's.
Columns per actor (``final_posture.<track>``, ``first_day.<actor>.<option>``, ``flag_day.<actor>.<act>``,
``support_level.<backer>``, ``decided_day.<backer>.<rung>``, ``answer.<party>``) carry the scenario's own ids.
"""

from __future__ import annotations

from typing import Any

from scenarios.io.records import COLLAPSE_CAUSES, OUTCOME_CLASSES  # the results schema owns the names
from scenarios.model.state import CeasefireRecord, OfferRecord, WorldState

__all__ = [
    "COLLAPSE_CAUSES",
    "OUTCOME_CLASSES",
    "ceasefire_row",
    "classify",
    "compact_daily_row",
    "daily_row",
    "offer_row",
    "outcome_record",
]


def classify(state: WorldState, major_gain_share: float, start_share: float, major_places: tuple[str, ...] = ()) -> str:
    """The outcome class of the final state (rules in the module docstring); `major_places`: places whose capture
    in the run makes the gains major whatever the share (`outcomes.major_gain_places`)."""
    if any(_fought(state, p) for p in state.patrons):
        return "patron_intervention"
    handed = [state.places[p] for p in dict.fromkeys(state.handed_over)]  # a place handed over twice counts once
    if any(p.core for p in handed):
        return "defender_withdrawal"
    fighting = state.ceasefire is None or state.fighting()
    if fighting and any(state.fights(s) for s in state.supporters):
        return "wider_escalation"
    if fighting:
        return "fighting_at_horizon"  # a settlement broken is no settlement: what the horizon shows is war
    by_force = any(  # taken in this run: what it held at the start (the known history's gains) was no conquest of it
        p.contested
        and p.core
        and p.held_by == state.attacker
        and p.start_holder != state.attacker
        and p.id not in state.handed_over
        for p in state.places.values()
    )
    if handed and not by_force:  # terms that a conquest of the core then overtook are not the outcome
        return "settlement_with_handover"
    share = state.share()
    places = (state.places[pid] for pid in major_places)
    if share >= major_gain_share or any(p.held_by == state.attacker != p.start_holder for p in places):
        return "major_gains_truce"
    if share > start_share + 1e-12:
        return "limited_gains_truce"
    return "frozen_status_quo"


def _fought(state: WorldState, backer: str) -> bool:
    """Whether a backer's forces arrived to fight at some point of the run."""
    ladder = state.ladders[backer]
    return any(ladder.first_arrived.get(r) is not None and state.effects[r].fights for r in ladder.rungs)


def _sent_forces_after_handover(state: WorldState, backer: str) -> bool:
    """Whether a backer decided to send forces to fight on or after the day a settlement handed over the core."""
    day = state.core_handed_day
    if day is None:
        return False
    ladder = state.ladders[backer]
    return any(
        state.effects[r].fights and ladder.first_decided.get(r) is not None and ladder.first_decided[r] >= day
        for r in ladder.rungs
    )


def core_share(state: WorldState) -> float:
    """The share of the core's value (places marked `core`) the attacker holds at the end, by arms or by terms."""
    core = [p for p in state.places.values() if p.contested and p.core]
    total = sum(p.value for p in core)
    return sum(p.value for p in core if p.held_by == state.attacker) / total if total > 0 else 0.0


def quiet_days(cf: CeasefireRecord, horizon: float) -> float:
    """Days a truce held in fact: from its start until its first day of fighting or many violations, or until it
    formally ended (censored at the horizon while quiet)."""
    end = cf.quiet_until if cf.quiet_until is not None else (cf.end if cf.end is not None else horizon)
    return max(0.0, end - cf.start)


def ceasefire_row(cf: CeasefireRecord, horizon: float, durable_days: float) -> dict[str, Any]:
    """One row of the ceasefires table; a truce in force at the horizon is censored there."""
    end = cf.end if cf.end is not None else horizon
    return {
        "number": cf.number,
        "kind": cf.kind,
        "broker": cf.broker,
        "brokers": "+".join(cf.brokers),
        "peacekeepers": cf.peacekeepers,
        "start_day": cf.start,
        "end_day": end,
        "duration_days": end - cf.start,
        "censored": cf.end is None,
        "cause": cf.cause if cf.cause is not None else "in_force_at_horizon",
        "broken_by": cf.broken_by or "",  # "" while in force
        "share_at_start": cf.share_at_start,
        "upgraded_day": cf.upgraded_day,
        "first_violation_day": cf.first_violation,
        "violations": cf.violations,
        "first_fighting_day": cf.first_fighting,
        "fighting_days": cf.fighting_days,
        "quiet_days": quiet_days(cf, horizon),
        "settlement": cf.settlement,
        "handed_over": ",".join(cf.handed_over),
        "durable": end - cf.start >= durable_days,
    }


def offer_row(offer: OfferRecord) -> dict[str, Any]:
    """One row of the offers table: who offered what, each party's answer, and whether an agreement followed."""
    row: dict[str, Any] = {
        "number": offer.number,
        "day": offer.day,
        "broker": offer.broker,
        "brokers": "+".join(offer.brokers),
        "kind": offer.kind,
        "upgrade": offer.upgrade,
        "peacekeepers": offer.peacekeepers,
        "settlement": offer.settlement,
        "handover": ",".join(offer.handover),
        "accepted": offer.accepted,
    }
    for party, answer in offer.answers.items():
        row[f"answer.{party}"] = answer
    return row


def outcome_record(
    state: WorldState,
    horizon: float,
    definitions: Any,
    start_share: float,
    start_taken: int,
    actor_options: dict[str, tuple[str, ...]],
    flags: tuple[str, ...],
    days_before_start: float = 0.0,
) -> dict[str, Any]:
    """The flat outcome record of a finished replication (`days_before_start`: days the war had run before day 0,
    which count in the conflict's length)."""
    rows = [ceasefire_row(cf, horizon, definitions.durable_days) for cf in state.ceasefires]
    c = state.casualties
    share = state.share()
    in_force = state.ceasefire
    total = state.total_value()
    handed = [state.places[p] for p in dict.fromkeys(state.handed_over)]  # a place handed over twice counts once
    retaken = sum(o.value for o in state.places.values() if o.contested and o.retaken_day is not None)
    truce_fighting = sum(cf.fighting_days for cf in state.ceasefires)
    conflict_days = days_before_start + state.war_days() + truce_fighting
    record: dict[str, Any] = {}
    if state.ceasefires:
        first = state.ceasefires[0]
        record.update(
            {
                "first_ceasefire_end_day": first.end if first.end is not None else horizon,
                "first_ceasefire_days": (first.end if first.end is not None else horizon) - first.start,
                "first_ceasefire_censored": first.end is None,
                "first_ceasefire_cause": first.cause if first.cause is not None else "in_force_at_horizon",
                "first_ceasefire_broken_by": first.broken_by or "",
                "first_ceasefire_violations": first.violations,
                "first_ceasefire_start_day": first.start,
                "first_ceasefire_quiet_days": quiet_days(first, horizon),
                "first_ceasefire_fighting_days": first.fighting_days,
            }
        )
    else:  # no truce at all in the run (a scenario that starts at war)
        record.update(
            {
                "first_ceasefire_end_day": float("nan"),
                "first_ceasefire_days": float("nan"),
                "first_ceasefire_censored": False,
                "first_ceasefire_cause": "none",
                "first_ceasefire_broken_by": "",
                "first_ceasefire_violations": 0,
                "first_ceasefire_start_day": float("nan"),
                "first_ceasefire_quiet_days": 0.0,
                "first_ceasefire_fighting_days": 0,
            }
        )
    ladders = state.ladders
    supporters = [ladders[s] for s in state.supporters]
    record.update(
        {
            "ceasefires": len(state.ceasefires),
            "offers": len(state.offers),
            "operations": state.launched.get(state.attacker, 0),
            "counter_operations": state.launched.get(state.defender, 0),
            "durable_ceasefire": any(r["durable"] for r in rows),
            # held in fact for a durable spell at some point, not only from its first day
            "quiet_ceasefire": any(
                cf.longest_quiet_spell(horizon) >= definitions.durable_days for cf in state.ceasefires
            ),
            "ceasefire_at_horizon": in_force is not None,
            "ceasefire_at_horizon_broker": in_force.broker if in_force is not None else "",  # "" at war
            "ceasefire_at_horizon_kind": in_force.kind if in_force is not None else "",
            "fighting_at_horizon": in_force is None or state.fighting(),
            "comprehensive_ceasefire": any(cf.kind == "comprehensive" for cf in state.ceasefires),
            "settlement": bool(handed),
            "handed_over_share": sum(p.value for p in handed if p.contested) / total,
            "core_handed_over": any(p.core for p in handed),
            "core_share": core_share(state),
            "outcome_class": classify(
                state, definitions.major_gain_share, start_share, tuple(definitions.major_gain_places)
            ),
            "war_days": state.war_days(),
            "fighting_days": state.fighting_days,
            "conflict_days": conflict_days,
            "protracted": conflict_days >= definitions.protracted_war_days,
            "military_attacker": c.military_attacker,
            "military_defender": c.military_defender,
            "civilian_attacker": c.civilian_attacker,
            "civilian_defender": c.civilian_defender,
            "attention": state.attention,
            "start_share": start_share,
            "attacker_share": share,
            "gained_share": share - start_share,
            "retaken_share": retaken / total,
            "position_improved": share - start_share >= definitions.improved_position_gain,
            "supporter_level": state.supporter_level(),
            "supporter_deepened": any(ld.max_level > ld.start_level for ld in supporters),
            "supporter_kept_support": all(ld.min_level_at_war >= ld.start_level for ld in supporters),
            "supporter_influence": sum(ld.level_days for ld in supporters)
            / (horizon * max(sum(len(ld.rungs) for ld in supporters), 1)),
            "supporter_fought": any(_fought(state, s) for s in state.supporters),
            "patron_backs_defender": state.patron_backs(),
            "patron_fought": any(_fought(state, p) for p in state.patrons),
            "patron_sent_forces_after_handover": any(_sent_forces_after_handover(state, p) for p in state.patrons),
            "patron_brokered_days": sum(
                r["duration_days"]
                for r, cf in zip(rows, state.ceasefires, strict=True)
                if any(b in state.patrons for b in cf.brokers)
            ),
            "endurance_attacker": state.stocks[state.attacker].level(),
            "endurance_defender": state.stocks[state.defender].level(),
            "spillover_strikes": sum(state.spillover_strikes.values()),
            "treaty_triggered": bool(state.treaty_triggered),
        }
    )
    record["patron_influence"] = record["patron_brokered_days"] / horizon
    for sector in state.sectors:
        if any(p.contested for p in sector.places):
            record[f"share_{sector.id}"] = state.sector_share(sector)
        for place in sector.places:
            record[f"taken_day.{place.id}"] = place.taken_day
            record[f"retaken_day.{place.id}"] = place.retaken_day
    for track, posture in state.postures.items():
        record[f"final_posture.{track}"] = posture
        record[f"posture_changes.{track}"] = state.posture_changes.get(track, 0)
    for actor, options in actor_options.items():
        for option in options:
            record[f"first_day.{actor}.{option}"] = state.first_option_day.get(f"{actor}.{option}")
    for name in flags:
        record[f"flag_day.{name}"] = state.flags.get(name)
    for backer, ladder in ladders.items():
        record[f"support_level.{backer}"] = ladder.level
        for rung in ladder.rungs:
            record[f"decided_day.{backer}.{rung}"] = ladder.first_decided.get(rung)
            record[f"arrived_day.{backer}.{rung}"] = ladder.first_arrived.get(rung)
    return record


def compact_daily_row(state: WorldState, attention_level: float) -> tuple[Any, ...]:
    """The row of the daily table every replication records, as a tuple in ``io.records.DAILY_FIELDS`` order (a
    chunk turns its rows into columns)."""
    c = state.casualties
    return (
        int(state.day),
        state.share(),
        c.military_attacker + c.military_defender,
        c.civilian_attacker + c.civilian_defender,
        attention_level,
        state.supporter_level(),
        state.ceasefire is not None,
        state.fighting(),
    )


def daily_row(state: WorldState) -> dict[str, Any]:
    """The daily time-series row (the results schema's column names; see the module docstring)."""
    c = state.casualties
    row: dict[str, Any] = {
        "day": state.day,
        "ceasefire": state.ceasefire is not None,
        "fighting": state.fighting(),
        "attention": state.attention,
        "attacker_share": state.share(),
        "military_attacker": c.military_attacker,
        "military_defender": c.military_defender,
        "civilian_attacker": c.civilian_attacker,
        "civilian_defender": c.civilian_defender,
        "supporter_level": state.supporter_level(),
        "strain": state.strain,
        "operation": state.operation.target if state.operation is not None else "",
        "counter_operation": (op.target if (op := state.operations.get(state.defender)) is not None else ""),
        "endurance_attacker": state.stocks[state.attacker].level(),
        "endurance_defender": state.stocks[state.defender].level(),
    }
    for sector in state.sectors:
        if any(p.contested for p in sector.places):
            row[f"share_{sector.id}"] = state.sector_share(sector)
    for track, posture in state.postures.items():
        row[f"posture_{track}"] = posture
    return row
