"""A small demo estate scanned once and copied per test, `ccpa delete` runs on it, and what a
customer of it holds (their identifiers, read straight from the SQLite files the generator wrote)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from pipelines.cli import main
from pipelines.demo_estate import DemoEstate, build_demo_estate

AS_OF = dt.date(2026, 11, 1)
SEED = 21
# What identifies a customer, per kind: (database, query by customer id). Contacts match by email.
IDENTIFIER_QUERIES = {
    "email": ("billing", "SELECT email FROM customers WHERE id = ?"),
    "phone": ("billing", "SELECT phone FROM customers WHERE id = ?"),
    "login name": ("billing", "SELECT login_name FROM accounts WHERE customer_id = ?"),
    "password hash": ("billing", "SELECT password_hash FROM accounts WHERE customer_id = ?"),
    "card number": ("billing", "SELECT card_number FROM payment_methods WHERE customer_id = ?"),
    "iban": ("billing", "SELECT iban FROM payment_methods WHERE customer_id = ?"),
    "iccid": ("billing", "SELECT iccid FROM sims WHERE customer_id = ?"),
    "imsi": ("billing", "SELECT imsi FROM sims WHERE customer_id = ?"),
    "msisdn": ("billing", "SELECT msisdn FROM sims WHERE customer_id = ?"),
    "imei": (
        "billing",
        "SELECT imei FROM devices WHERE sim_id IN (SELECT id FROM sims WHERE customer_id = ?)",
    ),
    "contact email": ("crm", "SELECT email FROM contacts WHERE lower(email) = ?"),
    "contact phone": ("crm", "SELECT phone FROM contacts WHERE lower(email) = ?"),
    "sns handle": ("crm", "SELECT sns_handle FROM contacts WHERE lower(email) = ?"),
}


@dataclass(frozen=True)
class ScannedEstate:
    """A pristine demo estate and its inventory (kept outside the estate's folder)."""

    estate: DemoEstate
    inventory: Path

    def copy(self, folder: Path) -> Path:
        """A fresh copy of the estate (deletion changes it); returns its estate file."""
        shutil.copytree(self.estate.root, folder)
        return folder / self.estate.estate_file.name


def scanned_estate(
    folder: Path, consumers: int, days: int, billing_url: str | None = None, crm_url: str | None = None
) -> ScannedEstate:
    """Build the demo estate in `folder/estate` (billing and the CRM on a server when given their
    URLs) and scan it once into `folder/inventory`."""
    built = build_demo_estate(
        folder / "estate",
        consumers=consumers,
        days=days,
        seed=SEED,
        as_of=AS_OF,
        billing_url=billing_url,
        crm_url=crm_url,
    )
    inventory = folder / "inventory"
    assert main(["scan", "--estate", str(built.estate_file), "--out", str(inventory)]) == 0
    return ScannedEstate(built, inventory)


def delete(estate_file: Path, email: str, out: Path, inventory: Path, *options: str) -> int:
    arguments = ["--estate", str(estate_file), "--email", email, "--out", str(out)]
    return main(["delete", *arguments, "--inventory", str(inventory), *options])


def reports(out: Path, plan: bool = False) -> list[dict[str, Any]]:
    """Every deletion report (or dry-run plan) in `out`, oldest first."""
    paths = [p for p in out.glob("deletion-*.json") if p.stem.endswith("-plan") == plan]
    paths.sort(key=lambda p: p.stat().st_mtime_ns)  # two runs can share generated_at's second
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def only_report(out: Path, plan: bool = False) -> dict[str, Any]:
    (document,) = reports(out, plan)
    return document


def customer_identifiers(root: Path, customer: int) -> dict[str, list[str]]:
    """Per kind, every identifier of the customer in the SQLite stores of a demo estate at `root`."""
    found: dict[str, list[str]] = {}
    email = ""
    for kind, (store, query) in IDENTIFIER_QUERIES.items():
        with sqlite3.connect(root / f"{store}.db") as conn:
            rows = conn.execute(query, (email.lower() if store == "crm" else customer,)).fetchall()
        found[kind] = sorted({str(value) for (value,) in rows if value})
        if kind == "email":
            (email,) = found[kind]
    return {kind: values for kind, values in found.items() if values}


def leaked(path: Path, identifiers: dict[str, list[str]]) -> list[str]:
    """The kinds of identifier whose value is in the file, in any case (never the values)."""
    text = path.read_text(encoding="utf-8").lower()
    return [kind for kind, values in identifiers.items() if any(v.lower() in text for v in values)]


def email_of(root: Path, customer: int) -> str:
    return customer_identifiers(root, customer)["email"][0]


def files_holding(folder: Path, imsis: list[str]) -> set[str]:
    """The Parquet files under `folder` with a row of one of these IMSIs (relative paths)."""
    holding = set()
    for path in folder.rglob("*.parquet"):
        data = pq.read_table(path)
        if "imsi" in data.column_names and set(data.column("imsi").to_pylist()) & set(imsis):
            holding.add(str(path.relative_to(folder)))
    return holding
