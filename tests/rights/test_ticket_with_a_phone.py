"""A consumer's own ticket that gives a US phone number is in their access package, word for word.

`+1 415 555 3007` passes the UK NHS checksum; Presidio's NHS recognizer alone made the whole
ticket column a sensitive government id, and the package withheld the consumer's own text.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

from pipelines.cli import main

TICKET = "Please call me back on +1 415 555 3007, my SIM stopped working after the update"


def _estate(folder: Path) -> Path:
    with sqlite3.connect(folder / "crm.db") as db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, full_name TEXT)")
        db.execute(
            "CREATE TABLE tickets (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id), body TEXT)"
        )
        people = [("jane.roe@example.com", "Jane Roe"), ("omar.h@example.org", "Omar Haddad")]
        people += [(f"person{i}@example.net", f"Person {i} Smith") for i in range(6)]
        db.executemany("INSERT INTO customers (email, full_name) VALUES (?, ?)", people)
        bodies = [TICKET, "The invoice for last month looks wrong, I was charged twice for the same plan"]
        bodies += [
            f"I moved to a new address and want bill number {i} sent there from next month" for i in range(6)
        ]
        db.executemany("INSERT INTO tickets (customer_id, body) VALUES (?, ?)", enumerate(bodies, start=1))
    estate = folder / "estate.yaml"
    estate.write_text(
        f"stores:\n  crm:\n    kind: sql\n    url: sqlite:///{folder / 'crm.db'}\n", encoding="utf-8"
    )
    return estate


def test_the_ticket_is_not_a_government_id_and_is_given_whole(tmp_path: Path) -> None:
    estate = _estate(tmp_path)
    assert main(["scan", "--estate", str(estate), "--out", str(tmp_path / "reports")]) == 0
    inventory = json.loads((tmp_path / "reports" / "inventory.json").read_text(encoding="utf-8"))
    (body,) = [c for c in inventory["columns"] if (c["table"], c["column"]) == ("tickets", "body")]
    assert body["sensitive_kind"] != "government_id" and "UK_NHS" not in body["mentions"]
    out = tmp_path / "requests"
    assert (
        main(["access", "--estate", str(estate), "--email", "jane.roe@example.com", "--out", str(out)]) == 0
    )
    (package,) = out.glob("access-*.zip")
    with zipfile.ZipFile(package) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        tickets = archive.read("data/crm/tickets.json").decode("utf-8")
    assert TICKET in tickets
    assert not [w for w in manifest["withheld"] if w["column"] == "body" and w["treatment"] == "withhold"]
