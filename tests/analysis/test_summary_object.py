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
    assert "P(holds 14 days)" in fragment and "<table>" in fragment
    assert "the ceasefire of 10 Oct 2020 (Russia-brokered)" in text  # wording from the scenario
    assert len(repr(s)) < 200 and s._repr_html_() == fragment
    assert s.plot().axes[0].get_ylabel().startswith("P(the ceasefire of 10 Oct 2020")
