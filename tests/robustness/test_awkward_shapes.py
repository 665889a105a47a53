"""Awkward shapes on live PostgreSQL and MariaDB (and SQLite), through `ccpa scan` and `ccpa stores`:
non-default schemas, views and materialized views, a partitioned table, what the role may not
read, generated columns, composite keys, ENUM/SET, uuid/inet, 300 columns, odd names."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines import console
from pipelines.cli import main
from tests.conftest import server_database
from tests.robustness.awkward_estates import (
    DOTTED_TABLE,
    ODD_COLUMNS,
    ODD_TABLE,
    WIDE,
    WIDE_EMAIL,
    fill_common,
    mariadb_estate,
    postgresql_estate,
)


@dataclass
class Run:
    code: int
    out: str
    err: str


@dataclass
class Scanned:
    scan: Run
    stores: Run
    document: dict[str, object]

    def column(self, table: str, column: str) -> dict[str, object]:
        records = self.document["columns"]
        assert isinstance(records, list)
        return next(c for c in records if c["table"] == table and c["column"] == column)

    def table(self, table: str) -> dict[str, object]:
        tables = self.document["tables"]
        assert isinstance(tables, list)
        return next(t for t in tables if t["table"] == table)

    def tables(self) -> set[str]:
        return {str(t["table"]) for t in self.document["tables"]}  # type: ignore[attr-defined]


def _run(argv: list[str]) -> Run:
    out, err = io.StringIO(), io.StringIO()
    width = console.out.width
    console.out.width = 400  # one line per table row
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(argv)
    finally:
        console.out.width = width
    return Run(code, out.getvalue(), err.getvalue())


def _scanned(root: Path, store: str) -> Scanned:
    estate = root / "estate.yaml"
    estate.write_text(store, encoding="utf-8")
    scan = _run(["scan", "--estate", str(estate), "--out", str(root / "out")])
    stores = _run(["stores", "--estate", str(estate)])
    document = json.loads((root / "out" / "inventory.json").read_text(encoding="utf-8"))
    return Scanned(scan, stores, document)


@pytest.fixture(scope="module")
def postgresql(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scanned]:
    with server_database("postgresql") as url, postgresql_estate(url) as role_url:
        yield _scanned(tmp_path_factory.mktemp("pg"), f"stores:\n  pg: {{kind: sql, url: '{role_url}'}}\n")


@pytest.fixture(scope="module")
def mariadb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scanned]:
    with (
        server_database("mariadb") as url,
        server_database("mariadb") as extra,
        server_database("mariadb") as secret,
        mariadb_estate(url, extra, secret) as user_url,
    ):
        names = [str(u.rsplit("/", 1)[1]) for u in (url, extra, secret)]
        store = f"stores:\n  maria: {{kind: sql, url: '{user_url}', schemas: [{', '.join(names)}]}}\n"
        scanned = _scanned(tmp_path_factory.mktemp("maria"), store)
        scanned.document["names"] = names
        yield scanned


@pytest.fixture(scope="module")
def sqlite(tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    import sqlalchemy as sa

    root = tmp_path_factory.mktemp("sqlite")
    engine = sa.create_engine(f"sqlite:///{root / 'crm.db'}")
    with engine.begin() as conn:
        fill_common(conn, '"')
        conn.execute(
            sa.text(
                "CREATE TABLE orders (customer_id INTEGER, line INTEGER, email TEXT,"
                " domain TEXT GENERATED ALWAYS AS (substr(email, instr(email, '@') + 1)) VIRTUAL,"
                " PRIMARY KEY (customer_id, line))"
            )
        )
        conn.execute(
            sa.text("INSERT INTO orders (customer_id, line, email) VALUES (:c, :l, :e)"),
            [{"c": i // 3, "l": i % 3, "e": f"buyer{i}@example.com"} for i in range(60)],
        )
        conn.execute(sa.text("CREATE VIEW buyers AS SELECT DISTINCT email FROM orders"))
    engine.dispose()
    with sqlite3.connect(root / "crm.db") as db:
        assert db.execute("SELECT count(*) FROM orders").fetchone() == (60,)
    return _scanned(root, "stores:\n  lite: {kind: sql, url: 'sqlite:///crm.db'}\n")


def _is_email(scanned: Scanned, table: str, column: str, kind: str = "table") -> None:
    record = scanned.column(table, column)
    assert (record["entity"], record["category"], record["kind"], record["status"]) == (
        "EMAIL_ADDRESS",
        "identifiers",
        kind,
        "ok",
    ), record


def test_postgresql_reads_every_schema_view_and_partitioned_table(postgresql: Scanned) -> None:
    _is_email(postgresql, "sales.customers", "email")
    _is_email(postgresql, "sales.customer_contacts", "email", kind="view")
    _is_email(postgresql, "customer_emails", "email", kind="view")  # a materialized view
    assert postgresql.table("sales.customer_contacts")["kind"] == "view"
    _is_email(postgresql, "events", "email")
    assert postgresql.table("events")["partitions"] == ["events_2026_01", "events_2026_02"]
    assert not {"events_2026_01", "events_2026_02"} & postgresql.tables()
    assert postgresql.column("sales.customers", "email_domain")["status"] == "ok"  # generated
    assert postgresql.column("sales.customers", "src_ip")["entity"] == "IP_ADDRESS"  # inet
    assert postgresql.column("sales.customers", "token")["status"] == "ok"  # uuid
    assert {c["column"] for c in postgresql.document["columns"] if c["table"] == "orders"} == {  # type: ignore[attr-defined]
        "customer_id",
        "line",
        "amount",
    }


def test_postgresql_lists_what_the_role_cannot_read(postgresql: Scanned) -> None:
    assert postgresql.scan.code == 1
    unreadable = "pg.locked, pg.sales.bad_cast, pg.secret.payroll"
    assert f"inventory incomplete: 3 tables unreadable: {unreadable}" in " ".join(postgresql.scan.err.split())
    assert "Traceback" not in postgresql.scan.out + postgresql.scan.err
    assert postgresql.document["unreadable"] == unreadable.split(", ")
    for table, reason in (
        ("locked", "permission denied for table locked"),
        ("secret.payroll", "permission denied for schema secret"),
    ):
        status = postgresql.table(table)
        assert status["status"] == "unreadable" and reason in str(status["reason"]), status
        email = postgresql.column(table, "email")  # its columns are known, not classified
        assert (email["status"], email["category"]) == ("unreadable", None)
    failed = postgresql.table("sales.bad_cast")  # the catalogue reads it; its rows fail when sampled
    assert failed["status"] == "unreadable" and "invalid input syntax for type integer" in str(
        failed["reason"]
    )
    assert "@example.com" not in str(failed["reason"])  # the offending value is never shown
    assert postgresql.column("sales.bad_cast", "n")["status"] == "unreadable"
    assert "unreadable: permission denied for table locked" in postgresql.stores.out


def test_postgresql_stores_lists_views_partitions_and_unreadable_tables(postgresql: Scanned) -> None:
    assert postgresql.stores.code == 0
    lines = postgresql.stores.out.splitlines()

    def line(table: str) -> str:
        return next(x for x in lines if f" {table} " in x)

    assert "sql view" in line("sales.customer_contacts") and "sql view" in line("customer_emails")
    assert "partitions events_2026_01 events_2026_02" in line("events") and "day" in line("events")
    assert "unreadable: permission denied for schema secret" in line("secret.payroll")
    assert not [x for x in lines if " events_2026_01 " in x and "partitions" not in x]


@pytest.mark.parametrize("server", ["postgresql", "mariadb", "sqlite"])
def test_odd_names_and_wide_tables(server: str, request: pytest.FixtureRequest) -> None:
    scanned: Scanned = request.getfixturevalue(server)
    assert "Traceback" not in scanned.scan.out + scanned.scan.err
    _is_email(scanned, ODD_TABLE, ODD_COLUMNS[0])
    _is_email(scanned, DOTTED_TABLE, "contact")
    assert {c["column"] for c in scanned.document["columns"] if c["table"] == ODD_TABLE} == set(ODD_COLUMNS)  # type: ignore[attr-defined]
    wide = [c for c in scanned.document["columns"] if c["table"] == "wide"]  # type: ignore[attr-defined]
    assert len(wide) == WIDE
    _is_email(scanned, "wide", WIDE_EMAIL)
    assert ODD_TABLE in scanned.stores.out and DOTTED_TABLE in scanned.stores.out


def test_mariadb_enum_set_views_generated_and_other_databases(mariadb: Scanned) -> None:
    _, extra, secret = mariadb.document["names"]  # type: ignore[misc]
    _is_email(mariadb, "customers", "email")
    _is_email(mariadb, "customer_contacts", "email", kind="view")
    _is_email(mariadb, f"{extra}.leads", "email")
    for column in ("status", "tags", "email_domain"):  # ENUM, SET, a virtual column
        assert mariadb.column("customers", column)["status"] == "ok"
    assert mariadb.table(f"{secret}.*")["status"] == "unreadable"
    assert "Access denied" in str(mariadb.table(f"{secret}.*")["reason"])
    assert mariadb.scan.code == 1
    assert f"inventory incomplete: 1 table unreadable: maria.{secret}.*" in " ".join(mariadb.scan.err.split())
    assert "sql view" in next(x for x in mariadb.stores.out.splitlines() if " customer_contacts " in x)


def test_sqlite_views_generated_columns_and_composite_keys(sqlite: Scanned) -> None:
    assert sqlite.scan.code == 0
    _is_email(sqlite, "orders", "email")
    _is_email(sqlite, "buyers", "email", kind="view")
    assert sqlite.column("orders", "domain")["status"] == "ok"
