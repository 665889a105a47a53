"""The rental trap: another customer paid for the consumer's rental.

A payment names its payer (`payment.customer_id`) and the rental it pays (`payment.rental_id`). The
walk rental -> payment reaches the other customer's payment; it is the payer's, whatever rental it
points at: in no package of the consumer's, and left by their deletion as it is. The rental it
points at cannot go without changing that payment (and the consumer's row, which the rental names):
both are deidentified instead, and the deletion says it complied in part (exit 1).
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from pipelines.cli import main

CUSTOMERS = 30  # enough rows for the scan to classify the emails
CONSUMER, PAYER = 1, 2
SCHEMA = """
CREATE TABLE customer (customer_id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT NOT NULL);
CREATE TABLE rental (rental_id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customer(customer_id),
                     rental_date TEXT);
CREATE TABLE payment (payment_id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customer(customer_id),
                      rental_id INTEGER REFERENCES rental(rental_id), amount NUMERIC, payment_date TEXT);
"""
FIRST = ["Ann", "Bob", "Cleo", "Dan", "Eve", "Finn", "Gus", "Hana", "Ivo", "Jun"]
LAST = ["Moss", "Hart", "Lund", "Okafor", "Reyes", "Sato"]


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rentals")
    with sqlite3.connect(folder / "rentals.db") as db:
        db.executescript(SCHEMA)
        for n in range(1, CUSTOMERS + 1):
            first, last = FIRST[n % len(FIRST)], LAST[n % len(LAST)]
            db.execute(
                "INSERT INTO customer VALUES (?, ?, ?, ?)",
                (n, first, last, f"{first}.{last}{n}@example.org".lower()),
            )
            for r in range(2):  # rentals 2n-1 and 2n are customer n's
                db.execute(
                    "INSERT INTO rental VALUES (?, ?, ?)", (2 * n - 1 + r, n, f"2026-0{r + 1}-1{n % 10}")
                )
        payments = [(2 * n - 1 + r, n, 2 * n - 1 + r) for n in range(1, CUSTOMERS + 1) for r in range(2)]
        payments[1] = (2, PAYER, 2)  # the trap: customer 2 paid for the consumer's rental 2
        db.executemany("INSERT INTO payment VALUES (?, ?, ?, 2.99, '2026-03-01')", payments)
    path = folder / "estate.yaml"
    path.write_text("stores:\n  shop:\n    kind: sql\n    url: sqlite:///rentals.db\n", encoding="utf-8")
    assert main(["scan", "--estate", str(path), "--out", str(folder / "reports")]) == 0
    return path


def _payments(estate: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(estate.parent / "rentals.db") as db:
        return db.execute("SELECT * FROM payment ORDER BY payment_id").fetchall()


def _consumer_email(estate: Path) -> str:
    with sqlite3.connect(estate.parent / "rentals.db") as db:
        (email,) = db.execute("SELECT email FROM customer WHERE customer_id = ?", (CONSUMER,)).fetchone()
    return str(email)


def test_another_customers_payment_for_the_consumers_rental_is_not_in_the_package(
    estate: Path, tmp_path: Path
) -> None:
    inventory = estate.parent / "reports" / "inventory.json"
    command = ["access", "--estate", str(estate), "--inventory", str(inventory), "--all-time"]
    assert main([*command, "--email", _consumer_email(estate), "--out", str(tmp_path)]) == 0
    (archive,) = tmp_path.glob("access-*.zip")
    with zipfile.ZipFile(archive) as package:
        manifest = json.loads(package.read("manifest.json"))
        payments = list(csv.DictReader(io.StringIO(package.read("data/shop/payment.csv").decode())))
    assert manifest["counts"] == {"shop.customer": 1, "shop.rental": 2, "shop.payment": 1}
    assert [(p["payment_id"], p["customer_id"]) for p in payments] == [("1", str(CONSUMER))]
    why = {t["table"]: t["why"] for t in manifest["tables"]}
    assert "refers to the consumer's record" in why["shop.payment"]
    (left_out,) = [x for x in manifest["left_out"] if x["table"] == "shop.payment"]
    assert left_out["rows"] == 1 and "payment.customer_id -> customer.customer_id" in left_out["why"]


def test_deletion_leaves_the_other_customers_payment_as_it_is(estate: Path, tmp_path: Path) -> None:
    before = _payments(estate)
    inventory = estate.parent / "reports" / "inventory.json"
    command = ["delete", "--estate", str(estate), "--inventory", str(inventory)]
    email = _consumer_email(estate)
    assert main([*command, "--email", email, "--out", str(tmp_path)]) == 1
    (report,) = tmp_path.glob("deletion-*.json")
    assert "complied_in_part" in report.read_text() and "payment.rental_id -> rental" in report.read_text()
    (left_out,) = [x for x in json.loads(report.read_text())["left_out"] if x["table"] == "shop.payment"]
    assert left_out["rows"] == 1 and "payment.customer_id -> customer.customer_id" in left_out["why"]
    with sqlite3.connect(estate.parent / "rentals.db") as db:
        rentals = db.execute("SELECT rental_id FROM rental WHERE customer_id = ?", (CONSUMER,)).fetchall()
        assert db.execute("SELECT COUNT(*) FROM customer WHERE email = ?", (email,)).fetchone() == (0,)
    assert rentals == [(2,)]  # rental 1 went; rental 2, paid by another customer, stays deidentified
    after = _payments(estate)
    assert [p for p in before if p[1] == PAYER and p[2] == 2] == [(2, PAYER, 2, 2.99, "2026-03-01")]
    assert set(before) - set(after) == {before[0]}  # only the consumer's own payment went
    assert set(after) <= set(before)  # every other payment unchanged
