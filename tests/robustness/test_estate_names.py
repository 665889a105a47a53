"""Names in the estate that its stores do not have are estate errors: one line naming the key,
exit 2, nothing written (checked when the stores are opened, before any output)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pipelines.cli import main

STORES = """\
stores:
  crm:
    kind: sql
    url: sqlite:///crm.db
{crm}
  logs:
    kind: files
    path: logs
"""


def _estate(root: Path, crm: str = "", top: str = "") -> Path:
    with sqlite3.connect(root / "crm.db") as db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT, created_at TEXT)")
        db.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, total REAL)")
        db.execute("INSERT INTO customers VALUES (1, 'ann@example.com', '2026-01-02')")
    (root / "logs").mkdir()
    (root / "logs" / "sessions.csv").write_text("imsi,bytes_up\n310150123456789,10\n", encoding="utf-8")
    estate = root / "estate.yaml"
    estate.write_text(STORES.format(crm=crm) + top, encoding="utf-8")
    return estate


CASES = [
    (
        "    include: [custmers]",
        "",
        "stores.crm.include[0]: no table 'custmers' in store 'crm' (did you mean 'customers'?)",
    ),
    ("    include: ['invoices*']", "", "stores.crm.include[0]: no table 'invoices*' in store 'crm'"),
    (
        "    exclude: ['tmp_*', order]",
        "",
        "stores.crm.exclude[1]: no table 'order' in store 'crm' (did you mean 'orders'?)",
    ),
    (
        "    exemptions: [{table: order, exemption: legal_obligation}]",
        "",
        "stores.crm.exemptions[0].table: no table 'order' in store 'crm' (did you mean 'orders'?)",
    ),
    (
        "    exemptions: [{table: orders, exemption: legal_obligation, columns: [totl]}]",
        "",
        "stores.crm.exemptions[0].columns[0]: no column 'totl' in table 'orders' of store 'crm'"
        " (did you mean 'total'?)",
    ),
    (
        "    event_time: {orders: ordered_at}",
        "",
        "stores.crm.event_time.orders: no column 'ordered_at' in table 'orders' of store 'crm'",
    ),
    (
        "",
        "links: ['crm.orders.customer_id -> crm.customer.id']\n",
        "links[0]: no table 'customer' in store 'crm' (did you mean 'customers'?)",
    ),
    (
        "",
        "identity: {imsi: [logs.sessions.imsi, logs.sessions.phone_number]}\n",
        "identity.imsi[1]: no column 'phone_number' in table 'sessions' of store 'logs'",
    ),
]


@pytest.mark.parametrize(("crm", "top", "message"), CASES)
@pytest.mark.parametrize("command", ["scan", "stores", "coverage", "delete"])
def test_a_name_the_stores_lack_is_an_estate_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], crm: str, top: str, message: str, command: str
) -> None:
    estate = _estate(tmp_path, crm, top)
    out = tmp_path / "out"
    args = {
        "scan": ["scan", "--estate", str(estate), "--out", str(out)],
        "stores": ["stores", "--estate", str(estate)],
        "coverage": ["coverage", "--estate", str(estate), "--out", str(out)],
        "delete": ["delete", "--estate", str(estate), "--out", str(out), "--email", "ann@example.com"],
    }[command]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == f"ccpa: error: {estate}: {message}"
    assert "Traceback" not in captured.err + captured.out
    assert not out.exists()


def test_names_that_exist_are_accepted(tmp_path: Path) -> None:
    estate = _estate(
        tmp_path,
        "    include: [cust*, orders]\n    exclude: ['tmp_*']\n    exemptions: [{table: orders, exemption: legal_obligation, columns: [total]}]",
        "links: ['crm.orders.customer_id -> crm.customers.id']\nidentity: {imsi: [logs.sessions.imsi]}\n",
    )
    assert main(["scan", "--estate", str(estate), "--out", str(tmp_path / "out")]) == 0
