"""The value index of large Parquet tables: same answers as a full filtered scan, never stale, and
brought up to date by reading only the files that changed."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path, PurePath

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pa_fs
import pyarrow.parquet as pq
import pytest

import connectors._file_index
import connectors.files
from connectors import FilesStoreConfig, TableChange
from connectors._file_index import INDEX_DIR, STAMP
from connectors.files import FileStore
from tests.connectors.counting import CountingHandler


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
    keys = logs.find("sessions", "bytes", [5], columns=["bytes"])
    logs.apply([TableChange("sessions", ("bytes",), deletes=keys)])  # rewrites every file: judged again
    assert logs.find("sessions", "bytes", values).num_rows == expected(logs, "bytes", values) == 6
    assert not (logs.root / INDEX_DIR / "sessions" / "bytes.parquet").exists()


def test_an_unwritable_store_keeps_its_index_in_memory(
    logs: FileStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(connectors._file_index.pq, "write_table", refuse)
    values = ["356938035640007"]
    assert logs.find("sessions", "imei", values).num_rows == expected(logs, "imei", values) > 0
    assert [p.name for p in (logs.root / INDEX_DIR).rglob("*") if p.is_file()] == []  # nothing half-written


# A table of six days, each file holding its own IMSIs (a consumer's sessions are in one file), so a
# lookup reads one file, and an index that reads any other file while updating has read it for nothing.
DAYS = 6


def imsi(day: int, n: int) -> str:
    return f"3102600000{day}{n:04d}"


def write_day(root: Path, day: int, first: int = 0) -> Path:
    folder = root / "sessions" / f"dt=2026-11-{day + 1:02d}"
    folder.mkdir(parents=True, exist_ok=True)
    rows = pa.table({"imsi": [imsi(day, first + i % 40) for i in range(600)], "bytes": list(range(600))})
    pq.write_table(rows.sort_by("imsi"), folder / "part-0.parquet", row_group_size=50)
    return folder / "part-0.parquet"


@pytest.fixture
def days(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(connectors.files, "MIN_ROWS", 100)
    monkeypatch.setattr(connectors._file_index, "_LOADED", {})  # as a new process: nothing loaded
    for day in range(DAYS):
        write_day(tmp_path, day)
    return tmp_path


def counted(root: Path) -> tuple[FileStore, CountingHandler]:
    """A store of `root` whose reads are counted (every store of these tests: a filesystem through
    fsspec stamps files with float mtimes, so another filesystem's stamps would all differ)."""
    handler = CountingHandler()
    config = FilesStoreConfig(kind="files", path=root)
    return FileStore("logs", config, filesystem=pa_fs.PyFileSystem(handler)), handler


def index_rows(root: Path) -> set[tuple[str, str, int]]:
    index = pq.read_table(root / INDEX_DIR / "sessions" / "imsi.parquet")
    values = index.column("value").to_pylist()
    assert values == sorted(values)  # lookups search it by bisection
    return set(zip(*(index.column(c).to_pylist() for c in ("value", "file", "row_group")), strict=True))


def rebuilt_rows(root: Path, monkeypatch: pytest.MonkeyPatch) -> set[tuple[str, str, int]]:
    """The rows a whole build makes of the files as they are now."""
    (root / INDEX_DIR / "sessions" / "imsi.parquet").unlink()
    monkeypatch.setattr(connectors._file_index, "_LOADED", {})
    counted(root)[0].find("sessions", "imsi", [imsi(0, 0)])
    return index_rows(root)


def index_reads(root: Path, values: list[str], found: list[int]) -> Counter[str]:
    """The table's files a lookup of each of `values` opens beyond what the same lookups open once
    the index is current (a second store of the process: the lookups' own row groups and footers
    alike): the files the index was updated from."""
    updating, handler = counted(root)
    assert [updating.find("sessions", "imsi", [v]).num_rows for v in values] == found
    current, control = counted(root)
    assert [current.find("sessions", "imsi", [v]).num_rows for v in values] == found
    extra = handler.opened - control.opened
    return Counter(
        {name: n for p, n in extra.items() if not (name := relative(root, p)).startswith(INDEX_DIR)}
    )


def relative(root: Path, path: str) -> str:
    return PurePath(path).relative_to(root).as_posix()


def test_a_deletion_updates_the_index_from_the_rewritten_file_alone(
    days: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, handler = counted(days)
    target, other = imsi(3, 7), imsi(0, 5)  # the consumer's sessions are all in day 4's file
    assert store.find("sessions", "imsi", [target]).num_rows == 15
    before = index_rows(days)
    [result] = store.apply([TableChange("sessions", ("imsi",), deletes=pa.table({"imsi": [target]}))])
    [rewritten] = result.files_rewritten
    handler.opened.clear()
    assert store.find("sessions", "imsi", [target]).num_rows == 0  # the same store, its index in memory
    assert store.find("sessions", "imsi", [other]).num_rows == 15 == expected(store, "imsi", [other])
    assert {relative(days, p) for p in handler.opened} >= {rewritten}
    after = index_rows(days)
    assert {r for r in after if r[1] != rewritten} == {r for r in before if r[1] != rewritten}
    assert {r[0] for r in after if r[1] == rewritten} == {imsi(3, n) for n in range(40)} - {target}
    stamps = pq.read_schema(days / INDEX_DIR / "sessions" / "imsi.parquet").metadata
    assert json.loads(stamps[connectors._file_index.FILES]) == dict(store._stamped("sessions").files)
    assert after == rebuilt_rows(days, monkeypatch)


def test_the_in_process_index_reads_only_the_rewritten_file(days: Path) -> None:
    store, _ = counted(days)
    target = imsi(3, 7)
    assert store.find("sessions", "imsi", [target]).num_rows == 15
    [result] = store.apply([TableChange("sessions", ("imsi",), deletes=pa.table({"imsi": [target]}))])
    assert index_reads(days, [target, imsi(0, 5)], [0, 15]) == Counter(result.files_rewritten)


def test_files_replaced_added_and_removed_by_another_writer(
    days: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process's index on disk, stale: the replaced and new files are read, the rest kept."""
    assert counted(days)[0].find("sessions", "imsi", [imsi(0, 0)]).num_rows == 15
    monkeypatch.setattr(connectors._file_index, "_LOADED", {})  # this process never loaded it
    replaced = write_day(days, 1, first=100)  # day 2's sessions, other IMSIs
    added = write_day(days, DAYS)
    shutil.rmtree(days / "sessions" / "dt=2026-11-05")
    values = [imsi(1, 5), imsi(1, 105), imsi(DAYS, 5), imsi(4, 5), imsi(0, 5)]
    reads = index_reads(days, values, [0, 15, 15, 0, 15])
    assert reads == Counter([relative(days, str(replaced)), relative(days, str(added))])
    assert not [f for _, f, _ in index_rows(days) if f.startswith("sessions/dt=2026-11-05/")]
    assert index_rows(days) == rebuilt_rows(days, monkeypatch)


def test_an_index_without_the_stamps_of_its_files_is_rebuilt_once(
    days: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index written before files were stamped one by one: its fingerprint may still hold, but
    it could not be updated file by file; it is rebuilt whole, then updated as any other."""
    path = days / INDEX_DIR / "sessions" / "imsi.parquet"
    assert counted(days)[0].find("sessions", "imsi", [imsi(0, 0)]).num_rows == 15
    older = pq.read_table(path)
    pq.write_table(older.replace_schema_metadata({STAMP: older.schema.metadata[STAMP]}), path)
    monkeypatch.setattr(connectors._file_index, "_LOADED", {})
    store, handler = counted(days)
    assert store.find("sessions", "imsi", [imsi(2, 3)]).num_rows == 15
    assert len(handler.opened) == DAYS + 1  # every file read again, and the index
    assert connectors._file_index.FILES in pq.read_schema(path).metadata
    assert index_rows(days) == rebuilt_rows(days, monkeypatch)


def test_a_table_mostly_rewritten_is_surveyed_again(days: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Most files new under the old names: the index is rebuilt, and judges the column afresh."""
    monkeypatch.setattr(connectors._file_index, "SURVEY_ROWS", 100)
    store = counted(days)[0]
    assert store.find("sessions", "imsi", [imsi(0, 0)]).num_rows == 15
    for day in range(DAYS):  # each session its own IMSI now
        rows = pa.table({"imsi": [imsi(day, i) for i in range(600)], "bytes": list(range(600))})
        pq.write_table(rows, days / "sessions" / f"dt=2026-11-{day + 1:02d}" / "part-0.parquet")
    store = counted(days)[0]
    assert store.find("sessions", "imsi", [imsi(0, 500)]).num_rows == 1
    assert not (days / INDEX_DIR / "sessions" / "imsi.parquet").exists()  # not indexed, nor stale


def test_a_column_judged_unique_stays_unindexed_through_a_deletion(
    days: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connectors._file_index, "SURVEY_ROWS", 100)
    store, _ = counted(days)
    assert store.find("sessions", "bytes", [5]).num_rows == DAYS  # each file holds each number once
    store.apply([TableChange("sessions", ("imsi",), deletes=pa.table({"imsi": [imsi(3, 5)]}))])
    assert (
        store.find("sessions", "bytes", [5, 45]).num_rows == expected(store, "bytes", [5, 45]) == 2 * DAYS - 2
    )
    assert store.find("sessions", "imsi", [imsi(3, 6)]).num_rows == 15  # the other column is indexed
    assert not (days / INDEX_DIR / "sessions" / "bytes.parquet").exists()


@pytest.mark.parametrize(
    ("kept", "fresh"),
    [
        (["b", "d", "d", "f"], ["a", "d", "e", "g", "g"]),  # before, among equals, between, after all
        ([], ["a", "b"]),
        (["a", "b"], []),
        (["é", "z"], ["y", "ü", "日本"]),  # UTF-8 byte order, as Arrow sorts
    ],
)
def test_a_merge_keeps_the_index_sorted(kept: list[str], fresh: list[str]) -> None:
    def index(values: list[str], file: str) -> pa.Table:
        rows = pa.table(
            {
                "value": pa.array(values, pa.string()),
                "file": pa.array([file] * len(values), pa.string()),
                "row_group": pa.array([0] * len(values), pa.int32()),
            }
        )
        return connectors._file_index._compact(rows.sort_by("value"))

    merged = connectors._file_index._merged(index(kept, "old"), index(fresh, "new"))
    assert merged.column("value").to_pylist() == sorted(kept + fresh)
    assert sorted(
        zip(merged.column("value").to_pylist(), merged.column("file").to_pylist(), strict=True)
    ) == sorted([(v, "old") for v in kept] + [(v, "new") for v in fresh])
