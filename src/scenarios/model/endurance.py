"""Each party's stocks (manpower, materiel, money) deplete with the war and are replenished by its backers.

Manpower is what its military deaths leave of what it can bear; materiel is spent by days of assault (and, less, by
days of open war without one) and brought by backers' rungs in place; money is spent by days of war and by the trade
that international attention costs it, and brought by backers. A party's endurance is its scarcest stock: its
progress slows as its materiel runs out (`combat.materiel_factor`), and policies weigh their own and the enemy's.
"""

from __future__ import annotations

from collections.abc import Mapping

from scenarios.config.mechanisms import EnduranceValues
from scenarios.model.state import WorldState


def close_day(state: WorldState, e: Mapping[str, EnduranceValues], assaulted: Mapping[str, bool]) -> None:
    """Bring every party's stocks through the day that has just passed (`assaulted`: whether it fought an assault)."""
    war = state.at_war or state.fighting()
    deaths = {
        state.attacker: state.casualties.military_attacker,
        state.defender: state.casualties.military_defender,
    }
    for party, stocks in state.stocks.items():
        p = e[party]
        stocks.manpower = max(0.0, 1.0 - deaths[party] / p.manpower)
        materiel = money = 0.0
        for effect in state.in_place[party]:
            if effect.replenish_materiel is not None:
                materiel += effect.replenish_materiel
            if effect.replenish_money is not None:
                money += effect.replenish_money
        if assaulted.get(party):
            materiel -= 1.0
        elif war:
            materiel -= p.positional_materiel_share
        if war:
            money -= 1.0 + p.attention_money_cost * state.attention
        stocks.materiel = min(1.0, max(0.0, stocks.materiel + materiel / p.materiel_days))
        stocks.money = min(1.0, max(0.0, stocks.money + money / p.money_days))
