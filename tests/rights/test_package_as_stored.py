"""The package gives the consumer's records as stored, and their own records as theirs.

A files store: customers in CSV (postal codes with leading zeros, exact decimals), JSON-lines
orders holding a nested document, and JSON-lines notes where each customer's note also names a
friend. The consumer's own values keep their stored form; their own email inside
a stranger's note is not cut to `cust7@[redacted]`, while the stranger's email is redacted whole.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from pipelines.cli import main

PEOPLE = range(1, 9)


def _email(person: int) -> str:
    return f"cust{person}@example.com"


def _friend(person: int) -> int:
    return person % len(PEOPLE) + 1


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("as_stored")
    files = root / "files"
    files.mkdir()
    lines = ["customer_id,email,full_name,postal_code,balance"]
    lines += [f"{i},{_email(i)},Person {i} Smith,0{2130 + i},{i}.10" for i in PEOPLE]
    (files / "customers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    orders = [
        {"order_id": 100 + i, "customer_id": i, "contact": {"email": _email(i), "zip": f"0213{i}"}}
        for i in PEOPLE
    ]
    (files / "orders.jsonl").write_text("".join(json.dumps(o) + "\n" for o in orders), encoding="utf-8")
    notes = [
        {
            "note_id": 200 + i,
            "email": _email(i),
            "note": f"Customer {_email(i)} asked about the plan, friend of {_email(_friend(i))}",
        }
        for i in PEOPLE
    ]
    (files / "notes.jsonl").write_text("".join(json.dumps(n) + "\n" for n in notes), encoding="utf-8")
    estate_file = root / "estate.yaml"
    estate_file.write_text("stores:\n  crm:\n    kind: files\n    path: files\n", encoding="utf-8")
    assert main(["scan", "--estate", str(estate_file), "--out", str(root / "reports")]) == 0
    return estate_file


def _package(estate: Path, out: Path, person: int) -> dict[str, str]:
    assert main(["access", "--estate", str(estate), "--email", _email(person), "--out", str(out)]) == 0
    (path,) = out.glob("access-*.zip")
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_values_keep_their_stored_form(estate: Path, tmp_path: Path) -> None:
    files = _package(estate, tmp_path, 7)
    (customer,) = json.loads(files["data/crm/customers.json"])
    assert (customer["postal_code"], customer["balance"]) == ("02137", "7.10")
    assert "02137,7.10" in files["data/crm/customers.csv"]
    (order,) = json.loads(files["data/crm/orders.json"])
    assert order["contact"] == {"email": _email(7), "zip": "02137"}


def test_the_consumers_own_records_are_theirs_and_strangers_stay_redacted(
    estate: Path, tmp_path: Path
) -> None:
    files = _package(estate, tmp_path, 7)
    (own,) = json.loads(files["data/crm/notes.json"])
    assert own["note"] == f"Customer {_email(7)} asked about the plan, friend of {_email(8)}"
    (mention,) = json.loads(files["data/crm/notes.mentions.json"])
    assert mention["note"] == f"Customer [redacted] asked about the plan, friend of {_email(7)}"
    shown = "".join(text for name, text in files.items() if name != "data/crm/notes.json")
    assert "@[redacted]" not in shown and "cust6" not in shown
