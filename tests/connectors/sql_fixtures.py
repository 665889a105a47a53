"""Test tables for the SQL store, built the same way on SQLite, PostgreSQL and MariaDB.

`build_billing` makes a small billing database (customers, invoices, events without a primary
key, a table whose name needs quoting); `build_usage_log` a 1,000,000-row table made by the
database itself. `read_meter` counts what the server read in the store's own session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from connectors.estate import SqlStoreConfig
from connectors.sql import SqlStore

CUSTOMERS = 2500
INVOICES = 100  # of customers 1..100
EVENTS = 1000
UNICODE_NAME = "Zoë Ça Straße 東京"
QUOTED_TABLE = "Kunden Übersicht"

metadata = sa.MetaData()
customers = sa.Table(
    "customers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("email", sa.String(120), unique=True),
    sa.Column("phone", sa.String(32)),
    sa.Column("balance", sa.Numeric(10, 2)),
    sa.Column("score", sa.Double),
    sa.Column("active", sa.Boolean),
    sa.Column("born", sa.Date),
    sa.Column("created_at", sa.DateTime),
    sa.Column("photo", sa.LargeBinary),
)
invoices = sa.Table(
    "invoices",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("amount", sa.Numeric(12, 2)),
)
events = sa.Table(  # no primary key
    "events",
    metadata,
    sa.Column("customer_id", sa.Integer),
    sa.Column("kind", sa.String(20)),
    sa.Column("at", sa.DateTime),
)
quoted = sa.Table(
    QUOTED_TABLE,
    metadata,
    sa.Column("Kunden-Nr", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("E-Mail", sa.String(120)),
)


LEDGERS = {  # per database: DDL, rows, the reflected types, what a scan reads
    "sqlite": (
        "CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount NUMERIC(10, 2), fee NUMERIC, at DATETIME)",
        "INSERT INTO ledger VALUES (1, 'cash', 1.5, '2024-01-02 03:04:05'), (2, 12.5, NULL, NULL)",
        [pa.int64(), pa.decimal128(10, 2), pa.float64(), pa.timestamp("us")],
        {"amount": ["cash", "12.5"], "fee": [1.5, None], "at": [dt.datetime(2024, 1, 2, 3, 4, 5), None]},
    ),
    "postgresql": (
        "CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount MONEY, fee NUMERIC(10, 2), at TIMESTAMPTZ)",
        "INSERT INTO ledger VALUES (1, 12.5, 1.5, '2024-01-02 03:04:05+00'), (2, NULL, 'NaN', NULL)",
        [pa.int64(), pa.string(), pa.decimal128(10, 2), pa.timestamp("us", tz="UTC")],
        {
            "amount": ["$12.50", None],
            "fee": ["1.50", "NaN"],
            "at": [dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC), None],
        },
    ),
}


def customer(i: int) -> dict[str, Any]:
    """Customer `i` of the billing database: every 7th has no phone, customer 1 a unicode name."""
    return {
        "id": i,
        "name": UNICODE_NAME if i == 1 else f"Customer {i}",
        "email": f"c{i}@example.com",
        "phone": None if i % 7 == 0 else f"+1555{i:07d}",
        "balance": Decimal(i) / 4,
        "score": i / 8,
        "active": i % 2 == 0,
        "born": dt.date(1970, 1, 1) + dt.timedelta(days=i),
        "created_at": dt.datetime(2024, 1, 1, 8, 30) + dt.timedelta(minutes=i),
        "photo": bytes([i % 256, 0, 255]),
    }


def build_billing(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            metadata.create_all(conn)
            conn.execute(customers.insert(), [customer(i) for i in range(1, CUSTOMERS + 1)])
            conn.execute(
                invoices.insert(),
                [{"id": i, "customer_id": i, "amount": Decimal("9.99") * i} for i in range(1, INVOICES + 1)],
            )
            start = dt.datetime(2024, 3, 1)
            conn.execute(
                events.insert(),
                [
                    {
                        "customer_id": i % 50 + 1,
                        "kind": ("login", "topup")[i % 2],
                        "at": start + dt.timedelta(hours=i),
                    }
                    for i in range(EVENTS)
                ],
            )
            conn.execute(
                quoted.insert(), [{"Kunden-Nr": i, "E-Mail": f"k{i}@example.com"} for i in range(1, 6)]
            )
    finally:
        engine.dispose()


def execute(url: str, *statements: str) -> None:
    """Run DDL or data statements (no parameters) on the database at `url`."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execution_options(no_parameters=True).exec_driver_sql(statement)
    finally:
        engine.dispose()


def open_sql(url: str, **options: Any) -> SqlStore:
    return SqlStore("billing", SqlStoreConfig(kind="sql", url=url, **options))


def build_usage_log(url: str, rows: int) -> None:
    """A `usage_log` table of `rows` rows, generated by the database itself."""
    dialect = sa.make_url(url).get_backend_name()
    create = "CREATE TABLE usage_log (id BIGINT PRIMARY KEY, imsi VARCHAR(15), bytes_up BIGINT)"
    if dialect == "postgresql":
        fill = (
            "INSERT INTO usage_log SELECT g, '3101500' || lpad(g::text, 8, '0'), g % 9973"
            f" FROM generate_series(1, {rows}) g"
        )
        execute(url, create, fill, "ANALYZE usage_log")
    elif dialect == "mysql":
        fill = f"INSERT INTO usage_log SELECT seq, concat('3101500', lpad(seq, 8, '0')), seq % 9973 FROM seq_1_to_{rows}"
        execute(url, create, fill, "ANALYZE TABLE usage_log")
    else:
        fill = (
            f"WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < {rows})"
            " INSERT INTO usage_log SELECT x, '3101500' || printf('%08d', x), x % 9973 FROM g"
        )
        execute(url, create, fill)


@contextmanager
def second_schema(url: str) -> Iterator[str]:
    """A second schema (a second database on MariaDB) holding `customer`, referring to the first."""
    dialect = sa.make_url(url).get_backend_name()
    if dialect == "postgresql":
        default, schema = "public", "backup_schema"
        execute(url, f"CREATE SCHEMA {schema}")
    else:
        default = sa.make_url(url).database or ""
        schema = f"{default}_backup"
        execute(url, f"CREATE DATABASE {schema}")
    try:
        execute(
            url,
            f"CREATE TABLE {schema}.customer (id INTEGER PRIMARY KEY,"
            f" customer_id INTEGER NOT NULL REFERENCES {default}.customers (id), email VARCHAR(120))",
            f"CREATE TABLE {schema}.note (id INTEGER PRIMARY KEY,"
            f" customer INTEGER REFERENCES {schema}.customer (id), body TEXT)",
            f"INSERT INTO {schema}.customer VALUES (1, 1, 'old1@example.com'), (2, 2, 'old2@example.com')",
        )
        yield schema
    finally:
        if dialect != "postgresql":
            execute(url, f"DROP DATABASE {schema}")


@contextmanager
def statements(store: SqlStore) -> Iterator[list[str]]:
    """The SQL statements the store sends while the block runs (an executemany counts once)."""
    sent: list[str] = []

    def record(conn: object, cursor: object, statement: str, *rest: object) -> None:
        sent.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)


@contextmanager
def read_meter(store: SqlStore, table: str) -> Iterator[Callable[[], int]]:
    """What the server read since the block began, in the store's session, by its own counters.

    PostgreSQL: tuples read from `table` (pg_stat_user_tables, flushed on demand); MariaDB:
    the session's Handler_read% counters; SQLite: virtual machine steps of the connection.
    """
    dialect = store.engine.dialect.name
    if dialect == "sqlite":
        with _vm_steps(store) as steps:
            yield steps
        return
    counter = _pg_reads if dialect == "postgresql" else _mariadb_reads
    start, session = counter(store, table)

    def reads() -> int:
        now, same = counter(store, table)
        assert same == session, "the store changed sessions: its counters are not comparable"
        return now - start

    yield reads


def _pg_reads(store: SqlStore, table: str) -> tuple[int, int]:
    with store.engine.connect() as conn:  # flushed when this session's transaction ends
        conn.execute(sa.text("SELECT pg_stat_force_next_flush()"))
    with store.engine.connect() as conn:
        conn.execute(sa.text("SELECT pg_stat_clear_snapshot()"))
        query = "SELECT seq_tup_read + coalesce(idx_tup_fetch, 0), pg_backend_pid() FROM pg_stat_user_tables"
        row = conn.execute(sa.text(f"{query} WHERE relname = :table"), {"table": table}).one()
        return int(row[0]), int(row[1])


def _mariadb_reads(store: SqlStore, table: str) -> tuple[int, int]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("SHOW SESSION STATUS LIKE 'Handler_read%'")).all()
        session = conn.execute(sa.text("SELECT CONNECTION_ID()")).scalar_one()
        return sum(int(value) for _, value in rows), int(session)


@contextmanager
def _vm_steps(store: SqlStore) -> Iterator[Callable[[], int]]:
    every = 100
    ticks = [0]

    def tick() -> int:
        ticks[0] += 1
        return 0

    def on_checkout(dbapi_conn: Any, *rest: object) -> None:
        dbapi_conn.set_progress_handler(tick, every)

    def on_checkin(dbapi_conn: Any, *rest: object) -> None:
        dbapi_conn.set_progress_handler(None, 0)

    sa.event.listen(store.engine, "checkout", on_checkout)
    sa.event.listen(store.engine, "checkin", on_checkin)
    try:
        yield lambda: ticks[0] * every
    finally:
        sa.event.remove(store.engine, "checkout", on_checkout)
        sa.event.remove(store.engine, "checkin", on_checkin)
