"""Store.splits / scan_split: the parts of a table hold every row once (live PostgreSQL, SQLite, files)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from connectors import FilesStoreConfig, SqlStoreConfig, Store, open_store
from tests.conftest import live


def _read_all(store: Store, table: str, rows: int) -> tuple[int, list[object]]:
    splits = store.splits(table, rows)
    ids = [v for s in splits for b in store.scan_split(s, ["id"]) for v in b.column(0).to_pylist()]
    return len(splits), sorted(ids)


def _fill(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
        conn.execute(
            sa.text("INSERT INTO notes VALUES (:id, :body)"),
            [{"id": i * 3, "body": f"n{i}"} for i in range(1, 101)],
        )
    engine.dispose()


@live("postgresql")
def test_postgresql_key_ranges_cover_every_row_once(live_database: str) -> None:
    _fill(live_database)
    with open_store("db", SqlStoreConfig(kind="sql", url=live_database)) as store:
        parts, ids = _read_all(store, "notes", 30)
    assert parts == 4 and ids == [i * 3 for i in range(1, 101)]


def test_sqlite_and_parquet_splits_cover_every_row_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    _fill(url)
    with open_store("db", SqlStoreConfig(kind="sql", url=url)) as store:
        assert _read_all(store, "notes", 1_000)[0] == 1
        assert _read_all(store, "notes", 10) == (10, [i * 3 for i in range(1, 101)])
    folder = tmp_path / "files"
    folder.mkdir()
    pq.write_table(pa.table({"id": list(range(100))}), folder / "log.parquet", row_group_size=10)
    with open_store("files", FilesStoreConfig(kind="files", path=folder)) as store:
        assert _read_all(store, "log", 25) == (4, list(range(100)))  # whole row groups of 30, 30, 30, 10
