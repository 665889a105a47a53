"""Conformance with Fides: deleting customer-1@example.com from its Postgres example database.

Everything of customer 1 goes (Fides' erasure of the same request), and nothing else changes:
customers 2 and 3 keep every row, byte for byte, in every table. The traps: customer 1's order
ord_ddd-ddd was paid with customer 2's card pay_bbb-bbb (the card stays), and customer 1's home,
address 1, is also where customer 2's order ord_bbb-bbb was shipped (the address stays).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipelines.cli import main
from tests.conformance.fides import (
    STORE,
    VARIANTS,
    Variant,
    load_fides_database,
    require_fides_files,
    write_fides_estate,
)
from tests.conftest import live
from tests.rights.snapshots import Snapshot, differences, estate_snapshot, occurrences, without_rows

CONSUMER = "customer-1@example.com"
ORDERS: set[object] = {"ord_aaa-aaa", "ord_ccc-ccc", "ord_ddd-ddd"}
# Customer 1's rows: table -> (column, values). composite_pk_test's row "linked to customer 1" is
# allowed either way (Fides' dataset does not annotate that table), so it is left out of both sides.
CUSTOMER_1: dict[str, tuple[str, set[object]]] = {
    "customer": ("id", {1}),
    "payment_card": ("id", {"pay_aaa-aaa"}),
    "orders": ("id", ORDERS),
    "order_item": ("order_id", ORDERS),
    "login": ("id", {1, 2, 3, 4, 5, 6}),
    "service_request": ("id", {"ser_aaa-aaa"}),
    "visit": ("email", {CONSUMER}),
}
EITHER_WAY: dict[str, tuple[str, set[object]]] = {"composite_pk_test": ("customer_id", {1})}
# What names customer 1. loyalty's "John Customer" has no key to customer 1: a homonym, kept.
IDENTIFIERS = {
    "email": [CONSUMER],
    "alternative email": ["customer-1-alt@example.com"],
    "name": ["John Customer"],
    "card number": ["123456789"],
}
HOMONYMS = {f"{STORE}.loyalty"}


@pytest.fixture
def fides_url(live_database: str) -> str:
    """A live PostgreSQL database holding Fides' example data."""
    require_fides_files()
    load_fides_database(live_database)
    return live_database


def without_customer_1(snapshot: Snapshot) -> Snapshot:
    rows = CUSTOMER_1 | EITHER_WAY
    owned = {f"{STORE}.{table}": values for table, (_, values) in rows.items()}
    keys = {f"{STORE}.{table}": column for table, (column, _) in rows.items()}
    return without_rows(snapshot, owned, keys)


def deleted(estate: Path, out: Path) -> dict[str, Any]:
    assert main(["delete", "--estate", str(estate), "--email", CONSUMER, "--out", str(out)]) == 0
    (report,) = (p for p in out.glob("deletion-*.json") if not p.stem.endswith("-plan"))
    document: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return document


@pytest.mark.live
@live("postgresql")
@pytest.mark.parametrize("variant", VARIANTS)
def test_delete_removes_customer_1_and_nothing_of_customers_2_and_3(
    fides_url: str, variant: Variant, tmp_path: Path
) -> None:
    estate = write_fides_estate(tmp_path, fides_url, variant)
    before = estate_snapshot(estate)
    assert {kind for kinds in occurrences(before, IDENTIFIERS).values() for kind in kinds} == set(IDENTIFIERS)
    report = deleted(estate, tmp_path / "out")
    after = estate_snapshot(estate)

    for table, (column, values) in CUSTOMER_1.items():
        assert before[f"{STORE}.{table}"].records(column, values), table
        assert after[f"{STORE}.{table}"].records(column, values) == [], table
    named = {table: rows for table, rows in after.items() if table not in HOMONYMS}
    assert occurrences(named, IDENTIFIERS) == {}
    assert report["verification"] == {"zero_residue": True, "residue": [], "retained_under_exemption": []}

    assert differences(without_customer_1(before), without_customer_1(after)) == {}  # both schemas
    for table, column, value in (  # the traps, spelled out
        ("payment_card", "id", "pay_bbb-bbb"),  # customer 2's card, which paid customer 1's ord_ddd-ddd
        ("orders", "id", "ord_bbb-bbb"),  # customer 2's order, shipped to customer 1's home
        ("address", "id", 1),  # customer 1's home and customer 2's shipping address
        ("address", "id", 2),  # customer 2's home and where customer 1's ord_aaa-aaa went
    ):
        rows = before[f"{STORE}.{table}"].records(column, {value})
        assert rows and after[f"{STORE}.{table}"].records(column, {value}) == rows, (table, value)
    tables = report["tables"]
    assert {"address", "product"} <= {t["table"] for t in tables if t["action"] == "retained"}

    second = deleted(estate, tmp_path / "again")
    assert differences(after, estate_snapshot(estate)) == {}  # a second run changes nothing
    assert second["verification"] == {"zero_residue": True, "residue": [], "retained_under_exemption": []}
