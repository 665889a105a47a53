"""The same tables load into the live PostgreSQL and MariaDB servers, with the same rows as SQLite."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from connectors import load_estate
from connectors.estate import SqlStoreConfig
from tests.conftest import live
from tests.demo_estate.conftest import BuiltEstate, build

QUERIES = {
    "billing": [
        "SELECT id, email, phone, date_of_birth FROM customers ORDER BY id",
        "SELECT id, card_number, iban FROM payment_methods ORDER BY id",
        "SELECT id, order_number, amount FROM invoices ORDER BY id",
    ],
    "crm": [
        "SELECT id, email, phone, job_title FROM contacts ORDER BY id",
        "SELECT id, body FROM tickets ORDER BY id",
        "SELECT contact_id, churn_score FROM segments ORDER BY contact_id",
    ],
}


def _normalised(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """SQLite hands back dates as text and numerics as int or float: compare numbers and text."""

    def text(value: object) -> object:
        if isinstance(value, int | float | Decimal):
            return f"{float(value):.4f}"
        return None if value is None else str(value)

    return [tuple(text(v) for v in row) for row in rows]


def _rows(url: str, query: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(sa.text(query))]
    finally:
        engine.dispose()


def _foreign_keys(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        return sum(len(inspector.get_foreign_keys(table)) for table in inspector.get_table_names())
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> BuiltEstate:
    return build(tmp_path_factory.mktemp("reference"), seed=5, consumers=50, days=2)


@pytest.mark.live
@live("postgresql", "mariadb")
@pytest.mark.parametrize("store", ["billing", "crm"])
def test_store_loads_into_live_server(
    live_database: str, store: str, reference: BuiltEstate, tmp_path: Path
) -> None:
    billing_url, crm_url = (live_database, None) if store == "billing" else (None, live_database)
    built = build(tmp_path, seed=5, consumers=50, days=2, billing_url=billing_url, crm_url=crm_url)
    assert built.estate.counts == reference.estate.counts
    config = load_estate(built.estate.estate_file).stores[store]
    assert isinstance(config, SqlStoreConfig) and config.url == live_database
    sqlite_url = f"sqlite:///{reference.estate.root / f'{store}.db'}"
    for query in QUERIES[store]:
        assert _normalised(_rows(live_database, query)) == _normalised(_rows(sqlite_url, query)), query
    assert (_foreign_keys(live_database) > 0) == (store == "billing")
