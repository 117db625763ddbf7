"""The measure language: a small, safe expression over a replication's record (see docs/results.md).

An expression is parsed once with Python's `ast` and checked against a whitelist of node types and against the
columns of the results schema (`io.records`) before anything runs; it is then evaluated vectorised with pandas
over a batch. Nothing else is reachable: no attribute access (a dotted name is a column name), no calls but the
aggregates below, no subscripts, lambdas or comprehensions, so nothing in a YAML file can run code or read a file.

- comparisons (chains too), ``and`` / ``or`` / ``not``, ``+ - * /``, unary minus, numbers, strings, True/False,
  ``x in [...]``, ``x not in [...]``, ``x is null``, ``x is not null``;
- aggregates over a replication's rows of a per-replication table: ``any(ceasefires, cond)``,
  ``all(ceasefires, cond)``, ``count(ceasefires)``, ``count(ceasefires, cond)``,
  ``sum/min/max/mean(ceasefires, number)``. Inside one, names are that table's columns first, then the record's.
- null: a number column is null where the event never happened (``taken_day.x`` of a town never taken); an empty
  ``min/max/mean`` is null; ``sum`` of nothing is 0, ``all`` of nothing is true. Arithmetic with null is null; a
  comparison with null is false (``x != 3`` too); ask ``x is null`` for the rest.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from scenarios.exceptions import MeasureError
from scenarios.io.records import (
    KEYS,
    REPLICATION_COLUMNS,
    REPLICATION_FAMILIES,
    ROW_TABLES,
    ColumnType,
    category_values,
    family_of,
    row_column_type,
)

if TYPE_CHECKING:
    import pandas as pd

    from scenarios.io.load import Results

Type = Literal["bool", "number", "category", "null"]
MAX_LENGTH = 2000
MAX_DEPTH = 40
AGGREGATES = ("any", "all", "count", "sum", "min", "max", "mean")
_ORDER = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_TYPE_WORDS = {"bool": "true/false", "number": "a number", "category": "a category (text)", "null": "null"}


@dataclass
class Env:
    """Where an expression is evaluated: the rows (a table), the batch, and for an aggregate the record outside."""

    frame: pd.DataFrame
    results: Results
    outer: Env | None = None
    keys: pd.MultiIndex | None = None  # for rows of a per-replication table: their (scenario, replication)


Value = Any  # a pandas Series aligned with Env.frame, or a scalar
Evaluator = Callable[[Env], Value]


@dataclass(frozen=True)
class Compiled:
    """A checked expression: its type and the function that evaluates it."""

    text: str
    type: Type
    run: Evaluator
    columns: frozenset[str]


class Schema:
    """The names an expression may use: the record's columns, other measures, and per-replication tables."""

    def __init__(
        self,
        columns: Mapping[str, ColumnType] | None = None,
        families: Mapping[str, ColumnType] | None = None,
        family_ids: Mapping[str, set[str]] | None = None,
        measures: Mapping[str, tuple[Type, Callable[[Results], pd.Series]]] | None = None,
        tables: Mapping[str, Mapping[str, ColumnType]] | None = None,
    ):
        self.columns = dict(REPLICATION_COLUMNS if columns is None else columns)
        self.families = dict(REPLICATION_FAMILIES if families is None else families)
        self.family_ids = dict(family_ids or {})
        self.measures = dict(measures or {})
        self.tables = {k: dict(v) for k, v in (ROW_TABLES if tables is None else tables).items()}

    def column_type(self, name: str) -> ColumnType | None:
        if name in self.columns:
            return self.columns[name]
        family = family_of(name)
        if family is None:
            return None
        ids = self.family_ids.get(family)
        return self.families[family] if ids is None or name in ids else None

    def known_names(self) -> list[str]:
        names = [*self.columns, *self.measures]
        for ids in self.family_ids.values():
            names.extend(sorted(ids))
        return names


def _fail(text: str, node: ast.AST | None, message: str, hint: str = "") -> MeasureError:
    col = getattr(node, "col_offset", None)
    where = f" (column {col + 1})" if col is not None else ""
    return MeasureError(f"{message}{where} in {text!r}" + (f"; {hint}" if hint else ""))


def _did_you_mean(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
    return f"did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def parse(text: str, schema: Schema | None = None) -> Compiled:
    """Check an expression (syntax, whitelist, names, types) and compile it; raise MeasureError if it is not valid."""
    if not isinstance(text, str) or not text.strip():
        raise MeasureError(f"an empty expression {text!r}; e.g. 'war_days <= 60 and ceasefire_at_horizon'")
    if len(text) > MAX_LENGTH:
        raise MeasureError(f"an expression of {len(text)} characters is longer than the {MAX_LENGTH} allowed")
    depth = 0
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth > MAX_DEPTH:
            raise MeasureError(f"brackets nested deeper than {MAX_DEPTH} in {text[:60]!r}...")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        col = f" (column {exc.offset})" if exc.offset else ""
        raise MeasureError(f"not a valid expression{col}: {exc.msg} in {text!r}") from None
    except (RecursionError, MemoryError, ValueError):
        raise MeasureError(f"cannot parse {text[:60]!r}...: too deeply nested or too long") from None
    _check_depth(tree, text)
    compiler = _Compiler(text.strip(), schema or Schema())
    type_, run = compiler.node(tree.body, None)
    return Compiled(text.strip(), type_, run, frozenset(compiler.used))


def _check_depth(tree: ast.AST, text: str) -> None:
    stack = [(tree, 0)]
    while stack:
        node, d = stack.pop()
        if d > MAX_DEPTH * 2:
            raise MeasureError(f"expression nested deeper than {MAX_DEPTH * 2} levels: {text[:60]!r}...")
        stack.extend((child, d + 1) for child in ast.iter_child_nodes(node))


def dotted_name(node: ast.AST) -> str | None:
    """``a.b.c`` written as names and dots, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


class _Compiler:
    def __init__(self, text: str, schema: Schema):
        self.text = text
        self.schema = schema
        self.used: set[str] = set()

    def fail(self, node: ast.AST | None, message: str, hint: str = "") -> MeasureError:
        return _fail(self.text, node, message, hint)

    # table: the per-replication table an aggregate ranges over (None: the replication record)
    def node(self, node: ast.AST, table: str | None) -> tuple[Type, Evaluator]:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name | ast.Attribute):
            return self.name(node, table)
        if isinstance(node, ast.BoolOp):
            parts = [self.expect(v, table, "bool", "and/or") for v in node.values]
            is_and = isinstance(node.op, ast.And)

            def boolop(env: Env) -> Value:
                out = parts[0](env)
                for p in parts[1:]:
                    out = (out & p(env)) if is_and else (out | p(env))
                return out

            return "bool", boolop
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                inner = self.expect(node.operand, table, "bool", "not")

                def negation(env: Env) -> Value:
                    v = inner(env)
                    return ~v.astype(bool) if _is_series(v) else not v

                return "bool", negation
            if isinstance(node.op, ast.USub | ast.UAdd):
                inner = self.expect(node.operand, table, "number", "unary minus")
                neg = isinstance(node.op, ast.USub)
                return "number", lambda env: -_num(inner(env)) if neg else _num(inner(env))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
            return self.binop(node, table)
        if isinstance(node, ast.Compare):
            return self.compare(node, table)
        if isinstance(node, ast.Call):
            return self.call(node, table)
        raise self.fail(node, f"{_describe(node)} is not part of the measure language", _LANGUAGE)

    def expect(self, node: ast.AST, table: str | None, want: Type, what: str) -> Evaluator:
        type_, run = self.node(node, table)
        if type_ == want or (want == "number" and type_ == "bool"):
            return run
        raise self.fail(node, f"{what} needs {_TYPE_WORDS[want]}, got {_TYPE_WORDS[type_]}")

    def constant(self, node: ast.Constant) -> tuple[Type, Evaluator]:
        v = node.value
        if v is None:
            return "null", lambda env: None
        if isinstance(v, bool):
            return "bool", lambda env: v
        if isinstance(v, int | float):
            return "number", lambda env: float(v)
        if isinstance(v, str):
            return "category", lambda env: v
        raise self.fail(node, f"the constant {v!r} is not part of the measure language", _LANGUAGE)

    def name(self, node: ast.Name | ast.Attribute, table: str | None) -> tuple[Type, Evaluator]:
        name = dotted_name(node)
        if name is None:
            raise self.fail(node, "attribute access is not part of the measure language", _LANGUAGE)
        if name == "null":
            return "null", lambda env: None
        if name in ("true", "false"):
            raise self.fail(node, f"unknown name {name!r}", f"write {name.capitalize()}")
        row_type = (self.schema.tables[table].get(name) or row_column_type(table, name)) if table is not None else None
        if row_type is not None and table is not None:
            col_type: Type = row_type
            return col_type, lambda env: _frame_column(env.frame, name, f"the {table} table of {env.results.directory}")
        col = self.schema.column_type(name)
        if col is not None:
            self.used.add(name)
            return col, (lambda env: _outer(env, name, _column(env.results, env, name))) if table else (
                lambda env: _column(env.results, env, name)
            )
        if name in self.schema.measures:
            mtype, evaluate = self.schema.measures[name]

            def measure(env: Env) -> Value:
                root = env.outer or env
                series = evaluate(root.results).reindex(root.frame.index)
                return _outer(env, None, series) if env.outer is not None else series

            return mtype, measure
        if name in self.schema.tables:
            raise self.fail(node, f"{name!r} is a table: use it in an aggregate", f"e.g. count({name})")
        candidates = self.schema.known_names() + (list(self.schema.tables[table]) if table else [])
        hint = _did_you_mean(name, candidates)
        family = family_of(name)
        if family is not None and self.schema.family_ids.get(family):
            hint = hint or f"known: {', '.join(sorted(self.schema.family_ids[family]))}"
        raise self.fail(node, f"unknown column {name!r}", hint or "see `scenarios measures` and docs/results.md")

    def binop(self, node: ast.BinOp, table: str | None) -> tuple[Type, Evaluator]:
        left = self.expect(node.left, table, "number", "arithmetic")
        right = self.expect(node.right, table, "number", "arithmetic")
        op = node.op
        if isinstance(op, ast.Div) and isinstance(node.right, ast.Constant) and node.right.value == 0:
            raise self.fail(node.right, "division by zero")
        text = self.text

        def run(env: Env) -> Value:
            a, b = _num(left(env)), _num(right(env))
            if isinstance(op, ast.Add):
                return a + b
            if isinstance(op, ast.Sub):
                return a - b
            if isinstance(op, ast.Mult):
                return a * b
            zero = (b == 0).sum() if _is_series(b) else int(b == 0)
            if zero:
                raise _fail(text, node.right, f"division by zero in {int(zero)} row(s)")
            return a / b

        return "number", run

    def compare(self, node: ast.Compare, table: str | None) -> tuple[Type, Evaluator]:
        steps: list[Evaluator] = []
        left_node = node.left
        left_type, left = self.node(left_node, table)
        if len(node.ops) > 1 and any(isinstance(op, ast.In | ast.NotIn | ast.Is | ast.IsNot) for op in node.ops):
            raise self.fail(node, "`in` and `is` cannot be chained", "join the tests with `and`")
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                steps.append(self.membership(left_type, left, left_node, op, right_node, table))
                continue
            right_type, right = self.node(right_node, table)
            if isinstance(op, ast.Is | ast.IsNot):
                if right_type != "null":
                    raise self.fail(right_node, "`is` only tests for null", "write `x is null` or `x is not null`")
                steps.append(_is_null(left, isinstance(op, ast.IsNot)))
            else:
                if "null" in (left_type, right_type):
                    raise self.fail(node, "compare with null using `is null` / `is not null`")
                self.comparable(left_type, right_type, op, node)
                self.known_values(left_node, [right_node], table)
                self.known_values(right_node, [left_node], table)
                steps.append(_comparison(left, right, type(op)))
            left_node, left_type, left = right_node, right_type, right

        def run(env: Env) -> Value:
            out = steps[0](env)
            for s in steps[1:]:
                out = out & s(env)
            return out

        return "bool", run

    def known_values(self, column: ast.AST, others: list[ast.expr], table: str | None) -> None:
        """A string compared with a category column whose values the schema knows must be one of them."""
        name = dotted_name(column)
        if name is None:
            return
        where = table if table is not None and row_column_type(table, name) is not None else "replications"
        values = category_values(where, name)
        if values is None:
            return
        for other in others:
            if isinstance(other, ast.Constant) and isinstance(other.value, str) and other.value not in values:
                hint = _did_you_mean(other.value, list(values))
                raise self.fail(
                    other,
                    f"{other.value!r} is not a value of {name}",
                    hint or f"its values: {', '.join(values)}",
                )

    def comparable(self, a: Type, b: Type, op: ast.cmpop, node: ast.AST) -> None:
        numeric = {"number", "bool"}
        if a in numeric and b in numeric:
            return
        if a == b == "category" and not isinstance(op, _ORDER):
            return
        if a == b == "category":
            raise self.fail(node, f"categories have no order: {_OPS[type(op)]} needs numbers")
        raise self.fail(node, f"cannot compare {_TYPE_WORDS[a]} with {_TYPE_WORDS[b]}")

    def membership(
        self, left_type: Type, left: Evaluator, left_node: ast.AST, op: ast.cmpop, right: ast.AST, table: str | None
    ) -> Evaluator:
        if not isinstance(right, ast.List | ast.Tuple) or not all(isinstance(e, ast.Constant) for e in right.elts):
            raise self.fail(right, "`in` needs a list of constants", 'e.g. x in ["offensive", "denounced"]')
        values = [e.value for e in right.elts if isinstance(e, ast.Constant)]
        if not values:
            raise self.fail(right, "`in` needs a non-empty list")
        if all(isinstance(v, str) for v in values):
            list_type: Type = "category"
        elif all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            list_type = "number"
            values = [float(v) for v in values if isinstance(v, int | float)]
        else:
            raise self.fail(right, "the list of `in` must hold only strings or only numbers")
        if left_type != list_type:
            raise self.fail(left_node, f"`in` compares {_TYPE_WORDS[left_type]} with a list of {list_type} values")
        self.known_values(left_node, list(right.elts), table)
        negate = isinstance(op, ast.NotIn)

        def run(env: Env) -> Value:
            v = left(env)
            if _is_series(v):
                inside = v.isin(values)
                return (~inside & v.notna()) if negate else inside
            return (v not in values) if negate else (v in values)

        return run

    def call(self, node: ast.Call, table: str | None) -> tuple[Type, Evaluator]:
        func = node.func.id if isinstance(node.func, ast.Name) else None
        if func not in AGGREGATES:
            raise self.fail(node, "function calls are not part of the measure language", _AGGREGATE_HINT)
        if node.keywords:
            raise self.fail(node, f"{func}() takes no keyword arguments", _AGGREGATE_HINT)
        if table is not None:
            raise self.fail(node, "an aggregate cannot be nested inside another")
        args = node.args
        counts = (1, 2) if func == "count" else (2,)
        if len(args) not in counts or any(isinstance(a, ast.Starred) for a in args):
            raise self.fail(node, f"{func}() takes {' or '.join(map(str, counts))} argument(s)", _AGGREGATE_HINT)
        target = args[0]
        name = target.id if isinstance(target, ast.Name) else None
        if name not in self.schema.tables:
            raise self.fail(
                target,
                f"the first argument of {func}() must be a per-replication table",
                f"tables: {', '.join(self.schema.tables)}",
            )
        self.used.add(name)
        inner: Evaluator | None = None
        if len(args) == 2:
            want: Type = "bool" if func in ("any", "all", "count") else "number"
            inner = self.expect(args[1], name, want, f"{func}()")
        result: Type = "bool" if func in ("any", "all") else "number"
        return result, _aggregate(func, name, inner)


def _aggregate(func: str, table: str, inner: Evaluator | None) -> Evaluator:
    def run(env: Env) -> Value:
        import pandas as pd

        rows: pd.DataFrame | None = getattr(env.results, table, None)
        if rows is None:
            raise MeasureError(f"these results have no {table} table; an older results folder: re-run the batch")
        index = env.frame.index
        fill: Any = {"any": False, "all": True, "count": 0.0, "sum": 0.0}.get(func, float("nan"))
        if rows.empty:
            return pd.Series(fill, index=index)
        rows = rows.reset_index(drop=True)
        keys = pd.MultiIndex.from_arrays(
            [rows["scenario"].astype(str), rows["replication"].astype("int64")], names=list(KEYS)
        )
        values: pd.Series
        if inner is None:
            values = pd.Series(1.0, index=keys)
        else:
            v = inner(Env(rows, env.results, outer=env, keys=keys))
            values = pd.Series(v.to_numpy() if _is_series(v) else v, index=keys)
            values = values.astype(bool) if func in ("any", "all") else values.astype(float)
        grouped = values.groupby(level=[0, 1], sort=False)
        agg = {"count": "sum"}.get(func, func)
        out = getattr(grouped, agg)()
        if func in ("any", "all", "count", "sum"):
            return out.reindex(index, fill_value=fill)
        return out.reindex(index)

    return run


def _column(results: Results, env: Env, name: str) -> Value:
    root = env.outer or env
    return _frame_column(root.frame, name, f"the results of {results.directory}")


def _frame_column(frame: pd.DataFrame, name: str, where: str) -> Value:
    if name not in frame.columns:
        hint = _did_you_mean(name, [str(c) for c in frame.columns])
        raise MeasureError(
            f"column {name!r} is not in {where}"
            + (f" ({hint})" if hint else "")
            + "; an older results folder may lack it: re-run the batch"
        )
    series = frame[name]
    if str(series.dtype) == "category":
        series = series.astype(object).where(series.notna(), None)
    return series


def _outer(env: Env, name: str | None, series: Value) -> Value:
    """A record column (or measure) seen from the rows of a per-replication table."""
    if env.outer is None or env.keys is None:
        return series
    return series.reindex(env.keys).reset_index(drop=True)


def _is_series(v: Value) -> bool:
    return hasattr(v, "to_numpy")


def _num(v: Value) -> Value:
    if _is_series(v):
        return v.astype(float)
    return float(v) if v is not None else float("nan")


def _is_null(run: Evaluator, negate: bool) -> Evaluator:
    def test(env: Env) -> Value:
        v = run(env)
        if _is_series(v):
            return v.notna() if negate else v.isna()
        return (v is not None) if negate else (v is None)

    return test


def _comparison(left: Evaluator, right: Evaluator, op: type[ast.cmpop]) -> Evaluator:
    import operator

    fn = {
        ast.Eq: operator.eq,
        ast.NotEq: operator.ne,
        ast.Lt: operator.lt,
        ast.LtE: operator.le,
        ast.Gt: operator.gt,
        ast.GtE: operator.ge,
    }[op]

    def run(env: Env) -> Value:
        a, b = left(env), right(env)
        out = fn(a, b)
        if _is_series(a):
            out = out & a.notna()
        if _is_series(b):
            out = out & b.notna()
        if _is_series(out):
            return out.astype(bool)
        return bool(out)

    return run


def _describe(node: ast.AST) -> str:
    names = {
        ast.Lambda: "a lambda",
        ast.ListComp: "a comprehension",
        ast.SetComp: "a comprehension",
        ast.DictComp: "a comprehension",
        ast.GeneratorExp: "a comprehension",
        ast.Subscript: "a subscript",
        ast.IfExp: "a conditional expression",
        ast.NamedExpr: "an assignment",
        ast.JoinedStr: "an f-string",
        ast.List: "a list outside `in`",
        ast.Tuple: "a tuple",
        ast.Dict: "a dict",
        ast.Set: "a set",
        ast.Await: "await",
        ast.Starred: "a starred expression",
    }
    for cls, text in names.items():
        if isinstance(node, cls):
            return text
    if isinstance(node, ast.BinOp):
        return f"the operator {type(node.op).__name__}"
    if isinstance(node, ast.UnaryOp):
        return f"the operator {type(node.op).__name__}"
    return type(node).__name__


_AGGREGATE_HINT = (
    "the only functions are any(T, cond), all(T, cond), count(T[, cond]), sum/min/max/mean(T, number) over a "
    "per-replication table T such as ceasefires"
)
_LANGUAGE = (
    "use columns, numbers, strings, True/False, null, comparisons, and/or/not, + - * /, `in [...]`, `is null` "
    "and the aggregates any/all/count/sum/min/max/mean (docs/results.md)"
)
