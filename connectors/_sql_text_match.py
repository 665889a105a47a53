"""A text match sent into the database: a LIKE prefilter so that only candidate rows come back.

`TextMatch` keeps the rows where a value occurs, in any case (RE2's folding), in the text the
store returns for a column. The prefilter must keep at least those rows, on SQLite, PostgreSQL
and MariaDB alike; the rows it lets through are then matched in Arrow as before, so a search
answers exactly what the full read did. Per column and value it is `lower(text) LIKE pattern`:

- the pattern holds the value's plain ASCII characters lower-cased (`%`, `_` and `!` escaped
  with `!`), in order, and `%` in place of every other character: a non-ASCII letter (a
  database may fold its case otherwise, or change its length), `k` and `s` (RE2 also matches
  the Kelvin sign and the long s), white space (PostgreSQL's CHAR drops trailing blanks), and
  the characters JSON and arrays write around their values (quotes, backslash, `,:[]{}`);
- the text is lowered the same way everywhere: ASCII letters only (PostgreSQL's `C` collation,
  MariaDB's `utf8mb4_bin`: a Turkish collation would lower `I` to a dotless i). SQLite's LIKE
  folds ASCII letters itself, unless built or set to be case-sensitive: lowering every text
  for every value made it three times slower than reading the rows (1.6M invoices);
- PostgreSQL's jsonb, json and arrays come to Python parsed, written back as JSON text; that text
  holds the same strings and whole numbers as the database's `::text`, but for escapes and
  decimals (Python writes `1e-07` for `0.0000001`): a document holding a backslash, a control
  character, or a decimal point or exponent after a digit always comes back. A `json` column
  keeps its text as written, where a key may repeat (the parse keeps the last value, in the
  first one's place): there each plain run of the value is looked for on its own, in any order;
- SQLite returns a REAL as Python prints it, not as SQLite does; its LIKE may be built to match
  no BLOB (SQLITE_LIKE_DOESNT_MATCH_BLOBS), which the store reads as text, and stops at a NUL
  character, after which Python still reads: those values always come back;
- a column of any other type (PostgreSQL's time, interval, inet; MariaDB's TIME), whose text
  Python writes otherwise, cannot be asked about: the split is read whole.

More than MAX_VALUES values (a batch of many consumers) read the split whole, as before: a
statement of thousands of LIKEs per column costs more than the read it saves, and that read is
shared by every consumer of the batch. The conditions are nested in balanced parentheses:
SQLite parses `a OR b OR ...` as a tree as deep as it is long, and refuses one deeper than 1000.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from connectors._sql_catalog import SqlTable
from connectors.text_match import TextMatch

MAX_VALUES = 200
ESCAPE = "!"
_NOT_LITERAL = frozenset('kKsS"\\,:[]{}')
_ESCAPED = frozenset("%_!")
# A document whose text Python would write otherwise: an escape, a control character, a decimal.
_REWRITTEN = r"[\x01-\x1f\\]|[0-9][.eE]"
_NESTING = 50  # conditions side by side in one pair of parentheses

Condition = sa.ColumnElement[bool]


def prefilter(table: SqlTable, match: TextMatch, dialect: str, like_folds_case: bool) -> Condition | None:
    """The condition keeping at least the rows `match` keeps; None: every row must be read.
    `like_folds_case`: the database's LIKE matches `A` to `a` (SQLite's, as it is by default)."""
    values = [plain_runs(v) for v in match.values]
    if not values or len(values) > MAX_VALUES or not all(values):
        return None  # none to look for, too many, or one without a plain character: all rows
    patterns = _Patterns()
    conditions: list[Condition] = []
    for column in match.columns:
        read = _column_text(dialect, table.sql_types[column], table.clause.c[column])
        if read is None:
            return None
        lowered = read.text if like_folds_case else _lowered(dialect, read.text)
        for runs in values:
            wanted = [_like(runs)] if read.ordered else [_like([run]) for run in runs]
            conditions.append(sa.and_(*(lowered.like(patterns.bound(p), escape=ESCAPE) for p in wanted)))
        conditions += [read.always] if read.always is not None else []
    return _any(conditions)


def like_pattern(value: str) -> str:
    """`%ann.blac%burn@gmail.com%` for `Ann.Blackburn@gmail.com`: its plain runs, in order."""
    return _like(plain_runs(value))


def plain_runs(value: str) -> list[str]:
    """The runs of the value's plain characters, lowered and escaped for LIKE."""
    runs, run = [], ""
    for char in value:
        if " " < char < "\x7f" and char not in _NOT_LITERAL:
            run += ESCAPE + char if char in _ESCAPED else char.lower()
        elif run:
            runs.append(run)
            run = ""
    return [*runs, run] if run else runs


def _like(runs: Sequence[str]) -> str:
    return "%" + "%".join(runs) + "%"


@dataclass
class _Patterns:
    """One parameter per distinct pattern, however many columns use it."""

    binds: dict[str, sa.BindParameter[str]] = field(default_factory=dict)

    def bound(self, pattern: str) -> sa.BindParameter[str]:
        if pattern not in self.binds:
            self.binds[pattern] = sa.bindparam(f"text_match_{len(self.binds)}", pattern, type_=sa.String())
        return self.binds[pattern]


@dataclass(frozen=True)
class _Text:
    """A column's text in the database, as the prefilter reads it."""

    text: sa.ColumnElement[Any]
    always: Condition | None = None  # the rows to return whatever their text holds
    ordered: bool = True  # the value's runs come in its order (not in a json whose keys repeat)


def _column_text(dialect: str, sql_type: Any, column: sa.ColumnClause[Any]) -> _Text | None:
    """How the prefilter reads the column; None: it cannot, every row is read."""
    if dialect == "sqlite":  # every value the store reads as text is that text, but these
        nul = sa.func.instr(sa.cast(column, sa.LargeBinary()), sa.literal(b"\x00", sa.LargeBinary())) > 0
        return _Text(column, sa.or_(sa.func.typeof(column).in_(["real", "blob"]), nul))
    if dialect in ("mysql", "mariadb"):
        if isinstance(sql_type, (sa.String, sa.JSON)):  # JSON is LONGTEXT: returned as stored
            return _Text(sa.cast(column, mysql.CHAR(charset="utf8mb4")))
        return None
    if dialect != "postgresql":
        return None
    text = sa.cast(column, sa.Text())
    if isinstance(sql_type, (sa.String, sa.Uuid, postgresql.MONEY)):
        return _Text(text)
    rewritten = text.regexp_match(_REWRITTEN)
    if isinstance(sql_type, postgresql.JSONB):
        return _Text(text, rewritten)
    if isinstance(sql_type, sa.JSON):
        return _Text(text, rewritten, ordered=False)
    if isinstance(sql_type, sa.ARRAY) and isinstance(sql_type.item_type, (sa.String, sa.Integer)):
        return _Text(text, rewritten)
    return None


def _lowered(dialect: str, text: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """The text with its ASCII letters lowered and nothing else changed."""
    if dialect == "postgresql":
        return sa.func.lower(text.collate("C"))
    if dialect in ("mysql", "mariadb"):
        return sa.func.lower(text.collate("utf8mb4_bin"))
    return sa.func.lower(text)


def _any(conditions: Sequence[Condition]) -> Condition:
    """OR of the conditions, as a balanced tree of parenthesised groups (shallow for SQLite)."""
    if len(conditions) <= _NESTING:
        return sa.or_(*conditions)
    size = -(-len(conditions) // _NESTING)
    groups = [_any(conditions[i : i + size]) for i in range(0, len(conditions), size)]
    return sa.or_(*(_Parenthesised(group) for group in groups))


class _Parenthesised(sa.ColumnElement[bool]):
    """A condition in parentheses of its own (SQLAlchemy flattens nested ORs into one chain)."""

    type = sa.Boolean()
    inherit_cache = False

    def __init__(self, condition: Condition) -> None:
        self.condition = condition


@compiles(_Parenthesised)
def _compile_parenthesised(element: _Parenthesised, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.condition, **kw)})"
