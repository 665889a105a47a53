"""Random rows of an SQL table that read about the rows drawn, not the whole table.

- a table of at most 3n rows is read whole (with a LIMIT, in case it grew), and n rows picked;
- a view (plain or materialized): its first 3n + 1 rows, n of them picked;
- PostgreSQL: `TABLESAMPLE SYSTEM (pct) REPEATABLE (seed)` sized from the row estimate, with
  a larger percentage when too few rows came back;
- a table with a rowid (SQLite) or an integer primary key: random key values between MIN and
  MAX, looked up by index in IN lists, as many rounds as gaps in the keys require;
- otherwise MariaDB filters on `RAND(seed)` in one server-side pass, and other databases read
  a few `LIMIT/OFFSET` windows at random offsets.
Every draw comes from `random.Random(seed)` or a seeded server function: the same seed on the
same rows gives the same sample.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from connectors._sql_catalog import SqlTable
from connectors._sql_stats import ROWID, key_range, row_estimate

Row = Sequence[object]
T = TypeVar("T")

SMALL_FACTOR = 3  # a table of at most SMALL_FACTOR * n rows is read whole
CHUNK = 1000  # values per IN list
_ROUNDS = 6
_WINDOWS = 8


def sample_rows(conn: Connection, table: SqlTable, columns: Sequence[str], n: int, seed: int) -> list[Row]:
    """About `n` random rows of `columns` (all rows of a table with fewer)."""
    if n <= 0:
        return []
    cap = SMALL_FACTOR * n
    estimate = table.info.row_count or 0
    if estimate <= cap:
        rows = _read(conn, table, columns, sa.select().limit(cap + 1))
        if len(rows) <= cap or table.info.kind == "view":  # a view has no keys or statistics to draw by
            return pick(rows, n, seed)
        estimate = max(row_estimate(conn, table), cap + 1)  # the table grew since it was reflected
    return pick(_draw(conn, table, columns, n, seed, estimate), n, seed)


def pick(rows: Sequence[T], n: int, seed: int) -> list[T]:
    """`n` of `rows` chosen at random, in their original order."""
    if len(rows) <= n:
        return list(rows)
    return [rows[i] for i in sorted(random.Random(seed).sample(range(len(rows)), n))]


def chunks(values: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _draw(
    conn: Connection, table: SqlTable, columns: Sequence[str], n: int, seed: int, estimate: int
) -> list[Row]:
    first_share = min(1.0, 2 * n / estimate)
    if conn.dialect.name == "postgresql":
        return _growing(lambda share: _table_sample(conn, table, columns, share, seed), n, first_share)
    key = ROWID if table.has_rowid else None
    if key is None and table.integer_key:
        key = table.clause.c[table.integer_key]
    if key is not None:
        rows = _key_lookups(conn, table, key, columns, n, seed)
        if len(rows) >= n // 2:
            return rows
    if conn.dialect.name == "mysql":
        return _growing(lambda share: _random_filter(conn, table, columns, n, share, seed), n, first_share)
    return _windows(conn, table, columns, n, seed, estimate)


def _read(conn: Connection, table: SqlTable, columns: Sequence[str], query: sa.Select[()]) -> list[Row]:
    statement = query.add_columns(*(table.clause.c[c] for c in columns)).select_from(table.clause)
    return list(conn.execute(statement).all())


def _growing(fetch: Callable[[float], list[Row]], n: int, share: float) -> list[Row]:
    """Ask for a share of the table, and a larger one while fewer than `n` rows come back."""
    rows: list[Row] = []
    for _ in range(_ROUNDS):
        rows = fetch(share)
        if len(rows) >= n or share >= 1.0:
            break
        share = min(1.0, share * max(4.0, 2 * n / max(len(rows), 1)))
    return rows


def _table_sample(
    conn: Connection, table: SqlTable, columns: Sequence[str], share: float, seed: int
) -> list[Row]:
    seeded = sa.bindparam("seed", seed, type_=sa.Float())  # REPEATABLE takes a float8
    sampled = sa.tablesample(table.clause, sa.func.system(100.0 * share), name="sampled", seed=seeded)
    statement = sa.select(*(sampled.c[c] for c in columns)).select_from(sampled)
    return list(conn.execute(statement).all())


def _random_filter(
    conn: Connection, table: SqlTable, columns: Sequence[str], n: int, share: float, seed: int
) -> list[Row]:
    query = sa.select().where(sa.func.rand(seed) < share).limit(4 * n)
    return _read(conn, table, columns, query)


def _key_lookups(
    conn: Connection,
    table: SqlTable,
    key: sa.ColumnElement[object],
    columns: Sequence[str],
    n: int,
    seed: int,
) -> list[Row]:
    low, high = key_range(conn, table, key)
    if low is None or high is None:
        return []
    lookup = sa.select(key, *(table.clause.c[c] for c in columns)).select_from(table.clause)
    lookup = lookup.where(key.in_(sa.bindparam("keys", expanding=True)))
    rng = random.Random(seed)
    found: dict[int, Row] = {}
    tried: set[int] = set()
    density = 1.0  # share of drawn keys that exist: keys are usually dense, then measured
    for _ in range(_ROUNDS):
        wanted, untried = n - len(found), high - low + 1 - len(tried)
        if wanted <= 0 or untried <= 0:
            break
        draws = min(untried, math.ceil(wanted / density * 1.2) + 8, 50 * n)
        keys = sorted(set(rng.sample(range(low, high + 1), draws)) - tried)
        tried.update(keys)
        hits = 0
        for chunk in chunks(keys, CHUNK):
            for row in conn.execute(lookup, {"keys": list(chunk)}):
                found[row[0]] = tuple(row[1:])
                hits += 1
        density = max(hits / max(len(keys), 1), 1e-3)
    return [found[k] for k in sorted(found)]


def _windows(
    conn: Connection, table: SqlTable, columns: Sequence[str], n: int, seed: int, estimate: int
) -> list[Row]:
    width = math.ceil(n / _WINDOWS)
    slots = max(estimate // width, 1)
    starts = sorted(random.Random(seed).sample(range(slots), min(_WINDOWS, slots)))
    rows: list[Row] = []
    for start in starts:
        rows += _read(conn, table, columns, sa.select().limit(width).offset(start * width))
    return rows
