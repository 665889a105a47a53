"""Every reference in the demo estate points at a row that exists, across stores too."""

from __future__ import annotations

import math

import pytest

from pipelines.demo_estate.places import CITIES
from tests.demo_estate.conftest import BuiltEstate


def test_billing_foreign_keys_hold(built: BuiltEstate) -> None:
    assert built.sql("billing", "PRAGMA foreign_key_check") == []
    declared = built.sql("billing", "SELECT count(*) FROM pragma_foreign_key_list('payments')")
    assert declared == [(2,)]


def test_crm_declares_no_foreign_keys(built: BuiltEstate) -> None:
    tables = [t for (t,) in built.sql("crm", "SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert sorted(tables) == ["contacts", "products", "segments", "tickets", "web_visits"]
    for table in tables:
        assert built.sql("crm", f"SELECT count(*) FROM pragma_foreign_key_list('{table}')") == [(0,)]


@pytest.mark.parametrize(
    ("log", "column", "table", "target"),
    [
        ("sessions", "imsi", "sims", "imsi"),
        ("sessions", "imei", "devices", "imei"),
        ("sms", "imsi", "sims", "imsi"),
        ("api_events", "imsi", "sims", "imsi"),
    ],
)
def test_device_logs_refer_to_billing(
    built: BuiltEstate, log: str, column: str, table: str, target: str
) -> None:
    values = set(built.log(log)[column].to_pylist())
    assert values and values <= set(built.column("billing", table, target))


def test_sessions_pair_each_imsi_with_its_device(built: BuiltEstate) -> None:
    device_of = dict(
        built.sql("billing", "SELECT s.imsi, d.imei FROM sims s JOIN devices d ON d.sim_id = s.id")
    )
    sessions = built.log("sessions")
    assert all(
        device_of[s] == d
        for s, d in zip(sessions["imsi"].to_pylist(), sessions["imei"].to_pylist(), strict=True)
    )


def test_api_events_name_the_sims_owner(built: BuiltEstate) -> None:
    events = built.log("api_events")
    owner_of: dict[str, str] = {}
    for imsi, operator in zip(events["imsi"].to_pylist(), events["operator_id"].to_pylist(), strict=True):
        assert owner_of.setdefault(imsi, operator) == operator
    assert all(len(op) == 12 and op.startswith("OP") for op in owner_of.values())


def test_cells_of_sessions_are_in_the_catalogue(built: BuiltEstate) -> None:
    towers = set(built.log("cell_towers")["cell_id"].to_pylist())
    assert set(built.log("sessions")["cell_id"].to_pylist()) <= towers


def test_devices_are_near_their_owners_city(built: BuiltEstate) -> None:
    centre = {c.name: (c.lat, c.lon) for c in CITIES}
    city_of = dict(
        built.sql("billing", "SELECT s.imsi, c.city FROM sims s JOIN customers c ON c.id = s.customer_id")
    )
    sessions = built.log("sessions").to_pylist()
    near = 0
    for s in sessions:
        lat, lon = centre[city_of[s["imsi"]]]
        near += math.hypot(s["lat"] - lat, (s["lon"] - lon) * math.cos(math.radians(lat))) < 0.5
    assert near > 0.9 * len(sessions)


def test_payments_settle_their_customers_invoices(built: BuiltEstate) -> None:
    mismatched = built.sql(
        "billing",
        "SELECT count(*) FROM payments p JOIN invoices i ON i.id = p.invoice_id"
        " JOIN payment_methods m ON m.id = p.payment_method_id"
        " WHERE m.customer_id != i.customer_id OR p.amount != i.amount OR p.paid_at < i.issued_at"
        " OR p.method != m.method",
    )
    assert mismatched == [(0,)]
    assert built.sql(
        "billing",
        "SELECT count(*) FROM payments p LEFT JOIN invoices i ON i.id = p.invoice_id WHERE i.id IS NULL",
    ) == [(0,)]


@pytest.mark.parametrize("table", ["tickets", "segments", "web_visits"])
def test_crm_rows_refer_to_contacts(built: BuiltEstate, table: str) -> None:
    contacts = set(built.column("crm", "contacts", "id"))
    referenced = set(built.column("crm", table, "contact_id"))
    assert referenced and referenced <= contacts


def test_crm_contacts_are_most_customers_plus_prospects(built: BuiltEstate) -> None:
    customers = {str(e).lower() for e in built.column("billing", "customers", "email")}
    contacts = [str(e) for e in built.column("crm", "contacts", "email")]
    known = sum(e in customers for e in contacts)
    assert 0.78 * len(customers) < known < 0.92 * len(customers)
    assert 0.05 * len(customers) < len(contacts) - known < 0.15 * len(customers)


def test_console_pages_show_the_visitors_own_sims(built: BuiltEstate) -> None:
    own = set(
        built.sql(
            "billing", "SELECT lower(c.email), s.imsi FROM sims s JOIN customers c ON c.id = s.customer_id"
        )
    )
    visits = built.sql(
        "crm",
        "SELECT c.email, v.url_path FROM web_visits v JOIN contacts c ON c.id = v.contact_id"
        " WHERE v.url_path LIKE '/console/sims/%'",
    )
    assert visits and all((email, path.rsplit("/", 1)[1]) in own for email, path in visits)
