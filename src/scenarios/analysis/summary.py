"""The headline figures of a batch, per scenario, as a table and as text for the terminal."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from scenarios.analysis.outcomes import CASUALTY_COLUMNS, outcome_probabilities, quantiles
from scenarios.analysis.survival import hold_probability, median_survival
from scenarios.io.load import Results


def headline(results: Results, days: Sequence[float] = (7, 30, 90), alpha: float = 0.05) -> pd.DataFrame:
    """One row per scenario: n, P(first ceasefire holds d days) with intervals, median, outcomes, deaths."""
    hold = hold_probability(results, days, alpha=alpha)
    med = median_survival(results, alpha=alpha).set_index("scenario")
    out = outcome_probabilities(results, alpha).pivot(index="scenario", columns="outcome_class", values="p")
    q = quantiles(results, (*CASUALTY_COLUMNS, "azerbaijani_share")).set_index(["scenario", "column"])
    rows = []
    for name in results.scenarios:
        h = hold[hold["scenario"] == name].set_index("days")
        if h.empty:
            continue
        row: dict[str, object] = {"scenario": name, "n": int(h["n"].iloc[0])}
        for d in days:
            at = h.loc[d]
            row[f"P(holds {d:g}d)"] = at["p"]
            row[f"P(holds {d:g}d) lower"] = at["lower"]
            row[f"P(holds {d:g}d) upper"] = at["upper"]
        row["median days"] = med.loc[name, "median_days"]
        for cls in out.columns:
            row[f"outcome: {cls}"] = out.loc[name, cls]
        for column in (
            "military_azerbaijan",
            "military_armenia",
            "civilian_azerbaijan",
            "civilian_armenia",
            "azerbaijani_share",
        ):
            row[f"median {column}"] = q.loc[(name, column), "q50"]
        rows.append(row)
    return pd.DataFrame(rows)


def render(results: Results, days: Sequence[float] = (7, 30, 90), alpha: float = 0.05) -> str:
    """The headline as plain text: one block per scenario."""
    table = headline(results, days, alpha)
    lines = []
    if not results.complete:
        lines.append(
            f"!! PARTIAL BATCH ({results.manifest.get('reason') or 'not finished'}): figures cover only "
            "the finished chunks !!"
        )
    level = f"{1 - alpha:.0%}"
    for _, row in table.iterrows():
        lines.append(f"{row['scenario']}  (n = {row['n']}, seed {results.manifest['seed']})")
        holds = "   ".join(
            f"{d:g} days n/a (beyond the {results.horizon:g}-day horizon)"
            if pd.isna(row[f"P(holds {d:g}d)"])
            else f"{d:g} days {row[f'P(holds {d:g}d)']:.0%} [{row[f'P(holds {d:g}d) lower']:.0%}, "
            f"{row[f'P(holds {d:g}d) upper']:.0%}]"
            for d in days
        )
        lines.append(f"  P(ceasefire of 10 Oct holds)  {holds}   ({level} intervals)")
        med = row["median days"]
        median = "beyond the horizon" if med == float("inf") else f"{med:.1f} days"
        lines.append(f"  median survival                {median}")
        shares = [(c.removeprefix("outcome: "), row[c]) for c in table.columns if c.startswith("outcome: ")]
        shares.sort(key=lambda kv: -kv[1])
        shown = [f"{k} {v:.0%}" if v >= 0.005 else f"{k} <1%" for k, v in shares if v > 0]
        lines.append("  outcomes at the horizon        " + ", ".join(shown))
        lines.append(
            "  median deaths                  "
            f"military AZ {row['median military_azerbaijan']:.0f}, AM {row['median military_armenia']:.0f}; "
            f"civilian AZ {row['median civilian_azerbaijan']:.0f}, AM {row['median civilian_armenia']:.0f}"
        )
        lines.append(f"  median Azerbaijani share       {row['median azerbaijani_share']:.0%} of the contested value")
    return "\n".join(lines)
