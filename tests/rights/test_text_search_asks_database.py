"""The deletion's residue search and the access request's mention search on an SQL store ask the
database for candidate rows only: the statement a real engine sends holds a LIKE per identifier,
and run again it returns a handful of the table's 313 rows. (Only interfaces older than the
push-down are used here, so the same test run on the code before it fails on its assertion.)"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from connectors import open_estate_store
from pipelines.rights.changes.verification import ResidueTask, residue_in_split
from pipelines.rights.records.mentions import MentionTask, rows_mentioning
from tests.conftest import live
from tests.connectors import text_fixtures as tx

IDENTIFIERS = ("ann.blackburn@gmail.com", "+14155550100")


@live("sqlite", "postgresql", "mariadb")
def test_the_searches_ask_the_database_for_candidates(crm: tuple[str, list[str]]) -> None:
    estate, names = crm
    identifiers = IDENTIFIERS
    with open_estate_store(estate, "crm") as store:
        (split,) = store.splits(names[0])
        columns = tuple(c.name for c in store.table(names[0]).columns if c.type == pa.string())
    with tx.statements_sent(sa.Engine) as sent:  # the searches open their store themselves
        residue_in_split(ResidueTask(estate, "crm", split, columns, identifiers))
        rows_mentioning(MentionTask(estate, "crm", split, "body", identifiers))
    searches = [(s, p) for s, p in sent if "ESCAPE '!'" in s]  # not reflection's own LIKEs
    assert len(searches) == 2, [s for s, _ in sent]
    for statement, parameters in searches:
        assert 0 < _returned(estate, statement, parameters) < 20  # of 313 rows


def _returned(estate: str, statement: str, parameters: Any) -> int:
    with open_estate_store(estate, "crm") as store:
        return tx.rows_returned(store.engine, statement, parameters)  # type: ignore[attr-defined]
