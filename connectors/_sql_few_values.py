"""A text match over a column of few values, answered from its distinct values (SQLite).

`Store.scan_split(..., encoded=..., matching=...)`: the columns named `encoded` are expected to
hold few values (a status, a state). SQLite is asked for the split's distinct values first, each
compared byte for byte (`COLLATE BINARY`, whatever the column's collation), and only when there
are at most FEW of them; the match runs on those values as on rows (`TextMatch.rows`), and the
column's condition becomes `column IN (the values that match)`, or false. A column of many values
costs the first FEW + 1 distinct values (SQLite stops a DISTINCT at its LIMIT) and keeps its
LIKEs. Over the 1.6M invoices of the 100M-session estate, a deletion's 10 LIKEs on `status` took
0.85 s, its distinct values 0.13 s.

Only columns of a text type SQLAlchemy returns as stored (not JSON, which it parses), and only
on SQLite: PostgreSQL aggregates the whole split before a LIMIT applies, and MariaDB's
collations fold accents and trailing spaces into one distinct value that may not match as its
other spellings would.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from connectors._sql_arrow import BatchBuilder
from connectors._sql_catalog import SqlTable
from connectors.text_match import TextMatch

FEW = 1_000

Condition = sa.ColumnElement[bool]


def few_value_columns(
    dialect: str, table: SqlTable, matching: TextMatch, encoded: Sequence[str]
) -> list[str]:
    """The match's columns that may be answered from their distinct values (none: ask no database)."""
    if dialect != "sqlite":
        return []
    return [c for c in matching.columns if c in encoded and _plain_text(table, c)]


def few_value_conditions(
    conn: Connection,
    table: SqlTable,
    matching: TextMatch,
    columns: Sequence[str],
    where: Condition | None,
) -> dict[str, Condition]:
    """Per column of `few_value_columns` holding at most FEW distinct values in the split: the
    condition keeping exactly its rows whose value matches."""
    conditions = {}
    for column in columns:
        exact = table.clause.c[column].collate("BINARY")
        statement = sa.select(exact).select_from(table.clause).distinct().limit(FEW + 1)
        values = [row[0] for row in conn.execute(statement if where is None else statement.where(where))]
        if len(values) <= FEW:
            conditions[column] = _matching_values(table, column, exact, values, matching)
    return conditions


def _plain_text(table: SqlTable, column: str) -> bool:
    """A column SQLAlchemy returns as stored and binds as given (not JSON it would parse)."""
    sql_type = table.sql_types[column]
    return isinstance(sql_type, sa.String) and not isinstance(sql_type, sa.Enum)


def _matching_values(
    table: SqlTable,
    column: str,
    exact: sa.ColumnElement[Any],
    values: Sequence[object],
    matching: TextMatch,
) -> Condition:
    batch = BatchBuilder(table.fields([column])).batch([(v,) for v in values])
    held = TextMatch((column,), matching.values).rows(batch).to_numpy(zero_copy_only=False)
    hits = [value for value, hit in zip(values, held, strict=True) if hit]
    return exact.in_(hits) if hits else sa.false()
