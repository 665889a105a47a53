"""A copy of the demo estate whose CRM has preference columns declared in `preferences:`, and helpers
to run `ccpa request` and to read what the estate holds for a customer."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.demo_estate import DemoEstate

PREFERENCES = """
preferences:
  opt_out: [crm.contacts.do_not_sell]
  limit: [crm.contacts.limit_sensitive]
timezone: America/Los_Angeles
"""


@dataclass(frozen=True)
class Customer:
    id: int
    email: str
    name: str
    phone: str
    date_of_birth: str
    postal_code: str


@pytest.fixture
def estate_file(estate: DemoEstate, tmp_path: Path) -> Path:
    root = tmp_path / "estate"
    shutil.copytree(estate.root, root)
    return with_preferences(root)


def with_preferences(root: Path) -> Path:
    """Add the CRM's preference columns and declare them in the estate file."""
    with sqlite3.connect(root / "crm.db") as crm:
        crm.execute("ALTER TABLE contacts ADD COLUMN do_not_sell INTEGER NOT NULL DEFAULT 0")
        crm.execute("ALTER TABLE contacts ADD COLUMN limit_sensitive INTEGER NOT NULL DEFAULT 0")
    with open(root / "estate.yaml", "a", encoding="utf-8") as file:
        file.write(PREFERENCES)
    return root / "estate.yaml"


def customer(estate_file: Path, nth: int = 0) -> Customer:
    """The nth customer (by id) who is also a CRM contact."""
    root = estate_file.parent
    with sqlite3.connect(root / "crm.db") as crm:
        contacts = {row[0] for row in crm.execute("SELECT lower(email) FROM contacts")}
    with sqlite3.connect(root / "billing.db") as billing:
        rows = billing.execute(
            "SELECT id, email, first_name || ' ' || last_name, phone, date_of_birth, postal_code "
            "FROM customers ORDER BY id"
        ).fetchall()
    chosen = [r for r in rows if r[1].lower() in contacts and r[3] and r[4] and r[5]][nth]
    return Customer(chosen[0], chosen[1], chosen[2], chosen[3], str(chosen[4])[:10], chosen[5])


def ccpa(capsys: pytest.CaptureFixture[str], *args: str, status: int = 0) -> str:
    """Run `ccpa request ...` in-process; its standard output (the status is asserted)."""
    capsys.readouterr()
    code = main(["request", *args])
    captured = capsys.readouterr()
    assert code == status, captured.err
    return captured.out if status == 0 else captured.err


def new(capsys: pytest.CaptureFixture[str], estate_file: Path, *args: str) -> str:
    """`ccpa request new ...`: the request id from its first line."""
    first = ccpa(capsys, "new", "--estate", str(estate_file), *args).splitlines()[0]
    assert first.startswith("request ID: ")
    return first.removeprefix("request ID: ")
