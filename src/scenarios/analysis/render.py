"""One renderer for every result object (lifelines' Printer is the model): a result keeps one tidy table, says which
of its rows and columns to show (`View`s of `Column`s, each a column of the table or a function of a row, with how its
value reads), and this module turns the views into escaped HTML or aligned text. No analysis module writes a tag.

`Rendered` is the base of the result objects: `to_html()`, `to_text()` and `_repr_html_()` from `views()`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

STYLES = ("", "num", "code", "quote", "strong")


def pct(x: Any, digits: int = 1) -> str:
    """A probability or share in percent ("n/a" when undefined)."""
    return "n/a" if x is None or _nan(x) else f"{float(x):.{digits}%}"


def num(x: Any) -> str:
    """An amount to three significant digits, with thousands separators and never in scientific notation: 1,290
    deaths, not 1.29e+03 ("n/a" when undefined)."""
    if x is None or _nan(x):
        return "n/a"
    v = float(x)
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if 0 < abs(v) < 1e-4:  # where the g format turns to an exponent: 0.0000762, not 7.62e-05
        import numpy as np

        return np.format_float_positional(v, precision=3, unique=False, fractional=False, trim="-")
    return f"{v:,.3g}"


def in_percent(row: Any) -> bool:
    """Whether a measure's row reads in percent (its differences in percentage points): a probability, or a share
    (territory), so the text says what the plots draw."""
    return bool(row["kind"] == "probability" or row.get("unit") == "share")


def pp(x: Any, digits: int = 1) -> str:
    """A difference of probabilities in percentage points, signed ("n/a" when undefined)."""
    return "n/a" if x is None or _nan(x) else f"{100 * float(x):+.{digits}f} pp"


def interval_text(lower: Any, upper: Any, fmt: Any, difference: Any = None) -> str:
    """A paired difference's interval, "[lo, hi]" (after the difference, when given). Where every pair differs by
    the same amount the interval is a point: said in words ("no pair differs", or the amount and "every pair")
    instead of printed as "[+0.0 pp, +0.0 pp]"."""
    head = f"{fmt(difference)} " if difference is not None else ""
    if lower is None or upper is None or _nan(lower) or _nan(upper):
        return head.strip() or "n/a"
    if lower == upper:
        return f"{fmt(lower)} (every pair)" if lower else f"{head}(no pair differs)"
    return f"{head}[{fmt(lower)}, {fmt(upper)}]"


AFTER_HOLM = (
    "noise after Holm: its own interval excludes 0, but the difference is not distinguishable from noise once the "
    "table's many tests are accounted for"
)


def verdict(significant: Any, lower: Any, upper: Any, difference: Any = 0.0) -> str:
    """A difference's verdict beside its (unadjusted) interval: REAL (Holm-adjusted p below alpha), "noise after
    Holm" where the interval alone excludes zero but the correction over the table does not let it through (else
    the two would seem to disagree), noise, or n/a."""
    if difference is None or _nan(difference):
        return "n/a"
    if significant:
        return "REAL"
    excludes = not (_nan(lower) or _nan(upper)) and (float(lower) > 0.0 or float(upper) < 0.0)
    return "noise after Holm" if excludes else "noise"


def pvalue(x: Any) -> str:
    """A p-value: three decimals, or <0.001."""
    return "n/a" if x is None or _nan(x) else (f"{float(x):.3f}" if float(x) >= 0.001 else "<0.001")


def share_of_runs(x: Any) -> str:
    """A share of runs in whole percent, but never 0% or 100% when some runs differ (1 of 200 is "<1%")."""
    if x is None or _nan(x):
        return ""
    text = f"{x:.0%}"
    if x > 0 and text == "0%":
        return "<1%"
    if x < 1 and text == "100%":
        return ">99%"
    return text


def _nan(x: Any) -> bool:
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return False


Cell = Callable[[pd.Series], Any]


@dataclass(frozen=True)
class Column:
    """One column of a view: a header, the value (a column of the table or a function of the row), how it reads.

    `style`: ``num`` (figures, right-aligned), ``code`` (an identifier), ``quote`` (the report's words),
    ``strong``; `detail`: a second, smaller line under the value (after it in text); `hint`: a tooltip (HTML).
    """

    header: str
    value: str | Cell
    format: Callable[[Any], str] = str
    style: str = ""
    detail: Cell | None = None
    hint: Cell | None = None

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise ValueError(f"unknown column style {self.style!r}; styles: {', '.join(STYLES)}")

    def text(self, row: pd.Series) -> str:
        value = row[self.value] if isinstance(self.value, str) else self.value(row)
        return self.format(value)


def frame_columns(frame: pd.DataFrame, float_format: str = "{:.3f}") -> list[Column]:
    """Every column of a plain table as it is: numbers formatted with `float_format` and right-aligned."""

    def reads(column: str) -> Column:
        numeric = pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column])
        if not numeric:
            return Column(column, column, lambda v: "" if v is None or _nan(v) else str(v))
        if pd.api.types.is_integer_dtype(frame[column]):
            return Column(column, column, str, "num")
        return Column(column, column, lambda v: "" if _nan(v) else float_format.format(v), "num")

    return [reads(str(c)) for c in frame.columns]


@dataclass(frozen=True)
class View:
    """A table of a result: some rows of its tidy table shown as `columns`, with a heading, a caption and notes.

    `lead` is a paragraph before the heading (what a group of views shares), `before` and `after` paragraphs around
    the table (plain text); `row_class` gives each row a class (HTML) that the report's
    style sheet colours (``sig``, ``inconsistent``, ...).
    """

    rows: pd.DataFrame
    columns: Sequence[Column]
    lead: str = ""
    heading: str = ""
    caption: str = ""
    before: str = ""
    after: str = ""
    row_class: Cell | None = None
    css: str = ""
    notes: Sequence[str] = field(default_factory=tuple)


def to_html(views: Sequence[View]) -> str:
    """Escaped HTML: per view, its heading (h3), paragraphs and one table."""
    out: list[str] = []
    for v in views:
        if v.lead:
            out.append(f"<p>{html.escape(v.lead)}</p>")
        if v.heading:
            out.append(f"<h3>{html.escape(v.heading)}</h3>")
        if v.before:
            out.append(f"<p>{html.escape(v.before)}</p>")
        css = f' class="{html.escape(v.css)}"' if v.css else ""
        out.append(f"<table{css}>")
        if v.caption:
            out.append(f"<caption>{html.escape(v.caption)}</caption>")
        out.append("<thead><tr>" + "".join(f"<th>{html.escape(c.header)}</th>" for c in v.columns) + "</tr></thead>")
        out.append("<tbody>")
        for _, row in v.rows.iterrows():
            cls = v.row_class(row) if v.row_class is not None else ""
            attr = f' class="{html.escape(cls)}"' if cls else ""
            out.append(f"<tr{attr}>" + "".join(_cell(c, row) for c in v.columns) + "</tr>")
        out.append("</tbody></table>")
        out.extend(f"<p>{html.escape(note)}</p>" for note in (v.after, *v.notes) if note)
    return "\n".join(out)


def _cell(column: Column, row: pd.Series) -> str:
    body = html.escape(column.text(row))
    if column.style == "code":
        body = f"<code>{body}</code>"
    elif column.style == "strong":
        body = f"<strong>{body}</strong>"
    if column.hint is not None:
        body = f'<span title="{html.escape(str(column.hint(row)))}">{body}</span>'
    if column.detail is not None:
        detail = str(column.detail(row))
        if detail:
            body += f'<br><span class="ci">{html.escape(detail)}</span>'
    cls = f' class="{column.style}"' if column.style in ("num", "quote") else ""
    return f"<td{cls}>{body}</td>"


def to_text(views: Sequence[View], indent: int = 2) -> str:
    """Plain text: per view, its heading and paragraphs, then the table with aligned columns (figures to the right)."""
    out: list[str] = []
    pad = " " * indent
    for v in views:
        for line in (v.lead, v.heading, v.caption, v.before):
            if line:
                out.append(line)
        cells = [
            [c.text(row) + (f" ({d})" if c.detail is not None and (d := str(c.detail(row))) else "") for c in v.columns]
            for _, row in v.rows.iterrows()
        ]
        widths = [max([len(c.header), *(len(r[i]) for r in cells)]) for i, c in enumerate(v.columns)]
        out.append(_line([c.header for c in v.columns], widths, v.columns, pad))
        out.extend(_line(r, widths, v.columns, pad) for r in cells)
        out.extend(note for note in (v.after, *v.notes) if note)
    return "\n".join(out)


def _line(values: Sequence[str], widths: Sequence[int], columns: Sequence[Column], pad: str) -> str:
    parts = [
        value.rjust(w) if c.style == "num" else value.ljust(w)
        for value, w, c in zip(values, widths, columns, strict=True)
    ]
    return (pad + "  ".join(parts)).rstrip()


class Rendered:
    """The base of result objects: one tidy table, shown through `views()` by the one renderer."""

    def views(self) -> list[View]:
        raise NotImplementedError

    def to_html(self) -> str:
        """An HTML fragment: the result's tables, escaped."""
        return to_html(self.views())

    def to_text(self) -> str:
        """The result's tables as aligned plain text."""
        return to_text(self.views())

    def to_csv(self, path: Any = None) -> str | None:
        """The tidy table (`.table`) as CSV: written to `path`, or returned as text without one."""
        text: str | None = self._tidy().to_csv(path, index=False)
        return text

    def to_parquet(self, path: Any) -> None:
        """The tidy table (`.table`) written as Parquet."""
        self._tidy().to_parquet(path, index=False)

    def _tidy(self) -> pd.DataFrame:
        """`.table`, which every result object declares (as a field or a property)."""
        table: pd.DataFrame = getattr(self, "table")  # noqa: B009 (not declared here: a dataclass field would clash)
        return table

    def _repr_html_(self) -> str:
        return self.to_html()
