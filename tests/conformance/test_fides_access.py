"""Conformance with Fides: an access request on its Postgres example database returns what Fides does.

Fides' README (../shared/conformance/fides) lists the rows per table its traversal returns for
customer-1@example.com. The estate is written twice: with Fides' `references` declared as links, and
with no links at all (the product infers them). Both must give the same package.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.rights.records.ownership import OTHER_PERSON
from tests.conformance.fides import (
    STORE,
    VARIANTS,
    Variant,
    declared_links,
    fides_dataset,
    load_fides_database,
    require_fides_files,
    write_fides_estate,
)
from tests.conftest import live

CONSUMER = "customer-1@example.com"
# Fides' answer for customer 1: rows per table (tables of the store's default schema).
EXPECTED = {
    "customer": 1,
    "address": 2,
    "payment_card": 1,
    "orders": 3,
    "order_item": 4,
    "login": 6,
    "service_request": 1,
    "visit": 1,
}
# Allowed, not required: the catalogue rows of the products ordered, and composite_pk_test's row
# "linked to customer 1" (a table Fides' dataset does not annotate, so Fides never looks at it).
OPTIONAL = {"product": 2, "composite_pk_test": 1}
EXPECTED_IDS = {"address": {"1", "2"}, "payment_card": {"pay_aaa-aaa"}, "service_request": {"ser_aaa-aaa"}}
# Other consumers' values: none may appear in any file of customer 1's package.
FOREIGN_VALUES = [
    "customer-2@example.com",  # customer 2 (address 1 is also the shipping address of their order)
    "Jill Customer",
    "ord_bbb-bbb",  # customer 2's order, shipped to customer 1's address
    "pay_bbb-bbb",  # the key of customer 2's card, on customer 1's order ord_ddd-ddd it paid
    "987654321",  # customer 2's card (pay_bbb-bbb), which paid customer 1's order ord_ddd-ddd
    "Example Card 2",
    "customer-500@example.com",  # backup_schema.customer
]

# Tables whose rows carry the time of an event (login.time, visit.last_visit, service_request.opened),
# all in 2020-2021. Tables with no date (orders, address...) are kept whatever the period.
DATED_TABLES = ("login", "visit", "service_request")


@dataclass(frozen=True)
class Package:
    manifest: Mapping[str, object]
    files: Mapping[str, bytes]  # every member of the zip by name

    def counts(self) -> dict[str, int]:
        """Rows per table with any rows, keyed by table (`schema.table` outside the default schema)."""
        raw = self.manifest.get("counts") or {}
        if isinstance(raw, list):  # [{"store":..., "table":..., "rows":...}] also accepted
            raw = {f"{r['store']}.{r['table']}": r.get("rows", r.get("count", 0)) for r in raw}
        assert isinstance(raw, dict), f"manifest counts: {raw!r}"
        rows = {key: value.get("rows", 0) if isinstance(value, dict) else value for key, value in raw.items()}
        return {key.removeprefix(f"{STORE}."): int(n) for key, n in rows.items() if n}

    def ids(self, table: str) -> set[str]:
        text = self.files[f"data/{STORE}/{table}.csv"].decode("utf-8")
        return {row["id"] for row in csv.DictReader(io.StringIO(text))}


@pytest.fixture
def fides_url(live_database: str) -> str:
    """A live PostgreSQL database holding Fides' example data."""
    require_fides_files()
    load_fides_database(live_database)
    return live_database


def access_package(estate: Path, out: Path, *period: str) -> Package:
    assert main(["access", "--estate", str(estate), "--email", CONSUMER, "--out", str(out), *period]) == 0
    (archive,) = out.glob("access-*.zip")
    with zipfile.ZipFile(archive) as package:
        files = {name: package.read(name) for name in package.namelist() if not name.endswith("/")}
    return Package(json.loads(files["manifest.json"]), files)


@pytest.mark.live
@live("postgresql")
@pytest.mark.parametrize("variant", VARIANTS)
def test_access_package_matches_fides(fides_url: str, variant: Variant, tmp_path: Path) -> None:
    estate = write_fides_estate(tmp_path, fides_url, variant)
    package = access_package(estate, tmp_path / "out", "--all-time")

    optional = {table: OPTIONAL[table] for table in OPTIONAL if table in package.counts()}
    assert package.counts() == EXPECTED | optional  # employee, report, backup_schema.*: no rows
    for table in EXPECTED:
        assert {f"data/{STORE}/{table}.csv", f"data/{STORE}/{table}.json"} <= package.files.keys()
    for table, ids in EXPECTED_IDS.items():
        assert package.ids(table) == ids
    assert "report.html" in package.files
    for name, content in package.files.items():
        leaked = [value for value in FOREIGN_VALUES if value.encode() in content]
        assert not leaked, f"{name} holds another consumer's values: {leaked}"
    orders = {
        row["id"]: row
        for row in csv.DictReader(io.StringIO(package.files[f"data/{STORE}/orders.csv"].decode()))
    }
    assert orders["ord_ddd-ddd"]["payment_card_id"] == OTHER_PERSON  # a note instead of customer 2's key
    assert orders["ord_aaa-aaa"]["payment_card_id"] == "pay_aaa-aaa"  # customer 1's own card, as stored


@pytest.mark.live
@live("postgresql")
@pytest.mark.parametrize("variant", VARIANTS)
def test_default_lookback_of_12_months_keeps_no_event_of_2020_2021(
    fides_url: str, variant: Variant, tmp_path: Path
) -> None:
    estate = write_fides_estate(tmp_path, fides_url, variant)
    package = access_package(estate, tmp_path / "out")  # no --all-time: the 12 months before today
    dated = {table: n for table, n in package.counts().items() if table in DATED_TABLES}
    assert dated == {}, f"events of 2020-2021 in a 12-month package: {dated}"
    assert "report.html" in package.files  # still a valid package


@pytest.mark.live
@live("postgresql")
@pytest.mark.parametrize("variant", VARIANTS)
def test_scan_lists_both_schemas_and_finds_fides_references(
    fides_url: str, variant: Variant, tmp_path: Path
) -> None:
    estate = write_fides_estate(tmp_path, fides_url, variant)
    assert main(["scan", "--estate", str(estate), "--out", str(tmp_path / "out")]) == 0
    inventory = json.loads((tmp_path / "out" / "inventory.json").read_text(encoding="utf-8"))
    links = json.loads((tmp_path / "out" / "links.json").read_text(encoding="utf-8"))["links"]

    dataset = fides_dataset()
    tables = {column["table"] for column in inventory["columns"]}
    assert {c["name"] for c in dataset["collections"]} | {"backup_schema.customer"} <= tables
    basis = {link["link"]: link["basis"] for link in links}
    wanted = "declared" if variant == "declared" else "naming"
    missing = [link for link in declared_links(dataset) if basis.get(link) != wanted]
    assert not missing, f"Fides references not found as {wanted} links: {missing}"
