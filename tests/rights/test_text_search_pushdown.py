"""The deletion's residue search and the access request's mention search on SQL stores, which ask
the database for candidate rows only (test_text_search_asks_database.py), answer exactly what
reading every row answers: the same counts per column, the same rows, on SQLite, PostgreSQL and
MariaDB, on the awkward text of tests/connectors/text_fixtures.py (a table in a schema of its own
on PostgreSQL, its view, its materialized view)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from connectors import open_estate_store
from connectors.text_match import rough_candidates, rough_patterns, text_leaves, text_like
from pipelines.rights.changes.verification import ResidueTask, residue_in_split
from pipelines.rights.records.identifiers import identifier_pattern
from pipelines.rights.records.mentions import MentionTask, rows_mentioning
from pipelines.rights.records.text_search import TextSearch
from tests.conftest import live

CONSUMERS = [  # one consumer's identifiers each, longest first as the searches get them
    ("ann.blackburn@gmail.com", "+14155550100"),
    ("a%b_c\\d!e@x.org", "310150123456789"),
    ("josé.núñez@correo.es", "Kate.Sims@Example.com", "nested@deep.example"),
    ("0.30000000000000004", "nbreak", "1e-07"),
]


@live("sqlite", "postgresql", "mariadb")
def test_residue_counts_are_those_of_the_full_read(crm: tuple[str, list[str]]) -> None:
    estate, names = crm
    with open_estate_store(estate, "crm") as store:
        for name in names:
            columns = tuple(c.name for c in store.table(name).columns if text_like(c.type))
            for identifiers in CONSUMERS:
                expected = _residue_read_whole(store, name, columns, identifiers)
                found = dict.fromkeys(columns, 0)
                for split in store.splits(name, rows=100):
                    counted = residue_in_split(ResidueTask(estate, "crm", split, columns, identifiers))
                    assert counted is not None
                    found = {c: found[c] + counted[c] for c in columns}
                assert found == expected, (name, identifiers)
                assert any(expected.values()), (name, identifiers)


@live("sqlite", "postgresql", "mariadb")
def test_mention_rows_are_those_of_the_full_read(crm: tuple[str, list[str]]) -> None:
    estate, names = crm
    with open_estate_store(estate, "crm") as store:
        for name in names:
            for identifiers in [*CONSUMERS, tuple(v for ids in CONSUMERS for v in ids)]:
                for split in store.splits(name, rows=100):
                    found = rows_mentioning(MentionTask(estate, "crm", split, "body", identifiers))
                    expected = _mentioning_read_whole(store, split, identifiers)
                    assert found.to_pylist() == expected.to_pylist(), (name, identifiers)


def _residue_read_whole(
    store: Any, table: str, columns: tuple[str, ...], ids: tuple[str, ...]
) -> dict[str, int]:
    """What the residue search found before it asked the database: every row read, every leaf."""
    search = TextSearch(rough_patterns(ids), identifier_pattern(ids))
    counts = dict.fromkeys(columns, 0)
    for batch in store.scan(table, list(columns)):
        for column in columns:
            rows = {
                r for t, p in text_leaves(batch.column(column)) for r in p.take(search.rows(t)).to_pylist()
            }
            counts[column] += len(rows)
    return counts


def _mentioning_read_whole(store: Any, split: Any, ids: tuple[str, ...]) -> pa.Table:
    parts = []
    for batch in store.scan_split(split):
        hit = rough_candidates(batch.column(batch.schema.get_field_index("body")), rough_patterns(ids))
        parts.append(pa.Table.from_batches([batch]).filter(hit))
    return pa.concat_tables(parts)
