"""Rules that must hold on schemas we did not write: value shapes over vetoes, DOB abbreviations,
job titles, mixed columns, lorem ipsum, and other countries' ids held to their context words."""

from __future__ import annotations

import pyarrow as pa
import pytest

from mappings import load_categories
from pipelines.discovery.analyzer import build_analyzer
from pipelines.discovery.classify import ColumnFinding, classify_column
from pipelines.discovery.context import table_context, verdict
from pipelines.discovery.profile import column_sample

BCRYPT = "$2b$12$KIXQJ2aGmR1fB1Jw5r0yMeVx9qG6bFh2m1cNqv0S1yZ3e5kTtWq1a"
ARGON2 = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"
PBKDF2 = "pbkdf2_sha256$260000$Qm9wQm9wQm9w$Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eA=="


def finding(name: str, values: list[object], table: str = "") -> ColumnFinding:
    return classify_column(column_sample(name, pa.array(values)), build_analyzer("auto"), table)


@pytest.mark.parametrize("name", ["pwd_digest", "credential_checksum", "secret_payload", "pass_hash"])
def test_a_self_describing_hash_is_a_password_hash_whatever_the_name(name: str) -> None:
    assert finding(name, [BCRYPT, ARGON2, PBKDF2, BCRYPT.replace("K", "L")]).entity == "PASSWORD_HASH"


def test_a_hex_digest_named_as_a_digest_stays_a_digest() -> None:
    digests = ["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "a" * 40 + "b" * 24]
    assert finding("pwd_digest", digests).entity != "PASSWORD_HASH"


def test_the_login_beside_a_hash_column_is_an_account_login() -> None:
    categories = load_categories()
    findings = [
        finding("login", ["jroe42", "omar.h", "li_wei", "msmith"]),
        finding("pwd_digest", [BCRYPT, ARGON2, PBKDF2, BCRYPT.replace("K", "M")]),
    ]
    context = table_context("accounts", findings, consumer=True)
    assert verdict(findings[0], context, categories).sensitive_kind == "account_login"


@pytest.mark.parametrize(
    "name", ["birth_dt", "dob", "bday", "date_of_birth", "birthdate", "BirthDt", "d_o_b"]
)
def test_date_of_birth_abbreviations(name: str) -> None:
    assert finding(name, ["1984-02-29", "1990-12-01", "1971-06-30", "2001-01-15"]).entity == "DATE_OF_BIRTH"


def test_a_job_title_in_a_person_s_table_is_professional_and_an_album_title_is_not() -> None:
    categories = load_categories()
    jobs = finding(
        "title", ["General Manager", "Sales Support Agent", "IT Staff", "Sales Manager"], "employee"
    )
    albums = finding(
        "title", ["Balls to the Wall", "Restless and Wild", "Let There Be Rock", "Big Ones"], "album"
    )
    context = table_context("employee", [jobs], consumer=True)
    assert verdict(jobs, context, categories).category == "professional"
    assert albums.entity is None


def test_a_mixed_column_reports_both_entities() -> None:
    emails = ["jane.roe@example.com", "omar@mail.org", "li.wei@corp.net", "m.smith@example.org", "a.b@ex.com"]
    phones = ["+1 415 555 0100", "(212) 555-0188", "415-555-0199", "+1 646 555 0142"]
    found = finding("contact_detail", [*emails, *phones])
    assert (found.entity, found.other_entities) == ("EMAIL_ADDRESS", ("PHONE_NUMBER",))


def test_lorem_ipsum_mentions_nobody() -> None:
    filler = [
        "Curabitur in libero ut massa volutpat convallis. Morbi odio odio, elementum eu, interdum eu.",
        "Integer ac leo. Pellentesque ultrices mattis odio. Donec vitae nisi, Maecenas pulvinar lobortis.",
        "Proin interdum mauris non ligula pellentesque ultrices. Phasellus id sapien in sapien iaculis.",
    ]
    found = finding("notes", filler)
    assert (found.entity, found.mentions) == ("FREE_TEXT", {})


def test_a_us_phone_in_a_ticket_is_not_a_uk_nhs_number() -> None:
    tickets = [
        "Please call me back on +1 415 555 3007, my SIM stopped working after the update",
        "The invoice for last month looks wrong, I was charged twice for the same plan",
        "I moved to a new address and want my bills sent there from next month on",
    ]
    found = finding("body", tickets)
    categories = load_categories()
    decided = verdict(found, table_context("tickets", [found], consumer=True), categories)
    assert "UK_NHS" not in found.mentions
    assert decided.sensitive_kind is None


def test_an_nhs_number_said_to_be_one_is_found() -> None:
    engine = build_analyzer("auto").engine
    said = engine.analyze("my NHS number is 943 476 5919", language="en", entities=["UK_NHS"])
    bare = engine.analyze("reference 943 476 5919", language="en", entities=["UK_NHS"])
    phone = engine.analyze("nhs helpline: call +1 415 555 3007", language="en", entities=["UK_NHS"])
    assert ([r.entity_type for r in said], bare, phone) == (["UK_NHS"], [], [])
