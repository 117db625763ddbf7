"""One renderer for every result object: HTML and text from a view of its tidy table, escaped, never built by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from scenarios.analysis import render
from scenarios.analysis.check import check
from scenarios.analysis.compare import compare
from scenarios.analysis.places import places
from scenarios.analysis.questions import forecast
from scenarios.analysis.render import Column, View, interval_text, pp, to_html, to_text
from scenarios.analysis.summary import summarize
from scenarios.config.expectations import load_questions
from scenarios.io.load import Results

ROOT = Path(__file__).resolve().parents[2]


def test_a_view_renders_escaped_html_with_its_styles_and_row_classes() -> None:
    rows = pd.DataFrame({"name": ["<b>x</b>", "y"], "p": [0.1234, float("nan")], "bad": [True, False]})
    view = View(
        rows,
        [
            Column("name", "name", style="code", detail=lambda r: "a & b"),
            Column("P", "p", render.pct, "num", hint=lambda r: 'say "hi"'),
        ],
        heading="H <1>",
        caption="c",
        after="done",
        row_class=lambda r: "inconsistent" if r["bad"] else "",
        css="check",
    )
    page = to_html([view])
    assert "<b>x</b>" not in page and "<code>&lt;b&gt;x&lt;/b&gt;</code>" in page
    assert '<br><span class="ci">a &amp; b</span>' in page
    assert '<td class="num"><span title="say &quot;hi&quot;">12.3%</span></td>' in page
    assert "n/a" in page
    assert page.count('<tr class="inconsistent">') == 1 and "<tr>" in page
    assert (
        page.startswith("<h3>H &lt;1&gt;</h3>") and '<table class="check">' in page and "<caption>c</caption>" in page
    )
    assert page.endswith("<p>done</p>")


def test_a_view_renders_aligned_text_with_figures_to_the_right() -> None:
    rows = pd.DataFrame({"name": ["a", "longer"], "p": [0.5, 0.25]})
    text = to_text([View(rows, [Column("name", "name"), Column("P", "p", render.pct, "num")], before="Title")])
    assert text.splitlines() == ["Title", "  name        P", "  a       50.0%", "  longer  25.0%"]


def test_a_column_style_must_be_known() -> None:
    with pytest.raises(ValueError, match="unknown column style"):
        Column("x", "x", style="bold")


def test_every_result_object_keeps_one_table_and_renders_it_through_the_renderer(batch: Results) -> None:
    objects = [
        summarize(batch),
        compare(batch),
        check(batch),
        places(batch),
        forecast(batch, load_questions(ROOT / "configs" / "questions" / "example.yaml")),
    ]
    for obj in objects:
        assert isinstance(obj.table, pd.DataFrame) and not obj.table.empty, type(obj).__name__
        assert obj.to_html() == to_html(obj.views())
        assert len(repr(obj)) < 300 and "\n" not in repr(obj)
        assert obj.to_text()
    summary, comparison, checked, where, fc = objects
    for obj in (summary, checked, where, fc):
        assert obj._repr_html_() == obj.to_html()
    assert comparison._repr_html_() == to_html(comparison.views(all=False))  # in a notebook, what matters
    row = comparison.table.set_index("measure").loc["holds_30_days"]
    assert f"{row['difference']:.1%}" in comparison.to_html()
    first = checked.table.iloc[0]
    assert f"{first['estimate']:.1%}" in checked.to_html() and first["expectation"] in checked.to_html()
    r = where.table.iloc[0]
    assert f"<td>{r['label']}</td>" in where.to_html()
    assert f"{fc.table['p'].iloc[0]:.1%}" in fc.to_html()
    for obj, args in ((summary, ()), (checked, ("baseline",)), (where, ("baseline",)), (fc, ("baseline",))):
        fig = Figure()
        ax = fig.add_subplot()
        assert obj.plot(*args, ax=ax) is fig  # type: ignore[attr-defined]


def test_a_paired_interval_that_is_a_point_is_said_in_words() -> None:
    """Where every pair differs by the same amount the paired interval is a point: "no pair differs" (or the amount
    and "every pair"), never "[+0.0 pp, +0.0 pp]" (new-user pass of issue 32: the what-if printed it five times)."""
    assert interval_text(0.0, 0.0, pp, 0.0) == "+0.0 pp (no pair differs)"
    assert interval_text(0.0, 0.0, pp) == "(no pair differs)"
    assert interval_text(0.02, 0.02, pp, 0.02) == "+2.0 pp (every pair)"
    assert interval_text(-0.01, 0.03, pp, 0.01) == "+1.0 pp [-1.0 pp, +3.0 pp]"
    assert interval_text(-0.01, 0.03, pp) == "[-1.0 pp, +3.0 pp]"
    assert interval_text(float("nan"), float("nan"), pp, float("nan")) == "n/a"


@pytest.mark.parametrize(
    ("significant", "lower", "upper", "difference", "said"),
    [
        (True, 0.01, 0.05, 0.03, "REAL"),
        (False, 0.013, 0.067, 0.04, "noise after Holm"),  # its own interval excludes 0, Holm's correction does not
        (False, -0.067, -0.013, -0.04, "noise after Holm"),
        (False, -0.09, 0.01, -0.04, "noise"),
        (False, 0.0, 0.0, 0.0, "noise"),  # no pair differs
        (False, float("nan"), float("nan"), float("nan"), "n/a"),
    ],
)
def test_a_verdict_never_seems_to_disagree_with_its_interval(
    significant: bool, lower: float, upper: float, difference: float, said: str
) -> None:
    """Issue 32 (new-user pass): "-1.3 pp [-2.3, -0.3] noise" read as a contradiction. An unadjusted interval that
    excludes zero beside a difference Holm's correction calls noise is said to be so ("noise after Holm")."""
    assert render.verdict(significant, lower, upper, difference) == said
