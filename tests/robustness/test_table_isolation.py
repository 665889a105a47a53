"""One table never stops the others: a table that fails to read is listed unreadable with its
reason, the inventory is written for the rest, and nothing built on it claims completeness."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from pipelines.cli import main


def _estate(root: Path) -> Path:
    """A CRM whose two views select from a table dropped since: reading them fails."""
    with sqlite3.connect(root / "crm.db") as db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, phone TEXT)")
        db.executemany(
            "INSERT INTO customers VALUES (?, ?, ?)",
            [(i, f"user{i}@example.com", f"+1 415 555 {1000 + i}") for i in range(40)],
        )
        db.execute("CREATE TABLE old_leads (id INTEGER, email TEXT)")
        db.execute("CREATE VIEW bad AS SELECT id, email FROM old_leads")
        db.execute("CREATE VIEW worse AS SELECT id FROM old_leads")
        db.execute("DROP TABLE old_leads")
        db.execute("CREATE VIEW customer_emails AS SELECT id, email FROM customers")
    estate = root / "estate.yaml"
    estate.write_text("stores:\n  crm: {kind: sql, url: 'sqlite:///crm.db'}\n", encoding="utf-8")
    return estate


def test_scan_writes_the_rest_and_exits_1_naming_the_unreadable_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["scan", "--estate", str(_estate(tmp_path)), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "inventory incomplete: 2 tables unreadable: crm.bad, crm.worse" in " ".join(captured.err.split())
    assert "Traceback" not in captured.out + captured.err
    document = json.loads((out / "inventory.json").read_text(encoding="utf-8"))
    assert document["unreadable"] == ["crm.bad", "crm.worse"]
    tables = {t["table"]: t for t in document["tables"]}
    assert tables["customers"]["status"] == "ok" and tables["customers"]["kind"] == "table"
    assert tables["bad"]["status"] == "unreadable"
    assert "no such table: main.old_leads" in tables["bad"]["reason"]
    assert "\n" not in tables["bad"]["reason"]
    columns = {(c["table"], c["column"]): c for c in document["columns"]}
    assert columns[("customers", "email")]["entity"] == "EMAIL_ADDRESS"
    assert columns[("customers", "email")]["status"] == "ok"
    assert columns[("customer_emails", "email")]["entity"] == "EMAIL_ADDRESS"
    assert columns[("customer_emails", "email")]["kind"] == "view"
    assert not [c for c in columns if c[0] in {"bad", "worse"}]  # SQLite cannot even list their columns


def test_a_complete_inventory_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    estate = _estate(tmp_path)
    estate.write_text(
        "stores:\n  crm:\n    kind: sql\n    url: 'sqlite:///crm.db'\n    exclude: [bad, worse]\n",
        encoding="utf-8",
    )
    assert main(["scan", "--estate", str(estate), "--out", str(tmp_path / "out")]) == 0
    assert "incomplete" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    [
        ["coverage"],
        ["access", "--email", "user3@example.com", "--all-time"],
        ["delete", "--email", "user3@example.com", "--dry-run"],
        ["delete", "--email", "user3@example.com"],
    ],
)
def test_requests_on_an_incomplete_inventory_do_not_claim_completeness(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    out = tmp_path / "out"
    assert main([command[0], "--estate", str(_estate(tmp_path)), "--out", str(out), *command[1:]]) == 1
    captured = capsys.readouterr()
    assert "inventory incomplete: 2 tables unreadable: crm.bad, crm.worse" in " ".join(captured.err.split())
    assert "zero residue" not in captured.out and "no gaps\n" not in captured.out
    assert "Traceback" not in captured.out + captured.err
    if command[0] == "delete" and "--dry-run" not in command:
        assert "no residue in the tables read" in captured.out
        with sqlite3.connect(tmp_path / "crm.db") as db:
            assert db.execute(
                "SELECT count(*) FROM customers WHERE email = 'user3@example.com'"
            ).fetchone() == (0,)
