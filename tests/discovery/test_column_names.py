"""What a column's name says, by the vocabulary in mappings/column_names.yaml."""

from __future__ import annotations

import pytest

from pipelines.discovery.column_names import tokens, vocabulary


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("nameFirst", ("name", "first")),
        ("e_mail", ("e", "mail")),
        ("telephone_1", ("telephone", "1")),
        ("PageLatLong", ("page", "lat", "long")),
        ("Date of Birth", ("date", "of", "birth")),
        ("LenderAddressLine2", ("lender", "address", "line", "2")),
    ],
)
def test_tokens(name: str, expected: tuple[str, ...]) -> None:
    assert tokens(name) == expected


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("email", "EMAIL_ADDRESS"),
        ("e_mail", "EMAIL_ADDRESS"),
        ("customer_email", "EMAIL_ADDRESS"),
        ("Functional DoB", "DATE_OF_BIRTH"),
        ("tel", "PHONE_NUMBER"),
        ("msisdn", "MSISDN"),
        ("imsi", "IMSI"),
        ("iccid", "ICCID"),
        ("imei", "IMEI"),
        ("src_ip", "IP_ADDRESS"),
        ("cell_id", "CELL_ID"),
        ("lat", "LATITUDE"),
        ("lng", "LONGITUDE"),
        ("PageLatLong", "GEO_COORDINATES"),
        ("login_name", "LOGIN_NAME"),
        ("user_name", "LOGIN_NAME"),
        ("password_hash", "PASSWORD_HASH"),
        ("card_number", "CREDIT_CARD"),
        ("card_last4", "MASKED_CARD_NUMBER"),
        ("iban", "IBAN_CODE"),
        ("mac_address", "MAC_ADDRESS"),
        ("url_path", "URL_PATH"),
        ("Middle names", "PERSON"),
        ("holder_name", "PERSON"),
        ("job_title", "JOB_TITLE"),
        ("churn_score", "SCORE"),
        ("amt", "MONEY_AMOUNT"),
    ],
)
def test_names_suggest_the_entity(name: str, entity: str) -> None:
    hints = vocabulary().hints(name)
    assert hints and hints[0].entity == entity


@pytest.mark.parametrize(
    "name",
    [
        "emergency_phone_confirmed",
        "Is Email Active?",
        "address_type",
        "StationName",
        "buildingAge",
        "firmware_version",
        "order_number",
        "payload_sha256",
        "REG_NAME",
    ],
)
def test_flags_and_things_are_not_people(name: str) -> None:
    """A veto word turns the name into a flag or a count; a qualifier makes 'name' a thing's."""
    assert [h.entity for h in vocabulary().hints(name) if h.strength == "strong"] in ([], ["ORGANIZATION"])


@pytest.mark.parametrize(
    ("name", "entity", "ruled_out"),
    [
        ("firmware_version", "IP_ADDRESS", True),
        ("order_number", "CREDIT_CARD", True),
        ("payload_sha256", "PASSWORD_HASH", True),
        ("src_ip", "IP_ADDRESS", False),
    ],
)
def test_contradictions(name: str, entity: str, ruled_out: bool) -> None:
    assert vocabulary().contradicts(name, entity) is ruled_out
