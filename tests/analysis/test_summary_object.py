"""The Summary study object of a real batch: its text and HTML show the figures of its tidy table."""

from __future__ import annotations

import math

from scenarios.analysis.summary import summarize
from scenarios.io.load import Results
from scenarios.measures import builtin_measures


def test_text_and_html_contain_the_tidy_figures(two_scenario_batch: Results) -> None:
    extra = builtin_measures().get("war_days >= 10")
    s = summarize(two_scenario_batch, days=(14, 45), measures=[extra])
    t = s.table_
    assert {"scenario", "measure", "statistic", "days", "value", "lower", "upper", "n"} <= set(t.columns)
    assert sorted(t.loc[t["measure"].str.startswith("holds_"), "days"].unique()) == [14.0, 45.0]
    text, fragment = s.to_text(), s.to_html()
    for name in ("baseline", "early-winter"):
        for d in (14, 45):
            r = s.value(name, f"holds_{d}_days", d)
            assert f"{d} days {r['value']:.0%} [{r['lower']:.0%}, {r['upper']:.0%}]" in text
            assert f"{r['value']:.0%}" in fragment
        m = s.value(name, "war_days >= 10")
        assert m["statistic"] == "share" and 0 <= m["lower"] <= m["value"] <= m["upper"] <= 1
        reps = two_scenario_batch.replications
        assert math.isclose(m["value"], (reps.loc[reps["scenario"] == name, "war_days"] >= 10).mean())
    for name in ("baseline", "early-winter"):  # held in fact: the share of runs where it is known
        quiet = builtin_measures().get("quiet_14_days").evaluate(two_scenario_batch).xs(name, level="scenario")
        r = s.value(name, "quiet_14_days", 14)
        assert r["statistic"] == "share" and r["n"] == quiet.notna().sum()
        assert math.isclose(r["value"], quiet.dropna().astype(float).mean())
        block = text[text.index(f"{name}  (n = ") :]
        line = next(t for t in block.splitlines() if "holds in fact" in t)
        assert f"14 days {r['value']:.0%} [{r['lower']:.0%}, {r['upper']:.0%}]" in line
    assert "P(holds 14 days)" in fragment and "P(in fact 14 days)" in fragment and "<table>" in fragment
    assert "the ceasefire of 10 Oct 2020 (Russia-brokered)" in text  # wording from the scenario
    assert len(repr(s)) < 200 and s._repr_html_() == fragment
    assert s.plot().axes[0].get_ylabel().startswith("P(the ceasefire of 10 Oct 2020")


def test_a_scenario_whose_runs_agree_no_truce_is_summarised_with_na() -> None:
    """A scenario that starts at war: runs without any truce have no first truce to survive; the headline counts the
    runs, says how many agreed a truce, and gives n/a where none did."""
    import numpy as np

    from .support import make_results, scenario_rows

    some = scenario_rows([5.0, 12.0, 30.0], 30.0)
    some.loc[0, ["first_ceasefire_days", "first_ceasefire_end_day", "first_ceasefire_start_day"]] = np.nan
    some.loc[0, ["first_ceasefire_censored", "first_ceasefire_cause", "first_ceasefire_quiet_days"]] = [
        False,
        "none",
        0.0,
    ]
    never = scenario_rows([0.0, 0.0], 30.0)
    never[["first_ceasefire_days", "first_ceasefire_end_day", "first_ceasefire_start_day"]] = np.nan
    never["first_ceasefire_cause"], never["first_ceasefire_quiet_days"] = "none", 0.0
    s = summarize(make_results({"some": some, "never": never}, 30.0), days=(14,))
    text = s.to_text()
    assert "some  (n = 3, seed 1, a truce agreed in 2)" in text
    assert "never  (n = 2, seed 1, a truce agreed in 0)" in text
    assert s.value("some", "holds_14_days", 14)["value"] == 0.5  # of the two truces, the one of 30 days held 14
    assert s.value("some", "quiet_14_days", 14)[["value", "n"]].tolist() == [0.5, 2]
    assert np.isnan(s.value("never", "holds_14_days", 14)["value"])
    assert s.value("never", "quiet_14_days", 14)["n"] == 0
    assert "n/a (no truce)" in text.split("never  (n")[1]


def test_a_narrow_interval_is_printed_with_a_decimal_not_as_a_point() -> None:
    """0 of 3,000 runs held in fact: Wilson's interval is [0, 0.13 %], which whole per cents printed as
    "0% [0%, 0%]" (issue 32: no degenerate intervals); a wide one keeps whole per cents."""
    import pandas as pd

    from scenarios.analysis.summary import _interval, _span

    none_of_3000 = pd.Series({"value": 0.0, "lower": 0.0, "upper": 0.00128, "statistic": "share"})
    assert _span(none_of_3000) == "0.0% [0.0%, 0.1%]"
    wide = pd.Series({"value": 0.104, "lower": 0.093, "upper": 0.117, "statistic": "Kaplan-Meier"})
    assert _span(wide) == "10% [9%, 12%]" and _interval(wide) == "[9%, 12%]"
