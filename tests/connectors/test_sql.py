"""The SQL store on real databases: a SQLite file, and the live PostgreSQL and MariaDB servers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from decimal import Decimal

import pyarrow as pa
import pytest
import sqlalchemy as sa

from connectors.base import StoreError, TableChange
from connectors.sql import SqlStore
from tests.conftest import live
from tests.connectors import sql_fixtures as fx

ALL = live("sqlite", "postgresql", "mariadb")


@pytest.fixture
def billing(live_database: str) -> Iterator[SqlStore]:
    fx.build_billing(live_database)
    with closing(fx.open_sql(live_database)) as store:
        yield store


def dialect(store: SqlStore) -> str:
    return store.engine.dialect.name


@ALL
def test_reflects_columns_types_and_keys(billing: SqlStore) -> None:
    tables = {t.name: t for t in billing.tables()}
    assert set(tables) == {"customers", "invoices", "events", fx.QUOTED_TABLE}
    customers = tables["customers"]
    types = {c.name: c.type for c in customers.columns}
    assert types == {
        "id": pa.int64(),
        "name": pa.string(),
        "email": pa.string(),
        "phone": pa.string(),
        "balance": pa.decimal128(10, 2),
        "score": pa.float64(),
        "active": pa.int64() if dialect(billing) == "mysql" else pa.bool_(),  # BOOLEAN is TINYINT(1)
        "born": pa.date32(),
        "created_at": pa.timestamp("us"),
        "photo": pa.binary(),
    }
    assert customers.primary_key == ("id",)
    assert customers.row_count == fx.CUSTOMERS
    assert [c.nullable for c in customers.columns[:3]] == [False, False, True]
    assert "VARCHAR(80)" in {c.native_type for c in customers.columns}
    (reference,) = tables["invoices"].foreign_keys
    assert (reference.columns, reference.ref_table, reference.ref_columns) == (
        ("customer_id",),
        "customers",
        ("id",),
    )
    assert tables["events"].primary_key == ()
    assert tables["events"].row_count == fx.EVENTS


@ALL
def test_reads_nulls_unicode_and_every_type(billing: SqlStore) -> None:
    found = billing.find("customers", "id", [1, 7])
    assert found.schema == billing.table("customers").schema
    first, seventh = found.sort_by("id").to_pylist()
    expected = fx.customer(1)
    if dialect(billing) == "mysql":
        expected["active"] = int(expected["active"])
    assert first == expected
    assert first["name"] == fx.UNICODE_NAME
    assert seventh["phone"] is None
    (row,) = billing.find(fx.QUOTED_TABLE, "Kunden-Nr", [2]).to_pylist()
    assert row == {"Kunden-Nr": 2, "E-Mail": "k2@example.com"}


@pytest.mark.parametrize(
    ("include", "exclude", "expected"),
    [
        ([], [], {"customers", "invoices", "events", fx.QUOTED_TABLE}),
        (["*s"], [], {"customers", "invoices", "events"}),
        (["cust*", "events"], [], {"customers", "events"}),
        ([], ["*o*"], {"events", fx.QUOTED_TABLE}),
        (["*"], ["events", "Kunden *"], {"customers", "invoices"}),
    ],
)
@live("sqlite")
def test_include_and_exclude_are_globs_on_table_names(
    live_database: str, include: list[str], exclude: list[str], expected: set[str]
) -> None:
    fx.build_billing(live_database)
    with closing(fx.open_sql(live_database, include=include, exclude=exclude)) as store:
        assert {t.name for t in store.tables()} == expected


@live("postgresql", "mariadb")
def test_several_schemas(live_database: str) -> None:
    fx.build_billing(live_database)
    default = sa.make_url(live_database).database if "mysql" in live_database else "public"
    with fx.second_schema(live_database) as schema:
        with closing(fx.open_sql(live_database)) as store:  # by default: PostgreSQL's every schema
            default_tables = {t.name for t in store.tables()}
            assert (f"{schema}.customer" in default_tables) == ("postgresql" in live_database)
        with closing(
            fx.open_sql(live_database, schemas=[default, schema], exclude=["inv*", "*.note"])
        ) as store:
            tables = {t.name: t for t in store.tables()}
            assert set(tables) == {"customers", "events", fx.QUOTED_TABLE, f"{schema}.customer"}
            (reference,) = tables[f"{schema}.customer"].foreign_keys
            assert reference.ref_table == "customers"
            backup = f"{schema}.customer"
            assert store.find(backup, "email", ["old2@example.com"], ["id"]).column("id").to_pylist() == [2]
            assert store.sample(backup, 10).num_rows == 2
        with closing(fx.open_sql(live_database, schemas=[schema])) as store:
            note = store.table(f"{schema}.note")
            assert note.foreign_keys[0].ref_table == f"{schema}.customer"


@pytest.mark.parametrize(("table", "n"), [("customers", 100), ("events", 50), ("invoices", 1000)])
@ALL
def test_sample_size_and_determinism(billing: SqlStore, table: str, n: int) -> None:
    total = billing.table(table).row_count
    assert total is not None
    first = billing.sample(table, n, seed=7)
    assert first.schema == billing.table(table).schema
    assert first.num_rows == min(n, total)
    assert billing.sample(table, n, seed=7).equals(first)
    if total > n:
        other = billing.sample(table, n, seed=8)
        assert other.to_pylist() != first.to_pylist()
    if table == "customers":  # real rows of the table, each once
        ids = first.column("id").to_pylist()
        assert len(set(ids)) == len(ids)
        assert billing.find("customers", "id", ids).sort_by("id").equals(first.sort_by("id"))


@live("sqlite")
def test_sample_of_a_without_rowid_table(live_database: str) -> None:
    rows = ", ".join(f"('imsi{i:05d}', {i})" for i in range(3000))
    fx.execute(
        live_database,
        "CREATE TABLE sims (imsi TEXT PRIMARY KEY, plan INTEGER) WITHOUT ROWID",
        f"INSERT INTO sims VALUES {rows}",
    )
    with closing(fx.open_sql(live_database)) as store:
        sample = store.sample("sims", 100, ["imsi"], seed=3)
        assert sample.num_rows == 100
        assert len(set(sample.column("imsi").to_pylist())) == 100
        assert store.sample("sims", 100, ["imsi"], seed=3).equals(sample)


@ALL
def test_scan_streams_batches_of_the_chosen_columns(billing: SqlStore) -> None:
    batches = list(billing.scan("customers", ["id", "email"], batch_size=1000))
    assert [b.num_rows for b in batches] == [1000, 1000, 500]
    assert batches[0].schema.names == ["id", "email"]
    ids = pa.Table.from_batches(batches).column("id").to_pylist()
    assert sorted(ids) == list(range(1, fx.CUSTOMERS + 1))


@ALL
def test_find_sends_chunked_in_lists(billing: SqlStore) -> None:
    wanted = list(range(-200, 2101))  # 2,301 values: 2,100 of them exist
    billing.tables()  # reflect first: only the search is counted
    with fx.statements(billing) as sent:
        found = billing.find("customers", "id", wanted, ["email"])
    assert found.schema.names == ["email"]
    assert sorted(found.column("email").to_pylist()) == sorted(f"c{i}@example.com" for i in range(1, 2101))
    assert len([s for s in sent if "IN (" in s]) == 3
    by_text = billing.find("customers", "email", ["c5@example.com", pa.scalar("c6@example.com")], ["id"])
    assert sorted(by_text.column("id").to_pylist()) == [5, 6]
    empty = billing.find("customers", "id", [], ["id", "balance"])
    assert empty.num_rows == 0
    assert empty.schema == pa.schema(
        [pa.field("id", pa.int64(), False), pa.field("balance", pa.decimal128(10, 2))]
    )


@ALL
def test_apply_deletes_and_updates_in_one_transaction(billing: SqlStore) -> None:
    fingerprint = billing.fingerprint("customers")
    assert billing.fingerprint("customers") == fingerprint
    changes = [
        TableChange("customers", ("id",), deletes=pa.table({"id": [2001, 2002, 9999]})),
        TableChange(
            "customers",
            ("id",),
            updates=pa.table(
                {"id": [3, 4, 5], "email": [None, "x4@example.org", "x5@example.org"], "phone": ["", "", ""]}
            ),
        ),
        TableChange(
            "events",
            ("customer_id", "kind"),
            deletes=pa.table({"customer_id": [1, 2], "kind": ["login", "login"]}),
        ),
        TableChange(
            fx.QUOTED_TABLE, ("Kunden-Nr",), updates=pa.table({"Kunden-Nr": [1], "E-Mail": ["ü@example.org"]})
        ),
    ]
    with fx.statements(billing) as sent:
        results = billing.apply(changes)
    assert [(r.table, r.deleted, r.updated) for r in results] == [
        ("customers", 2, 0),
        ("customers", 0, 3),
        ("events", 20, 0),  # customer 1 logs in 20 times; customer 2 only tops up
        (fx.QUOTED_TABLE, 0, 1),
    ]
    updates = [s for s in sent if s.lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 2  # one per table, not one per row
    assert billing.find("customers", "id", [2001, 2002]).num_rows == 0
    changed = billing.find("customers", "id", [3, 4, 5], ["email", "phone"]).sort_by("email").to_pylist()
    assert changed == [
        {"email": "x4@example.org", "phone": ""},
        {"email": "x5@example.org", "phone": ""},
        {"email": None, "phone": ""},
    ]
    assert billing.find(fx.QUOTED_TABLE, "Kunden-Nr", [1], ["E-Mail"]).to_pylist() == [
        {"E-Mail": "ü@example.org"}
    ]
    assert billing.fingerprint("customers") != fingerprint


@ALL
def test_a_failed_change_rolls_back_every_change(billing: SqlStore) -> None:
    changes = [
        TableChange("customers", ("id",), deletes=pa.table({"id": [2003]})),
        TableChange(
            "customers", ("id",), updates=pa.table({"id": [5], "email": ["c6@example.com"]})
        ),  # not unique
    ]
    with pytest.raises(StoreError) as failure:
        billing.apply(changes)
    message = str(failure.value)
    assert message.startswith("store 'billing': cannot apply the changes, all rolled back (")
    assert "\n" not in message
    assert "@" not in message  # the duplicate value is personal data: never in a message
    assert billing.find("customers", "id", [2003, 5], ["email"]).num_rows == 2
    assert billing.find("customers", "email", ["c5@example.com"], ["id"]).num_rows == 1


@ALL
def test_fingerprint_sees_an_update_that_keeps_the_row_count(billing: SqlStore) -> None:
    before = billing.fingerprint("invoices")
    billing.apply(
        [TableChange("invoices", ("id",), updates=pa.table({"id": [7], "amount": [Decimal("1.00")]}))]
    )
    assert billing.fingerprint("invoices") != before
    assert billing.find("invoices", "id", [7], ["amount"]).to_pylist() == [{"amount": Decimal("1.00")}]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql+psycopg://postgres:s3cret-pw@127.0.0.1:1/billing",
            "postgresql+psycopg://postgres:***@127.0.0.1:1/billing",
        ),
        (
            "mysql+pymysql://root:s3cret-pw@127.0.0.1:1/billing",
            "mysql+pymysql://root:***@127.0.0.1:1/billing",
        ),
        ("sqlite:////nonexistent/folder/billing.db", "sqlite:////nonexistent/folder/billing.db"),
    ],
)
def test_an_unreachable_database_is_one_line_without_the_password(url: str, shown: str) -> None:
    with pytest.raises(StoreError) as failure:
        fx.open_sql(url)
    message = str(failure.value)
    assert message.startswith(f"store 'billing': cannot connect to {shown} (")
    assert message.endswith(")")
    assert "\n" not in message
    assert "s3cret" not in message


@ALL
def test_unknown_tables_and_columns_are_store_errors(billing: SqlStore) -> None:
    with pytest.raises(StoreError, match="has no table 'nope'"):
        billing.sample("nope", 5)
    with pytest.raises(StoreError, match="has no column 'nope'"):
        billing.scan("customers", ["id", "nope"])
    with pytest.raises(StoreError, match="lacks key column 'id'"):
        billing.apply([TableChange("customers", ("id",), deletes=pa.table({"email": ["c1@example.com"]}))])


@live("sqlite", "postgresql")
def test_values_that_do_not_fit_their_type_are_read_as_text(live_database: str) -> None:
    ddl, insert, types, expected = fx.LEDGERS[sa.make_url(live_database).get_backend_name()]
    fx.execute(live_database, ddl, insert)
    with closing(fx.open_sql(live_database)) as store:
        assert [c.type for c in store.table("ledger").columns] == types
        table = pa.Table.from_batches(list(store.scan("ledger", ["id", *expected])))
        assert table.sort_by("id").drop_columns(["id"]).to_pydict() == expected


@ALL
def test_a_million_rows_are_sampled_without_a_full_read(live_database: str) -> None:
    fx.build_usage_log(live_database, 1_000_000)
    with closing(fx.open_sql(live_database)) as store:
        info = store.table("usage_log")
        assert info.row_count is not None and 500_000 < info.row_count < 2_000_000
        with fx.read_meter(store, "usage_log") as reads:
            sample = store.sample("usage_log", 1000, seed=1)
            sampled = reads()
            with store.engine.begin() as conn:  # a full read, to show what the counter counts
                if dialect(store) == "postgresql":
                    conn.execute(sa.text("SET LOCAL max_parallel_workers_per_gather = 0"))
                conn.execute(sa.text("SELECT sum(bytes_up) FROM usage_log")).one()
            full = reads() - sampled
        assert 900 <= sample.num_rows <= 1000
        assert len(set(sample.column("id").to_pylist())) == sample.num_rows
        assert full >= 1_000_000
        assert sampled * 20 < full, (sampled, full)
        assert store.sample("usage_log", 1000, seed=1).equals(sample)
