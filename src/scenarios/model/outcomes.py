"""What a replication ends with: the outcome class at the horizon and the flat outcome record.

Outcome classes, checked in the order of ``io.records.OUTCOME_DEFINITIONS`` (the first that applies), which says
each rule in plain words for the report; `classify` below is the same rules in code. A ceasefire is durable as
``io.records.DURABLE_DEFINITION`` says (`ceasefire_row`).

The results schema (`io/records.py`) names columns by role, whatever a scenario calls its actors:
``attacker_share`` is the attacker's share, ``military_attacker``/``military_defender`` (and ``civilian_*``)
the attacker's and the defender's deaths, ``supporter_*`` the supporter's ladder, ``patron_*`` the patron. Columns
per actor (``final_posture.<track>``, ``first_day.<actor>.<option>``, ``flag_day.<actor>.<act>``,
``answer.<party>``) carry the scenario's own ids.
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


def classify(state: WorldState, major_gain_share: float, start_taken: int) -> str:
    """The outcome class of the final state (rules in the module docstring)."""
    if state.patron_intervened():
        return "patron_intervention"
    if state.flag(f"{state.defender}.withdrew"):
        return "defender_withdrawal"
    if state.patron_backs() and state.support_ladder and state.support_level == len(state.support_ladder):
        return "wider_escalation"
    if state.ceasefire is None:
        return "protracted_war"
    if state.share() >= major_gain_share:
        return "major_gains_settlement"
    taken = sum(o.held_by == state.attacker for o in state.objectives.values())
    if taken > start_taken:
        return "limited_gains_talks"
    return "frozen_status_quo"


def ceasefire_row(cf: CeasefireRecord, horizon: float, durable_days: float) -> dict[str, Any]:
    """One row of the ceasefires table; a ceasefire in force at the horizon is censored there."""
    end = cf.end if cf.end is not None else horizon
    return {
        "number": cf.number,
        "kind": cf.kind,
        "broker": cf.broker,
        "peacekeepers": cf.peacekeepers,
        "start_day": cf.start,
        "end_day": end,
        "duration_days": end - cf.start,
        "censored": cf.end is None,
        "cause": cf.cause if cf.cause is not None else "in_force_at_horizon",
        "broken_by": cf.broken_by or "",  # "" while in force or when the escalation spiral broke it
        "share_at_start": cf.share_at_start,
        "upgraded_day": cf.upgraded_day,
        "first_violation_day": cf.first_violation,
        "violations": cf.violations,
        "durable": end - cf.start >= durable_days,
    }


def offer_row(offer: OfferRecord) -> dict[str, Any]:
    """One row of the offers table: who offered what, each party's answer, and whether a ceasefire followed."""
    row: dict[str, Any] = {
        "number": offer.number,
        "day": offer.day,
        "broker": offer.broker,
        "kind": offer.kind,
        "upgrade": offer.upgrade,
        "peacekeepers": offer.peacekeepers,
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
) -> dict[str, Any]:
    """The flat outcome record of a finished replication."""
    first = state.ceasefires[0]
    first_end = first.end if first.end is not None else horizon
    c = state.casualties
    rows = [ceasefire_row(cf, horizon, definitions.durable_days) for cf in state.ceasefires]
    share = state.share()
    in_force = state.ceasefire
    record: dict[str, Any] = {
        "first_ceasefire_end_day": first_end,
        "first_ceasefire_censored": first.end is None,
        "first_ceasefire_cause": first.cause if first.cause is not None else "in_force_at_horizon",
        "first_ceasefire_broken_by": first.broken_by or "",
        "first_ceasefire_violations": first.violations,
        "ceasefires": len(state.ceasefires),
        "offers": len(state.offers),
        "operations": state.operations,
        "durable_ceasefire": any(r["durable"] for r in rows),
        "ceasefire_at_horizon": in_force is not None,
        "ceasefire_at_horizon_broker": in_force.broker if in_force is not None else "",  # "" at war
        "ceasefire_at_horizon_kind": in_force.kind if in_force is not None else "",
        "comprehensive_ceasefire": any(cf.kind == "comprehensive" for cf in state.ceasefires),
        "outcome_class": classify(state, definitions.major_gain_share, start_taken),
        "war_days": state.war_days(),
        "protracted": state.war_days() >= definitions.protracted_war_days,
        "military_attacker": c.military_attacker,
        "military_defender": c.military_defender,
        "civilian_attacker": c.civilian_attacker,
        "civilian_defender": c.civilian_defender,
        "attention": state.attention,
        "start_share": start_share,
        "attacker_share": share,
        "gained_share": share - start_share,
        "position_improved": share - start_share >= definitions.improved_position_gain,
        "supporter_level": state.support_level,
        "supporter_deepened": state.max_support_level > state.start_support_level,
        "supporter_kept_support": state.min_support_level_at_war >= state.start_support_level,
        "supporter_influence": state.support_level_days / (horizon * max(len(state.support_ladder), 1)),
        "patron_backs_defender": state.patron_backs(),
        "patron_brokered_days": sum(
            r["duration_days"] for r, cf in zip(rows, state.ceasefires, strict=True) if cf.broker == state.patron
        ),
    }
    record["patron_influence"] = record["patron_brokered_days"] / horizon
    for sector in state.sectors:
        record[f"share_{sector.id}"] = state.sector_share(sector)
        for objective in sector.objectives:
            record[f"taken_day.{objective.id}"] = objective.taken_day
    for track, posture in state.postures.items():
        record[f"final_posture.{track}"] = posture
        record[f"posture_changes.{track}"] = state.posture_changes.get(track, 0)
    for actor, options in actor_options.items():
        for option in options:
            record[f"first_day.{actor}.{option}"] = state.first_option_day.get(f"{actor}.{option}")
    for name in flags:
        record[f"flag_day.{name}"] = state.flags.get(name)
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
        state.support_level,
        state.ceasefire is not None,
    )


def daily_row(state: WorldState) -> dict[str, Any]:
    """The daily time-series row (the results schema's column names; see the module docstring)."""
    c = state.casualties
    row: dict[str, Any] = {
        "day": state.day,
        "ceasefire": state.ceasefire is not None,
        "attention": state.attention,
        "attacker_share": state.share(),
        "military_attacker": c.military_attacker,
        "military_defender": c.military_defender,
        "civilian_attacker": c.civilian_attacker,
        "civilian_defender": c.civilian_defender,
        "supporter_level": state.support_level,
        "spiral": state.spiral,
        "operation": state.operation.target if state.operation is not None else "",
    }
    for sector in state.sectors:
        row[f"share_{sector.id}"] = state.sector_share(sector)
    for track, posture in state.postures.items():
        row[f"posture_{track}"] = posture
    return row
