"""SQL stores behind the Store interface: SQLite, PostgreSQL (psycopg 3), MariaDB/MySQL (pymysql).

SQLAlchemy Core only. Every statement is parameterised and every identifier is quoted by the
dialect, so table and column names may hold any character. Reflection is read once per store.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from connectors._sql_arrow import BatchBuilder
from connectors._sql_catalog import SqlTable, reflect, table_names
from connectors._sql_changes import apply_change, check_change
from connectors._sql_errors import reason as _reason
from connectors._sql_few_values import few_value_columns, few_value_conditions
from connectors._sql_sampling import CHUNK, chunks, sample_rows
from connectors._sql_splits import key_splits, split_condition
from connectors._sql_stats import fingerprint, flush_counters
from connectors._sql_text_match import prefilter
from connectors.base import ChangeResult, Split, Store, StoreError, TableChange, TableInfo, comparable
from connectors.estate import SqlStoreConfig
from connectors.masking import mask_secrets
from connectors.text_match import TextMatch

CONNECT_TIMEOUT = 5  # seconds
_TIMEOUT_ARGS = {"postgresql": "connect_timeout", "mysql": "connect_timeout", "mariadb": "connect_timeout"}
# One engine per database URL for the process: SQLAlchemy keeps compiled statements per engine
# (its dialect is part of the key), so an engine made per request compiled every statement again
# (0.04 s of a single access). A store's `close` empties the pool, never the engine.
_ENGINES: dict[URL, sa.Engine] = {}
_ENGINES_LOCK = threading.Lock()


class SqlStore(Store):
    """A database reached through a SQLAlchemy URL; opening it checks that it answers."""

    def __init__(self, name: str, config: SqlStoreConfig) -> None:
        super().__init__(name)
        self.config = config
        self._url = make_url(config.url)
        self._engine = _connect(name, self._url)
        self._catalog: dict[str, SqlTable] | None = None
        self._like_folds: bool | None = None

    @property
    def engine(self) -> sa.Engine:
        """The SQLAlchemy engine (for diagnostics and tests; code above the Store does not use it)."""
        return self._engine

    def tables(self) -> list[TableInfo]:
        return [table.info for table in self._tables().values()]

    def all_table_names(self) -> list[str]:
        with self._failures("read the tables"), self._engine.connect() as conn:
            return table_names(conn, self.config)

    def sample(self, table: str, n: int, columns: Sequence[str] | None = None, seed: int = 0) -> pa.Table:
        target = self._table(table)
        names = target.selected(columns)
        with self._failures(f"sample table {table!r}"), self._engine.connect() as conn:
            rows = sample_rows(conn, target, names, n, seed)
        return BatchBuilder(target.fields(names)).table(rows)

    def scan(
        self, table: str, columns: Sequence[str] | None = None, batch_size: int = 65_536
    ) -> Iterator[pa.RecordBatch]:
        target = self._table(table)
        names = target.selected(columns)
        return self._stream(target, names, batch_size)

    def splits(self, table: str, rows: int = 1_000_000) -> list[Split]:
        target = self._table(table)
        with self._failures(f"plan reading table {table!r}"), self._engine.connect() as conn:
            return key_splits(conn, target, rows)

    def scan_split(
        self,
        split: Split,
        columns: Sequence[str] | None = None,
        batch_size: int = 65_536,
        encoded: Sequence[str] = (),
        matching: TextMatch | None = None,
    ) -> Iterator[pa.RecordBatch]:
        target = self._table(split.table)
        names = target.selected(columns)
        where = split_condition(target, split)
        if matching is None:
            return self._stream(target, names, batch_size, where)
        candidates = self._candidates(target, matching, encoded, where)
        if candidates is not None:
            where = candidates if where is None else sa.and_(where, candidates)
        return matching.kept(self._stream(target, names, batch_size, where))

    def _candidates(
        self,
        target: SqlTable,
        matching: TextMatch,
        encoded: Sequence[str],
        where: sa.ColumnElement[Any] | None,
    ) -> sa.ColumnElement[bool] | None:
        """The rows that may match: a column of few values by the values that match
        (`_sql_few_values`), the others by the LIKE prefilter; None: every row."""
        few: dict[str, sa.ColumnElement[bool]] = {}
        asked = few_value_columns(self._engine.dialect.name, target, matching, encoded)
        if asked:
            with self._failures(f"read table {target.info.name!r}"), self._engine.connect() as conn:
                few = few_value_conditions(conn, target, matching, asked, where)
        rest = TextMatch(tuple(c for c in matching.columns if c not in few), matching.values)
        if not rest.columns:
            return sa.or_(*few.values())
        likes = prefilter(target, rest, self._engine.dialect.name, self._like_folds_case())
        return None if likes is None else sa.or_(*few.values(), likes)

    def find(
        self,
        table: str,
        column: str,
        values: Sequence[object],
        columns: Sequence[str] | None = None,
        casefold: bool = False,
    ) -> pa.Table:
        target = self._table(table)
        names = target.selected(columns)
        (searched,) = target.selected([column])
        builder = BatchBuilder(target.fields(names))
        wanted = comparable(values, target.fields([searched])[0].type)
        if not wanted:
            return builder.table([])
        compared: sa.ColumnElement[Any] = target.clause.c[searched]
        if casefold:
            compared = sa.func.lower(compared)
        statement = (
            sa.select(*(target.clause.c[c] for c in names))
            .select_from(target.clause)
            .where(compared.in_(target.bind("values", [searched], expanding=True)))
        )
        rows: list[Sequence[object]] = []
        with self._failures(f"search table {table!r}"), self._engine.connect() as conn:
            for chunk in chunks(wanted, CHUNK):
                rows += conn.execute(statement, {"values": list(chunk)}).all()
        return builder.table(rows)

    def apply(self, changes: Sequence[TableChange]) -> list[ChangeResult]:
        """Every change in one transaction: any failure rolls all of them back and raises StoreError."""
        targets = [self._table(change.table) for change in changes]
        for target, change in zip(targets, changes, strict=True):
            if target.info.kind == "view":
                raise StoreError(
                    f"store {self.name!r}: {change.table!r} is a view, read-only: nothing changed"
                )
            check_change(target, change)
        with self._failures("apply the changes, all rolled back"), self._engine.begin() as conn:
            results = [apply_change(conn, t, c) for t, c in zip(targets, changes, strict=True)]
            flush_counters(conn)
        return results

    def fingerprint(self, table: str) -> str:
        """See `connectors._sql_stats.fingerprint` for what the token sees and misses."""
        target = self._table(table)
        if target.info.kind == "view":  # a view has no statistics of its own: sampled on every scan
            return f"view-{uuid.uuid4().hex}"
        with self._failures(f"read statistics of table {table!r}"), self._engine.connect() as conn:
            return fingerprint(conn, target)

    def close(self) -> None:
        """Every pooled connection closed (a connection still in use elsewhere closes when returned);
        the engine, and the statements it compiled, are kept for the next store of its URL."""
        self._engine.dispose()

    def _like_folds_case(self) -> bool:
        """Whether SQLite's LIKE matches `A` to `a` (unless built with SQLITE_CASE_SENSITIVE_LIKE)."""
        if self._like_folds is None:
            self._like_folds = False
            if self._engine.dialect.name == "sqlite":
                with self._failures("read the database's settings"), self._engine.connect() as conn:
                    self._like_folds = bool(conn.execute(sa.select(sa.literal("A").like("a"))).scalar())
        return self._like_folds

    def _tables(self) -> dict[str, SqlTable]:
        if self._catalog is None:
            with self._failures("read the tables"), self._engine.connect() as conn:
                self._catalog = reflect(conn, self.name, self.config)
        return self._catalog

    def _table(self, name: str) -> SqlTable:
        try:
            target = self._tables()[name]
        except KeyError:
            raise StoreError(f"store {self.name!r} has no table {name!r}") from None
        if target.info.unreadable:
            raise StoreError(f"store {self.name!r}: cannot read {name!r} ({target.info.unreadable})")
        return target

    def _stream(
        self, target: SqlTable, names: list[str], batch_size: int, where: sa.ColumnElement[Any] | None = None
    ) -> Iterator[pa.RecordBatch]:
        builder = BatchBuilder(target.fields(names))
        statement = sa.select(*(target.clause.c[c] for c in names)).select_from(target.clause)
        if where is not None:
            statement = statement.where(where)
        with self._failures(f"read table {target.info.name!r}"), self._engine.connect() as conn:
            result = conn.execution_options(yield_per=batch_size).execute(statement)
            for rows in result.partitions():
                yield builder.batch(rows)

    @contextmanager
    def _failures(self, action: str) -> Iterator[None]:
        try:
            yield
        except sa.exc.SQLAlchemyError as err:
            reason = _reason(err, self._url)
            raise StoreError(f"store {self.name!r}: cannot {action} ({reason})") from None


def _connect(name: str, url: URL) -> sa.Engine:
    engine: sa.Engine | None = None
    try:
        engine = _engine(url)
        with engine.connect():
            pass
    except (sa.exc.SQLAlchemyError, ImportError) as err:
        if engine is not None:
            engine.dispose()
        shown = mask_secrets(url.render_as_string(hide_password=True))
        raise StoreError(f"store {name!r}: cannot connect to {shown} ({_reason(err, url)})") from None
    return engine


def _engine(url: URL) -> sa.Engine:
    """The process's engine of `url`; an in-memory SQLite database is its store's own."""
    timeout = _TIMEOUT_ARGS.get(url.get_backend_name())
    connect_args = {timeout: CONNECT_TIMEOUT} if timeout else {}
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return sa.create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = _ENGINES[url] = sa.create_engine(url, connect_args=connect_args, pool_pre_ping=True)
        return engine
