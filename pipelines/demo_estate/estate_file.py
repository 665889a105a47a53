"""estate.yaml for the demo: the three stores, what the business says about them, and the links.

Paths and SQLite URLs are relative to the estate file's folder, so the folder can be moved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

BILLING_DB, CRM_DB, DEVICE_LOGS = "billing.db", "crm.db", "device_logs"
GROUP = ["Soracom, Inc. (Japan)", "Soracom Corporation, Ltd. (UK)"]

LINKS = [
    "billing.accounts.customer_id -> billing.customers.id",
    "billing.payment_methods.customer_id -> billing.customers.id",
    "billing.sims.customer_id -> billing.customers.id",
    "billing.subscriptions.customer_id -> billing.customers.id",
    "billing.subscriptions.plan_id -> billing.plans.id",
    "billing.subscriptions.sim_id -> billing.sims.id",
    "billing.devices.sim_id -> billing.sims.id",
    "billing.invoices.customer_id -> billing.customers.id",
    "billing.payments.invoice_id -> billing.invoices.id",
    "billing.payments.payment_method_id -> billing.payment_methods.id",
    "device_logs.sessions.imsi -> billing.sims.imsi",
    "device_logs.sessions.imei -> billing.devices.imei",
    "device_logs.sessions.cell_id -> device_logs.cell_towers.cell_id",
    "device_logs.sms.imsi -> billing.sims.imsi",
    "device_logs.api_events.imsi -> billing.sims.imsi",
    "crm.contacts.email = billing.customers.email",
    "crm.tickets.contact_id -> crm.contacts.id",
    "crm.segments.contact_id -> crm.contacts.id",
    "crm.web_visits.contact_id -> crm.contacts.id",
]


def _billing(url: str) -> dict[str, Any]:
    return {
        "kind": "sql",
        "url": url,
        "source": "the consumer, at sign-up and in the console",
        "purposes": [
            "provide and bill the connectivity service",
            "process payments",
            "secure consumers' accounts",
            "comply with tax and accounting law",
        ],
        "shared_with": {
            "group_entities": list(GROUP),
            "service_providers": ["payment processor", "cloud hosting provider"],
        },
        "event_time": {"invoices": "issued_at", "payments": "paid_at"},
        "exemptions": [
            {
                "table": table,
                "exemption": "legal_obligation",
                "action": "deidentify",
                "columns": ["amount", "currency", time],
                "note": "tax records kept 7 years",
            }
            for table, time in (("invoices", "issued_at"), ("payments", "paid_at"))
        ],
    }


def _device_logs() -> dict[str, Any]:
    return {
        "kind": "files",
        "path": DEVICE_LOGS,
        "format": "parquet",
        "source": "the consumer's devices, through our network",
        "purposes": [
            "provide the connectivity service",
            "operate, troubleshoot and secure the network",
            "usage-based billing",
            "detect fraud and abuse",
        ],
        "shared_with": {
            "group_entities": list(GROUP),
            "contractors": ["network operations contractor"],
            "service_providers": ["cloud hosting provider"],
        },
        "event_time": {"sessions": "started_at", "sms": "sent_at", "api_events": "at"},
    }


def _crm(url: str) -> dict[str, Any]:
    return {
        "kind": "sql",
        "url": url,
        "source": "the consumer, support and marketing interactions",
        "purposes": ["customer support", "marketing our products and services", "improve our services"],
        "shared_with": {
            "group_entities": list(GROUP),
            "service_providers": ["CRM vendor", "email delivery service", "web analytics provider"],
        },
        "event_time": {"tickets": "opened_at", "web_visits": "visited_at"},
    }


def write_estate_file(root: Path, billing_url: str | None, crm_url: str | None) -> Path:
    """Write root/estate.yaml; SQLite databases in `root` when no URL is given."""
    estate = {
        "stores": {
            "billing": _billing(billing_url or f"sqlite:///{BILLING_DB}"),
            "device_logs": _device_logs(),
            "crm": _crm(crm_url or f"sqlite:///{CRM_DB}"),
        },
        "identity": ["email", "phone", "customer_id", "imsi", "iccid"],
        "links": LINKS,
    }
    path = root / "estate.yaml"
    header = "# The demo estate: synthetic data of an IoT connectivity provider (ccpa demo).\n"
    path.write_text(header + yaml.safe_dump(estate, sort_keys=False, width=110), encoding="utf-8")
    return path
