"""`ccpa delete` on a schema of our own on the live PostgreSQL and MariaDB servers, with what real
schemas hold: a customer another customer's NOT NULL foreign key refers to, an address two
customers share, a generated column, a table without a key (two identical rows of the consumer's,
another person's note that mentions them), a schema other than `public` and a materialized view
(PostgreSQL), JSON documents (the consumer's own, whose email is a leaf, and another person's whose
note mentions them), and beside it a files store with a CSV column mixing emails and phones and
JSON lines with the email nested. Built, scanned and deleted once per server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from pipelines.cli import main
from tests.conftest import server_database
from tests.rights.deletion_runs import delete, only_report

PEOPLE = 12
CONSUMER = 1  # referred customer 3, shares address 1 with customer 2
EMAIL, PHONE = "person1@example.com", "+1 415 555 0101"
MENTIONS = 5  # another person whose documents mention the consumer


def email(i: int) -> str:
    return f"person{i}@example.com"


def phone(i: int) -> str:
    return f"+1 415 555 01{i:02d}"


def _ddl(server: str) -> list[str]:
    pg = server == "postgresql"
    doc = "jsonb" if pg else "JSON"
    generated = "GENERATED ALWAYS AS (lower(email)) STORED" if pg else "AS (LOWER(email)) VIRTUAL"
    leads = "sales.leads" if pg else "leads"
    statements = [
        "CREATE TABLE addresses (id INT PRIMARY KEY, street VARCHAR(120) NOT NULL)",
        "CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(120) NOT NULL, full_name VARCHAR(80),"
        f" address_id INT NOT NULL REFERENCES addresses(id), email_lower VARCHAR(120) {generated},"
        " referred_by INT REFERENCES customers(id))",
        "CREATE TABLE notes (customer_id INT, body TEXT)",
        f"CREATE TABLE signups (id INT PRIMARY KEY, payload {doc})",
        *(["CREATE SCHEMA sales"] if pg else []),
        f"CREATE TABLE {leads} (id INT PRIMARY KEY, email VARCHAR(120), phone VARCHAR(40))",
    ]
    return statements


def _fill(conn: sa.Connection, server: str) -> None:
    people = range(1, PEOPLE + 1)
    conn.execute(
        sa.text("INSERT INTO addresses VALUES (:i, :s)"), [{"i": i, "s": f"{i} Main Street"} for i in people]
    )
    conn.execute(
        sa.text("INSERT INTO customers (id, email, full_name, address_id) VALUES (:i, :e, :n, :a)"),
        [{"i": i, "e": email(i), "n": f"Person Number{i}", "a": 1 if i == 2 else i} for i in people],
    )
    conn.execute(sa.text("UPDATE customers SET referred_by = 1 WHERE id = 3"))
    notes = [{"c": i, "b": f"called {email(i)} about the bill"} for i in people]
    notes += [{"c": 1, "b": f"called {EMAIL} about the bill"}, {"c": 5, "b": f"says {EMAIL} is a friend"}]
    conn.execute(sa.text("INSERT INTO notes VALUES (:c, :b)"), notes)
    documents = [{"form": {"email": email(i), "phone": phone(i)}, "plan": "basic"} for i in people]
    documents[MENTIONS - 1]["note"] = f"referred by {EMAIL}"
    conn.execute(
        sa.text("INSERT INTO signups VALUES (:i, :p)"),
        [{"i": i, "p": json.dumps(d)} for i, d in zip(people, documents, strict=True)],
    )
    leads = "sales.leads" if server == "postgresql" else "leads"
    conn.execute(
        sa.text(f"INSERT INTO {leads} VALUES (:i, :e, :p)"),
        [{"i": i, "e": email(i), "p": phone(i)} for i in people],
    )
    if server == "postgresql":
        conn.execute(sa.text("CREATE MATERIALIZED VIEW customer_emails AS SELECT id, email FROM customers"))


def _files(folder: Path) -> None:
    folder.mkdir()
    mixed = "".join(f"{i},{email(i) if i % 2 else phone(i)}\n" for i in range(1, PEOPLE + 1))
    (folder / "contacts.csv").write_text(f"id,contact\n{mixed}{PEOPLE + 1},{PHONE}\n", encoding="utf-8")
    events = [
        {"id": i, "who": {"email": email(i), "name": f"Person Number{i}"}, "kind": "login"}
        for i in range(1, PEOPLE + 1)
    ]
    events[MENTIONS - 1]["who"]["name"] = f"Person Number{MENTIONS}, guest of {EMAIL}"
    events = (json.dumps(e) for e in events)
    (folder / "events.jsonl").write_text("".join(f"{e}\n" for e in events), encoding="utf-8")


Rows = dict[str, list[tuple[Any, ...]]]


def _snapshot(url: str, server: str) -> Rows:
    tables = [
        "addresses",
        "customers",
        "notes",
        "signups",
        "sales.leads" if server == "postgresql" else "leads",
    ]
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: sorted(tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {t}"))) for t in tables}
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Deleted:
    server: str
    code: int
    before: Rows
    after: Rows
    report: dict[str, Any]
    plan: dict[str, Any]
    log: list[dict[str, Any]]
    root: Path
    url: str


@pytest.fixture(scope="module", params=["postgresql", "mariadb"])
def deleted(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deleted]:
    server = request.param
    with server_database(server) as url:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            for statement in _ddl(server):
                conn.execute(sa.text(statement))
            _fill(conn, server)
        engine.dispose()
        root = tmp_path_factory.mktemp(f"respects-{server}")
        _files(root / "files")
        estate = root / "estate.yaml"
        estate.write_text(
            f"stores:\n  db:\n    kind: sql\n    url: {url}\n  logs:\n    kind: files\n    path: files\n",
            encoding="utf-8",
        )
        assert main(["scan", "--estate", str(estate), "--out", str(root / "inventory")]) == 0
        before = _snapshot(url, server)
        assert delete(estate, EMAIL, root / "plan", root / "inventory", "--dry-run") == 0
        assert _snapshot(url, server) == before
        code = delete(estate, EMAIL, root / "out", root / "inventory")
        log = [json.loads(line) for line in (root / "out" / "requests.jsonl").read_text().splitlines()]
        yield Deleted(
            server,
            code,
            before,
            _snapshot(url, server),
            only_report(root / "out"),
            only_report(root / "plan", plan=True),
            log,
            root,
            url,
        )


def _by_id(rows: list[tuple[Any, ...]]) -> dict[Any, tuple[Any, ...]]:
    return {row[0]: row for row in rows}


@pytest.mark.live
def test_a_row_another_customer_refers_to_is_deidentified_and_the_deletion_is_partial(
    deleted: Deleted,
) -> None:
    before, after = _by_id(deleted.before["customers"]), _by_id(deleted.after["customers"])
    assert after[3] == before[3]  # the customer who refers to the consumer: byte-identical
    kept = after[CONSUMER]
    assert EMAIL not in kept and EMAIL.lower() not in kept  # email gone, generated column recomputed
    assert kept[3] == before[CONSUMER][3]  # the NOT NULL reference to the address kept
    assert deleted.code == 1
    (why,) = [w for w in deleted.report["complied_in_part"] if w.startswith("db.customers:")]
    assert "customers.referred_by -> customers" in why
    assert [e["outcome"] for e in deleted.log] == ["complied_in_part"]


@pytest.mark.live
def test_the_shared_address_and_the_other_customers_rows_are_untouched(deleted: Deleted) -> None:
    before, after = _by_id(deleted.before["customers"]), _by_id(deleted.after["customers"])
    others = [i for i in before if i != CONSUMER]
    assert {i: after.get(i) for i in others} == {i: before[i] for i in others}
    assert _by_id(deleted.after["addresses"])[1] == _by_id(deleted.before["addresses"])[1]


@pytest.mark.live
def test_identical_rows_of_a_keyless_table_are_counted_and_removed_exactly(deleted: Deleted) -> None:
    own = [t for t in deleted.plan["tables"] if t["table"] == "notes" and t["action"] == "delete"]
    assert [t["rows"] for t in own] == [2]
    assert not [r for r in deleted.after["notes"] if r[0] == CONSUMER]
    assert len(deleted.before["notes"]) - len(deleted.after["notes"]) == 2


@pytest.mark.live
def test_another_persons_note_mentioning_the_consumer_is_redacted_in_a_keyless_table(
    deleted: Deleted,
) -> None:
    theirs = [r for r in deleted.after["notes"] if r[0] == 5]
    assert sorted(theirs) == sorted(
        [(5, "called person5@example.com about the bill"), (5, "says [redacted] is a friend")]
    )


@pytest.mark.live
def test_a_schema_other_than_public_is_cleaned(deleted: Deleted) -> None:
    leads = "sales.leads" if deleted.server == "postgresql" else "leads"
    assert CONSUMER not in _by_id(deleted.after[leads])
    assert len(deleted.after[leads]) == PEOPLE - 1


@pytest.mark.live
def test_verification_names_what_remains_without_its_value(deleted: Deleted) -> None:
    verification = deleted.report["verification"]
    residue = {(r["table"], r["column"]): r for r in verification["residue"]}
    if deleted.server == "postgresql":
        matview = residue.pop(("customer_emails", "email"))
        assert (
            matview["why"] == 'a materialized view: run REFRESH MATERIALIZED VIEW "public"."customer_emails"'
        )
    assert residue == {}  # JSON documents, the mixed column, the other schema: all clean
    assert verification["zero_residue"] is (deleted.server != "postgresql")
    text = json.dumps(deleted.report)
    assert EMAIL not in text and PHONE not in text


def _document(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


@pytest.mark.live
def test_the_consumers_document_goes_and_a_mention_in_anothers_is_removed_inside_it(deleted: Deleted) -> None:
    before, after = _by_id(deleted.before["signups"]), _by_id(deleted.after["signups"])
    assert CONSUMER not in after  # their signup: its document holds their email, a subject row
    expected = {"form": {"email": email(MENTIONS), "phone": phone(MENTIONS)}, "plan": "basic"}
    assert _document(after[MENTIONS][1]) == {**expected, "note": "referred by [redacted]"}
    others = [i for i in before if i not in (CONSUMER, MENTIONS)]
    assert {i: after[i] for i in others} == {i: before[i] for i in others}
    engine = sa.create_engine(deleted.url)
    kind = "jsonb_typeof(payload)" if deleted.server == "postgresql" else "JSON_TYPE(payload)"
    with engine.connect() as conn:
        (typed,) = conn.execute(sa.text(f"SELECT {kind} FROM signups WHERE id = {MENTIONS}")).one()
    engine.dispose()
    assert str(typed).lower() == "object"  # still a document, not a JSON string


@pytest.mark.live
def test_a_csv_column_of_emails_and_phones_mixed_is_cleaned_of_both(deleted: Deleted) -> None:
    text = (deleted.root / "files" / "contacts.csv").read_text(encoding="utf-8")
    assert EMAIL not in text and PHONE not in text
    others = [f"{i},{email(i) if i % 2 else phone(i)}" for i in range(2, PEOPLE + 1)]
    assert [line for line in text.splitlines() if line in others] == others


@pytest.mark.live
def test_a_nested_value_in_json_lines_is_rewritten_and_the_other_lines_kept(deleted: Deleted) -> None:
    lines = (deleted.root / "files" / "events.jsonl").read_text(encoding="utf-8").splitlines()
    records = {json.loads(line)["id"]: json.loads(line) for line in lines}
    assert CONSUMER not in records and len(records) == PEOPLE - 1  # the consumer's event went
    guest = {"email": email(MENTIONS), "name": f"Person Number{MENTIONS}, guest of [redacted]"}
    assert records[MENTIONS]["who"] == guest
    assert EMAIL not in "\n".join(lines)
    assert all(records[i]["who"]["email"] == email(i) for i in range(2, PEOPLE + 1))
