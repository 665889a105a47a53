"""The values the demo estate holds look and check like the real thing (and the decoys do not)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.demo_estate.conftest import AS_OF, DAYS, BuiltEstate


def luhn_ok(number: str) -> bool:
    """Independent scalar Luhn, the oracle for the vectorised one."""
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def iban_ok(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


@pytest.mark.parametrize(
    ("store", "table", "column", "pattern"),
    [
        ("billing", "sims", "iccid", r"89\d{17,18}"),
        ("billing", "devices", "imei", r"\d{15}"),
        ("billing", "payment_methods", "card_number", r"(4\d{15}|5[1-5]\d{14}|3[47]\d{13})"),
    ],
)
def test_luhn_numbers_are_valid(
    built: BuiltEstate, store: str, table: str, column: str, pattern: str
) -> None:
    values = [v for v in built.column(store, table, column) if v is not None]
    assert values
    assert all(re.fullmatch(pattern, str(v)) and luhn_ok(str(v)) for v in values)


def test_order_numbers_are_16_digits_failing_luhn(built: BuiltEstate) -> None:
    values = [str(v) for v in built.column("billing", "invoices", "order_number")]
    assert all(re.fullmatch(r"[1-9]\d{15}", v) for v in values)
    assert not any(luhn_ok(v) for v in values)


def test_ibans_pass_mod_97_in_three_countries(built: BuiltEstate) -> None:
    ibans = [str(v) for v in built.column("billing", "payment_methods", "iban") if v is not None]
    assert all(iban_ok(v) for v in ibans)
    assert {v[:2] for v in ibans} == {"DE", "GB", "FR"}


def test_payment_methods_hold_a_card_or_an_account(built: BuiltEstate) -> None:
    rows = built.sql(
        "billing", "SELECT method, card_number, card_expiry, card_last4, iban FROM payment_methods"
    )
    for method, card, expiry, last4, iban in rows:
        if method == "card":
            assert (
                iban is None
                and str(card).endswith(str(last4))
                and re.fullmatch(r"(0[1-9]|1[0-2])/\d\d", expiry)
            )
        else:
            assert method == "bank_transfer" and card is None and iban is not None


def test_sim_and_phone_numbers(built: BuiltEstate) -> None:
    imsis = built.column("billing", "sims", "imsi")
    assert all(re.fullmatch(r"(310260|310410|295050|440103)\d{9}", str(v)) for v in imsis)
    assert all(re.fullmatch(r"\d{11,12}", str(v)) for v in built.column("billing", "sims", "msisdn"))
    assert all(
        re.fullmatch(r"\+1[2-9]\d{2}[2-9]\d{6}", str(v))
        for v in built.column("billing", "customers", "phone")
    )
    assert len(set(imsis)) == len(imsis)


def test_password_hashes_are_well_formed_bcrypt_or_argon2id(built: BuiltEstate) -> None:
    bcrypt = re.compile(r"\$2b\$12\$[./A-Za-z0-9]{53}")
    argon2 = re.compile(r"\$argon2id\$v=19\$m=65536,t=3,p=4\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}")
    hashes = [str(v) for v in built.column("billing", "accounts", "password_hash")]
    kinds = {"bcrypt" if bcrypt.fullmatch(h) else "argon2" if argon2.fullmatch(h) else "bad" for h in hashes}
    assert kinds == {"bcrypt", "argon2"}


def test_emails_some_mixed_case_in_billing_all_lower_in_crm(built: BuiltEstate) -> None:
    billing = [str(v) for v in built.column("billing", "customers", "email")]
    assert any(v != v.lower() for v in billing)
    assert len({v.lower() for v in billing}) == len(billing)
    crm = [str(v) for v in built.column("crm", "contacts", "email")]
    assert all(v == v.lower() and re.fullmatch(r"[^@\s]+@[a-z0-9.-]+\.[a-z]+", v) for v in crm)


def test_some_consumers_are_under_16(built: BuiltEstate) -> None:
    sixteen_years_ago = AS_OF.replace(year=AS_OF.year - 16).isoformat()
    children = built.sql("billing", f"SELECT id FROM customers WHERE date_of_birth > '{sixteen_years_ago}'")
    assert 1 <= len(children) <= 0.02 * len(built.column("billing", "customers", "id"))
    models = built.sql(
        "billing",
        "SELECT d.model FROM devices d JOIN sims s ON s.id = d.sim_id JOIN customers c ON c.id = s.customer_id"
        f" WHERE c.date_of_birth > '{sixteen_years_ago}'",
    )
    assert all("Watch" in str(m) for (m,) in models)


def test_dates_are_offsets_from_as_of_and_never_before_2022(built: BuiltEstate) -> None:
    created = [str(v) for v in built.column("billing", "customers", "created_at")]
    assert min(created) >= "2022-01-01" and max(created) < (AS_OF + dt.timedelta(days=1)).isoformat()
    issued = [str(v) for v in built.column("billing", "invoices", "issued_at")]
    assert min(issued) >= AS_OF.replace(year=AS_OF.year - 2).isoformat()
    days = sorted(set(built.log("sessions")["dt"].to_pylist()))
    assert days == [(AS_OF - dt.timedelta(days=d)).isoformat() for d in range(DAYS - 1, -1, -1)]
    started = built.log("sessions")["started_at"].to_pylist()
    assert all(s.date().isoformat() in days for s in started)


def test_session_values(built: BuiltEstate) -> None:
    sessions = built.log("sessions").to_pylist()
    assert all(re.fullmatch(r"\d{3}-\d{3}-\d+-\d+", s["cell_id"]) for s in sessions)
    assert all(re.fullmatch(r"(\d{1,3}\.){3}\d{1,3}", s["src_ip"]) for s in sessions)
    assert sum(s["src_ip"].startswith("100.") for s in sessions) > len(sessions) / 3
    assert all(s["ended_at"] > s["started_at"] and s["bytes_up"] >= 0 for s in sessions)
    assert all(20 < s["lat"] < 50 and -125 < s["lon"] < -70 for s in sessions)


def test_decoys(built: BuiltEstate) -> None:
    firmware = [str(v) for v in built.column("billing", "devices", "firmware_version")]
    assert all(
        re.fullmatch(r"(\d{1,3}\.){3}\d{1,3}", v) and max(map(int, v.split("."))) < 256 for v in firmware
    )
    digests = built.log("api_events")["payload_sha256"].to_pylist()
    assert all(re.fullmatch(r"[0-9a-f]{64}", d) for d in digests)
    skus = built.column("billing", "plans", "sku")
    assert all(re.fullmatch(r"PLN-[A-Z]+-[A-Z0-9]+", str(s)) for s in skus)


def test_most_tickets_name_the_contact_and_their_sim(built: BuiltEstate) -> None:
    rows = built.sql(
        "crm", "SELECT c.full_name, c.email, t.body FROM tickets t JOIN contacts c ON c.id = t.contact_id"
    )
    iccids = set(built.column("billing", "sims", "iccid")) | set(built.column("billing", "sims", "imsi"))
    named = [body for name, _, body in rows if name in body]
    with_sim = [body for body in named if any(tok.rstrip(".:") in iccids for tok in body.split())]
    anonymous = [body for name, email, body in rows if name not in body and email not in body]
    assert len(named) > len(rows) / 2 and len(with_sim) == len(named) and anonymous
