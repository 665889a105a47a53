"""Which table a column's name points at, and which names are never keys (pure functions)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pipelines.discovery.key_names import (
    abbreviates,
    can_be_key,
    named_after_own_table,
    names_table,
    stems,
)


@pytest.mark.parametrize(
    ("column", "table", "match"),
    [
        ("customer_id", "customers", "table"),
        ("customerId", "customers", "table"),
        ("CustomerID", "customer", "table"),
        ("fk_customer", "customers", "table"),
        ("id_customer", "customers", "table"),
        ("customer", "customers", "table"),
        ("customers", "customer", "table"),
        ("cust_id", "customers", "abbreviation"),
        ("acct_no", "accounts", "abbreviation"),
        ("acct_no", "acct", "table"),
        ("category_id", "categories", "table"),
        ("address_id", "addresses", "table"),
        ("shipping_address_id", "address", "table"),
        ("plan_id", "sales.plans", "table"),
        ("customer_id", "tbl_customers", "table"),
        ("CustomerId", "tblCustomers", "table"),
    ],
)
def test_a_column_names_a_table(column: str, table: str, match: str) -> None:
    assert [m for stem in stems(column) if (m := names_table(stem, table))][:1] == [match]


@pytest.mark.parametrize(
    ("column", "table"),
    [("customer_since", "customers"), ("id", "customers"), ("cat_id", "contacts"), ("planet_id", "plans")],
)
def test_a_column_does_not_name_a_table(column: str, table: str) -> None:
    assert not any(names_table(stem, table) for stem in stems(column))


@pytest.mark.parametrize(
    ("column", "type_", "entity"),
    [
        ("postal_code", pa.string(), None),
        ("zip", pa.int64(), None),
        ("customer_zip", pa.string(), "POSTAL_CODE"),
        ("created_at", pa.string(), None),
        ("issued_on", pa.int64(), None),
        ("amount", pa.int64(), None),
        ("order_total", pa.int64(), None),
        ("item_count", pa.int64(), None),
        ("qty", pa.int64(), None),
        ("invoice_id", pa.timestamp("s"), None),
        ("price_id", pa.float64(), None),
        ("ref", pa.string(), "MONEY_AMOUNT"),
    ],
)
def test_postal_codes_dates_amounts_and_counts_are_never_keys(
    column: str, type_: pa.DataType, entity: str | None
) -> None:
    assert not can_be_key(column, type_, entity)


@pytest.mark.parametrize("column", ["customer_id", "acct_no", "cust_ref", "customerNumber"])
def test_ids_and_numbers_can_be_keys(column: str) -> None:
    assert can_be_key(column, pa.int64()) and can_be_key(column, pa.string())


@pytest.mark.parametrize(
    ("column", "table", "own"),
    [
        ("acct_no", "acct", True),
        ("id", "anything", True),
        ("customer_id", "customers", True),
        ("cell_id", "cell_towers", True),
        ("CellId", "tbl_cell_towers", True),
        ("customer_id", "orders", False),
        ("acct_no", "charges", False),
    ],
)
def test_a_key_named_after_its_own_table(column: str, table: str, own: bool) -> None:
    assert named_after_own_table(column, table) is own


@pytest.mark.parametrize(
    ("short", "word", "expected"),
    [
        ("cust", "customer", True),
        ("acct", "account", True),
        ("addr", "address", True),
        ("cat", "contact", False),
    ],
)
def test_abbreviations(short: str, word: str, expected: bool) -> None:
    assert abbreviates(short, word) is expected
