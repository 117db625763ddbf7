"""Regenerate docs/results.md from its hand-written head, the results schema and the built-in measures:
python docs/build_results.py"""

from pathlib import Path

from scenarios.io import records
from scenarios.measures import builtin_measures
from scenarios.measures.builtin import HOLDS, holds_label

HERE = Path(__file__).parent


def _table(columns: dict[str, str], families: dict[str, str] | None = None) -> list[str]:
    lines = ["| column | type |", "|---|---|"]
    lines += [f"| `{name}` | {kind} |" for name, kind in columns.items()]
    lines += [
        f"| `{prefix}<id>` | {kind} |" for prefix, kind in (families or {}).items() if prefix.endswith((".", "_"))
    ]
    return lines


def build() -> str:
    out = ["", "## Reference (generated)", "", "### `replications`", ""]
    out += _table(dict(records.REPLICATION_COLUMNS), dict(records.REPLICATION_FAMILIES))
    for table, columns in records.ROW_TABLES.items():
        out += ["", f"### `{table}`", "", *_table(dict(columns))]
    out += ["", "### `daily`", "", "Every replication, every `simulation.daily_every` days (stored dtypes).", ""]
    out += _table(dict(records.DAILY_COLUMNS))
    out += ["", "### Built-in measures", "", "| measure | kind | unit | label | definition |", "|---|---|---|---|---|"]
    na = "(n/a beyond what the horizon leaves after the first truce began, or without a truce)"
    for m in builtin_measures():
        if m.expression:
            definition = f"`{m.expression}`"
        else:
            match = HOLDS.match(m.name)
            assert match, m.name
            column = "first_ceasefire_days" if match[1] == "holds" else "first_ceasefire_quiet_days"
            definition = f"`{column} >= {match[2]}` {na}"
        out.append(f"| `{m.name}` | {m.kind} | {m.unit} | {m.label} | {definition} |")
    for kind in ("holds", "quiet"):
        label = holds_label(0, kind).replace(" 0 ", " d ")
        out.append(f"| `{kind}_<d>_days` | probability | probability | {label} | any d |")
    return (HERE / "results.head.md").read_text(encoding="utf-8") + "\n".join(out) + "\n"


if __name__ == "__main__":
    (HERE / "results.md").write_text(build(), encoding="utf-8")
