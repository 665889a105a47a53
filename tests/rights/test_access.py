"""`ccpa access` on the demo estate: exactly the consumer's rows, nothing of anyone else's."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.demo_estate import DemoEstate
from pipelines.rights.packages import access
from tests.rights.truth import KEYS, consumer_rows, ids

CUSTOMERS = [3, 17, 42, 88, 131]


def email_of(estate: DemoEstate, customer: int) -> str:
    return str(ids(estate.root / "billing.db", "SELECT email FROM customers WHERE id = ?", customer).pop())


def ask(estate: DemoEstate, out: Path, *options: str) -> None:
    """`ccpa access --estate E <options> --out D` through the CLI; it must succeed."""
    assert main(["access", "--estate", str(estate.estate_file), *options, "--out", str(out)]) == 0


def ask_for(estate: DemoEstate, out: Path, customer: int, *options: str) -> None:
    """One access request for the customer, by their email as billing holds it."""
    ask(estate, out, "--email", email_of(estate, customer), *options)


def package(out: Path) -> zipfile.ZipFile:
    (path,) = out.glob("access-*.zip")
    return zipfile.ZipFile(path)


def rows(archive: zipfile.ZipFile, table: str) -> list[dict[str, object]]:
    store, name = table.split(".", 1)
    member = f"data/{store}/{name}.json"
    return json.loads(archive.read(member)) if member in archive.namelist() else []


@pytest.mark.parametrize("customer", CUSTOMERS)
def test_the_package_holds_exactly_the_consumers_rows(estate: DemoEstate, out: Path, customer: int) -> None:
    # mixed case as typed by the consumer: emails match whatever their case
    ask(estate, out, "--email", email_of(estate, customer).upper(), "--all-time")
    truth = consumer_rows(estate.root, customer)
    with package(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        for table, keys in truth.items():
            found = {row[KEYS.get(table, "id")] for row in rows(archive, table)}
            assert found == keys, table
            assert manifest["counts"][table] == len(keys)
        owned = {
            t
            for t, n in manifest["counts"].items()
            if n and t not in {"billing.plans", "device_logs.cell_towers"}
        }
        assert owned == set(truth)


def other_identifiers(estate: DemoEstate, customer: int) -> set[str]:
    billing = estate.root / "billing.db"
    with sqlite3.connect(billing) as conn:
        values = set()
        for query in (
            "SELECT email, phone FROM customers WHERE id != ?",
            "SELECT iccid, imsi FROM sims WHERE customer_id != ?",
            "SELECT card_number, iban FROM payment_methods WHERE customer_id != ?",
            "SELECT login_name, password_hash FROM accounts WHERE customer_id != ?",
        ):
            for row in conn.execute(query, (customer,)):
                values.update(str(v) for v in row if v)
    return {v for v in values if len(v) > 6}


def test_no_other_consumers_identifier_anywhere(estate: DemoEstate, out: Path) -> None:
    customer = CUSTOMERS[2]
    ask_for(estate, out, customer, "--all-time")
    others = other_identifiers(estate, customer)
    with package(out) as archive:
        blob = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace").lower()
    assert [v for v in others if v.lower() in blob] == []


def test_never_disclosed_values_are_withheld(estate: DemoEstate, out: Path) -> None:
    customer = CUSTOMERS[1]
    ask_for(estate, out, customer, "--all-time")
    billing = estate.root / "billing.db"
    cards = ids(
        billing,
        "SELECT card_number FROM payment_methods WHERE customer_id = ? AND card_number IS NOT NULL",
        customer,
    )
    ibans = ids(
        billing, "SELECT iban FROM payment_methods WHERE customer_id = ? AND iban IS NOT NULL", customer
    )
    hashes = ids(billing, "SELECT password_hash FROM accounts WHERE customer_id = ?", customer)
    with package(out) as archive:
        blob = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace")
    assert hashes and all(str(h) not in blob for h in hashes)
    assert all(str(c) not in blob and str(c)[-4:] in blob for c in cards)
    assert all(str(i) not in blob for i in ibans)


def test_manifest_categories_match_the_inventory(estate: DemoEstate, out: Path) -> None:
    customer = CUSTOMERS[0]
    ask_for(estate, out, customer, "--all-time")
    inventory = json.loads((estate.root / "reports" / "inventory.json").read_text())["columns"]
    with package(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    held = {t for t, n in manifest["counts"].items() if n}
    expected = {c["category"] for c in inventory if c["category"] and f"{c['store']}.{c['table']}" in held}
    assert set(manifest["categories"]) == expected


def test_default_period_is_the_last_twelve_months(estate: DemoEstate, out: Path) -> None:
    customer = min(
        ids(
            estate.root / "billing.db",
            """
        SELECT customer_id FROM invoices GROUP BY customer_id
        HAVING min(issued_at) < datetime('now', '-400 days') AND max(issued_at) > datetime('now', '-300 days')""",
        )
    )
    ask_for(estate, out, customer)
    recent = ids(
        estate.root / "billing.db",
        "SELECT id FROM invoices WHERE customer_id = ? AND date(issued_at) >= date('now', '-365 days')",
        customer,
    )
    everything = ids(estate.root / "billing.db", "SELECT id FROM invoices WHERE customer_id = ?", customer)
    with package(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        found = {row["id"] for row in rows(archive, "billing.invoices")}
    assert found == recent and len(everything) > len(recent)
    assert manifest["period"]["start"] is not None
    assert manifest["counts"]["billing.customers"] == 1  # a record without an event time is always included


def test_an_unknown_consumer_gets_an_empty_package(estate: DemoEstate, out: Path) -> None:
    ask(estate, out, "--email", "nobody@example.invalid", "--all-time")
    with package(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert not any(name.startswith("data/") for name in archive.namelist())
    assert sum(manifest["counts"].values()) == 0


@pytest.mark.parametrize("flag, value", [("--email", "not-an-email"), ("--imsi", "12ab"), ("--phone", "12")])
def test_malformed_identity_is_one_line_and_writes_nothing(
    estate: DemoEstate, out: Path, flag: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["access", "--estate", str(estate.estate_file), flag, value, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ccpa: error: malformed") and "\n" not in err and value not in err
    assert not out.exists()


def test_unreachable_store_is_one_line(
    estate: DemoEstate, out: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "estate.yaml"
    broken.write_text(
        estate.estate_file.read_text().replace("sqlite:///crm.db", "mysql+pymysql://root@127.0.0.1:1/crm")
    )
    (tmp_path / "billing.db").symlink_to(estate.root / "billing.db")
    (tmp_path / "device_logs").symlink_to(estate.root / "device_logs")
    code = main(
        [
            "access",
            "--estate",
            str(broken),
            "--email",
            "a@example.com",
            "--out",
            str(out),
            "--inventory",
            str(estate.root / "reports"),
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2 and "store 'crm': cannot connect" in err and "\n" not in err


@pytest.mark.parametrize("group", [None, 2], ids=["one pass", "passes of two"])
def test_batch_answers_every_request_in_one_pass(
    estate: DemoEstate, out: Path, tmp_path: Path, group: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch is read in groups (memory bounded by the group): the packages are the same."""
    if group is not None:
        monkeypatch.setattr(access, "GROUP", group)
    emails = [email_of(estate, c) for c in CUSTOMERS[:3]]
    listing = tmp_path / "emails.txt"
    listing.write_text("# requests received today\n" + "\n".join(emails) + "\n")
    ask(estate, out, "--emails", str(listing), "--all-time")
    packages = sorted(out.glob("access-*.zip"))
    assert len(packages) == 3
    for path in packages:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            customer = next(
                c for c in CUSTOMERS[:3] if email_of(estate, c).lower() == manifest["identity"]["value"]
            )
            truth = consumer_rows(estate.root, customer)
            assert {t: n for t, n in manifest["counts"].items() if t in truth} == {
                t: len(k) for t, k in truth.items()
            }


def test_the_request_log_keeps_no_identifier(estate: DemoEstate, out: Path) -> None:
    email = email_of(estate, CUSTOMERS[4])
    ask(estate, out, "--email", email)
    log = (out / "requests.jsonl").read_text()
    entry = json.loads(log.splitlines()[-1])
    assert entry["type"] == "access" and len(entry["identity_sha256"]) == 64
    assert email.lower() not in log.lower()


@pytest.mark.parametrize("how", ["--passphrase", "--passphrase-env"])
def test_a_passphrase_encrypts_the_package(
    estate: DemoEstate, out: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyzipper

    monkeypatch.setenv("ACCESS_SECRET", "correct horse battery staple")
    value = "correct horse battery staple" if how == "--passphrase" else "ACCESS_SECRET"
    ask_for(estate, out, CUSTOMERS[0], how, value)
    (path,) = out.glob("access-*.zip")
    with pyzipper.AESZipFile(path) as archive:
        with pytest.raises(RuntimeError):
            archive.read("manifest.json")
        archive.setpassword(b"correct horse battery staple")
        assert json.loads(archive.read("manifest.json"))["counts"]["billing.customers"] == 1
