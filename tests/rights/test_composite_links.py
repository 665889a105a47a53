"""Rows reached through a composite key: a meal ordered for a booking `(flight_no, seat)`.

The consumer's bookings and another customer's share both parts of the key one by one (the same
flight, the same seat number on another flight), never as a pair. Followed as one link, the key
gives the consumer their own meals only; split into a link per column (what the database's
foreign key used to become) it gave every meal of the flight and of the seat, and a deletion
removed them. The same with the foreign keys declared and with none (inferred from the names).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from pipelines.cli import main

CUSTOMERS = 30  # enough rows for the scan to classify the emails
CONSUMER = 1
DECLARED = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, email TEXT NOT NULL);
CREATE TABLE flights (flight_no TEXT PRIMARY KEY, route TEXT);
CREATE TABLE bookings (flight_no TEXT NOT NULL REFERENCES flights(flight_no), seat TEXT NOT NULL,
                       customer_id INTEGER NOT NULL REFERENCES customers(id), passenger TEXT,
                       PRIMARY KEY (flight_no, seat));
CREATE TABLE meals (meal_id INTEGER PRIMARY KEY, flight_no TEXT NOT NULL, seat TEXT NOT NULL, meal TEXT,
                    FOREIGN KEY (flight_no, seat) REFERENCES bookings(flight_no, seat));
"""
UNDECLARED = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, email TEXT NOT NULL);
CREATE TABLE flights (flight_no TEXT PRIMARY KEY, route TEXT);
CREATE TABLE bookings (flight_no TEXT NOT NULL, seat TEXT NOT NULL, customer_id INTEGER NOT NULL,
                       passenger TEXT, PRIMARY KEY (flight_no, seat));
CREATE TABLE meals (meal_id INTEGER PRIMARY KEY, flight_no TEXT NOT NULL, seat TEXT NOT NULL, meal TEXT);
"""
NAMES = ["Ann Moss", "Bob Hart", "Cleo Lund", "Dan Okafor", "Eve Reyes", "Finn Sato"]


def _bookings(n: int) -> list[tuple[str, str]]:
    """Customer n sits in seat nA on F1 and (n+1)A on F2: customer 2 has the consumer's F2 seat
    number on F1, and every customer shares the consumer's flights."""
    return [("F1", f"{n}A"), ("F2", f"{n + 1}A")]


def _build(folder: Path, schema: str) -> Path:
    folder.mkdir()
    with sqlite3.connect(folder / "airline.db") as db:
        db.executescript(schema)
        db.executemany("INSERT INTO flights VALUES (?, ?)", [("F1", "SFO-LAX"), ("F2", "LAX-SEA")])
        meal = 0
        for n in range(1, CUSTOMERS + 1):
            name = NAMES[n % len(NAMES)]
            email = f"{name.replace(' ', '.').lower()}{n}@example.org"
            db.execute("INSERT INTO customers VALUES (?, ?, ?)", (n, name, email))
            for flight, seat in _bookings(n):
                db.execute("INSERT INTO bookings VALUES (?, ?, ?, ?)", (flight, seat, n, name))
                meal += 1
                db.execute("INSERT INTO meals VALUES (?, ?, ?, ?)", (meal, flight, seat, "vegetarian"))
    path = folder / "estate.yaml"
    path.write_text("stores:\n  air:\n    kind: sql\n    url: sqlite:///airline.db\n", encoding="utf-8")
    assert main(["scan", "--estate", str(path), "--out", str(folder / "reports")]) == 0
    return path


@pytest.fixture(scope="module", params=["declared", "undeclared"])
def estate(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    schema = DECLARED if request.param == "declared" else UNDECLARED
    return _build(tmp_path_factory.mktemp("composite") / request.param, schema)


def _rows(db_file: Path, table: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_file) as db:
        return sorted(db.execute(f"SELECT * FROM {table}").fetchall())


def _email(db_file: Path) -> str:
    with sqlite3.connect(db_file) as db:
        (email,) = db.execute("SELECT email FROM customers WHERE id = ?", (CONSUMER,)).fetchone()
    return str(email)


def _consumers_meals(db_file: Path) -> list[tuple[object, ...]]:
    return [m for m in _rows(db_file, "meals") if (m[1], m[2]) in _bookings(CONSUMER)]


def test_the_composite_link_is_reported_and_followed(estate: Path) -> None:
    document = json.loads((estate.parent / "reports" / "inventory.json").read_text(encoding="utf-8"))
    (composite,) = document["composite_links"]
    assert composite["link"] == "air.meals.(flight_no, seat) -> air.bookings.(flight_no, seat)"
    assert composite["followed_by_requests"] is True
    expected = "foreign_key" if estate.parent.name == "declared" else "naming"
    assert composite["basis"] == expected
    single = {str(x["link"]) for x in document["links"]}
    assert "air.meals.seat -> air.bookings.seat" not in single  # never split into columns


def test_the_package_holds_the_meals_of_the_consumers_seats_only(estate: Path, tmp_path: Path) -> None:
    db_file = estate.parent / "airline.db"
    inventory = estate.parent / "reports" / "inventory.json"
    command = ["access", "--estate", str(estate), "--inventory", str(inventory), "--all-time"]
    assert main([*command, "--email", _email(db_file), "--out", str(tmp_path)]) == 0
    (archive,) = tmp_path.glob("access-*.zip")
    with zipfile.ZipFile(archive) as package:
        manifest = json.loads(package.read("manifest.json"))
        meals = list(csv.DictReader(io.StringIO(package.read("data/air/meals.csv").decode())))
    assert manifest["counts"]["air.bookings"] == 2
    assert manifest["counts"]["air.meals"] == 2
    wanted = [str(m[0]) for m in _consumers_meals(db_file)]
    assert sorted(m["meal_id"] for m in meals) == sorted(wanted)
    why = {t["table"]: t["why"] for t in manifest["tables"]}
    assert "meals.(flight_no, seat) -> bookings.(flight_no, seat)" in why["air.meals"]


def test_deletion_removes_the_consumers_meals_and_no_one_elses(estate: Path, tmp_path: Path) -> None:
    copy = tmp_path / "estate"
    shutil.copytree(estate.parent, copy)
    db_file = copy / "airline.db"
    before = {t: _rows(db_file, t) for t in ("customers", "bookings", "meals", "flights")}
    mine = _consumers_meals(db_file)
    command = ["delete", "--estate", str(copy / "estate.yaml"), "--inventory", str(copy / "reports")]
    assert main([*command, "--email", _email(db_file), "--out", str(tmp_path / "out")]) == 0
    after = {t: _rows(db_file, t) for t in before}
    assert set(before["meals"]) - set(after["meals"]) == set(mine) and len(mine) == 2
    assert set(after["meals"]) <= set(before["meals"])
    assert [b for b in before["bookings"] if b not in after["bookings"]] == [
        b for b in before["bookings"] if b[2] == CONSUMER
    ]
    assert [c[0] for c in before["customers"] if c not in after["customers"]] == [CONSUMER]
    assert after["flights"] == before["flights"]
    (report,) = (tmp_path / "out").glob("deletion-*.json")
    assert json.loads(report.read_text())["verification"]["residue"] == []
