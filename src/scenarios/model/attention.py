"""International attention: an index that jumps with civilian deaths and strikes on cities, grows while the parties
fight (at open war, or in operations under a truce), and decays exponentially otherwise.

Between events it evolves in closed form, dA/dt = -k A + w (w = per_war_day while fighting, 0 otherwise,
k = ln 2 / half-life), so it needs no events of its own.
"""

from __future__ import annotations

import math

from scenarios.config.mechanisms import AttentionValues
from scenarios.model.state import WorldState


def level(state: WorldState, p: AttentionValues) -> float:
    """Attention on the current day, from its value on `state.attention_day` (the state is not changed)."""
    dt = state.day - state.attention_day
    if dt <= 0.0:
        return state.attention
    k = math.log(2.0) / p.half_life_days
    decay = math.exp(-k * dt)
    inflow = p.per_war_day / k * (1.0 - decay) if state.at_war or state.fighting() else 0.0
    return state.attention * decay + inflow


def advance(state: WorldState, p: AttentionValues) -> None:
    """Bring attention up to the current day."""
    if state.day > state.attention_day:
        state.attention = level(state, p)
        state.attention_day = state.day


def add_harm(state: WorldState, p: AttentionValues, civilians: float, city_strikes: int) -> None:
    """Raise attention for civilian deaths and strikes on cities (call after `advance`)."""
    state.attention += p.per_civilian_casualty * civilians + p.per_city_strike * city_strikes
