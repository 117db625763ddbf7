"""Regenerate docs/results.md from its hand-written head, the results schema and the built-in measures:
python docs/build_results.py"""

from pathlib import Path

from scenarios.io import records
from scenarios.measures import builtin_measures

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
    for m in builtin_measures():
        days = m.name.removeprefix("holds_").removesuffix("_days")
        definition = (
            f"`{m.expression}`" if m.expression else f"`first_ceasefire_end_day >= {days}` (n/a beyond the horizon)"
        )
        out.append(f"| `{m.name}` | {m.kind} | {m.unit} | {m.label} | {definition} |")
    out.append("| `holds_<d>_days` | probability | probability | P(the first ceasefire holds d days) | any d |")
    return (HERE / "results.head.md").read_text(encoding="utf-8") + "\n".join(out) + "\n"


if __name__ == "__main__":
    (HERE / "results.md").write_text(build(), encoding="utf-8")
