"""The text match sent into the database keeps exactly the rows the full read keeps, on real
SQLite, PostgreSQL and MariaDB databases of awkward text (tests/connectors/text_fixtures.py),
and the database really is asked: the statement holds the LIKEs, and returns only candidates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from connectors import _sql_few_values
from connectors._sql_text_match import MAX_VALUES, like_pattern
from connectors.estate import FilesStoreConfig
from connectors.files import FileStore
from connectors.sql import SqlStore
from connectors.text_match import TextMatch, rough_candidates, text_like
from tests.conftest import live
from tests.connectors import sql_fixtures as fx
from tests.connectors import text_fixtures as tx

ALL = live("sqlite", "postgresql", "mariadb")


@pytest.fixture
def notes(live_database: str) -> Iterator[tuple[SqlStore, list[str]]]:
    dialect = sa.make_url(live_database).get_backend_name()
    names = tx.build_notes(live_database, dialect)
    with closing(fx.open_sql(live_database)) as store:
        yield store, names


@pytest.mark.parametrize(
    ("value", "pattern"),
    [
        ("Ann.Blackburn@gmail.com", "%ann.blac%burn@gmail.com%"),
        ("a%b_c\\d!e@x.org", "%a!%b!_c%d!!e@x.org%"),
        ("josé.núñez@correo.es", "%jo%.n%ez@correo.e%"),
        ("+1 415 555", "%+1%415%555%"),
        ('{"who": [1]}', "%who%1%"),
        ("\u017f\u212aK é", "%%"),
    ],
)
def test_like_pattern_keeps_plain_ascii_in_order(value: str, pattern: str) -> None:
    assert like_pattern(value) == pattern


def test_re2_folds_no_plain_character_but_k_and_s_beyond_ascii() -> None:
    """What the pattern's `%` for k and s rests on: RE2's case folding (every cased code point)."""
    cased = [chr(c) for c in range(0x80, 0x110000) if chr(c).lower() != chr(c) or chr(c).upper() != chr(c)]
    texts = pa.array(cased)
    folded = {}
    for char in map(chr, range(0x21, 0x7F)):
        hits = pc.indices_nonzero(rough_candidates(texts, re.escape(char)))
        if len(hits):
            folded[char] = pc.take(texts, hits).to_pylist()
    assert folded == {"K": ["\u212a"], "k": ["\u212a"], "S": ["\u017f"], "s": ["\u017f"]}


@ALL
@pytest.mark.parametrize("few", [False, True], ids=["likes", "few-values"])
def test_pushed_match_keeps_what_the_full_read_keeps(notes: tuple[SqlStore, list[str]], few: bool) -> None:
    """`few`: every text column named as of few values (SQLite answers from their distinct values)."""
    store, names = notes
    for name in names:
        columns = tuple(c.name for c in store.table(name).columns if text_like(c.type))
        encoded = columns if few else ()
        for value in tx.VALUES:
            for chosen in [*((c,) for c in columns), columns]:
                match = TextMatch(chosen, (value,))
                pushed = _kept(store, name, match, pushed=True, encoded=encoded)
                assert pushed == _kept(store, name, match, pushed=False), (name, chosen, value)
        every = TextMatch(columns, tx.VALUES)
        found = _kept(store, name, every, pushed=True, encoded=encoded)
        assert found == _kept(store, name, every, pushed=False)
        assert len(found) >= len(tx.BODIES) - 3  # the awkward rows, not the filler


@live("sqlite")
@pytest.mark.parametrize("few_values", [1_000, 5], ids=["few", "many"])
def test_a_column_of_few_values_is_asked_for_its_values_not_liked(
    notes: tuple[SqlStore, list[str]], few_values: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A column of at most FEW distinct values in the split: its distinct values are matched here
    and the rows asked for by value; past FEW it keeps its LIKEs. Either way, what the full read keeps."""
    monkeypatch.setattr(_sql_few_values, "FEW", few_values)
    store, names = notes
    match = TextMatch(("tag",), ("ann.blackburn@gmail.com", "INFO"))
    with tx.statements_sent(store.engine) as sent:
        found = _kept(store, names[0], match, pushed=True, rows=1_000, encoded=("tag",))
    assert found and found == _kept(store, names[0], match, pushed=False)
    assert any("DISTINCT" in statement.upper() for statement, _ in sent)
    (statement, parameters) = sent[-1]
    if few_values == 5:
        assert " LIKE " in statement.upper()
    else:
        assert " LIKE " not in statement.upper() and " IN (" in statement.upper()
        assert tx.rows_returned(store.engine, statement, parameters) == len(found)  # exactly those


@ALL
def test_the_database_returns_only_candidates(notes: tuple[SqlStore, list[str]]) -> None:
    store, names = notes
    match = TextMatch(("body", "tag"), ("ann.blackburn@gmail.com", "+14155550100"))
    with tx.statements_sent(store.engine) as sent:
        _kept(store, names[0], match, pushed=True, rows=1_000)
    (statement, parameters) = sent[-1]
    assert " LIKE " in statement.upper() and "ESCAPE '!'" in statement
    returned = tx.rows_returned(store.engine, statement, parameters)
    assert 0 < returned < 20, returned  # of 313 rows


@ALL
def test_many_values_read_the_split_whole(notes: tuple[SqlStore, list[str]]) -> None:
    store, names = notes
    columns = tuple(c.name for c in store.table(names[0]).columns if text_like(c.type))
    many = (*tx.VALUES, *(f"nobody{i}@example.com" for i in range(MAX_VALUES)))
    match = TextMatch(columns, many)
    with tx.statements_sent(store.engine) as sent:
        found = _kept(store, names[0], match, pushed=True)
    assert not any("ESCAPE '!'" in s for s, _ in sent)
    assert found == _kept(store, names[0], match, pushed=False)
    fewer = TextMatch(columns, many[:MAX_VALUES])  # SQLite refuses a chain of over 1000 ORs
    assert _kept(store, names[0], fewer, pushed=True) == _kept(store, names[0], fewer, pushed=False)


def _kept(
    store: SqlStore,
    table: str,
    match: TextMatch,
    pushed: bool,
    rows: int = 100,
    encoded: tuple[str, ...] = (),
) -> list[int]:
    """The ids of the rows kept, split by split: asked of the database, or matched on a full read."""
    found = []
    read = ["id", *match.columns]
    for split in store.splits(table, rows):
        if pushed:
            batches = store.scan_split(split, read, encoded=encoded, matching=match)
        else:
            batches = match.kept(store.scan_split(split, read))
        found += [i for batch in batches for i in batch.column("id").to_pylist()]
    return sorted(found)


@live("sqlite")
def test_a_case_sensitive_sqlite_like_gets_the_text_lowered(notes: tuple[SqlStore, list[str]]) -> None:
    store, names = notes

    def case_sensitive(connection: Any, record: object) -> None:
        connection.execute("PRAGMA case_sensitive_like = ON")

    sa.event.listen(store.engine, "connect", case_sensitive)
    store.engine.dispose()  # every connection from now on is case-sensitive
    columns = tuple(c.name for c in store.table(names[0]).columns if text_like(c.type))
    match = TextMatch(columns, tx.VALUES)
    found = _kept(store, names[0], match, pushed=True)
    assert found == _kept(store, names[0], match, pushed=False)
    assert 1 in found  # ANN.BLACKBURN@GMAIL.COM, found by its lower-cased text


@pytest.mark.parametrize("encoded", [False, True], ids=["plain", "dictionary"])
def test_files_keep_the_rows_holding_a_value_in_any_leaf(tmp_path: Path, encoded: bool) -> None:
    """Parquet, its columns of a few values read dictionary-encoded or not: the rows kept are those
    where Python finds the value, in any case, in a leaf (truth computed without Arrow)."""
    rows = [
        {
            "id": i,
            "direction": ["MO", "MT", "Ann.Blackburn@Gmail.com"][i % 3],
            "status": [None, "delivered", "A%B_C\\D!E@X.ORG", "queued"][i % 4],
            "note": f"note {i}" + (" to kate.sims@example.com" if i % 17 == 0 else ""),
            "tags": [f"t{i % 5}", "+14155550100"] if i % 11 == 0 else [],
            "who": {"email": "nested@deep.example" if i % 13 == 0 else f"p{i}@x.org"},
        }
        for i in range(2_000)
    ]
    folder = tmp_path / "logs"
    folder.mkdir()
    pq.write_table(pa.Table.from_pylist(rows), folder / "sms.parquet", row_group_size=300)
    store = FileStore("logs", FilesStoreConfig(kind="files", path=str(folder)))
    columns = ("direction", "status", "note", "tags", "who")
    for value in (*tx.VALUES, "mo", "QUEUED"):
        match = TextMatch(columns, (value,))
        kept = [
            i
            for split in store.splits("sms", rows=500)
            for batch in store.scan_split(
                split, ["id", *columns], encoded=columns if encoded else (), matching=match
            )
            for i in batch.column("id").to_pylist()
        ]
        wanted = re.compile(re.escape(value), re.IGNORECASE)
        assert kept == [row["id"] for row in rows if any(wanted.search(t) for t in _texts(row, columns))], (
            value
        )


def _texts(row: dict[str, Any], columns: tuple[str, ...]) -> list[str]:
    found: list[str] = []
    for column in columns:
        value = row[column]
        leaves = (
            value if isinstance(value, list) else list(value.values()) if isinstance(value, dict) else [value]
        )
        found += [leaf for leaf in leaves if leaf is not None]
    return found


def test_thousands_of_values_are_matched_in_patterns_of_a_few_hundred() -> None:
    values = [f"user{n}@example.com" for n in range(3_000)]
    texts = pa.array([f"mail from USER{n}@EXAMPLE.COM, thanks" for n in range(0, 6_000, 7)] + ["", None])
    held = rough_candidates(texts, TextMatch(("body",), tuple(values)).rough).to_pylist()
    wanted = {v.upper() for v in values}
    expected = [bool(t) and t.split()[2].rstrip(",") in wanted for t in texts.to_pylist()]
    assert held == expected and sum(expected) == len(range(0, 3_000, 7))
    assert len(TextMatch(("body",), tuple(values)).rough) == 15
