"""Plain-data YAML with the position of every node.

Only plain data is accepted (mappings, sequences, strings, numbers, booleans, null, dates): tags such as
``!!python/object``, duplicate keys, merge keys and multiple documents are errors, each reported with the
file, line and column. Positions are kept in a side table keyed by the path of each node, so the data itself
stays ordinary dicts and lists that pydantic can validate.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from scenarios.exceptions import ConfigError, Problem

Path_ = tuple[str | int, ...]

_PLAIN_TAGS = {
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}


@dataclass(frozen=True)
class Origin:
    """Where a value was written: a file position, or a command-line override."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


@dataclass
class Located:
    """A YAML document as plain data, with the origin of every mapping key and value by path."""

    data: Any
    origins: dict[Path_, Origin] = field(default_factory=dict)
    legacy: list[str] = field(default_factory=list)  # what was renamed from format 1 (config.legacy)


def dotted(path: Path_) -> str:
    """The path as users write it in ``--set``: ``actors.<id>.rationality``."""
    return ".".join(str(p) for p in path)


MAX_FILE_BYTES = 512 * 1024  # 20 times the baseline; the pure-Python parser reads about 70 kB of plain keys a second


def read_file_bytes(path: Path, name: str) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES; anything else is a ConfigError naming `name`.

    A device (/dev/zero), a FIFO or a folder is refused before it is read (opening a FIFO would block, reading a
    device never ends), and a file is never read past the cap, so a configuration cannot exhaust memory.
    """

    def refuse(message: str, hint: str = "") -> ConfigError:
        return ConfigError([Problem(name, None, None, "", message, hint)])

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise refuse("file not found") from None
    except IsADirectoryError:
        raise refuse("is a folder, not a file", "name a YAML file") from None
    except OSError as exc:
        raise refuse(f"cannot read the file ({exc.strerror})") from None
    except ValueError as exc:  # e.g. a NUL byte in the path
        raise refuse(f"not a usable file name ({exc})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise refuse("is a folder, not a file", "name a YAML file")
        if not stat.S_ISREG(mode):
            raise refuse("is not a regular file (a device, FIFO or socket)", "a scenario is a YAML text file")
        chunks = []
        size = 0
        while size <= MAX_FILE_BYTES and (chunk := os.read(fd, MAX_FILE_BYTES + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise refuse(f"cannot read the file ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        size = os.stat(path).st_size
        raise refuse(
            f"the file is too large ({size:,} bytes; a scenario or source document may have at most "
            f"{MAX_FILE_BYTES:,} bytes)",
            "split it: `extends:` another file, or register each source document separately",
        )
    return data


def load_yaml(path: Path, display: str | None = None) -> Located:
    """Read one YAML file as plain data with positions; every problem is a ConfigError naming the file."""
    name = display or str(path)
    raw = read_file_bytes(path, name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [
                Problem(
                    name,
                    None,
                    None,
                    "",
                    f"not a UTF-8 text file (byte {exc.start})",
                    "a scenario is a YAML text file",
                )
            ]
        ) from None
    if "\x00" in text:
        raise ConfigError(
            [Problem(name, None, None, "", "binary file (contains NUL bytes)", "a scenario is a YAML text file")]
        )
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str, value: bool = False) -> Located:
    """Parse YAML text (one document) into plain data with positions.

    A file must hold something; a single value (``value=True``, as in ``--set key=null``) may be null.
    """
    yaml = YAML(typ="safe", pure=True)
    try:
        node = yaml.compose(text)
    except RecursionError:
        too_deep = f"nested too deeply (more than {MAX_DEPTH} levels)"
        raise ConfigError([Problem(name, None, None, "", too_deep, "flatten the structure")]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        problem = (exc.problem or str(exc)).strip()
        raise ConfigError([Problem(name, line, col, "", f"YAML syntax error: {problem}")]) from None
    except YAMLError as exc:
        raise ConfigError([Problem(name, None, None, "", f"YAML error: {exc}")]) from None
    if node is None or (isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null" and not value):
        raise ConfigError([Problem(name, None, None, "", "empty file", "a scenario needs at least `name:`")])
    located = Located(None)
    builder = _Builder(yaml, name, located.origins)
    try:
        located.data = builder.build(node, ())
    except _Refused as exc:
        raise ConfigError([Problem(name, exc.origin.line, exc.origin.column, dotted(exc.path), *exc.args)]) from None
    if builder.problems:
        raise ConfigError(builder.problems)
    return located


MAX_NODES = 100_000  # a scenario has a few thousand; aliases of aliases can expand exponentially
MAX_DEPTH = 40  # a scenario nests about eight levels deep


class _Refused(Exception):
    """A document that cannot be built: too many values, too deep, or an alias inside itself."""

    def __init__(self, origin: Origin, path: Path_, message: str, hint: str):
        super().__init__(message, hint)
        self.origin = origin
        self.path = path


class _Builder:
    def __init__(self, yaml: YAML, name: str, origins: dict[Path_, Origin]):
        self.constructor = yaml.constructor
        self.name = name
        self.origins = origins
        self.problems: list[Problem] = []
        self.count = 0
        self.seen: set[int] = set()  # nodes built once already: a second visit is an alias
        self.open: list[int] = []  # the nodes being built, outermost first

    def origin(self, node: Node) -> Origin:
        return Origin(self.name, node.start_mark.line + 1, node.start_mark.column + 1)

    def fail(self, node: Node, path: Path_, message: str, hint: str = "") -> None:
        o = self.origin(node)
        self.problems.append(Problem(self.name, o.line, o.column, dotted(path), message, hint))

    def build(self, node: Node, path: Path_) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            if len(self.seen) >= MAX_NODES:
                raise _Refused(
                    self.origin(node),
                    (),
                    f"the document has more than {MAX_NODES:,} values (a scenario has a few thousand)",
                    "split it into files that `extends:` each other",
                )
            raise _Refused(
                self.origin(node),
                (),
                f"the document expands to more than {MAX_NODES:,} values through its aliases",
                "anchors and aliases (&a, *a) that nest each other make a file explode: write it out",
            )
        if id(node) in self.open:
            raise _Refused(
                self.origin(node), path, "an alias refers to the node that contains it", "write the value out"
            )
        if len(self.open) >= MAX_DEPTH:
            raise _Refused(
                self.origin(node), path, f"nested too deeply (more than {MAX_DEPTH} levels)", "flatten the structure"
            )
        self.seen.add(id(node))
        self.origins.setdefault(path, self.origin(node))
        self.open.append(id(node))
        try:
            return self._build(node, path)
        finally:
            self.open.pop()

    def _build(self, node: Node, path: Path_) -> Any:
        if node.tag not in _PLAIN_TAGS:
            self.fail(node, path, f"YAML tag {node.tag!r} is not allowed", "only plain data: remove the tag")
            return None
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, ScalarNode):
            try:
                value = self.constructor.construct_object(node, deep=True)
            except (YAMLError, ValueError) as exc:
                self.fail(node, path, f"cannot read this value: {exc}")
                return None
            if isinstance(value, dt.datetime):
                self.fail(node, path, "a date and time is not allowed here", "write a date as YYYY-MM-DD")
                return None
            return value
        self.fail(node, path, "unsupported YAML node")  # pragma: no cover - the composer yields only these
        return None

    def _mapping(self, node: MappingNode, path: Path_) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(key_node, path, "merge keys (<<) are not allowed", "use `extends:` to inherit a file")
                continue
            if not isinstance(key_node, ScalarNode):
                self.fail(key_node, path, "a key must be a plain name, not a mapping or a list")
                continue
            key = str(key_node.value)
            child = (*path, key)
            if key in out:
                first = self.origins.get(child)
                where = f" (first at line {first.line})" if first else ""
                self.fail(key_node, child, f"duplicate key{where}", "each key may appear once in a mapping")
                continue
            self.origins[child] = self.origin(key_node)
            out[key] = self.build(value_node, child)
        return out
