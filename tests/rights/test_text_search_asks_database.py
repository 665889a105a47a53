"""The deletion's residue search and the access request's mention search on an SQL store ask the
database for candidate rows only: the statement a real engine sends holds a LIKE per identifier,
and run again it returns a handful of the table's 313 rows. (Only interfaces older than the
push-down are used here, so the same test run on the code before it fails on its assertion.)"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import sqlalchemy as sa

from connectors import open_estate_store
from pipelines.rights.changes.verification import ResidueTask, residue_in_split
from pipelines.rights.records.mentions import MentionTask, rows_mentioning
from tests.conftest import live
from tests.connectors import text_fixtures as tx

IDENTIFIERS = ("ann.blackburn@gmail.com", "+14155550100")


@pytest.fixture
def live_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'crm.db'}"
    url: str = request.getfixturevalue("live_database")
    return url


@pytest.fixture
def crm(live_database: str, tmp_path: Path) -> tuple[str, list[str]]:
    """An estate file whose one store, `crm`, holds the notes table and its views."""
    return tx.notes_estate(live_database, tmp_path)


@live("sqlite", "postgresql", "mariadb")
def test_the_searches_ask_the_database_for_candidates(crm: tuple[str, list[str]]) -> None:
    estate, names = crm
    identifiers = IDENTIFIERS
    with open_estate_store(estate, "crm") as store:
        (split,) = store.splits(names[0])
        columns = tuple(c.name for c in store.table(names[0]).columns if c.type == pa.string())
    with _sent() as sent:
        residue_in_split(ResidueTask(estate, "crm", split, columns, identifiers))
        rows_mentioning(MentionTask(estate, "crm", split, "body", identifiers))
    searches = [(s, p) for s, p in sent if "ESCAPE '!'" in s]  # not reflection's own LIKEs
    assert len(searches) == 2, [s for s, _ in sent]
    for statement, parameters in searches:
        assert 0 < _returned(estate, statement, parameters) < 20  # of 313 rows


@contextmanager
def _sent() -> Iterator[list[tuple[str, Any]]]:
    """Every statement any engine sends meanwhile (the searches open their store themselves)."""
    sent: list[tuple[str, Any]] = []

    def record(conn: object, cursor: object, statement: str, parameters: Any, *rest: object) -> None:
        sent.append((statement, parameters))

    sa.event.listen(sa.Engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", record)


def _returned(estate: str, statement: str, parameters: Any) -> int:
    with open_estate_store(estate, "crm") as store:
        raw = store.engine.raw_connection()  # type: ignore[attr-defined]
        try:
            cursor = raw.cursor()
            cursor.execute(statement, parameters)
            return len(cursor.fetchall())
        finally:
            raw.close()
