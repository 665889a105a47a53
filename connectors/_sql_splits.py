"""A SQL table cut into key ranges one task each can read: by its integer primary key, else whole."""

from __future__ import annotations

import itertools
import math
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from connectors._sql_catalog import SqlTable
from connectors.base import Split


def key_splits(conn: Connection, table: SqlTable, rows: int) -> list[Split]:
    """Ranges of equal width over [MIN, MAX] of the key, about `rows` rows each; one split without a key."""
    key = table.integer_key
    if key is None:
        return [Split(table.info.name)]
    column = table.clause.c[key]
    low, high, count = conn.execute(
        sa.select(sa.func.min(column), sa.func.max(column), sa.func.count()).select_from(table.clause)
    ).one()
    if not count:
        return [Split(table.info.name, (), 0)]
    parts = max(1, math.ceil(count / rows))
    width = math.ceil((high - low + 1) / parts)
    edges = [low + i * width for i in range(parts)] + [high + 1]
    return [Split(table.info.name, (key, a, b), count // parts) for a, b in itertools.pairwise(edges)]


def split_condition(table: SqlTable, split: Split) -> sa.ColumnElement[Any] | None:
    """The WHERE clause of a key-range split (None: the whole table)."""
    if not split.part:
        return None
    key, low, high = split.part
    column = table.clause.c[str(key)]
    return sa.and_(column >= low, column < high)
