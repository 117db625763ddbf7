"""Verdicts of `scenarios check` on constructed frequencies: inside, outside and straddling a band; relations."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from scenarios.analysis.check import (
    Check,
    Row,
    default_n,
    evaluate_rows,
    replications_for_miss,
    to_settle,
    verdict,
    wilson,
)
from scenarios.config.expectations import Expectation
from scenarios.config.params import EstimativeWords
from scenarios.config.provenance import sentence_of
from scenarios.config.words import packaged_words

ROOT = Path(__file__).resolve().parents[2]


def _wilson_by_hand(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


@pytest.mark.parametrize(("k", "n"), [(8, 10), (0, 800), (800, 800), (123, 456), (1, 3)])
def test_wilson_matches_the_formula(k: int, n: int) -> None:
    assert wilson(k, n) == pytest.approx(_wilson_by_hand(k, n), abs=1e-12)


def test_wilson_of_eight_in_ten_is_the_textbook_interval() -> None:
    lo, hi = wilson(8, 10)
    assert (round(lo, 4), round(hi, 4)) == (0.4902, 0.9433)


@pytest.mark.parametrize(
    ("interval", "band", "expected"),
    [
        ((0.60, 0.70), (0.55, 0.80), "consistent"),
        ((0.55, 0.80), (0.55, 0.80), "consistent"),  # touching both edges is inside
        ((0.85, 0.90), (0.55, 0.80), "too high"),
        ((0.20, 0.30), (0.55, 0.80), "too low"),
        ((0.50, 0.60), (0.55, 0.80), "undetermined"),
        ((0.75, 0.85), (0.55, 0.80), "undetermined"),
        ((0.40, 0.90), (0.55, 0.80), "undetermined"),  # wider than the band
        ((0.0, 0.004), (0.0, 0.05), "consistent"),
    ],
)
def test_verdict(interval: tuple[float, float], band: tuple[float, float], expected: str) -> None:
    assert verdict(*interval, band) == expected


def _row(values: np.ndarray, band: tuple[float, float] | None, name: str = "a", **kw: object) -> Row:
    defaults: dict[str, object] = {
        "scenario": "s",
        "expectation": name,
        "para": 1,
        "quote": "q",
        "words": "w",
        "measure": "m",
        "given": None,
        "note": "n",
        "band": band,
        "relation": None,
        "values": values,
        "condition": None,
    }
    defaults.update(kw)
    return Row(**defaults)  # type: ignore[arg-type]


def _bools(k: int, n: int) -> np.ndarray:
    return np.arange(n) < k


def test_frequencies_inside_outside_and_straddling_a_band() -> None:
    likely = (0.55, 0.80)
    table = evaluate_rows(
        [
            _row(_bools(540, 800), likely, "inside"),  # 67.5%
            _row(_bools(720, 800), likely, "above"),  # 90%
            _row(_bools(200, 800), likely, "below"),  # 25%
            _row(_bools(440, 800), likely, "straddling"),  # 55%: on the edge
            _row(_bools(62, 100), likely, "wide"),  # 62% of only 100
        ]
    ).set_index("expectation")
    assert table.loc["inside", "verdict"] == "consistent"
    assert table.loc["above", "verdict"] == "too high"
    assert table.loc["below", "verdict"] == "too low"
    assert table.loc["straddling", "verdict"] == "undetermined"
    assert math.isnan(table.loc["straddling", "settle_n"])  # an estimate on the edge is never settled
    assert table.loc["wide", "verdict"] == "undetermined"
    # 62% is 7 points from 55%: about 1.96^2 * 0.62 * 0.38 / 0.07^2 = 185 replications settle it
    assert table.loc["wide", "settle_n"] == math.ceil(1.959963984540054**2 * 0.62 * 0.38 / 0.07**2)
    assert table.loc["inside", "estimate"] == pytest.approx(0.675)
    assert (table.loc["inside", "lower"], table.loc["inside", "upper"]) == pytest.approx(wilson(540, 800))


def test_settling_really_settles() -> None:
    band = (0.55, 0.80)
    lo, hi = wilson(62, 100)
    n = to_settle(0.62, 0.62 * 0.38, lo, hi, band)
    assert n is not None
    assert verdict(*wilson(round(0.62 * n) + 1, n + 1), band) == "consistent"


def test_a_condition_restricts_the_replications_and_scales_the_settle_count() -> None:
    values = _bools(312, 1000)
    given = np.zeros(1000, dtype=bool)
    given[:400] = True  # 312 of the 400 where the condition holds: 78%, near the 80% edge
    (row,) = evaluate_rows([_row(values, (0.55, 0.80), given="g", condition=given)]).to_dict("records")
    assert (row["n"], row["k"], row["estimate"]) == (400, 312, 0.78)
    assert (row["lower"], row["upper"]) == pytest.approx(wilson(312, 400))
    assert row["verdict"] == "undetermined"
    within = math.ceil(1.959963984540054**2 * 0.78 * 0.22 / 0.02**2)  # replications where the condition holds
    assert row["settle_n"] == math.ceil(within * 1000 / 400)  # the batch sizes that give that many


def test_relations_compare_paired_frequencies() -> None:
    n = 800
    a = _bools(600, n)
    b = _bools(300, n)
    rows = [
        _row(b, (0.45, 0.55), "pressed"),
        _row(a, None, "backs", relation=("more_likely_than", "pressed")),
        _row(b, None, "wrong_way", relation=("more_likely_than", "backs")),
        _row(b, None, "less", relation=("less_likely_than", "backs")),
        _row(b.copy(), None, "same", relation=("more_likely_than", "pressed")),
    ]
    table = evaluate_rows([*rows[:1], _row(a, (0, 1), "backs_plain"), *rows[1:]])
    t = table.set_index("expectation")
    assert t.loc["backs", "verdict"] == "consistent"
    assert t.loc["backs", "band_lo"] == pytest.approx(300 / 800)  # the band starts at the other's frequency
    assert t.loc["backs", "p_value"] < 1e-6
    assert t.loc["wrong_way", "verdict"] == "too low"
    assert t.loc["less", "verdict"] == "consistent"
    assert t.loc["same", "verdict"] == "undetermined"
    assert t.loc["same", "p_value"] == 1.0


def test_default_n_detects_a_five_point_miss() -> None:
    need = replications_for_miss(0.05, 0.8, 0.05, 0.5)
    assert need == 785  # (1.96 + 0.84)^2 * 0.25 / 0.05^2
    n, reason = default_n()
    assert n == 800 and "800" in reason and "5-point" in reason and "0.8" in reason


def test_check_renders_every_row() -> None:
    table = evaluate_rows(
        [_row(_bools(720, 800), (0.55, 0.80), "above", quote="<b>bold</b>"), _row(_bools(540, 800), (0.55, 0.8))]
    )
    result = Check(table, "800 replications")
    text = result.to_text()
    assert "TOO HIGH" in text and "CONSISTENT" in text and "90.0%" in text and "800 replications" in text
    html = result.to_html()
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html
    assert html.count('class="inconsistent"') == 1
    assert len(result.inconsistent) == 1
    assert "too high 1" in repr(result)
    fig = result.plot()
    assert len(fig.axes[0].get_yticklabels()) == 2


def test_an_expectation_the_batch_cannot_answer_is_na_with_its_reason() -> None:
    """`holds_30_days` asked of a 20-day horizon: no estimate, verdict n/a and why; a relation to it is n/a too."""
    why = "holds_30_days is undefined in every replication: it asks beyond the 20-day horizon"
    empty = np.zeros(0, dtype=bool)
    table = evaluate_rows(
        [
            _row(empty, (0.05, 0.20), "fails", na=why),
            _row(_bools(30, 100), None, "rel", relation=("more_likely_than", "fails")),
            _row(_bools(70, 100), (0.55, 0.80), "fine"),
        ]
    )
    t = table.set_index("expectation")
    assert t.loc["fails", "verdict"] == "n/a" and t.loc["fails", "n"] == 0
    assert math.isnan(t.loc["fails", "estimate"]) and math.isnan(t.loc["fails", "lower"])
    assert t.loc["rel", "verdict"] == "n/a" and t.loc["rel", "na_reason"] == why
    assert t.loc["fine", "verdict"] == "consistent" and t.loc["fine", "na_reason"] == ""
    result = Check(table)
    text = result.to_text()
    assert f"N/A ({why})" in text and "1 consistent, 0 too high, 0 too low, 0 undetermined, 2 n/a" in text
    assert f"({why})" in result.to_html() and result.inconsistent.empty
    fig = result.plot()
    assert any(why in t.get_text() for t in fig.axes[0].texts)


def test_without_na_rows_the_summary_does_not_mention_them() -> None:
    text = Check(evaluate_rows([_row(_bools(70, 100), (0.55, 0.80))])).to_text()
    assert "judgments: 1 consistent, 0 too high, 0 too low, 0 undetermined\n" in text
    assert "n/a" not in text


def test_the_summary_says_what_many_uncorrected_verdicts_mean_together() -> None:
    """Issue 32 (new-user pass): 20-40 verdicts, each on its own 95% interval, with no word on multiplicity. The
    summary says how many could fall outside their bands by chance alone for a model that met every band."""
    rows = [_row(_bools(70, 100), (0.55, 0.80)) for _ in range(20)]
    text = Check(evaluate_rows(rows)).to_text()
    assert "not corrected for the 20 judgments" in text and "up to about 0.5 of them" in text


# --- where each band comes from (issue 32, item 4) -------------------------------------------------------------


def _words() -> EstimativeWords:
    return EstimativeWords(**packaged_words().data["estimative_words"])


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Putin will likely support his ally Armenia in the end", ["likely"]),
        ("It is very likely, and withdrawal unlikely", ["very likely", "unlikely"]),  # not also "likely"
        ("but is more likely to support Armenia", []),  # a comparison, not a word
        ("The Kremlin may pressure Armenia", ["roughly even chance"]),  # a synonym, as its word
        ("a withdrawal is Extremely   Unlikely", ["very unlikely"]),
        ("setting conditions to break the ceasefire", []),
    ],
)
def test_the_estimative_words_a_sentence_says(text: str, said: list[str]) -> None:
    assert _words().said_in(text) == said


def test_a_band_is_the_reports_word_only_where_its_sentence_says_it() -> None:
    """A band read as "likely" from a sentence with no estimative word is the modeller's reading, not the report's."""
    words = _words()

    def exp(band: object) -> Expectation:
        return Expectation.model_validate(
            {"source": {"ref": "r", "para": 1, "quote": "quoted"}, "band": band, "measure": "m", "note": "why"},
            context={"words": words},
        )

    assert exp("likely").origin("putin will likely support his ally", words) == "the report's word"
    assert exp("probable").origin("putin will likely support his ally", words) == "the report's word"  # synonym
    assert exp("likely").origin("azerbaijan is setting conditions to break the ceasefire", words) == (
        "the modeller's reading (the sentence has no estimative word)"
    )
    assert exp("likely").origin("an offensive is very likely", words) == (
        "the modeller's reading (the sentence says 'very likely')"
    )
    assert exp([0.0, 0.05]).origin("putin is currently unwilling to intervene", words) == "the modeller's band"
    assert exp({"more_likely_than": "x"}).origin("but is more likely to support armenia", words) == (
        "the report's comparison"
    )


def test_the_sentence_of_a_quote_is_the_whole_sentence_it_comes_from() -> None:
    paragraph = "First one. Azerbaijan therefore likely seeks to deepen support, and initiate a new process. Last one."
    assert sentence_of(paragraph, "initiate a new process") == (
        "azerbaijan therefore likely seeks to deepen support, and initiate a new process."
    )
    assert sentence_of(paragraph, "not in it") == "not in it"


def test_check_says_where_each_band_comes_from_in_text_html_and_chart() -> None:
    reading = _row(_bools(540, 800), (0.55, 0.8), "read", origin="the modeller's reading (x)", note="because y")
    word = _row(_bools(540, 800), (0.55, 0.8), "said", origin="the report's word", note="not shown")
    result = Check(evaluate_rows([reading, word]), "800 replications")
    text = result.to_text()
    assert "band: the modeller's reading (x): because y" in text
    assert "band: the report's word\n" in text + "\n" and "not shown" not in text
    html = result.to_html()
    assert "the modeller&#x27;s reading (x): because y" in html or "the modeller's reading (x): because y" in html
    bars = [p for p in result.plot().axes[0].patches]
    assert sorted(bool(p.get_hatch()) for p in bars) == [False, True]  # the reading hatched, the word solid


def test_the_shipped_baseline_says_which_bands_are_readings() -> None:
    """The ¶9 sentence "Azerbaijan and Turkey are setting conditions to break the ceasefire" has no estimative word:
    its band is the modeller's reading, and `check` must say so; ¶6 "will likely support" is the report's word."""
    from scenarios.analysis.check import _sentence
    from scenarios.config.loader import load_scenario

    sc = load_scenario(ROOT / "configs" / "baseline.yaml")
    exps = sc.active_expectations()

    def origin(eid: str) -> str:
        e = exps[eid]
        assert e.source is not None
        return e.origin(_sentence(sc, e.source), sc.estimative_words)

    assert origin("russia_backs_armenia_in_the_end") == "the report's word"
    assert origin("azerbaijan_breaks_the_ceasefire").startswith("the modeller's reading")
    assert origin("new_diplomatic_process") == "the report's word"  # "likely" is in the sentence, not the quote


def test_check_refuses_a_folder_of_a_studys_design(tmp_path: Path) -> None:
    from scenarios.checking import run_check
    from scenarios.exceptions import AnalysisError
    from scenarios.sensitivity import run_sensitivity

    out = tmp_path / "morris"
    run_sensitivity(
        ROOT / "configs" / "baseline.yaml",
        method="morris",
        outcome="holds_30_days",
        n=2,
        params=["actors.russia.inertia"],
        overrides=["simulation.horizon_days=30"],
        seed=1,
        out=out,
        executor="serial",
    )
    with pytest.raises(AnalysisError, match="holds a study's design"):
        run_check([out])


def test_the_chart_names_judgments_by_their_labels_not_their_ids() -> None:
    """Issue 32 item 7: a chart shows labels. The YAML's `label` with the paragraph; without one, the id as words;
    the id stays in the table (it is what `--set` and other tools refer to)."""
    table = evaluate_rows(
        [
            _row(_bools(70, 100), (0.55, 0.80), "russia_backs_armenia", label="Russia backs Armenia", para=6),
            _row(_bools(10, 100), (0.05, 0.20), "holds_a_month"),
        ]
    )
    assert list(table["expectation"]) == ["russia_backs_armenia", "holds_a_month"]
    names = [t.get_text() for t in Check(table).plot().axes[0].get_yticklabels()]
    assert names == ["Holds a month (\u00b61)", "Russia backs Armenia (\u00b66)"]  # drawn bottom-up
    assert not any("_" in n for n in names)


def test_every_shipped_judgment_has_a_label_that_fits_a_chart() -> None:
    from scenarios.config.loader import load_scenario

    expectations = load_scenario(Path(__file__).resolve().parents[2] / "configs" / "baseline.yaml").expectations
    assert all(e.label and len(e.label) <= 45 for e in expectations.values())


def test_a_relation_interval_is_agresti_mins_and_never_a_point() -> None:
    """The paired difference's interval adds 0.5 to each cell (Agresti and Min 2005): 10 pairs where only the first
    holds and 2 where only the other does, in 100, give the other's frequency plus 8/102 +- z * sqrt((13/102 -
    (8/102)^2) / 102); and when every pair agrees (both always true) the interval still has width (the Wald interval
    of the raw differences printed "100.0% [100.0%, 100.0%]")."""
    first = np.r_[np.ones(10), np.zeros(2), np.ones(30), np.zeros(58)].astype(bool)
    other = np.r_[np.zeros(10), np.ones(2), np.ones(30), np.zeros(58)].astype(bool)
    table = evaluate_rows(
        [_row(other, (0, 1), "other"), _row(first, None, "first", relation=("more_likely_than", "other"))]
    )
    row = table.set_index("expectation").loc["first"]
    shift, half = 8 / 102, 1.959963984540054 * math.sqrt((13 / 102 - (8 / 102) ** 2) / 102)
    assert row["lower"] == pytest.approx(0.32 + shift - half) and row["upper"] == pytest.approx(0.32 + shift + half)
    always = np.ones(200, dtype=bool)
    table = evaluate_rows(
        [_row(always, (0, 1), "a"), _row(always.copy(), None, "b", relation=("more_likely_than", "a"))]
    )
    row = table.set_index("expectation").loc["b"]
    assert row["upper"] == 1.0 and row["lower"] < 1.0 - 0.005 and row["verdict"] == "undetermined"
