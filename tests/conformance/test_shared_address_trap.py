"""The shared-address trap: the consumer shares an address with another customer, and the address's
phone is the same identity as a sales lead's phone, and a lead's email the same as a customer's
(`=` links declared in the estate): address -> lead -> the neighbour is a path to another person.

The walk reaches the address from the consumer's row; from a shared row it may go on only to
reference data, never through an identity link to someone else. So the other customer and the lead
(the other customer's, by its email) are in no package of the consumer's, and a deletion of the
consumer leaves them, and the address they still live at, as they were.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from pipelines.cli import main

CUSTOMERS = 30  # enough rows for the scan to classify the columns
CONSUMER, NEIGHBOUR = 1, 2  # both live at address 1
SCHEMA = """
CREATE TABLE address (address_id INTEGER PRIMARY KEY, street TEXT, phone TEXT);
CREATE TABLE customer (customer_id INTEGER PRIMARY KEY, full_name TEXT, email TEXT NOT NULL,
                       address_id INTEGER NOT NULL REFERENCES address(address_id));
CREATE TABLE lead (lead_id INTEGER PRIMARY KEY, email TEXT, phone TEXT, note TEXT);
"""
NAMES = ["Ann Moss", "Bob Hart", "Cleo Lund", "Dan Okafor", "Eve Reyes", "Finn Sato"]


def email(n: int) -> str:
    return f"{NAMES[n % len(NAMES)].replace(' ', '.').lower()}{n}@example.org"


def phone(n: int) -> str:
    return f"+1 415 555 {n:04d}"


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("shared-address")
    with sqlite3.connect(folder / "shop.db") as db:
        db.executescript(SCHEMA)
        db.executemany(
            "INSERT INTO address VALUES (?, ?, ?)",
            [(n, f"{n} Main Street", phone(n)) for n in range(1, CUSTOMERS + 1)],
        )
        db.executemany(
            "INSERT INTO customer VALUES (?, ?, ?, ?)",
            [
                (n, NAMES[n % len(NAMES)], email(n), 1 if n == NEIGHBOUR else n)
                for n in range(1, CUSTOMERS + 1)
            ],
        )
        # The lead holding address 1's phone is the neighbour's (their email), not the consumer's.
        db.executemany(
            "INSERT INTO lead VALUES (?, ?, ?, ?)",
            [
                (n, email(n if n != CONSUMER else NEIGHBOUR), phone(n), "asked for a quote")
                for n in range(1, 11)
            ],
        )
    path = folder / "estate.yaml"
    path.write_text(
        "stores:\n  shop:\n    kind: sql\n    url: sqlite:///shop.db\n"
        "links:\n  - shop.address.phone = shop.lead.phone\n  - shop.lead.email = shop.customer.email\n",
        encoding="utf-8",
    )
    assert main(["scan", "--estate", str(path), "--out", str(folder / "reports")]) == 0
    return path


def _rows(estate: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(estate.parent / "shop.db") as db:
        return {
            t: db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in ("address", "customer", "lead")
        }


def test_the_neighbour_and_their_lead_are_in_no_package(estate: Path, tmp_path: Path) -> None:
    args = [
        "access",
        "--estate",
        str(estate),
        "--email",
        email(CONSUMER),
        "--out",
        str(tmp_path),
        "--all-time",
    ]
    assert main(args) == 0
    (package,) = tmp_path.glob("access-*.zip")
    with zipfile.ZipFile(package) as archive:
        text = " ".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("data/"))
        customers = json.loads(archive.read("data/shop/customer.json"))
    assert [c["customer_id"] for c in customers] == [CONSUMER]
    assert email(NEIGHBOUR) not in text  # neither the neighbour's customer row nor their lead


def test_a_deletion_leaves_the_neighbour_their_lead_and_their_address(estate: Path, tmp_path: Path) -> None:
    before = _rows(estate)
    main(["delete", "--estate", str(estate), "--email", email(CONSUMER), "--out", str(tmp_path)])
    after = _rows(estate)
    assert [r for r in after["customer"] if r[0] == NEIGHBOUR] == [
        r for r in before["customer"] if r[0] == NEIGHBOUR
    ]
    assert after["lead"] == before["lead"]  # no lead is the consumer's
    assert [r for r in after["address"] if r[0] == 1] == [r for r in before["address"] if r[0] == 1]
    assert email(CONSUMER) not in json.dumps(after)
    assert {r[0] for r in after["customer"]} == {r[0] for r in before["customer"]} - {CONSUMER}
