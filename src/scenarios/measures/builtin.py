"""The built-in measures, registered here and nowhere else: as expressions wherever the language can say them.

Add a built-in by adding a line to `BUILTINS` (or, for one the language cannot say, a function beside `holds`).
Labels speak of roles (``{attacker}``): `measure_set` fills them with the scenario's labels, so nothing here names
the case.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from scenarios.io.records import OUTCOME_CLASSES, OUTCOME_LABELS

if TYPE_CHECKING:
    import pandas as pd

    from scenarios.io.load import Results

# name, expression, label, unit, kind
BUILTINS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "durable_ceasefire",
        "durable_ceasefire",
        "P(some truce stays formally in force long enough to count as durable)",
        "probability",
        "probability",
    ),
    (
        "quiet_ceasefire",
        "quiet_ceasefire",
        "P(some truce holds in fact, in one quiet spell, long enough to count as durable)",
        "probability",
        "probability",
    ),
    (
        "ceasefire_at_horizon",
        "ceasefire_at_horizon",
        "P(a truce formally in force at the horizon)",
        "probability",
        "probability",
    ),
    (
        "fighting_at_horizon",
        "fighting_at_horizon",
        "P(fighting at the horizon: open war, or a truce in name only)",
        "probability",
        "probability",
    ),
    ("outcome_class", "outcome_class", "outcome class at the horizon", "", "category"),
    *(
        (f"outcome:{c}", f'outcome_class == "{c}"', f"P(outcome: {OUTCOME_LABELS[c]})", "probability", "probability")
        for c in OUTCOME_CLASSES
    ),
    (
        "first_ceasefire_days",
        "first_ceasefire_days",
        "days the first truce stayed formally in force (censored at the horizon)",
        "days",
        "days",
    ),
    (
        "first_ceasefire_quiet_days",
        "first_ceasefire_quiet_days",
        "days the first truce held in fact (censored)",
        "days",
        "days",
    ),
    ("war_days", "war_days", "days of open war", "days", "days"),
    (
        "conflict_days",
        "conflict_days",
        "days of fighting: open war and operations under truces, since the war began",
        "days",
        "days",
    ),
    ("ceasefires", "ceasefires", "truces agreed, counting the first", "count", "amount"),
    (
        "attacker_share",
        "attacker_share",
        "share of the contested value held by {attacker} at the horizon",
        "share",
        "amount",
    ),
    ("military_attacker", "military_attacker", "military deaths, {attacker}", "people", "amount"),
    ("military_defender", "military_defender", "military deaths, {defender}", "people", "amount"),
    ("civilian_attacker", "civilian_attacker", "civilian deaths, {attacker}", "people", "amount"),
    ("civilian_defender", "civilian_defender", "civilian deaths, {defender}", "people", "amount"),
    ("military_total", "military_attacker + military_defender", "military deaths, both sides", "people", "amount"),
    ("civilian_total", "civilian_attacker + civilian_defender", "civilian deaths, both sides", "people", "amount"),
    (
        "casualties_total",
        "military_total + civilian_total",
        "deaths, military and civilian, both sides",
        "people",
        "amount",
    ),
    ("attention", "attention", "international attention at the horizon", "index", "amount"),
)
CASUALTIES = ("military_attacker", "military_defender", "civilian_attacker", "civilian_defender")
# the what-if's headline (its table and forest plot), after the outcome classes
WHATIF = ("holds_7_days", "holds_30_days", "holds_90_days", "durable_ceasefire", "attacker_share", *CASUALTIES)
# compared between scenarios by default (after P(holds d days) for the days asked), in this order
COMPARED = (
    "durable_ceasefire",
    *(f"outcome:{c}" for c in OUTCOME_CLASSES),
    "attacker_share",
    *CASUALTIES,
    "war_days",
    "attention",
)
HOLDS_DAYS = (7, 30, 90)  # registered by name; holds_<d>_days and quiet_<d>_days work for any d
HOLDS = re.compile(r"^(holds|quiet)_(\d+(?:\.\d+)?)_days$")


def holds_name(days: float, kind: str = "holds") -> str:
    return f"{kind}_{days:g}_days"


def holds_label(days: float, kind: str = "holds") -> str:
    if kind == "quiet":
        return f"P(the first truce holds in fact {days:g} days)"
    return f"P(the first truce stays formally in force {days:g} days)"


def holds(days: float, kind: str = "holds") -> Callable_:
    """P(the first truce stays formally in force at least `days` days; with `kind` "quiet": holds in fact, with no
    operation fought under it and few violations), per replication: True/False, or NaN (n/a) where `days` is beyond
    what the scenario's horizon leaves after the truce began (whether it would hold that long is unknown), or where
    a run had no truce."""
    column = "first_ceasefire_days" if kind == "holds" else "first_ceasefire_quiet_days"

    def compute(results: Results) -> pd.Series:
        import numpy as np
        import pandas as pd

        r = results.replications
        held = r[column].astype(float).to_numpy()
        start = (
            r["first_ceasefire_start_day"].astype(float).to_numpy()
            if "first_ceasefire_start_day" in r.columns
            else np.zeros(len(r))
        )
        horizons = {name: _horizon(results, name) for name in results.scenarios}
        left = r["scenario"].astype(str).map(horizons).astype(float).to_numpy() - start
        unknown = (left < days) | np.isnan(held) | np.isnan(left)  # no truce: no start day (its quiet days are 0)
        index = _index(results)
        name = holds_name(days, kind)
        if unknown.any():
            values = (held >= days).astype(float)
            values[unknown] = float("nan")
            return pd.Series(values, index=index, name=name)
        return pd.Series(held >= days, index=index, name=name, dtype=bool)

    return compute


def _horizon(results: Results, name: str) -> float:
    try:
        return float(results.scenario_config(name)["simulation"]["horizon_days"])
    except (KeyError, TypeError):
        return results.horizon


def _index(results: Results) -> pd.MultiIndex:
    import pandas as pd

    r = results.replications
    return pd.MultiIndex.from_arrays(
        [r["scenario"].astype(str).to_numpy(), r["replication"].astype("int64").to_numpy()],
        names=["scenario", "replication"],
    )


if TYPE_CHECKING:
    from collections.abc import Callable

    Callable_ = Callable[[Results], pd.Series]
else:
    Callable_ = object
