"""The ledger on SQLite and on the live PostgreSQL: Alembic from empty and from the first revision,
and a case through the CLI whose closed row keeps no raw identifier."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipelines.rights.requests.ledger import migrate, open_ledger
from tests.conftest import live
from tests.rights.requests.conftest import ccpa, customer, new

FIRST_REQUEST = {
    "id": "R20260105-0000aaaa",
    "type": "know",
    "status": "received",
    "channel": "mail",
    "received": dt.date(2026, 1, 5),
    "confirm_by": dt.date(2026, 1, 20),
    "due": dt.date(2026, 2, 19),
    "extended": False,
    "identity_kind": "email",
    "identity_value": "someone@example.com",
    "identity_hash": "0" * 64,
    "level": "none",
    "matched": 0,
    "mismatched": 0,
}


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.db'}"


def check_migrations(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        migrate(engine, "0001")
        assert "data_points" not in sa.inspect(engine).get_table_names()
        with engine.begin() as conn:
            conn.execute(
                sa.table("requests", *map(sa.column, FIRST_REQUEST)).insert().values(**FIRST_REQUEST)
            )
        migrate(engine)
        inspector = sa.inspect(engine)
        assert {"requests", "events", "data_points", "settings"} <= set(inspector.get_table_names())
        assert "extension_reason" in {c["name"] for c in inspector.get_columns("requests")}
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0002"
    finally:
        engine.dispose()
    ledger = open_ledger(url)  # head already: nothing to do, the earlier row still there
    try:
        case = ledger.get(FIRST_REQUEST["id"])  # type: ignore[arg-type]
        assert (case.channel, case.due, case.extension_reason) == ("mail", dt.date(2026, 2, 19), None)
    finally:
        ledger.close()


def check_from_empty(url: str) -> None:
    ledger = open_ledger(url)
    try:
        assert ledger.cases() == [] and len(ledger.salt) == 32
        with ledger.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0002"
    finally:
        ledger.close()


def test_sqlite_upgrades_from_empty_and_from_the_first_revision(tmp_path: Path) -> None:
    check_from_empty(sqlite_url(tmp_path / "empty"))
    check_migrations(sqlite_url(tmp_path))


@live("postgresql")
def test_postgresql_upgrades_from_empty_and_from_the_first_revision(live_database: str) -> None:
    check_from_empty(live_database)
    engine = sa.create_engine(live_database)
    with engine.begin() as conn:
        for table in ("data_points", "events", "requests", "settings", "alembic_version"):
            conn.execute(sa.text(f"DROP TABLE {table}"))
    engine.dispose()
    check_migrations(live_database)


@live("postgresql")
def test_a_case_on_postgresql(
    live_database: str, estate_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open(estate_file, "a", encoding="utf-8") as file:
        file.write(f"ledger: {live_database}\n")
    person, estate = customer(estate_file), str(estate_file)
    request = new(
        capsys, estate_file, "--type", "opt-out", "--email", person.email, "--received", "2026-11-20"
    )
    engine = sa.create_engine(live_database)
    try:
        with engine.connect() as conn:
            held = conn.execute(sa.text("SELECT identity_value FROM requests")).scalars().all()
        assert held == [person.email.lower()]
        ccpa(capsys, "run", "--estate", estate, request)
        shown = json.loads(ccpa(capsys, "show", "--estate", estate, request))
        assert (shown["status"], shown["due"], shown["confirm_by"]) == ("complied", "2026-12-15", None)
        with engine.connect() as conn:
            row = conn.execute(sa.text("SELECT identity_value, identity_hash FROM requests")).one()
            text = json.dumps([list(r) for r in conn.execute(sa.text("SELECT * FROM requests"))], default=str)
            text += json.dumps([list(r) for r in conn.execute(sa.text("SELECT * FROM events"))], default=str)
        assert row[0] is None and len(row[1]) == 64
        assert person.email.lower() not in text.lower()
    finally:
        engine.dispose()
    assert not (estate_file.parent / "requests.db").exists()
    assert (estate_file.parent / "outbox" / f"{request}-completion.eml").exists()
