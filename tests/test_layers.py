"""The core names no case, and no import runs back up the flow of data.

README promises that nothing about the case is hard-coded in Python: the core speaks of roles, and every name a
reader sees comes from a scenario's labels. A second report is encoded in YAML alone.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from scenarios.config.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "scenarios"
LEADERS = ("erdogan", "putin", "aliyev", "pashinyan", "lavrov", "minsk", "karabakh", "baku", "yerevan", "kremlin")


def _case_names() -> set[str]:
    """Every name of the shipped case: its actors (ids and labels), places (ids and labels), sectors and leaders."""
    scenario = load_scenario(ROOT / "configs" / "baseline.yaml")
    names = {*LEADERS}
    for actor, block in scenario.actors.items():
        names.add(actor)
        if block.label:
            names.add(block.label)
    for sector in scenario.world.sectors.values():
        for oid, objective in sector.objectives.items():
            names.add(oid)
            names.add(objective.label.split(" (")[0])
    # adjectives and stems of the countries (Turkish, Azerbaijani, Armenian, Russian)
    names |= {"azerbaij", "armeni", "russia", "turk"}
    return {n.lower() for n in names if len(n) >= 4}


def test_no_source_file_names_the_shipped_case() -> None:
    pattern = re.compile("|".join(re.escape(n) for n in sorted(_case_names(), key=len, reverse=True)), re.I)
    found = []
    for path in sorted(SRC.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".yaml", ".json", ".md", ".txt"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                match = pattern.search(line)
                if match:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {match.group()!r}")
    assert not found, "the core names the case:\n" + "\n".join(found[:20])


def _imports(path: Path) -> set[str]:
    """The modules of this package a file imports, at any level of the file (function-level imports too)."""
    module = ".".join(path.relative_to(SRC.parent).with_suffix("").parts)
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            base = module.split(".")[: -node.level]
            out.add(".".join([*base, node.module or ""]).rstrip("."))
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return {m for m in out if m.startswith("scenarios")}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


# what each part of the core may import (the flow of data: config -> model -> engine -> io -> analysis -> report)
BELOW = {
    "roles": set(),
    "exceptions": set(),
    "yamlio": {"exceptions"},
    "io": {"roles", "exceptions", "yamlio", "io"},
    "measures": {"roles", "exceptions", "yamlio", "io", "measures"},
    "config": {"roles", "exceptions", "yamlio", "io", "measures", "config"},
}


def test_no_import_runs_back_up_the_flow() -> None:
    """config/ imports nothing from model/, measures/ nothing from config/, io/ nothing above it."""
    wrong = []
    for path in sorted(SRC.rglob("*.py")):
        own = _package(".".join(path.relative_to(SRC.parent).with_suffix("").parts))
        own = own.removesuffix(".py")
        allowed = BELOW.get(own)
        if allowed is None:
            continue
        for module in _imports(path):
            if _package(module) not in allowed and module != "scenarios":
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not wrong, "\n".join(wrong)
