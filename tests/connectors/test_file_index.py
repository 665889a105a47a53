"""The value index of large Parquet tables: same answers as a full filtered scan, never stale."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import connectors._file_index
import connectors.files
from connectors import FilesStoreConfig, TableChange
from connectors._file_index import INDEX_DIR
from connectors.files import FileStore


@pytest.fixture
def logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FileStore:
    monkeypatch.setattr(connectors.files, "MIN_ROWS", 100)  # index even this small table
    for day in range(3):
        folder = tmp_path / "sessions" / f"dt=2026-11-0{day + 1}"
        folder.mkdir(parents=True)
        n = 600
        table = pa.table(
            {
                "imsi": [f"31026000000{i % 40:04d}" for i in range(n)],
                "imei": [f"35693803564{(i * 7) % 40:04d}" for i in range(n)],
                "bytes": list(range(n)),
            }
        ).sort_by("imsi")
        pq.write_table(table, folder / "part-0.parquet", row_group_size=50)
    return FileStore("logs", FilesStoreConfig(kind="files", path=tmp_path))


def expected(store: FileStore, column: str, values: list[str]) -> int:
    return sum(
        pc.sum(pc.is_in(b.column(column), value_set=pa.array(values))).as_py() or 0
        for b in store.scan("sessions", [column])
    )


def test_lookups_by_any_column_match_a_full_scan(logs: FileStore) -> None:
    for column, values in (("imei", ["356938035640007", "356938035640013"]), ("imsi", ["310260000000003"])):
        found = logs.find("sessions", column, values)
        assert found.num_rows == expected(logs, column, values) > 0
        assert set(found.column(column).to_pylist()) == set(values)
        assert set(found.column("dt").to_pylist()) == {
            "2026-11-01",
            "2026-11-02",
            "2026-11-03",
        }  # partitions kept
    assert (logs.root / INDEX_DIR / "sessions" / "imei.parquet").exists()
    assert "sessions" in [t.name for t in logs.tables()]  # the index folder is no table


def test_the_index_follows_changes(logs: FileStore) -> None:
    imei = "356938035640007"
    before = logs.find("sessions", "imei", [imei]).num_rows
    keys = logs.find("sessions", "imei", [imei], columns=["imei"])
    logs.apply([TableChange("sessions", ("imei",), deletes=keys.slice(0, 1))])
    assert logs.find("sessions", "imei", [imei]).num_rows == 0 < before  # every row of that imei went


def test_a_copied_store_finds_its_own_files(
    logs: FileStore, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A copy keeps the mtimes (copytree, cp -a), so the index's fingerprint still holds: the index
    must name the copy's files, or a lookup there finds nothing and a deletion deletes nothing."""
    imei = "356938035640007"
    before = logs.find("sessions", "imei", [imei]).num_rows  # the index is written in the original
    folder = shutil.copytree(logs.root, tmp_path_factory.mktemp("copy") / "logs")
    copy = FileStore("logs", FilesStoreConfig(kind="files", path=folder))
    assert copy.find("sessions", "imei", [imei]).num_rows == before == expected(copy, "imei", [imei]) > 0
    keys = copy.find("sessions", "imei", [imei], columns=["imei"])
    copy.apply([TableChange("sessions", ("imei",), deletes=keys)])
    assert copy.find("sessions", "imei", [imei]).num_rows == expected(copy, "imei", [imei]) == 0
    assert logs.find("sessions", "imei", [imei]).num_rows == before  # the original is untouched


def test_a_nearly_unique_column_is_not_indexed(logs: FileStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A session id has a value per row: its index would be the size of the table (100M ids would
    not fit in memory), so a lookup by it is a filtered scan, with the same answer."""
    monkeypatch.setattr(connectors._file_index, "SURVEY_ROWS", 100)
    values = [5, 17, 333]
    found = logs.find("sessions", "bytes", values)
    assert found.num_rows == expected(logs, "bytes", values) == 9  # each value once a day
    assert not (logs.root / INDEX_DIR / "sessions" / "bytes.parquet").exists()
    assert logs.find("sessions", "imei", ["356938035640007"]).num_rows > 0  # the others still are
    assert (logs.root / INDEX_DIR / "sessions" / "imei.parquet").exists()


def test_an_unwritable_store_keeps_its_index_in_memory(
    logs: FileStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(connectors._file_index.pq, "write_table", refuse)
    values = ["356938035640007"]
    assert logs.find("sessions", "imei", values).num_rows == expected(logs, "imei", values) > 0
    assert [p.name for p in (logs.root / INDEX_DIR).rglob("*") if p.is_file()] == []  # nothing half-written
