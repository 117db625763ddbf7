"""The first results and scenario format (format 1), and how it reads in today's names.

Format 1 named columns, options and schema keys after the first case the tool shipped with; the core now speaks of
roles. Old names are recognised by a digest (the first 12 hex digits of their SHA-256), so that the core itself names
no case; docs/results.md and docs/configuration.md list them in full. A results folder or a scenario file of format 1
loads through these maps: its columns, values and keys are renamed on the way in.

A scenario tree of format 1 differs in three ways: keys and options named after the first case (renamed, file by
file, before files are merged: `rename_keys`); a supporter's ladder written as a list (now a mapping by rung name);
and what capabilities and rungs do, set by fixed parameters of `combat:`, `ceasefire:` and the defender keyed on the
rung names of that case (moved, after merging, to the `effects:` of the capability or rung they acted on:
`move_effects`). Both work on plain data and return the moves they made, so that a loader can move the positions of
what it read along with it.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import pandas as pd

Path_ = tuple[str | int, ...]

FORMAT_1 = 1

# replications / daily / timeseries columns
COLUMNS: dict[str, str] = {
    "27109814c5b2": "military_attacker",
    "20aaa6583a71": "military_defender",
    "34e6df3624c0": "civilian_attacker",
    "6864391959d5": "civilian_defender",
    "b303cd0f67b9": "attacker_share",
    "c6c333b0f66c": "supporter_level",
    "8000ce82f03b": "supporter_deepened",
    "b8cfcbc356aa": "supporter_kept_support",
    "f27dc45c022f": "supporter_influence",
    "d10117a00538": "patron_backs_defender",
    "0067cb09b089": "patron_brokered_days",
    "ca1b9535aeb2": "patron_influence",
}
# outcome classes, options and acts (values of category columns, and parts of column names such as
# first_day.<actor>.<option>)
VALUES: dict[str, str] = {
    "a506a9cc983a": "patron_intervention",
    "bb9563840508": "defender_withdrawal",
    "ec1f5d415f51": "back_defender",
    "35c5b60cf97c": "press_defender",
    "6f9bca3e4831": "press_attacker",
    "0628ead45fe5": "asked_patron",
    "f0fb9983baae": "ask_patron",
}
# keys of scenario files: (block, old key) -> new key; a block is a section (ceasefire, combat) or a policy
FIELDS: dict[tuple[str, str], str] = {
    ("ceasefire", "c4b4f738e280"): "attacker_violation_rate",
    ("ceasefire", "60c9e2bd5578"): "defender_violation_rate",
    ("combat", "030b868aba30"): "patron_backing_advance_factor",
    ("combat", "2491ebd5ab35"): "patron_intervention_advance_factor",
    ("attacker", "c21649c467ab"): "supporter_weight",
    ("attacker", "597ac268689f"): "patron_reaction_weight",
    ("attacker", "7bc9ab49604b"): "expected_patron_intervention",
    ("attacker", "f6459f2d3da3"): "expected_patron_backing",
    ("attacker", "acc50c250c0c"): "defender_blinks_belief",
    ("attacker", "59368aebc39d"): "patron_pressure_weight",
    ("defender", "a3f769de2e2b"): "ask_patron_base",
    ("defender", "59420739f08f"): "ask_patron_loss_weight",
    ("patron", "f4e80a3e6365"): "back_defender_propensity",
    ("patron", "7788566c65d5"): "press_defender_propensity",
    ("patron", "1f7f15836f35"): "press_attacker_propensity",
    ("patron", "3f964b01297b"): "supporter_influence_weight",
    ("supporter", "687dd5e39831"): "patron_backing_cost_multiplier",
    ("envoy", "4215a20f19fa"): "patron_lead_deference",
    ("envoy", "dbbc66328d88"): "partisan_patron_weight",
}
_ANY_FIELD = {digest: new for (_, digest), new in FIELDS.items()}
# format 1's fixed effects: (block, old parameter) -> (kind, the capability or rung it acted on, the effect it is now)
MOVED_EFFECTS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("combat", "drone_advance_bonus"): ("capability", "drones", "advance_bonus"),
    ("combat", "drone_defender_casualty_multiplier"): ("capability", "drones", "enemy_casualty_multiplier"),
    ("combat", "syrian_fighters_advance_bonus"): ("rung", "syrian_fighters", "advance_bonus"),
    ("combat", "personnel_advance_bonus"): ("rung", "personnel", "advance_bonus"),
    ("ceasefire", "irregulars_multiplier"): ("rung", "syrian_fighters", "violation_multiplier"),
    ("defender", "f16_deterrence"): ("rung", "f16_deterrent", "deters_retaliation"),
}
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@lru_cache(maxsize=4096)
def digest(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]


def column(name: str) -> str:
    """A column's name now: a renamed column, or one whose dotted parts name a renamed option or act."""
    new = COLUMNS.get(digest(name))
    if new is not None:
        return new
    if "." in name or ":" in name:
        return _TOKEN.sub(lambda m: VALUES.get(digest(m.group()), m.group()), name)
    return name


def value(text: str) -> str:
    """A category value now (an outcome class, an option, an act)."""
    return VALUES.get(digest(text), text)


def field(block: str, key: str) -> str | None:
    """A key of a scenario file's block (`ceasefire`, `combat`, or a policy) now, or None if it was not renamed."""
    return FIELDS.get((block, digest(key)))


def any_field(key: str) -> str | None:
    """A key of an actor's block now, whatever its policy, or None if it was not renamed (no two policies shared a
    renamed key)."""
    return _ANY_FIELD.get(digest(key))


def expression(text: str) -> str:
    """A measure expression with every renamed column, outcome class, option or act renamed."""

    def rename(m: re.Match[str]) -> str:
        word = m.group()
        return COLUMNS.get(digest(word)) or VALUES.get(digest(word)) or word

    return _TOKEN.sub(rename, text)


def parameter_path(path: str, supporter: str | None, defender: str | None) -> str:
    """A drawn parameter's dotted path now (the ids of the scenario's supporter and defender place moved effects)."""
    parts = path.split(".")
    if len(parts) == 2 and parts[0] in ("ceasefire", "combat"):
        moved = MOVED_EFFECTS.get((parts[0], parts[1]))
        if moved is not None:
            return _effect_path(moved, supporter) or path
        new = field(parts[0], parts[1])
        return f"{parts[0]}.{new}" if new else path
    if len(parts) == 3 and parts[0] == "actors":
        moved = MOVED_EFFECTS.get(("defender", parts[2])) if parts[1] == defender else None
        if moved is not None:
            return _effect_path(moved, supporter) or path
        new = any_field(parts[2])
        return f"actors.{parts[1]}.{new}" if new else path
    return path


def _effect_path(moved: tuple[str, str, str], supporter: str | None) -> str | None:
    kind, target, effect = moved
    if kind == "capability":
        return f"world.capabilities.{target}.effects.{effect}"
    return f"actors.{supporter}.ladder.{target}.effects.{effect}" if supporter else None


class Move(NamedTuple):
    """One change made to a tree: `old` moved to `new` (None: dropped; equal: changed in place), said in words."""

    old: Path_
    new: Path_ | None
    said: str


EXPRESSIONS = {"expectations": ("measure", "given"), "measures": ("expression",), "questions": ("measure",)}
POSTURE_KEYS = ("start_posture", "start_support")
SUPPORT_WEIGHT = {
    "value": 1.0,
    "assumption": "Format 1: every rung of the ladder counted the same in the attacker's expectation of support.",
}


def _rename_key(node: dict[str, Any], old: str, new: str) -> None:
    """Rename a key of a mapping in place, keeping its place."""
    items = list(node.items())
    node.clear()
    node.update((new if k == old else k, v) for k, v in items)


def rename_keys(data: Any) -> list[Move]:
    """Rename a file's format-1 keys and values in place (before merging)."""
    moves: list[Move] = []
    if not isinstance(data, dict):
        return moves
    for block in ("ceasefire", "combat"):
        node = data.get(block)
        if isinstance(node, dict):
            for key in list(node):
                new = field(block, str(key))
                if new is not None:
                    _rename_key(node, key, new)
                    moves.append(Move((block, key), (block, new), f"{block}.{key} -> {block}.{new}"))
    actors = data.get("actors")
    for name, block_ in (actors or {}).items() if isinstance(actors, dict) else ():
        if not isinstance(block_, dict):
            continue
        for key in list(block_):
            new = any_field(str(key))
            if new is not None:
                _rename_key(block_, key, new)
                moves.append(Move(("actors", name, key), ("actors", name, new), f"actors.{name}.{key} -> {new}"))
        for key in POSTURE_KEYS:
            old = block_.get(key)
            if isinstance(old, str) and value(old) != old:
                block_[key] = value(old)
                where = ("actors", name, key)
                moves.append(Move(where, where, f"actors.{name}.{key}: {old} -> {block_[key]}"))
        ladder = block_.get("ladder")
        if isinstance(ladder, list) and all(isinstance(r, dict) and "name" in r for r in ladder):
            block_["ladder"] = {r["name"]: {k: v for k, v in r.items() if k != "name"} for r in ladder}
            for i, rung in enumerate(ladder):
                moves.append(Move(("actors", name, "ladder", i), ("actors", name, "ladder", rung["name"]), ""))
            moves.append(
                Move(
                    ("actors", name, "ladder"),
                    ("actors", name, "ladder"),
                    f"actors.{name}.ladder: a list -> a mapping by rung name",
                )
            )
    for section, keys in EXPRESSIONS.items():
        entries = data.get(section)
        for ident, entry in entries.items() if isinstance(entries, dict) else ():
            for key in keys if isinstance(entry, dict) else ():
                text = entry.get(key)
                if isinstance(text, str) and expression(text) != text:
                    entry[key] = expression(text)
                    where = (section, ident, key)
                    moves.append(Move(where, where, f"{section}.{ident}.{key}: {text!r} -> {entry[key]!r}"))
    return moves


def roles(data: dict[str, Any]) -> tuple[str | None, str | None]:
    """The ids of the supporter and the defender of a tree (by their policies)."""
    actors = data.get("actors") if isinstance(data.get("actors"), dict) else {}
    policy = {name: b.get("policy") for name, b in (actors or {}).items() if isinstance(b, dict)}
    supporter = next((n for n, p in policy.items() if p == "supporter"), None)
    defender = next((n for n, p in policy.items() if p == "defender"), None)
    return supporter, defender


def move_effects(data: Any, renamed: bool) -> list[Move]:
    """After merging: put format 1's fixed effects where they are declared now (see the module docstring).

    `renamed`: whether any file was found in format 1; only then does a rung without `effects:` get the weight every
    rung had in format 1 (in format 2 a rung without effects is an error to report, not to fill in)."""
    moves: list[Move] = []
    if not isinstance(data, dict):
        return moves
    supporter, defender = roles(data)
    actors = data.get("actors") if isinstance(data.get("actors"), dict) else {}
    ladder = (actors or {}).get(supporter, {}).get("ladder") if supporter else None
    found = False
    for (block, key), (kind, target, effect) in MOVED_EFFECTS.items():
        owner: Path_ = ("actors", defender) if block == "defender" and defender else (block,)
        node: Any = data
        for part in owner:
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict) or key not in node:
            continue
        found = True
        param = node.pop(key)
        where: Path_ | None
        if kind == "capability":
            caps = data.setdefault("world", {}).setdefault("capabilities", {})
            where = ("world", "capabilities", target) if target in caps else None
        else:
            where = (
                ("actors", str(supporter), "ladder", target) if isinstance(ladder, dict) and target in ladder else None
            )
        shown = ".".join(map(str, (*owner, key)))
        if where is None:  # format 1 applied it only where that capability or rung existed: it did nothing
            moves.append(Move((*owner, key), None, f"{shown}: dropped (no {kind} {target!r}, so it had no effect)"))
            continue
        holder: Any = data
        for part in where:
            holder = holder[part]
        holder.setdefault("effects", {})[effect] = param
        new = (*where, "effects", effect)
        moves.append(Move((*owner, key), new, f"{shown} -> {'.'.join(map(str, new))}"))
    if (renamed or found) and isinstance(ladder, dict):
        for name, rung in ladder.items():
            if isinstance(rung, dict) and "support_weight" not in rung.setdefault("effects", {}):
                rung["effects"]["support_weight"] = dict(SUPPORT_WEIGHT)
                where = ("actors", str(supporter), "ladder", name, "effects", "support_weight")
                moves.append(Move(where, where, f"{'.'.join(map(str, where))} = 1 (format 1's weight)"))
    return moves


def migrate_config(data: dict[str, Any]) -> list[Move]:
    """A resolved scenario of format 1 (a results manifest's dump) renamed and moved in place."""
    return [*rename_keys(data), *move_effects(data, renamed=True)]


def derived_columns(df: pd.DataFrame) -> pd.DataFrame:
    """A format-1 table with the replication columns format 3 reads that follow from what
    format 1 wrote: its first truce was the one in force on day 0, so it started on day 0 and stayed in force until it
    ended (``first_ceasefire_days`` is ``first_ceasefire_end_day``). What format 1 did not record (whether a truce held
    in fact, places retaken, settlements) stays absent: a measure that needs it names the missing column."""
    if "first_ceasefire_end_day" in df.columns and "first_ceasefire_days" not in df.columns:
        df = df.assign(first_ceasefire_start_day=0.0, first_ceasefire_days=df["first_ceasefire_end_day"].astype(float))
    return df
