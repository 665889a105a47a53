"""The rules of a case through `ccpa request`: receipt date, extension, denials, identity as a point,
mismatches recorded without values, bad input, and no raw identifier left once a request is closed."""

from __future__ import annotations

import datetime as dt
import email
import json
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.rights.requests.conftest import Customer, ccpa, customer, new


def show(capsys: pytest.CaptureFixture[str], estate_file: Path, request_id: str) -> dict[str, object]:
    return dict(json.loads(ccpa(capsys, "show", "--estate", str(estate_file), request_id)))


def test_received_defaults_to_today_in_the_estate_s_time_zone(
    estate_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = estate_file.read_text(encoding="utf-8").replace("America/Los_Angeles", "Pacific/Kiritimati")
    estate_file.write_text(text, encoding="utf-8")
    request = new(capsys, estate_file, "--type", "know", "--email", customer(estate_file).email)
    assert (
        show(capsys, estate_file, request)["received"]
        == dt.datetime.now(ZoneInfo("Pacific/Kiritimati")).date().isoformat()
    )
    tomorrow = dt.datetime.now(ZoneInfo("Pacific/Kiritimati")).date() + dt.timedelta(days=1)
    args = [
        "new",
        "--estate",
        str(estate_file),
        "--type",
        "know",
        "--email",
        "a@b.co",
        "--received",
        str(tomorrow),
    ]
    assert "after today" in ccpa(capsys, *args, status=2)


def test_one_extension_with_its_reason_and_notice(
    estate_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    estate = str(estate_file)
    request = new(
        capsys,
        estate_file,
        "--type",
        "delete",
        "--email",
        customer(estate_file).email,
        "--received",
        "2026-11-02",
    )
    ccpa(capsys, "extend", "--estate", estate, request, "--reason", "records in archived backups")
    shown = show(capsys, estate_file, request)
    assert (shown["due"], shown["extended"]) == ("2027-01-31", True)
    assert "extended by 45 days to 2027-01-31" in [e["what"] for e in shown["events"]]  # type: ignore[union-attr]
    notice = email.message_from_bytes(
        (estate_file.parent / "outbox" / f"{request}-extension.eml").read_bytes()
    )
    assert "records in archived backups" in str(notice.get_payload(decode=True), "utf-8")
    assert "already extended" in ccpa(
        capsys, "extend", "--estate", estate, request, "--reason", "again", status=2
    )
    opt_out = new(capsys, estate_file, "--type", "opt-out", "--email", "x@y.co")
    assert "cannot be extended" in ccpa(
        capsys, "extend", "--estate", estate, opt_out, "--reason", "r", status=2
    )


def test_unverified_requests_are_denied_after_their_deadline(
    estate_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    today = dt.datetime.now(ZoneInfo("America/Los_Angeles")).date()
    person = customer(estate_file)
    late = new(
        capsys,
        estate_file,
        "--type",
        "delete",
        "--email",
        person.email,
        "--received",
        str(today - dt.timedelta(days=50)),
    )
    recent = new(
        capsys,
        estate_file,
        "--type",
        "delete",
        "--email",
        person.email,
        "--received",
        str(today - dt.timedelta(days=3)),
    )
    ccpa(capsys, "run", "--estate", str(estate_file), "--ready")
    assert (show(capsys, estate_file, late)["status"], show(capsys, estate_file, late)["denial_basis"]) == (
        "denied",
        "unverified",
    )
    assert show(capsys, estate_file, recent)["status"] == "received"
    denial = (estate_file.parent / "outbox" / f"{late}-denial.eml").read_text(encoding="utf-8")
    assert "basis: unverified" in denial


def test_the_identity_counts_only_once_confirmed(
    estate_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    person = customer(estate_file)
    request = new(capsys, estate_file, "--type", "know-categories", "--email", person.email)
    point = ["--point", f"postal_code={person.postal_code}"]
    assert ccpa(capsys, "verify", "--estate", str(estate_file), request, *point).startswith("none (1 matched")
    confirmed = ccpa(capsys, "verify", "--estate", str(estate_file), request, "--identity-confirmed")
    assert confirmed.startswith("reasonable (2 matched")
    assert show(capsys, estate_file, request)["status"] == "verified"


@pytest.mark.parametrize(
    ("kind", "as_given"),
    [
        ("name", lambda p: f"  {p.name.lower()} "),
        ("phone", lambda p: f"({p.phone[2:5]}) {p.phone[5:8]}-{p.phone[8:]}"),
        ("email", lambda p: p.email.upper()),
        ("date_of_birth", lambda p: p.date_of_birth),
    ],
)
def test_points_match_normalised(
    kind: str, as_given: object, estate_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    person = customer(estate_file)
    request = new(capsys, estate_file, "--type", "delete", "--email", person.email)
    given = as_given(person)  # type: ignore[operator]
    assert ccpa(
        capsys, "verify", "--estate", str(estate_file), request, "--point", f"{kind}={given}"
    ).startswith("none (1 matched, 0")


def test_a_contradicting_point_fails_and_is_recorded_without_its_value(
    estate_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    person = customer(estate_file)
    request = new(capsys, estate_file, "--type", "delete", "--email", person.email)
    points = ["--point", f"name={person.name}", "--point", f"date_of_birth={person.date_of_birth}"]
    assert ccpa(capsys, "verify", "--estate", str(estate_file), request, *points).startswith("reasonable")
    wrong = "1901-02-03"
    assert ccpa(
        capsys, "verify", "--estate", str(estate_file), request, "--point", f"date_of_birth={wrong}"
    ).startswith("failed")
    shown = show(capsys, estate_file, request)
    assert shown["status"] == "received" and shown["verification"] == {
        "level": "failed",
        "matched": 2,
        "mismatched": 1,
    }
    with sqlite3.connect(estate_file.parent / "requests.db") as ledger:
        assert ("date_of_birth", "mismatched") in ledger.execute(
            "SELECT kind, outcome FROM data_points"
        ).fetchall()
    assert wrong.encode() not in (estate_file.parent / "requests.db").read_bytes()


def identifiers(person: Customer) -> list[bytes]:
    digits = person.phone.lstrip("+")
    return [
        v.encode() for v in (person.email, person.email.lower(), digits, person.name, person.date_of_birth)
    ]


def test_no_raw_identifier_remains_once_closed(estate_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    person, estate = customer(estate_file), str(estate_file)
    know = new(capsys, estate_file, "--type", "know", "--email", person.email)
    points = ["--point", f"name={person.name}", "--point", f"phone={person.phone}"]
    points += ["--point", f"date_of_birth={person.date_of_birth}", "--signed-declaration"]
    ccpa(capsys, "verify", "--estate", estate, know, *points)
    ledger = estate_file.parent / "requests.db"
    assert person.email.lower().encode() in ledger.read_bytes()  # kept while the request is open
    ccpa(capsys, "run", "--estate", estate, know)
    correct = new(
        capsys, estate_file, "--type", "correct", "--email", person.email, "--set", "street_address=9 Elm St"
    )
    ccpa(capsys, "cancel", "--estate", estate, correct)
    other = new(capsys, estate_file, "--type", "delete", "--phone", person.phone)
    ccpa(capsys, "deny", "--estate", estate, other, "--basis", "other", "--reason", "asked by mistake")
    with sqlite3.connect(ledger) as conn:
        conn.execute("VACUUM")  # erased values must not survive in free pages either
    database = ledger.read_bytes()
    for value in [*identifiers(person), b"9 Elm St"]:
        assert value not in database
    logs = [p.read_bytes() for p in (estate_file.parent / "answers").rglob("requests.jsonl")]
    assert logs and not [v for v in identifiers(person) for log in logs if v in log]
    shown = ccpa(capsys, "list", "--estate", estate, "--format", "json")
    assert not [v for v in identifiers(person) if v.decode() in shown]
    for message in (estate_file.parent / "outbox").glob("*.eml"):
        assert message.stat().st_mode & 0o077 == 0  # owner-only: a message carries the address
        parsed = email.message_from_bytes(message.read_bytes())
        body = str(parsed.get_payload(decode=True), "utf-8")
        assert not [v for v in identifiers(person) if v.decode() in body]
    assert ledger.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "--type", "know", "--email", "not-an-email"], "malformed email"),
        (["new", "--type", "correct", "--email", "a@b.co"], "--set FIELD=VALUE is required"),
        (["verify", "R20260101-00000000", "--point", "shoe=44"], "--point shoe"),
        (["show", "R20260101-00000000"], "no request R20260101-00000000"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    args: list[str], message: str, estate_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    verb, *rest = args
    err = ccpa(capsys, verb, "--estate", str(estate_file), *rest, status=2)
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    if verb in ("new", "verify"):
        assert not (estate_file.parent / "requests.db").exists()


def test_an_unreachable_ledger_is_one_line(estate_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open(estate_file, "a", encoding="utf-8") as file:
        file.write("ledger: postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2\n")
    err = ccpa(capsys, "list", "--estate", str(estate_file), status=2)
    assert (
        err.startswith("ccpa: error: ledger postgresql+psycopg://nobody@127.0.0.1:1/none")
        and len(err.splitlines()) == 1
    )


def test_an_agent_and_the_list_of_requests_due_soon(
    estate_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    today = dt.datetime.now(ZoneInfo("America/Los_Angeles")).date()
    person, estate = customer(estate_file), str(estate_file)
    soon = new(
        capsys,
        estate_file,
        "--type",
        "delete",
        "--email",
        person.email,
        "--channel",
        "mail",
        "--agent",
        "Consumer Rights LLC",
        "--received",
        str(today - dt.timedelta(days=40)),
    )
    later = new(capsys, estate_file, "--type", "delete", "--email", person.email)
    shown = show(capsys, estate_file, soon)
    assert list(shown) == [
        "id",
        "type",
        "status",
        "channel",
        "received",
        "confirm_by",
        "due",
        "extended",
        "verification",
        "answer",
        "outcome",
        "denial_basis",
        "package",
        "events",
    ]
    assert shown["channel"] == "mail"
    assert shown["events"][0]["what"] == "received by mail through authorized agent Consumer Rights LLC"  # type: ignore[index]
    listed = json.loads(ccpa(capsys, "list", "--estate", estate, "--due-within", "10", "--format", "json"))
    assert [(r["id"], r["days_left"]) for r in listed] == [(soon, 5)]
    everything = [r["id"] for r in json.loads(ccpa(capsys, "list", "--estate", estate, "--format", "json"))]
    assert everything == [soon, later]
    assert soon in ccpa(capsys, "list", "--estate", estate, "--open")
