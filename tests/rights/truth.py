"""What the demo estate holds for one customer, computed straight from its files (the generator's truth)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.dataset as ds


def ids(db: Path, query: str, *args: object) -> set[object]:
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute(query, args)}


def consumer_rows(root: Path, customer_id: int) -> dict[str, set[object]]:
    """Per table, the key of every row that is this customer's (logs: their session/sms/event ids)."""
    billing, crm = root / "billing.db", root / "crm.db"
    email = ids(billing, "SELECT lower(email) FROM customers WHERE id = ?", customer_id).pop()
    sims = ids(billing, "SELECT id FROM sims WHERE customer_id = ?", customer_id)
    imsis = ids(billing, "SELECT imsi FROM sims WHERE customer_id = ?", customer_id)
    invoices = ids(billing, "SELECT id FROM invoices WHERE customer_id = ?", customer_id)
    contacts = ids(crm, "SELECT id FROM contacts WHERE lower(email) = ?", email)
    marks = ",".join("?" * len(sims)) or "NULL"
    inv_marks = ",".join("?" * len(invoices)) or "NULL"
    con_marks = ",".join("?" * len(contacts)) or "NULL"
    truth = {
        "billing.customers": {customer_id},
        "billing.accounts": ids(billing, "SELECT id FROM accounts WHERE customer_id = ?", customer_id),
        "billing.payment_methods": ids(
            billing, "SELECT id FROM payment_methods WHERE customer_id = ?", customer_id
        ),
        "billing.sims": sims,
        "billing.subscriptions": ids(
            billing, "SELECT id FROM subscriptions WHERE customer_id = ?", customer_id
        ),
        "billing.devices": ids(billing, f"SELECT id FROM devices WHERE sim_id IN ({marks})", *sims),
        "billing.invoices": invoices,
        "billing.payments": ids(
            billing, f"SELECT id FROM payments WHERE invoice_id IN ({inv_marks})", *invoices
        ),
        "crm.contacts": contacts,
        "crm.tickets": ids(crm, f"SELECT id FROM tickets WHERE contact_id IN ({con_marks})", *contacts),
        "crm.segments": ids(
            crm, f"SELECT contact_id FROM segments WHERE contact_id IN ({con_marks})", *contacts
        ),
        "crm.web_visits": ids(crm, f"SELECT id FROM web_visits WHERE contact_id IN ({con_marks})", *contacts),
    }
    for table, key in (("sessions", "session_id"), ("sms", "sms_id"), ("api_events", "event_id")):
        logs = ds.dataset(root / "device_logs" / table, format="parquet", partitioning="hive")
        found = logs.to_table(columns=[key], filter=pc.field("imsi").isin(list(imsis)))
        truth[f"device_logs.{table}"] = set(found.column(key).to_pylist())
    return {table: keys for table, keys in truth.items() if keys}


KEYS = {
    "device_logs.sessions": "session_id",
    "device_logs.sms": "sms_id",
    "device_logs.api_events": "event_id",
    "crm.segments": "contact_id",
}
