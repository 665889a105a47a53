"""A demo customer's identifier of every identity kind, and packages compared table by table.

Asked by an identifier of one of their SIMs or devices, a request is about the person: the package
must equal the one asked by their email. The SIM chosen is their last one, so that the package by
its IMSI proves their other SIMs (and those SIMs' sessions) are found too.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

from pipelines.rights.records.identity import ENTITIES

# the stored phone +1AAABBBCCCC asked as a consumer writes it: (AAA) BBB-CCCC
NATIONAL = "({}) {}-{}"


def identifiers(root: Path, customer: int) -> dict[str, str]:
    """Per identity kind (every key of ENTITIES), one of the customer's identifiers, read from SQLite."""
    with sqlite3.connect(root / "billing.db") as billing:
        email, phone = billing.execute(
            "SELECT email, phone FROM customers WHERE id = ?", (customer,)
        ).fetchone()
        sim, imsi, iccid, msisdn = billing.execute(
            "SELECT id, imsi, iccid, msisdn FROM sims WHERE customer_id = ? ORDER BY id DESC", (customer,)
        ).fetchone()
        (imei,) = billing.execute(
            "SELECT imei FROM devices WHERE sim_id IN (SELECT id FROM sims WHERE customer_id = ?)",
            (customer,),
        ).fetchone()
        (login,) = billing.execute(
            "SELECT login_name FROM accounts WHERE customer_id = ?", (customer,)
        ).fetchone()
    digits = phone.removeprefix("+1")
    found = {
        "email": email,
        "phone": NATIONAL.format(digits[:3], digits[3:6], digits[6:]),
        "imsi": imsi,
        "iccid": iccid,
        "msisdn": msisdn,
        "customer_id": str(customer),
        "imei": imei,
        "login_name": login,
    }
    assert set(found) == set(ENTITIES) and sim
    return found


def with_several_sims(root: Path, count: int) -> list[int]:
    """Customers holding two SIMs or more, each with a device and an account."""
    with sqlite3.connect(root / "billing.db") as billing:
        rows = billing.execute(
            "SELECT customer_id FROM sims WHERE id IN (SELECT sim_id FROM devices) "
            "AND customer_id IN (SELECT customer_id FROM accounts) "
            "GROUP BY customer_id HAVING count(*) >= 2 ORDER BY customer_id"
        ).fetchall()
    assert len(rows) >= count
    return [customer for (customer,) in rows[:: max(1, len(rows) // count)][:count]]


def option(kind: str) -> str:
    return "--" + kind.replace("_", "-")


def package_tables(out: Path) -> dict[str, list[str]]:
    """The only package in `out`: per table, its rows as canonical JSON, sorted (never printed)."""
    (path,) = out.glob("access-*.zip")
    with zipfile.ZipFile(path) as archive:
        tables = {}
        for member in archive.namelist():
            if member.startswith("data/") and member.endswith(".json"):
                store, name = member.removeprefix("data/").removesuffix(".json").split("/", 1)
                rows = json.loads(archive.read(member))
                tables[f"{store}.{name}"] = sorted(json.dumps(row, sort_keys=True) for row in rows)
        counts = json.loads(archive.read("manifest.json"))["counts"]
    assert {t for t, n in counts.items() if n} == set(tables)
    return tables


def differing(by_kind: dict[str, list[str]], by_email: dict[str, list[str]]) -> dict[str, str]:
    """Tables whose rows differ, with counts only: a failure prints no personal data."""
    return {
        table: f"{len(by_kind.get(table, []))} rows, by email {len(by_email.get(table, []))}"
        for table in sorted(by_kind.keys() | by_email.keys())
        if by_kind.get(table) != by_email.get(table)
    }
