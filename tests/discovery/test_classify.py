"""Column verdicts: values, names, shapes and context weighed together; decoys stay decoys."""

from __future__ import annotations

import pyarrow as pa
import pytest

from mappings import load_categories
from pipelines.discovery.analyzer import build_analyzer
from pipelines.discovery.classify import classify_column
from pipelines.discovery.context import table_context, verdict
from pipelines.discovery.profile import column_sample


def entity(name: str, values: list[object], nlp: str = "auto") -> str | None:
    return classify_column(column_sample(name, pa.array(values)), build_analyzer(nlp)).entity  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("email", ["jane.roe@example.com", "j.smith@mail.org", None, None, None], "EMAIL_ADDRESS"),
        ("contact", ["jane.roe@example.com", "j.smith@mail.org"], "EMAIL_ADDRESS"),  # values decide
        ("tel", ["+1 415 555 0100", "(212) 555-0188", "415-555-0199"], "PHONE_NUMBER"),
        ("imsi", ["310260123456789", "440103987654321"], "IMSI"),
        ("x", ["310260123456789", "440103987654321", "295050000012345"], "IMSI"),  # no name needed
        ("iccid", ["89014103211118510720", "8944200011231044047"], "ICCID"),
        ("imei", ["490154203237518", "356938035643809"], "IMEI"),
        ("card", ["4111111111111111", "5500005555555559", "340000000000009"], "CREDIT_CARD"),
        ("src_ip", ["10.1.2.3", "100.64.0.12", "203.0.113.9"], "IP_ADDRESS"),
        ("lat", [37.774929, 34.052235, 40.712776], "LATITUDE"),
        ("lon", [-122.419416, -118.243683, -74.005974], "LONGITUDE"),
        ("dob", ["1984-02-29", "1990-12-01", "2011-06-30"], "DATE_OF_BIRTH"),
        ("password_hash", ["$2b$12$KIXQJ2aGmR1fB1Jw5r0yMeVx9qG6bFh2m1cNqv0S1yZ3e5kTtWq1a"], "PASSWORD_HASH"),
        ("first_name", ["Jane", "Omar", "Li", None], "PERSON"),
        ("Judge", ["ALEXANDER R CHRISTINE", "CHARLES TINLIN", "MARY ANN SMITH"], "PERSON"),
        (
            "notes",
            [
                "Customer Jane Roe (jane.roe@example.com) called about her SIM card, it stopped working",
                "Please call back Omar Haddad on +1 415 555 0100 about the invoice he disputes today",
            ],
            "FREE_TEXT",
        ),
    ],
)
def test_recognised(name: str, values: list[object], expected: str) -> None:
    assert entity(name, values) == expected


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("firmware_version", ["1.2.3.4", "2.0.1.7", "1.10.0.3"]),  # looks like IPv4
        ("order_number", ["4111111111111112", "5500005555555551"]),  # 16 digits failing Luhn
        ("payload_sha256", ["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"] * 3),
        ("emergency_phone_confirmed", ["1.0", "0.0", "1.0"]),  # a flag, not a phone
        ("cholesterol", ["208.4397503", "210.2890319", "210.9967237"]),  # decimals, not phones
        ("StationName", ["Central Park", "Main Street"]),  # a thing's name
        ("PageBrowser", ["Safari"]),  # one word NER calls a person
    ],
)
def test_decoys_are_not_personal(name: str, values: list[object]) -> None:
    found = entity(name, values)
    assert found is None or found not in {
        "IP_ADDRESS",
        "CREDIT_CARD",
        "PASSWORD_HASH",
        "PHONE_NUMBER",
        "PERSON",
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("zip code", "POSTAL_CODE"),  # Sakila's staff_list: the schema says what the empty column holds
        ("phone", "PHONE_NUMBER"),
        ("original_language_id", None),  # a key refers to a row: it holds no language
        ("notes", None),  # no name to go on
    ],
)
def test_an_empty_column_is_known_by_a_strong_name_only(name: str, expected: str | None) -> None:
    assert entity(name, [None, "", None]) == expected


def test_works_without_ner() -> None:
    setup = build_analyzer("none")
    assert not setup.ner and setup.notice
    assert entity("email", ["jane.roe@example.com", "omar@example.org"], nlp="none") == "EMAIL_ADDRESS"
    assert entity("first_name", ["Jane", "Omar", "Li"], nlp="none") == "PERSON"  # name + shape suffice


@pytest.mark.parametrize(
    ("consumer", "column", "values", "category"),
    [
        (False, "lat", [37.774929, 34.052235], None),  # a catalogue holds no consumer's data
        (True, "lat", [37.774929, 34.052235], "geolocation"),
        (None, "amount", ["12.50", "9.99"], None),  # commercial only where rows belong to a consumer
        (True, "amount", ["12.50", "9.99"], "commercial"),
    ],
)
def test_context_decides_the_category(
    consumer: bool | None, column: str, values: list[object], category: str | None
) -> None:
    finding = classify_column(column_sample(column, pa.array(values)), build_analyzer("auto"))
    context = table_context("things", [finding], consumer)
    assert verdict(finding, context, load_categories()).category == category


def test_names_held_with_card_numbers_are_customer_records() -> None:
    setup = build_analyzer("auto")
    findings = [
        classify_column(
            column_sample("card_number", pa.array(["4111111111111111", "5500005555555559"])), setup
        ),
        classify_column(column_sample("holder_name", pa.array(["Jane Roe", "Omar Haddad"])), setup),
    ]
    context = table_context("payment_methods", findings, True)
    decided = [verdict(f, context, load_categories()) for f in findings]
    assert [(d.category, d.sensitive_kind) for d in decided] == [
        ("customer_records", "financial_account"),
        ("customer_records", None),
    ]
