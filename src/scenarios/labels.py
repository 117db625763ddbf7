"""How tables and charts name what an id stands for: a parameter by its key in words, a measure by its label.

One place, so a console table names a parameter as its chart does. Tables keep the key beside the words (under
`KEY`), because analysts copy it into `--set`; files written with `--csv` and `--json` keep their ids unchanged.
Nothing here imports pandas or matplotlib: the commands import it before any analysis.
"""

from __future__ import annotations

import textwrap

# the containers of a parameter's key: the ids after them name what the parameter belongs to
_CONTAINERS = frozenset(
    {
        "actors",
        "world",
        "sectors",
        "objectives",
        "ladder",
        "effects",
        "capabilities",
        "ground",
        "terrain",
        "fortification",
        "treaty",
        "settlements",
    }
)

KEY = "key (for --set)"  # the column of a console table that keeps a parameter's key
WIDTH = 50  # a label in a console table is shortened to this many characters (the key beside it is never cut)


def parameter_label(key: str) -> str:
    """A parameter's key in words: what it belongs to, then the parameter
    ("actors.patron.ladder.intervention.effects.enemy_casualty_multiplier" -> "patron · intervention: enemy casualty
    multiplier"; "ground.fortification.3.difficulty" -> "fortification level 3: difficulty"). Charts name parameters
    by it alone; console tables by it with the key beside it."""
    ids = key.split(".")
    parts = [
        f"fortification level {p}" if p.isdigit() and i and ids[i - 1] == "fortification" else p.replace("_", " ")
        for i, p in enumerate(ids)
        if p not in _CONTAINERS
    ]
    if len(parts) < 2:
        return parts[0] if parts else key
    return f"{' · '.join(parts[:-1])}: {parts[-1]}"


def short(text: str, width: int = WIDTH) -> str:
    """A label cut at a word to fit a table's column."""
    return textwrap.shorten(text, width, placeholder=" …")


def measure_named(name: str, label: str = "") -> str:
    """A measure as a table's heading names it: its label, then its name (what `--outcome` takes) in brackets."""
    return f"{label} ({name})" if label and label != name else name


def expectation_label(eid: str, label: str | None = None) -> str:
    """A judgment of the report (an expectation) as charts and tables name it: its YAML `label`, else its id in
    words."""
    return label or eid.replace("_", " ").capitalize()
