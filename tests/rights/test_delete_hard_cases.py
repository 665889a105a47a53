"""`ccpa delete` on copies of the demo estate changed to hold harder cases: a table kept whole under
an exemption, a third party the data is shared with, another consumer's text that mentions the
consumer, and another's text holding an identifier that merely contains the consumer's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.rights.changes.deletion_plan import REDACTED
from tests.rights.deletion_runs import (
    ScannedEstate,
    customer_identifiers,
    delete,
    email_of,
    only_report,
    scanned_estate,
)
from tests.rights.snapshots import TableRows, differences, estate_snapshot, occurrences

CUSTOMER = 10  # a CRM contact, invoices and payments kept under legal_obligation


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> ScannedEstate:
    return scanned_estate(tmp_path_factory.mktemp("delete-cases"), consumers=120, days=3)


@pytest.fixture
def estate(pristine: ScannedEstate, tmp_path: Path) -> Path:
    return pristine.copy(tmp_path / "estate")


def deleted(estate: Path, pristine: ScannedEstate, out: Path) -> int:
    return delete(estate, email_of(estate.parent, CUSTOMER), out, pristine.inventory)


def amend_store(estate: Path, store: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Change one store's entry of the estate file (a copy's)."""
    document = yaml.safe_load(estate.read_text(encoding="utf-8"))
    change(document["stores"][store])
    estate.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


RETAIN_ACCOUNTS = {"table": "accounts", "exemption": "security", "action": "retain", "note": "fraud checks"}


def test_a_table_retained_under_an_exemption_names_it(
    estate: Path, pristine: ScannedEstate, tmp_path: Path
) -> None:
    amend_store(estate, "billing", lambda store: store["exemptions"].append(RETAIN_ACCOUNTS))
    deleted(estate, pristine, tmp_path / "out")
    tables = only_report(tmp_path / "out")["tables"]
    (accounts,) = [t for t in tables if t["table"] == "accounts"]
    assert (accounts["action"], accounts["exemption"]) == ("retained", "security")


def test_rows_retained_under_an_exemption_are_not_residue(
    estate: Path, pristine: ScannedEstate, tmp_path: Path
) -> None:
    amend_store(estate, "billing", lambda store: store["exemptions"].append(RETAIN_ACCOUNTS))
    code = deleted(estate, pristine, tmp_path / "out")
    verification = only_report(tmp_path / "out")["verification"]
    assert (verification["zero_residue"], verification["residue"]) == (True, [])
    assert {r["table"] for r in verification["retained_under_exemption"]} == {"accounts"}
    assert code == 0


def test_third_parties_are_notified(estate: Path, pristine: ScannedEstate, tmp_path: Path) -> None:
    amend_store(estate, "crm", lambda store: store["shared_with"].update(third_parties=["ad network"]))
    assert deleted(estate, pristine, tmp_path / "out") == 0
    notices = only_report(tmp_path / "out")["notices"]
    assert ("ad network", "crm") in {(n["recipient"], n["store"]) for n in notices}


def test_another_consumers_text_holding_a_longer_identifier_is_untouched(
    estate: Path, pristine: ScannedEstate, tmp_path: Path
) -> None:
    email = email_of(estate.parent, CUSTOMER).lower()
    other = f"jo{email}"  # someone else's address that merely ends with the consumer's
    with closing(sqlite3.connect(estate.parent / "crm.db")) as crm, crm:
        contact, own = another_contact(crm, email)
        crm.execute("UPDATE contacts SET email = ? WHERE id = ?", (other, contact))
        crm.execute(
            "UPDATE tickets SET body = replace(body, ?, ?) WHERE contact_id = ?", (own, other, contact)
        )
    before = estate_snapshot(estate)
    assert deleted(estate, pristine, tmp_path / "out") == 0
    after = estate_snapshot(estate)
    theirs = {"crm.contacts": "id", "crm.tickets": "contact_id"}
    old, new = ({t: s[t].only(c, {contact}) for t, c in theirs.items()} for s in (before, after))
    assert old["crm.tickets"].rows and differences(old, new) == {}


def another_contact(crm: sqlite3.Connection, email: str) -> tuple[int, str]:
    """A contact other than the consumer (by email) whose ticket quotes their own email: id, email."""
    found: tuple[int, str] = crm.execute(
        "SELECT k.id, k.email FROM contacts k JOIN tickets t ON t.contact_id = k.id "
        "WHERE instr(t.body, k.email) > 0 AND lower(k.email) != ? ORDER BY k.id LIMIT 1",
        (email.lower(),),
    ).fetchone()
    return found


def test_a_mention_in_another_consumers_ticket_is_redacted_and_the_rest_kept(
    estate: Path, pristine: ScannedEstate, tmp_path: Path
) -> None:
    identifiers = customer_identifiers(estate.parent, CUSTOMER)
    email, imsi = identifiers["email"][0].upper(), identifiers["imsi"][0]
    with closing(sqlite3.connect(estate.parent / "crm.db")) as crm, crm:
        contact, _ = another_contact(crm, email)
        (ticket,) = crm.execute("SELECT min(id) FROM tickets WHERE contact_id = ?", (contact,)).fetchone()
        note = f" My colleague {email} has the same problem on IMSI {imsi}."
        crm.execute("UPDATE tickets SET body = body || ? WHERE id = ?", (note, ticket))
    before = estate_snapshot(estate)
    assert deleted(estate, pristine, tmp_path / "out") == 0
    after = estate_snapshot(estate)

    rows = before["crm.tickets"].only("contact_id", {contact})
    body = rows.columns.index("body")
    redacted = tuple(
        (*row[:body], str(row[body]).replace(email, REDACTED).replace(imsi, REDACTED), *row[body + 1 :])
        for row in rows.rows
    )
    expected = {"crm.tickets": TableRows(rows.columns, redacted)}
    assert differences(expected, {"crm.tickets": after["crm.tickets"].only("contact_id", {contact})}) == {}
    assert occurrences(after, identifiers) == {}
    report = only_report(tmp_path / "out")
    assert {"table": "tickets", "action": "redacted", "rows": 1} in [
        {k: t[k] for k in ("table", "action", "rows")} for t in report["tables"]
    ]
