"""The truth about every column of the demo estate: category, entity and sensitivity (labels.json).

Categories are the PRODUCT.md keys. Rules, applied the same way everywhere:
- Surrogate keys (`id`, foreign-key ids such as customer_id or plan_id, session/sms/event ids) are
  null: a number the business made up identifies a row, not a person, and carries no category;
  the identifiers it points to are labelled where they live.
- Status columns, catalogues (plans, products, cell_towers) and decoys are null: order_number
  (digits failing Luhn), firmware_version (looks like an IPv4), sku, mcc/mnc. payload_sha256 (a
  hex digest) is no password hash: it is a detail of the API-call log like the operation (see
  below). Device `model` is null too: it names a product shared by thousands of devices, like
  the plan catalogue; only the IMEI identifies the device.
- Date of birth is an identifier (the notice's examples list it), not a protected classification.
- login_name is an identifier (the statute's "account name"), password_hash is network activity
  (the notice's "Account information"); both are sensitive `account_login` (CPRA: a log-in together
  with its password); an email used elsewhere is not a login.
- city and state on their own are null: a place name identifies nobody, and the notice's
  geolocation is the device's location; the postal address is carried by street and postal code.
- Cookie ids are network activity: the notice names cookies in that row.
- card_number and iban: customer_records, sensitive `financial_account`; card_expiry, card_last4
  and holder_name are customer records held with them but not sensitive (no full number).
- A timestamp takes the category of the record it dates: an account's created_at/last_login_at,
  a SIM's activation, a contact's creation and every log or visit time are network_activity (the
  notice's "account information" and "use of our services"); invoice, payment and subscription
  dates are commercial (transaction history); a segment's updated_at is part of the inference.
- The hive partition column `dt` of a log dataset is the day of its event time: labelled like it.
- IP addresses are geolocation (the notice puts them there) but not precise; lat/lon and cell ids
  are sensitive `precise_geolocation` (a cell locates a device well within 1,850 ft in a city).
- Ticket bodies are free text naming the person, their email and often their SIM: identifiers.
  Ticket subjects come from a fixed list of issue titles and hold nothing personal: null.
- url_path is network_activity even when it carries an IMSI (/console/sims/<IMSI>): the column is
  web-site use; the IMSI inside is an extra entity, not its category.
- operator_id ('OP' + digits) is an internal account key, like customer_id: null.
- In an activity log (events per SIM), every descriptive column is part of the data transmission
  history: an SMS's direction, length and delivery status, an API call's operation.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TypedDict

from mappings import FREE_TEXT


class Label(TypedDict):
    category: str | None
    entity: str | None
    sensitive: bool
    sensitive_kind: str | None


def _label(category: str | None = None, entity: str | None = None, kind: str | None = None) -> Label:
    return {"category": category, "entity": entity, "sensitive": kind is not None, "sensitive_kind": kind}


NONE = _label()
LOGIN, FINANCIAL, PRECISE = "account_login", "financial_account", "precise_geolocation"


def _ident(entity: str, kind: str | None = None) -> Label:
    return _label("identifiers", entity, kind)


def _activity(entity: str) -> Label:
    return _label("network_activity", entity)


def _commercial(entity: str) -> Label:
    return _label("commercial", entity)


def _geo(entity: str, kind: str | None = None) -> Label:
    return _label("geolocation", entity, kind)


TIME = _activity("TIMESTAMP")
IMSI, IMEI = _ident("IMSI"), _ident("IMEI")

# fmt: off
LABELS: dict[str, dict[str, Label]] = {
    "billing.customers": {
        "id": NONE, "first_name": _ident("PERSON"), "last_name": _ident("PERSON"),
        "email": _ident("EMAIL_ADDRESS"), "phone": _ident("PHONE_NUMBER"),
        "street_address": _ident("STREET_ADDRESS"), "city": NONE, "state": NONE,
        "postal_code": _ident("POSTAL_CODE"), "date_of_birth": _ident("DATE_OF_BIRTH"), "created_at": TIME,
    },
    "billing.accounts": {
        "id": NONE, "customer_id": NONE, "login_name": _ident("LOGIN_NAME", LOGIN),
        "password_hash": _label("network_activity", "PASSWORD_HASH", LOGIN),
        "created_at": TIME, "last_login_at": TIME,
    },
    "billing.payment_methods": {
        "id": NONE, "customer_id": NONE, "method": _commercial("PAYMENT_METHOD"),
        "card_number": _label("customer_records", "CREDIT_CARD", FINANCIAL),
        "card_expiry": _label("customer_records", "CARD_EXPIRY"),
        "card_last4": _label("customer_records", "CARD_LAST4"),
        "iban": _label("customer_records", "IBAN_CODE", FINANCIAL),
        "holder_name": _label("customer_records", "PERSON"),
    },
    "billing.plans": {"id": NONE, "sku": NONE, "name": NONE, "monthly_fee": NONE, "data_allowance_mb": NONE},
    "billing.sims": {
        "id": NONE, "customer_id": NONE, "iccid": _ident("ICCID"), "imsi": IMSI,
        "msisdn": _ident("MSISDN"), "status": NONE, "activated_at": TIME,
    },
    "billing.subscriptions": {
        "id": NONE, "customer_id": NONE, "plan_id": NONE, "sim_id": NONE,
        "started_at": _commercial("TIMESTAMP"), "ended_at": _commercial("TIMESTAMP"), "status": NONE,
    },
    "billing.devices": {"id": NONE, "sim_id": NONE, "imei": IMEI, "model": NONE, "firmware_version": NONE},
    "billing.invoices": {
        "id": NONE, "customer_id": NONE, "order_number": NONE, "issued_at": _commercial("TIMESTAMP"),
        "amount": _commercial("MONEY_AMOUNT"), "currency": _commercial("CURRENCY"), "status": NONE,
    },
    "billing.payments": {
        "id": NONE, "invoice_id": NONE, "payment_method_id": NONE, "paid_at": _commercial("TIMESTAMP"),
        "amount": _commercial("MONEY_AMOUNT"), "currency": _commercial("CURRENCY"),
        "method": _commercial("PAYMENT_METHOD"),
    },
    "device_logs.sessions": {
        "session_id": NONE, "imsi": IMSI, "imei": IMEI, "src_ip": _geo("IP_ADDRESS"),
        "apn": _activity("APN"), "started_at": TIME, "ended_at": TIME,
        "bytes_up": _activity("DATA_VOLUME"), "bytes_down": _activity("DATA_VOLUME"),
        "cell_id": _geo("CELL_ID", PRECISE), "lat": _geo("LATITUDE", PRECISE),
        "lon": _geo("LONGITUDE", PRECISE), "dt": TIME,
    },
    "device_logs.sms": {
        "sms_id": NONE, "imsi": IMSI, "direction": _activity("SMS_DIRECTION"), "sent_at": TIME,
        "length": _activity("MESSAGE_LENGTH"), "status": _activity("USAGE_DETAIL"), "dt": TIME,
    },
    "device_logs.api_events": {
        "event_id": NONE, "operator_id": NONE, "imsi": IMSI,
        "operation": _activity("API_OPERATION"), "source_ip": _geo("IP_ADDRESS"), "at": TIME,
        "payload_sha256": _activity("USAGE_DETAIL"), "dt": TIME,
    },
    "device_logs.cell_towers": {
        "cell_id": NONE, "radio": NONE, "lat": NONE, "lon": NONE, "mcc": NONE, "mnc": NONE,
    },
    "crm.contacts": {
        "id": NONE, "full_name": _ident("PERSON"), "email": _ident("EMAIL_ADDRESS"),
        "phone": _ident("PHONE_NUMBER"), "company": _label("professional", "ORGANIZATION"),
        "job_title": _label("professional", "JOB_TITLE"), "sns_handle": _ident("SNS_HANDLE"),
        "created_at": TIME,
    },
    "crm.tickets": {
        "id": NONE, "contact_id": NONE, "opened_at": TIME, "subject": NONE, "body": _ident(FREE_TEXT),
    },
    "crm.segments": {
        "contact_id": NONE, "segment": _label("inferences", "SEGMENT"),
        "churn_score": _label("inferences", "SCORE"), "propensity_score": _label("inferences", "SCORE"),
        "updated_at": _label("inferences", "TIMESTAMP"),
    },
    "crm.web_visits": {
        "id": NONE, "contact_id": NONE, "cookie_id": _activity("COOKIE_ID"),
        "url_path": _activity("URL_PATH"),
        "user_agent": _activity("USER_AGENT"), "visited_at": TIME,
    },
    "crm.products": {"sku": NONE, "name": NONE, "list_price": NONE},
}
# fmt: on


def labels_for(columns: Iterable[str]) -> dict[str, Label]:
    """The label of each written column ('store.table.column'); every label must be used."""
    known = {f"{table}.{column}": label for table, cols in LABELS.items() for column, label in cols.items()}
    written = list(columns)
    unlabelled = sorted(set(written) - set(known))
    unused = sorted(set(known) - set(written))
    if unlabelled or unused:
        raise ValueError(f"labels out of step with the estate: unlabelled {unlabelled}, unused {unused}")
    return {column: known[column] for column in written}


def write_labels(path: Path, columns: Iterable[str]) -> None:
    path.write_text(json.dumps(labels_for(columns), indent=2) + "\n", encoding="utf-8")
