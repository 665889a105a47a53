"""`ccpa delete` on a small demo estate: the consumer is gone, everyone else is untouched.

Each test deletes from its own copy of an estate built and scanned once for the module.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from connectors import load_estate
from pipelines.rights.changes.suppression import is_suppressed
from tests.rights.deletion_runs import (
    ScannedEstate,
    customer_identifiers,
    delete,
    email_of,
    files_holding,
    leaked,
    only_report,
    reports,
    scanned_estate,
)
from tests.rights.snapshots import differences, estate_snapshot, file_states, occurrences, without_rows
from tests.rights.truth import KEYS, consumer_rows

# 10: a CRM contact with a ticket, a card and an IBAN, two SIMs; 75: two tickets naming their SIM,
# an IBAN and a card; 8: no CRM contact, an email in mixed case.
CUSTOMERS = [10, 75, 8]
EXEMPT = {"invoices": ("amount", "currency", "issued_at"), "payments": ("amount", "currency", "paid_at")}
SHARED = {"billing.plans", "device_logs.cell_towers"}
# Tables whose rows of the customer stay (deidentified): exempt, or referred to by an exempt row.
EXEMPTED_OR_PINNED = {"billing.invoices", "billing.payments", "billing.customers", "billing.payment_methods"}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> ScannedEstate:
    return scanned_estate(tmp_path_factory.mktemp("delete"), consumers=120, days=3)


@pytest.fixture
def estate(pristine: ScannedEstate, tmp_path: Path) -> Path:
    return pristine.copy(tmp_path / "estate")


def deleted(estate: Path, pristine: ScannedEstate, customer: int, out: Path, *options: str) -> int:
    return delete(estate, email_of(estate.parent, customer), out, pristine.inventory, *options)


@pytest.mark.parametrize("customer", CUSTOMERS)
def test_no_identifier_of_the_consumer_remains(
    estate: Path, pristine: ScannedEstate, customer: int, tmp_path: Path
) -> None:
    identifiers = customer_identifiers(estate.parent, customer)
    truth = consumer_rows(estate.parent, customer)
    before = estate_snapshot(estate)
    found = {kind for kinds in occurrences(before, identifiers).values() for kind in kinds}
    assert found == set(identifiers)  # the search does find every one of them before

    assert deleted(estate, pristine, customer, tmp_path / "out") == 0
    after = estate_snapshot(estate)
    assert occurrences(after, identifiers) == {}
    assert only_report(tmp_path / "out")["verification"] == {
        "zero_residue": True,
        "residue": [],
        "retained_under_exemption": [],
    }

    # invoices and payments are kept under legal_obligation, amounts and dates as they were
    for table, kept in EXEMPT.items():
        keys = truth[f"billing.{table}"]
        was = before[f"billing.{table}"].records("id", keys)
        now = after[f"billing.{table}"].records("id", keys)
        assert len(now) == len(keys)
        assert [{c: r[c] for c in ("id", *kept)} for r in now] == [
            {c: r[c] for c in ("id", *kept)} for r in was
        ]
    # ... still linked to the customer row, which is there with its name, email and phone masked
    invoices = after["billing.invoices"].records("id", truth["billing.invoices"])
    assert {r["customer_id"] for r in invoices} == {customer}
    (old,) = before["billing.customers"].records("id", {customer})
    (new,) = after["billing.customers"].records("id", {customer})
    for column in ("first_name", "last_name", "email", "phone", "street_address", "date_of_birth"):
        assert new[column] is None or new[column] != old[column], column


@pytest.mark.parametrize("customer", CUSTOMERS)
def test_every_other_consumers_rows_and_files_are_untouched(
    estate: Path, pristine: ScannedEstate, customer: int, tmp_path: Path
) -> None:
    truth = consumer_rows(estate.parent, customer)
    logs = estate.parent / "device_logs"
    holding = files_holding(logs, customer_identifiers(estate.parent, customer)["imsi"])
    before, files_before = estate_snapshot(estate), file_states(logs)
    assert holding and set(files_before) - holding  # some log files hold the customer, some do not

    assert deleted(estate, pristine, customer, tmp_path / "out") == 0
    after, files_after = estate_snapshot(estate), file_states(logs)

    assert differences(without_rows(before, truth, KEYS), without_rows(after, truth, KEYS)) == {}
    for table, keys in truth.items():  # the customer's own rows are gone, or kept deidentified
        column = KEYS.get(table, "id")
        remaining = set(after[table].column(column)) & keys
        assert remaining <= (keys if table in EXEMPTED_OR_PINNED else set()), table
    changed = {path for path in files_before if files_after.get(path) != files_before[path]}
    assert changed == holding  # bytes and mtime of every other file as they were
    applied = only_report(tmp_path / "out")["applied"]
    rewritten = {path for result in applied["device_logs"] for path in result["files_rewritten"]}
    assert rewritten == holding


def test_a_dry_run_changes_nothing_and_plans_per_table(
    estate: Path, pristine: ScannedEstate, tmp_path: Path
) -> None:
    customer, out = CUSTOMERS[0], tmp_path / "out"
    before, files_before = estate_snapshot(estate), file_states(estate.parent)
    assert deleted(estate, pristine, customer, out, "--dry-run") == 0
    assert differences(before, estate_snapshot(estate)) == {}
    assert file_states(estate.parent) == files_before
    plan = only_report(out, plan=True)
    path = out / f"deletion-{plan['request_id']}-plan.json"
    assert list(out.iterdir()) == [path]  # no report, journal, notice or suppression entry
    assert plan["dry_run"] is True and plan["verification"] is None
    actions: dict[str, set[tuple[str, str | None]]] = {}
    rows: dict[str, int] = {}
    for entry in plan["tables"]:
        table = f"{entry['store']}.{entry['table']}"
        actions.setdefault(table, set()).add((entry["action"], entry["exemption"]))
        rows[table] = rows.get(table, 0) + entry["rows"]
    truth = consumer_rows(estate.parent, customer)
    assert actions["billing.invoices"] == {("deidentify", "legal_obligation")}
    assert actions["billing.payments"] == {("deidentify", "legal_obligation")}
    assert actions["billing.customers"] == {("deidentify", None)}
    for table in set(truth) - EXEMPTED_OR_PINNED:
        assert actions[table] == {("delete", None)}, table
    for table in SHARED:
        assert actions[table] == {("retained", None)}, table
    assert {table: rows[table] for table in truth} == {table: len(keys) for table, keys in truth.items()}
    assert set(actions) == set(truth) | SHARED
    assert leaked(path, customer_identifiers(estate.parent, customer)) == []


def test_a_second_run_changes_nothing(estate: Path, pristine: ScannedEstate, tmp_path: Path) -> None:
    customer, out = CUSTOMERS[0], tmp_path / "out"
    identifiers = customer_identifiers(estate.parent, customer)
    email = identifiers["email"][0]
    assert delete(estate, email, out, pristine.inventory) == 0
    once, files_once = estate_snapshot(estate), file_states(estate.parent)

    assert delete(estate, email.upper(), out, pristine.inventory) == 0
    assert differences(once, estate_snapshot(estate)) == {}
    assert file_states(estate.parent) == files_once
    first, second = reports(out)
    assert second["request_id"] != first["request_id"]
    assert second["verification"] == {"zero_residue": True, "residue": [], "retained_under_exemption": []}
    assert [t for t in second["tables"] if t["action"] != "retained"] == []
    assert occurrences(once, identifiers) == {}


def test_the_report_names_exemptions_shared_rows_notices_and_suppression(
    estate: Path, pristine: ScannedEstate, tmp_path: Path
) -> None:
    customer, out = CUSTOMERS[0], tmp_path / "out"
    identifiers = customer_identifiers(estate.parent, customer)
    assert deleted(estate, pristine, customer, out) == 0
    report = only_report(out)
    tables = report["tables"]
    exemptions = {(t["table"], t["exemption"]) for t in tables if t["exemption"]}
    assert exemptions == {("invoices", "legal_obligation"), ("payments", "legal_obligation")}
    retained = {f"{t['store']}.{t['table']}" for t in tables if t["action"] == "retained"}
    assert retained == SHARED
    assert all(t["reason"] for t in tables)

    # a notice per recipient the estate shares each touched store with, as JSON and as text
    expected = {
        (name, store)
        for store, config in load_estate(estate).stores.items()
        for names in config.shared_with.values()
        for name in names
    }
    notices = report["notices"]
    assert {(n["recipient"], n["store"]) for n in notices} == expected
    for notice in notices:
        document = json.loads((out / notice["file"]).read_text(encoding="utf-8"))
        assert (document["to"], document["data"]["store"]) == (notice["recipient"], notice["store"])
        assert document["request_id"] == report["request_id"]
        assert (out / notice["file"]).with_suffix(".txt").is_file()

    # suppression: salted hashes only; no raw identifier in the list, the request log or the report
    entries = [json.loads(line) for line in (out / "suppression.jsonl").read_text().splitlines()]
    assert len(entries) == report["suppression_entries_added"] > 0
    assert all(re.fullmatch("[0-9a-f]{64}", e["sha256"]) for e in entries)
    for kind in ("email", "phone", "imsi", "iccid", "imei", "login name"):
        assert all(is_suppressed(out, value) for value in identifiers[kind]), kind
    assert is_suppressed(out, identifiers["email"][0].upper())
    assert not is_suppressed(out, email_of(estate.parent, CUSTOMERS[1]))
    for name in ("suppression.jsonl", "requests.jsonl", f"deletion-{report['request_id']}.json"):
        assert leaked(out / name, identifiers) == [], name
