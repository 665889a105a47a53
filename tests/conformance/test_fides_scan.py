"""Fides' example database on the live PostgreSQL: the product catalogue an order points at is no one's PI.

A product's name, description, page and price are the business's, though a customer's order
refers to them (the product table's only identifier-like column is a URL).
"""

from __future__ import annotations

from pathlib import Path

from tests.conformance.fides import load_fides_database, require_fides_files
from tests.conformance.labelled import scan
from tests.conftest import live


@live("postgresql")
def test_the_product_catalogue_is_not_personal_information(live_database: str, tmp_path: Path) -> None:
    require_fides_files()
    load_fides_database(live_database)
    records = scan(live_database, tmp_path)
    product = {r["column"]: r["category"] for r in records if r["table"] == "product"}
    assert product == dict.fromkeys(("id", "name", "description", "url", "price"))
    emails = {
        r["table"] for r in records if r["entity"] == "EMAIL_ADDRESS" and r["category"] == "identifiers"
    }
    assert {"customer", "visit", "service_request"} <= emails
