"""The access package: files, manifest, report, never-disclose values, encryption and atomic writes."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import json
import os
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import pyzipper

from mappings import load_categories, load_notice
from pipelines.rights.model import AccessRequest, ColumnMeaning, Identity, Period, TableRecords
from pipelines.rights.packages.package import PackageError, StoreFacts, write_package
from pipelines.rights.packages.plain import csv_cell
from pipelines.rights.packages.redaction import mask_text, rule_for

CARD = "4242 4242 4242 4242"
IBAN = "DE89370400440532013000"
BANK_ACCOUNT = "000123456789"
PASSWORD_HASH = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"
SECURITY_ANSWER = "Mrs Fluffington"
TICKET_CARD, TICKET_SSN = "5555-5555-5555-4444", "123-45-6789"
OTHER_EMAIL = "someone.else@example.org"
HIDDEN = [
    CARD,
    CARD.replace(" ", ""),
    IBAN,
    BANK_ACCOUNT,
    PASSWORD_HASH,
    SECURITY_ANSWER,
    TICKET_CARD,
    TICKET_SSN,
]
PERIOD = Period(dt.date(2025, 3, 1), dt.date(2026, 2, 28))
UTC = dt.UTC

M = ColumnMeaning
MEANINGS = {
    "billing.customers": {
        "first_name": M("identifiers", "PERSON"),
        "email": M("identifiers", "EMAIL_ADDRESS"),
        "date_of_birth": M("identifiers", "DATE_OF_BIRTH"),
        "phone": M("identifiers", "PHONE_NUMBER"),
    },
    "billing.accounts": {
        "login_name": M("identifiers", "LOGIN_NAME", "account_login"),
        "password_hash": M("network_activity", "PASSWORD_HASH", "account_login"),
        "security_answer": M(None, None),
    },
    "billing.payment_methods": {
        "card_number": M("customer_records", "CREDIT_CARD", "financial_account"),
        "iban": M("customer_records", "IBAN_CODE", "financial_account"),
        "bank_account_no": M("customer_records", "DOMESTIC_ACCOUNT", "financial_account"),  # not in the map
        "holder_name": M("customer_records", "PERSON"),
    },
    "billing.invoices": {
        "issued_at": M("commercial", "TIMESTAMP"),
        "amount": M("commercial", "MONEY_AMOUNT"),
        "due_on": M("commercial", "TRANSACTION_DATE"),
    },
    "crm.tickets": {"body": M("identifiers", "FREE_TEXT"), "opened_at": M("network_activity", "TIMESTAMP")},
    "billing.plans": {"name": M(None, None)},
}
STORES = {
    "billing": StoreFacts(
        "the consumer, at sign-up and in the console",
        ["provide and bill the connectivity service", "process payments"],
        {"group_entities": ["Soracom, Inc."], "service_providers": ["payment processor"]},
    ),
    "crm": StoreFacts(
        "the consumer's support requests", ["customer support"], {"service_providers": ["CRM vendor"]}
    ),
}


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(tzinfo=UTC)


def _tables() -> list[TableRecords]:
    ts = pa.timestamp("us", tz="UTC")
    return [
        TableRecords(
            "billing",
            "customers",
            pa.table(
                {
                    "id": [7],
                    "first_name": ["Ada"],
                    "email": ["ada@example.com"],
                    "date_of_birth": pa.array([dt.date(1990, 5, 17)]),
                    "phone": pa.array([None], pa.string()),
                }
            ),
            "email",
        ),
        TableRecords(
            "billing",
            "accounts",
            pa.table(
                {
                    "id": [3],
                    "login_name": ["ada90"],
                    "password_hash": [PASSWORD_HASH],
                    "security_answer": [SECURITY_ANSWER],
                }
            ),
            "accounts.customer_id -> customers.id",
        ),
        TableRecords(
            "billing",
            "payment_methods",
            pa.table(
                {
                    "id": [1, 2],
                    "card_number": [CARD, None],
                    "iban": [None, IBAN],
                    "bank_account_no": [None, BANK_ACCOUNT],
                    "holder_name": ["Ada L", "Ada L"],
                }
            ),
            "payment_methods.customer_id -> customers.id",
        ),
        TableRecords(
            "billing",
            "invoices",
            pa.table(
                {
                    "id": [10, 11, 12],
                    "issued_at": pa.array(
                        [_at("2025-06-01T10:20:30"), _at("2026-01-15T08:00:00"), _at("2024-01-01T00:00:00")],
                        ts,
                    ),
                    "amount": pa.array([Decimal("12.50"), None, Decimal("3.00")], pa.decimal128(10, 2)),
                    "due_on": pa.array([dt.date(2025, 6, 30), None, dt.date(2024, 1, 31)]),
                    "ratio": [0.5, float("nan"), 1.0],
                    "receipt": pa.array([b"\x00\xffPDF", None, b""], pa.binary()),
                }
            ),
            "invoices.customer_id -> customers.id",
            event_time="issued_at",
        ),
        TableRecords(
            "billing",
            "plans",
            pa.table({"id": [4], "name": ["IoT 1GB"]}),
            "subscriptions.plan_id -> plans.id",
            reference=True,
        ),
        TableRecords(
            "crm",
            "tickets",
            pa.table(
                {
                    "id": [5],
                    "contact_id": [9],
                    "body": [f"my card {TICKET_CARD} was charged twice, SSN {TICKET_SSN}"],
                    "opened_at": pa.array([_at("2025-09-09T09:00:00")], ts),
                }
            ),
            "contacts.email",
            event_time="opened_at",
        ),
        TableRecords(
            "crm",
            "tickets",
            pa.table(
                {
                    "body": [f"forwarded from {OTHER_EMAIL}: ada@example.com cannot log in"],
                    "opened_at": pa.array([_at("2025-10-01T12:00:00")], ts),
                    "contact_id": [99],
                }
            ),
            "mentions in body",
            event_time="opened_at",
            mention_only=True,
        ),
        TableRecords(
            "device_logs",
            "sms",
            pa.table(
                {
                    "imsi": ["001010123456789"],
                    "sent_at": pa.array([_at("2023-01-01T00:00:00")], ts),
                }
            ),
            "imsi",
            event_time="sent_at",
        ),
    ]


def _request(tables: list[TableRecords] | None = None, period: Period = PERIOD) -> AccessRequest:
    identity = Identity("email", "ada@example.com")
    received = dt.datetime(2026, 2, 28, 9, 30, tzinfo=UTC)
    return AccessRequest(
        "20260228-abc123", identity, received, period, _tables() if tables is None else tables
    )


def _write(out: Path, request: AccessRequest | None = None, **kwargs: Any) -> Path:
    return write_package(
        request or _request(), MEANINGS, STORES, load_notice(), load_categories(), out, **kwargs
    )


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    path = _write(tmp_path_factory.mktemp("package"))
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _manifest(package: dict[str, bytes]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(package["manifest.json"])
    return result


def _json_rows(package: dict[str, bytes], name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(package[f"data/{name}.json"])
    return rows


def test_the_zip_holds_manifest_report_and_a_data_file_pair_per_table_with_rows(
    package: dict[str, bytes], out: Path
) -> None:
    tables = [
        "billing/customers",
        "billing/accounts",
        "billing/payment_methods",
        "billing/invoices",
        "billing/plans",
        "crm/tickets",
        "crm/tickets.mentions",
    ]
    expected = {f"data/{t}.{ext}" for t in tables for ext in ("csv", "json")}
    assert (
        set(package) == {"manifest.json", "report.html"} | expected
    )  # device_logs.sms: no rows in the period


def test_counts_are_rows_in_the_period_for_every_table(package: dict[str, bytes]) -> None:
    assert _manifest(package)["counts"] == {
        "billing.accounts": 1,
        "billing.customers": 1,
        "billing.invoices": 2,
        "billing.payment_methods": 2,
        "billing.plans": 1,
        "crm.tickets": 2,
        "device_logs.sms": 0,
    }


@pytest.mark.parametrize(("period", "invoices", "sms"), [(PERIOD, 2, 0), (Period(None, PERIOD.end), 3, 1)])
def test_all_time_keeps_older_rows(period: Period, invoices: int, sms: int, tmp_path: Path) -> None:
    with zipfile.ZipFile(_write(tmp_path, _request(period=period))) as archive:
        counts = json.loads(archive.read("manifest.json"))["counts"]
        assert (counts["billing.invoices"], counts["device_logs.sms"]) == (invoices, sms)
        assert ("data/device_logs/sms.csv" in archive.namelist()) == bool(sms)


@pytest.mark.parametrize(
    "table", ["billing/customers", "billing/invoices", "billing/payment_methods", "crm/tickets"]
)
def test_csv_and_json_hold_the_same_rows(package: dict[str, bytes], table: str) -> None:
    from_json = _json_rows(package, table)
    from_csv = list(csv.DictReader(io.StringIO(package[f"data/{table}.csv"].decode("utf-8"))))
    assert len(from_csv) == len(from_json) > 0
    assert from_csv == [{k: csv_cell(v) for k, v in row.items()} for row in from_json]


def test_values_round_trip_as_iso_strings_base64_and_null(package: dict[str, bytes]) -> None:
    first, second = _json_rows(package, "billing/invoices")
    assert first == {
        "id": 10,
        "issued_at": "2025-06-01T10:20:30+00:00",
        "amount": "12.50",
        "due_on": "2025-06-30",
        "ratio": 0.5,
        "receipt": base64.b64encode(b"\x00\xffPDF").decode(),
    }
    assert second["amount"] is None and second["due_on"] is None and second["ratio"] is None
    assert Decimal(first["amount"]) == Decimal("12.50")
    assert base64.b64decode(first["receipt"]) == b"\x00\xffPDF"


def test_manifest_hashes_match_every_other_file(package: dict[str, bytes]) -> None:
    files = _manifest(package)["files"]
    assert set(files) == set(package) - {"manifest.json"}
    for name, facts in files.items():
        assert facts == {"sha256": hashlib.sha256(package[name]).hexdigest(), "bytes": len(package[name])}


def test_a_card_number_shows_only_its_last_four_digits(package: dict[str, bytes]) -> None:
    cards = [row["card_number"] for row in _json_rows(package, "billing/payment_methods")]
    assert cards == ["•••• •••• •••• 4242", None]


@pytest.mark.parametrize(
    ("table", "column", "held"),
    [
        ("billing/payment_methods", "iban", "bank account number (IBAN)"),
        ("billing/payment_methods", "bank_account_no", "financial account number"),
        ("billing/accounts", "password_hash", "password hash"),
        ("billing/accounts", "security_answer", "security question or answer"),
    ],
)
def test_withheld_columns_say_the_data_is_held(
    package: dict[str, bytes], table: str, column: str, held: str
) -> None:
    values = {row[column] for row in _json_rows(package, table)} - {None}
    assert values == {f"[held: {held} — not disclosed for security]"}
    withheld = {(w["table"], w["column"]): w for w in _manifest(package)["withheld"]}
    assert withheld[(table.replace("/", "."), column)]["treatment"] == "withhold"


@pytest.mark.parametrize("value", HIDDEN)
def test_a_hidden_value_appears_in_no_file_of_the_zip(package: dict[str, bytes], value: str) -> None:
    assert [name for name, content in package.items() if value.encode() in content] == []


def test_numbers_inside_free_text_are_masked_in_place(package: dict[str, bytes]) -> None:
    [ticket] = _json_rows(package, "crm/tickets")
    assert ticket["body"] == (
        "my card •••• •••• •••• 4444 was charged twice, SSN [held: social security number — not disclosed for security]"
    )
    withheld = {(w["table"], w["column"]): w for w in _manifest(package)["withheld"]}
    assert withheld[("crm.tickets", "body")]["treatment"] == "mask_in_text"
    assert withheld[("crm.tickets", "body")]["values"] == 2


def test_someone_elses_row_keeps_only_the_text_that_mentions_the_consumer(package: dict[str, bytes]) -> None:
    assert _json_rows(package, "crm/tickets.mentions") == [
        {
            "body": f"forwarded from {OTHER_EMAIL}: ada@example.com cannot log in",
            "opened_at": "2025-10-01T12:00:00+00:00",
        }
    ]  # the other consumer's contact_id is not in the package; their text was redacted by the finder


def test_manifest_describes_each_category_in_the_notices_order(package: dict[str, bytes]) -> None:
    manifest = _manifest(package)
    assert list(manifest["categories"]) == [
        "identifiers",
        "customer_records",
        "network_activity",
        "commercial",
    ]
    identifiers = manifest["categories"]["identifiers"]
    assert identifiers["columns"] == {
        "billing.customers": ["first_name", "email", "date_of_birth"],  # phone is null: not held
        "billing.accounts": ["login_name"],
        "crm.tickets": ["body"],
    }
    assert identifiers["sources"] == [STORES["billing"].source, STORES["crm"].source]
    assert identifiers["purposes"] == [*STORES["billing"].purposes, *STORES["crm"].purposes]
    assert identifiers["shared_with"] == {
        "group_entities": ["Soracom, Inc."],
        "service_providers": ["payment processor", "CRM vendor"],
    }
    assert identifiers["notice_recipients"] == ["group_entities", "contractors", "service_providers"]
    assert manifest["identity"] == {"kind": "email", "value": "ada@example.com"}
    assert manifest["period"] == {"start": "2025-03-01", "end": "2026-02-28"}
    assert (manifest["sold"], manifest["shared_for_cross_context_behavioral_advertising"]) == (False, None)
    assert manifest["notice"] == {
        "business": "Soracom Global, Inc.",
        "title": "Notice to California Residents",
        "last_updated": "2023-05-23",
    }


def test_the_report_speaks_plain_words(package: dict[str, bytes]) -> None:
    report = package["report.html"].decode("utf-8")
    for words in [
        "Soracom Global, Inc.",
        "from 1 March 2025 to 28 February 2026",
        "date of birth",
        "Details that identify you",
        "two records",
        "Records shared with others",
        "mention you",
        "we hold your card number",
        "show only its last four digits",
        "we hold your password hash",
        "you, at sign-up and in the console",
        "companies in our group: Soracom, Inc.",
        "data/billing/invoices.csv",
        "We do not sell",
    ]:
        assert words.lower() in report.lower(), words
    order = [
        report.index(f"id='category-{key}'") for key in ("identifiers", "customer_records", "commercial")
    ]
    assert order == sorted(order)


def test_the_report_escapes_every_value(tmp_path: Path) -> None:
    stores = {"billing": StoreFacts("<script>alert(1)</script>", ["<img src=x onerror=alert(1)>"], {})}
    tables = [TableRecords("billing", "customers", pa.table({"email": ["a@b.co"]}), "<b>email</b>")]
    request = AccessRequest(
        "r1", Identity("email", "<i>a@b.co</i>"), _at("2026-01-01T00:00:00"), PERIOD, tables
    )
    path = write_package(request, MEANINGS, stores, load_notice(), load_categories(), tmp_path)
    report = zipfile.ZipFile(path).read("report.html").decode("utf-8")
    assert "<script>" not in report and "<img" not in report and "<i>a@b.co" not in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report


@pytest.mark.parametrize(
    "tables",
    [[], [TableRecords("billing", "customers", pa.table({"email": pa.array([], pa.string())}), "email")]],
)
def test_a_consumer_with_no_rows_gets_a_valid_package(tables: list[TableRecords], tmp_path: Path) -> None:
    with zipfile.ZipFile(_write(tmp_path, _request(tables))) as archive:
        assert archive.testzip() is None
        assert set(archive.namelist()) == {"manifest.json", "report.html"}
        manifest = json.loads(archive.read("manifest.json"))
        report = archive.read("report.html").decode("utf-8")
    assert (
        manifest["categories"] == {}
        and manifest["withheld"] == []
        and set(manifest["files"]) == {"report.html"}
    )
    assert all(n == 0 for n in manifest["counts"].values())
    assert "We hold no personal information about you for this period." in report


def test_a_passphrase_encrypts_the_package(tmp_path: Path) -> None:
    path = _write(tmp_path, passphrase="correct horse battery staple")
    with pytest.raises(RuntimeError, match="encrypted"):
        zipfile.ZipFile(path).read("manifest.json")
    with pyzipper.AESZipFile(path) as archive:
        archive.setpassword(b"wrong passphrase")
        with pytest.raises(RuntimeError, match="Bad password"):
            archive.read("manifest.json")
        archive.setpassword(b"correct horse battery staple")
        assert json.loads(archive.read("manifest.json"))["request_id"] == "20260228-abc123"
        assert archive.read("data/billing/customers.csv").startswith(b"id,first_name,email")
    assert b"ada@example.com" not in path.read_bytes()


def test_an_empty_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="passphrase"):
        _write(tmp_path / "out", passphrase="")
    assert not (tmp_path / "out").exists()


def test_a_failure_while_writing_leaves_no_zip_and_no_temporary_file(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = pyzipper.ZipFile.writestr
    written: list[str] = []

    def fail_after_two(self: Any, info: Any, data: bytes, *args: Any, **kwargs: Any) -> None:
        if len(written) == 2:
            raise OSError("disk full")
        written.append(info.filename)
        original(self, info, data, *args, **kwargs)

    monkeypatch.setattr(pyzipper.ZipFile, "writestr", fail_after_two)
    with pytest.raises(OSError, match="disk full"):
        _write(out)
    assert len(written) == 2  # the zip was half written when it failed
    assert os.listdir(out) == []


def test_a_rerun_replaces_the_package_whole(out: Path) -> None:
    first = _write(out)
    second = _write(out)
    assert first == second == out / "access-20260228-abc123.zip"
    assert os.listdir(out) == ["access-20260228-abc123.zip"]


@pytest.mark.parametrize(
    ("entity", "kind", "column", "treatment"),
    [
        ("CREDIT_CARD", "financial_account", "card_number", "last4"),
        ("IBAN_CODE", "financial_account", "iban", "withhold"),
        ("BANK_ACCOUNT", "financial_account", "account_no", "withhold"),
        ("PASSWORD_HASH", "account_login", "pw", "withhold"),
        ("US_SSN", "government_id", "ssn", "withhold"),
        ("BIOMETRIC", "biometric", "face_template", "withhold"),
        ("SORT_CODE_ACCOUNT", "financial_account", "acct", "withhold"),  # entity unknown to categories.yaml
        (None, None, "secret_question", "withhold"),
        ("FREE_TEXT", None, "notes", "mask_in_text"),
        (
            "FREE_TEXT",
            "government_id",
            "body",
            "mask_in_text",
        ),  # a ticket mentioning an id: masked, not withheld
        ("EMAIL_ADDRESS", "account_login", "email", None),
        ("MASKED_CARD_NUMBER", None, "card_masked", None),
        ("CARD_LAST4", None, "card_last4", None),  # unknown entity, nothing sensitive: given as is
    ],
)
def test_never_disclose_rules(
    entity: str | None, kind: str | None, column: str, treatment: str | None
) -> None:
    rule = rule_for(column, ColumnMeaning("customer_records", entity, kind), load_categories())
    assert (rule and rule.treatment) == treatment


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("paid with 4111-1111-1111-1111 on 12/27", "paid with •••• •••• •••• 1111 on 12/27"),
        ("card 4242 4242 4242 4242 12 27", "card •••• •••• •••• 4242 12 27"),
        ("amex 378282246310005.", "amex •••• •••• •••• 0005."),
        (
            "iban DE89 3704 0044 0532 0130 00 please",
            "iban [held: bank account number (IBAN) — not disclosed for security] please",
        ),
        ("ssn 078-05-1120", "ssn [held: social security number — not disclosed for security]"),
        ("order 4242424242424241 failed", "order 4242424242424241 failed"),  # fails Luhn
        (
            "SIM 8944500102030405062 is blocked",
            "SIM 8944500102030405062 is blocked",
        ),  # an ICCID passes Luhn too
        ("call +1 415 555 0100", "call +1 415 555 0100"),
        ("call me on +1 415 555 3007", "call me on +1 415 555 3007"),  # passes the NHS checksum: a phone
        ("ref 943 476 5919", "ref 943 476 5919"),  # NHS-valid, but nothing says it is one
        ("my NHS number is 943 476 5919", "my NHS number is [held: NHS number — not disclosed for security]"),
    ],
)
def test_numbers_masked_in_free_text(text: str, shown: str) -> None:
    assert mask_text(text)[0] == shown


def test_a_withheld_value_copied_into_another_text_is_hidden_there_too(tmp_path: Path) -> None:
    tables = [
        *_tables()[:3],
        TableRecords(
            "billing", "refunds", pa.table({"memo": [f"refund to {IBAN} done"]}), "refunds.customer_id"
        ),
    ]
    with zipfile.ZipFile(_write(tmp_path, _request(tables))) as archive:
        [refund] = json.loads(archive.read("data/billing/refunds.json"))
    assert refund["memo"] == "refund to [held: withheld value — not disclosed] done"


def test_a_package_that_would_still_show_a_withheld_value_is_not_written(out: Path) -> None:
    as_number = int(CARD.replace(" ", ""))
    tables = [
        *_tables()[:3],
        TableRecords("billing", "refunds", pa.table({"ref": [as_number]}), "refunds.customer_id"),
    ]
    with pytest.raises(
        PackageError, match=r"withheld value would appear in data/billing/refunds\.(csv|json)"
    ) as err:
        _write(out, _request(tables))
    assert str(as_number) not in str(err.value)
    assert not out.exists()  # refused before anything was written
