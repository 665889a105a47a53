"""FileStore on real folders: a hive-partitioned Parquet dataset, a CSV table and a JSON-lines table."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.fs as pa_fs
import pyarrow.parquet as pq
import pytest

from connectors import open_store
from connectors._file_rewrite import TEMP_MARK
from connectors._file_sample import SPREAD
from connectors.base import StoreError, TableChange
from connectors.estate import FilesStoreConfig
from connectors.files import FileStore
from tests.connectors.counting import CountingHandler

DAYS = ("2026-11-01", "2026-11-02", "2026-11-03")
CITY = "Zoë Ça Straße 東京"
TARGET = "310150999999999"  # a consumer's IMSI, held in two files of the dataset
OTHER = "310150888888888"  # another consumer's IMSI, held in one file
TARGET_FILES = ("sessions/dt=2026-11-01/part-0.parquet", "sessions/dt=2026-11-03/part-1.parquet")
OTHER_FILE = "sessions/dt=2026-11-02/part-0.parquet"
TOWERS_CSV = "cell_id,code,city,lat\n1,007,Zoë Ça Straße 東京,37.77\n2,010,,37.80\n3,,Paris,\n"
EVENTS_JSONL = (
    '{"customer_id": 1, "email": "ann@example.com", "note": "Zoë Ça Straße 東京"}\n'
    '{"customer_id": 2, "email": null, "note": "x"}\n'
    "\n"
    '{"customer_id": 3, "email": "cy@example.com", "note": null, "score": 1.10}\n'
)


def session_rows(day: int, part: int) -> pa.Table:
    ids = list(range(part * 10, part * 10 + 10))
    imsi = [f"3101501{day}{part}{i:07d}" for i in ids]
    if (DAYS[day], part) in {("2026-11-01", 0), ("2026-11-03", 1)}:
        imsi[3] = TARGET
    if (DAYS[day], part) == ("2026-11-02", 0):
        imsi[5] = OTHER
    return pa.table(
        {
            "session_id": pa.array(ids, pa.int64()),
            "imsi": imsi,
            "email": [None if i % 4 == 0 else f"user{i}@example.com" for i in ids],
            "city": [CITY if i % 3 == 0 else "Paris" for i in ids],
            "bytes_up": pa.array([None if i % 5 == 0 else i * 100 for i in ids], pa.int64()),
        }
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for day, name in enumerate(DAYS):
        folder = tmp_path / "sessions" / f"dt={name}"
        folder.mkdir(parents=True)
        for part in (0, 1):
            path = folder / f"part-{part}.parquet"
            pq.write_table(session_rows(day, part), path, row_group_size=4, compression="zstd")
        (folder / "_SUCCESS").touch()
    (tmp_path / "towers.csv").write_text(TOWERS_CSV, encoding="utf-8")
    (tmp_path / "events.jsonl").write_text(EVENTS_JSONL, encoding="utf-8")
    (tmp_path / ".hidden.csv").write_text("a\n1\n")
    (tmp_path / "README.md").write_text("not a table\n")
    return tmp_path


def store_at(root: Path, **options: object) -> FileStore:
    return FileStore(
        "device_logs", FilesStoreConfig.model_validate({"kind": "files", "path": root, **options})
    )


def file_states(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under root (hidden ones too), with its bytes and mtime_ns."""
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_open_store_gives_a_file_store(root: Path) -> None:
    config = FilesStoreConfig(kind="files", path=root)
    with open_store("device_logs", config) as store:
        assert isinstance(store, FileStore)


def test_tables_of_files_and_partitioned_datasets(root: Path) -> None:
    tables = {t.name: t for t in store_at(root).tables()}
    assert sorted(tables) == ["events", "sessions", "towers"]
    sessions = tables["sessions"]
    assert sessions.column_names == ["session_id", "imsi", "email", "city", "bytes_up", "dt"]
    assert sessions.partitioning == ("dt",)
    assert sessions.row_count == 60
    assert sessions.primary_key == ()
    assert {c.name: c.native_type for c in sessions.columns}["bytes_up"] == "int64"
    towers = tables["towers"]
    # read as text, typed only where every value is a canonical whole number: `007` keeps its zeros
    assert towers.schema == pa.schema(
        [("cell_id", pa.int64()), ("code", pa.string()), ("city", pa.string()), ("lat", pa.string())]
    )
    assert (towers.row_count, towers.partitioning) == (None, ())
    assert tables["events"].column_names == ["customer_id", "email", "note", "score"]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"include": ["s*", "t*"]}, ["sessions", "towers"]),
        ({"exclude": ["sessions"]}, ["events", "towers"]),
        ({"include": ["*s"], "exclude": ["events"]}, ["sessions", "towers"]),
    ],
)
def test_include_and_exclude_globs(root: Path, options: dict[str, list[str]], expected: list[str]) -> None:
    assert [t.name for t in store_at(root, **options).tables()] == expected


def test_configured_format_overrides_extensions(tmp_path: Path) -> None:
    (tmp_path / "towers.txt").write_text(TOWERS_CSV, encoding="utf-8")
    assert [t.name for t in store_at(tmp_path).tables()] == []
    store = store_at(tmp_path, format="csv")
    assert store.table("towers").column_names == ["cell_id", "code", "city", "lat"]


def test_unicode_and_nulls_are_read_back(root: Path) -> None:
    store = store_at(root)
    towers = pa.Table.from_batches(list(store.scan("towers")))
    assert towers["city"].to_pylist() == [CITY, None, "Paris"]
    assert towers["code"].to_pylist() == ["007", "010", None]  # leading zeros kept
    events = pa.Table.from_batches(list(store.scan("events")))
    assert events["note"].to_pylist() == [CITY, "x", None]
    assert events["email"].null_count == 1


@pytest.mark.parametrize(("n", "expected"), [(10, 10), (60, 60), (500, 60), (0, 0)])
def test_sample_size(root: Path, n: int, expected: int) -> None:
    sample = store_at(root).sample("sessions", n, seed=7)
    assert sample.num_rows == expected
    assert sample.column_names[-1] == "dt"


def test_sample_is_deterministic_by_seed_and_keeps_chosen_columns(root: Path) -> None:
    store = store_at(root)
    first = store.sample("sessions", 12, columns=["imsi", "dt"], seed=1)
    assert first.column_names == ["imsi", "dt"]
    assert first.equals(store.sample("sessions", 12, columns=["imsi", "dt"], seed=1))
    assert not first.equals(store.sample("sessions", 12, columns=["imsi", "dt"], seed=2))
    assert set(first["dt"].to_pylist()) <= set(DAYS)


@pytest.mark.parametrize("table", ["towers", "events"])
def test_sample_of_a_small_text_table_is_the_whole_table(root: Path, table: str) -> None:
    store = store_at(root)
    assert store.sample(table, 100).num_rows == 3


def test_sampling_a_hundred_file_dataset_opens_few_files(tmp_path: Path) -> None:
    folder = tmp_path / "cdrs"
    folder.mkdir()
    for i in range(100):
        rows = pa.table({"n": pa.array(np.arange(i * 50, i * 50 + 50)), "file": [i] * 50})
        pq.write_table(rows, folder / f"part-{i:03d}.parquet")
    handler = CountingHandler()
    store = FileStore(
        "cdrs", FilesStoreConfig(kind="files", path=tmp_path), filesystem=pa_fs.PyFileSystem(handler)
    )
    sample = store.sample("cdrs", 40, seed=3)
    assert sample.num_rows == 40
    assert len(handler.opened) <= SPREAD + 1  # the sampled files, and the one the schema is read from
    assert len(set(sample["file"].to_pylist())) > 1


@pytest.mark.slow
def test_sampling_a_million_rows_reads_a_fraction_of_the_row_groups(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    for day in range(10):
        folder = tmp_path / "logs" / f"dt=2026-11-{day + 1:02d}"
        folder.mkdir(parents=True)
        for part in range(4):
            ids = rng.integers(310_150_000_000_000, 310_150_999_999_999, 25_000)
            rows = pa.table({"imsi": pc.cast(pa.array(ids), pa.string()), "bytes_up": pa.array(ids % 9_999)})
            pq.write_table(rows, folder / f"part-{part}.parquet", row_group_size=5_000)
    handler = CountingHandler()
    store = FileStore(
        "logs", FilesStoreConfig(kind="files", path=tmp_path), filesystem=pa_fs.PyFileSystem(handler)
    )
    assert store.table("logs").row_count == 1_000_000
    handler.tally.clear()
    sample = store.sample("logs", 1_000, seed=11)
    total = sum(p.stat().st_size for p in (tmp_path / "logs").rglob("*.parquet"))
    assert sample.num_rows == 1_000
    assert len(set(sample["dt"].to_pylist())) > 2
    # SPREAD row groups of 200 (4%), plus footers: well under a tenth of the bytes.
    assert handler.tally["bytes"] < total / 10


def test_scan_yields_batches_of_the_chosen_columns(root: Path) -> None:
    batches = list(store_at(root).scan("sessions", columns=["imsi", "dt"], batch_size=7))
    assert all(b.num_rows <= 7 and b.schema.names == ["imsi", "dt"] for b in batches)
    assert sum(b.num_rows for b in batches) == 60


@pytest.mark.parametrize(
    ("column", "values", "expected"),
    [
        ("imsi", [TARGET, OTHER], 3),  # across partitions
        ("dt", ["2026-11-02"], 20),  # a partition column
        ("session_id", ["3", "13"], 6),  # strings for an int64 column
        ("imsi", [], 0),
        ("email", [None], 0),
    ],
)
def test_find_across_partitions(root: Path, column: str, values: list[object], expected: int) -> None:
    found = store_at(root).find("sessions", column, values, columns=["imsi", "dt"])
    assert found.num_rows == expected
    assert found.schema == pa.schema([("imsi", pa.string()), ("dt", pa.string())])


def test_find_compares_values_as_the_columns_type(root: Path) -> None:
    """Text that is no whole number cannot be in an integer column: nothing found, no error."""
    store = store_at(root)
    assert store.find("sessions", "session_id", ["x"]).num_rows == 0
    assert store.find("towers", "cell_id", ["1"])["cell_id"].to_pylist() == [1]


def test_find_in_text_tables(root: Path) -> None:
    store = store_at(root)
    assert store.find("towers", "city", [CITY])["cell_id"].to_pylist() == [1]
    assert store.find("events", "customer_id", [2, 3], columns=["email"]).num_rows == 2


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.sample("nope", 5), "no table 'nope'"),
        (lambda s: s.find("sessions", "nope", [1]), "no column 'nope'"),
        (  # a change the column cannot hold: one line, never the value
            lambda s: s.apply(
                [TableChange("sessions", ("session_id",), pa.table({"session_id": ["ghunter"]}))]
            ),
            "do not fit its type int64: (?!.*ghunter)",
        ),
        (lambda s: list(s.scan("sessions", columns=["nope"])), "no column 'nope'"),
    ],
)
def test_errors_are_one_line_store_errors(
    root: Path, call: Callable[[FileStore], object], message: str
) -> None:
    with pytest.raises(StoreError, match=message) as caught:
        call(store_at(root))
    assert "\n" not in str(caught.value)


def target_change() -> TableChange:
    return TableChange(
        "sessions",
        key=("imsi",),
        deletes=pa.table({"imsi": [TARGET]}),
        updates=pa.table({"imsi": [OTHER], "email": pa.array([None], pa.string())}),
    )


def test_apply_rewrites_only_the_files_holding_the_keys(root: Path) -> None:
    store = store_at(root)
    before = file_states(root)
    [result] = store.apply([target_change()])
    assert (result.deleted, result.updated) == (2, 1)
    assert sorted(result.files_rewritten) == sorted([*TARGET_FILES, OTHER_FILE])
    after = file_states(root)
    assert sorted(after) == sorted(before)  # no file added or lost, partition folders kept
    changed = {name for name in before if before[name] != after[name]}
    assert changed == set(result.files_rewritten)
    assert store.find("sessions", "imsi", [TARGET]).num_rows == 0
    assert store.find("sessions", "imsi", [OTHER])["email"].to_pylist() == [None]
    assert store.table("sessions").row_count == 58
    rewritten = pq.ParquetFile(root / OTHER_FILE).metadata
    assert rewritten.row_group(0).column(0).compression == "ZSTD"
    assert rewritten.row_group(0).num_rows == 4


def test_apply_matches_multi_column_keys(root: Path) -> None:
    store = store_at(root)
    deletes = pa.table({"dt": ["2026-11-02", "2026-11-03"], "session_id": [3, 14]})
    [result] = store.apply([TableChange("sessions", ("dt", "session_id"), deletes=deletes)])
    assert result.deleted == 2
    assert sorted(result.files_rewritten) == [
        "sessions/dt=2026-11-02/part-0.parquet",
        "sessions/dt=2026-11-03/part-1.parquet",
    ]
    assert store.find("sessions", "session_id", [3])["dt"].to_pylist() == ["2026-11-01", "2026-11-03"]


def test_a_file_left_without_rows_stays_a_valid_empty_file(root: Path) -> None:
    store = store_at(root)
    ids = pa.array(range(10), pa.int64())
    change = TableChange(
        "sessions", ("dt", "session_id"), deletes=pa.table({"dt": ["2026-11-02"] * 10, "session_id": ids})
    )
    [result] = store.apply([change])
    assert (result.deleted, result.files_rewritten) == (10, [OTHER_FILE])
    emptied = pq.read_table(root / OTHER_FILE)
    assert emptied.num_rows == 0
    assert emptied.schema.names == ["session_id", "imsi", "email", "city", "bytes_up"]
    assert store.find("sessions", "dt", ["2026-11-02"]).num_rows == 10


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            TableChange("sessions", ("imsi",), updates=pa.table({"imsi": [TARGET], "dt": ["2026-12-01"]})),
            "cannot update partition column 'dt'",
        ),
        (TableChange("sessions", ("nope",), deletes=pa.table({"nope": [1]})), "no column 'nope'"),
        (TableChange("sessions", ("imsi",), deletes=pa.table({"email": ["a"]})), "lacks key columns"),
    ],
)
def test_bad_changes_are_refused_and_change_nothing(root: Path, change: TableChange, message: str) -> None:
    before = file_states(root)
    with pytest.raises(StoreError, match=message):
        store_at(root).apply([change])
    assert file_states(root) == before


def test_apply_to_csv_keeps_other_rows_text(root: Path) -> None:
    store = store_at(root)
    updates = pa.table({"cell_id": [3], "city": ["Köln"]})
    change = TableChange("towers", ("cell_id",), deletes=pa.table({"cell_id": [2]}), updates=updates)
    [result] = store.apply([change])
    assert (result.deleted, result.updated, result.files_rewritten) == (1, 1, ["towers.csv"])
    text = (root / "towers.csv").read_text(encoding="utf-8")
    header, first = TOWERS_CSV.splitlines(keepends=True)[:2]
    assert text == header + first + "3,,Köln,\n"  # the untouched lines as they were, byte for byte
    towers = pa.Table.from_batches(list(store.scan("towers")))
    assert towers.to_pydict() == {
        "cell_id": [1, 3],
        "code": ["007", None],
        "city": [CITY, "Köln"],
        "lat": ["37.77", None],
    }


def test_apply_to_json_lines_keeps_untouched_lines(root: Path) -> None:
    store = store_at(root)
    updates = pa.table({"customer_id": [3], "email": ["new@example.com"]})
    change = TableChange("events", ("customer_id",), deletes=pa.table({"customer_id": [2]}), updates=updates)
    [result] = store.apply([change])
    assert (result.deleted, result.updated) == (1, 1)
    lines = (root / "events.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines[0] == EVENTS_JSONL.splitlines()[0]
    events = pa.Table.from_batches(list(store.scan("events")))
    assert events["email"].to_pylist() == ["ann@example.com", "new@example.com"]
    assert events["score"].to_pylist() == [None, 1.1]


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_a_failed_rewrite_leaves_the_originals_intact(
    root: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    before = file_states(root)

    def fail(*args: object) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(StoreError, match="No space left on device"):
        store_at(root).apply([target_change()])
    monkeypatch.undo()
    assert file_states(root) == before
    assert not [p for p in root.rglob("*") if TEMP_MARK in p.name]


def test_reapplying_a_change_is_a_no_op(root: Path) -> None:
    store = store_at(root)
    store.apply([target_change()])
    before = file_states(root)
    [again] = store.apply([target_change()])
    assert (again.deleted, again.files_rewritten) == (0, [])
    assert file_states(root) == before


def test_an_update_that_sets_no_column_updates_no_row(root: Path) -> None:
    # A deidentification with nothing to mask (every column kept or structural) names rows by key
    # only: no row changes, and none is counted updated, as a SQL store counts it.
    store = store_at(root)
    before = file_states(root)
    [result] = store.apply([TableChange("towers", ("cell_id",), updates=pa.table({"cell_id": [1, 2]}))])
    assert (result.deleted, result.updated, result.files_rewritten) == (0, 0, [])
    assert file_states(root) == before


def test_fingerprint_changes_only_with_the_files(root: Path) -> None:
    store = store_at(root)
    prints = {t.name: store.fingerprint(t.name) for t in store.tables()}
    store.sample("sessions", 5)
    list(store.scan("towers"))
    assert {name: store.fingerprint(name) for name in prints} == prints
    store.apply([target_change()])
    assert store.fingerprint("sessions") != prints["sessions"]
    assert store.fingerprint("towers") == prints["towers"]
    settled = store.fingerprint("sessions")
    store.apply([target_change()])
    assert store.fingerprint("sessions") == settled


def test_partition_keys_can_be_typed(tmp_path: Path) -> None:
    folder = tmp_path / "usage" / "hour=7"
    folder.mkdir(parents=True)
    pq.write_table(pa.table({"imsi": [TARGET, OTHER]}), folder / "part-0.parquet")
    store = store_at(tmp_path)
    dataset_type = ds.dataset(tmp_path / "usage", partitioning="hive").schema.field("hour").type
    assert store.table("usage").schema.field("hour").type == dataset_type
    assert store.find("usage", "hour", ["7"]).num_rows == 2
    [result] = store.apply(
        [TableChange("usage", ("hour", "imsi"), deletes=pa.table({"hour": ["7"], "imsi": [TARGET]}))]
    )
    assert result.deleted == 1


def test_json_lines_dates_and_times_stay_as_stored(tmp_path: Path) -> None:
    """Arrow's JSON reader infers a timestamp for ISO text: read as stored, also inside documents,
    and a line rewritten by a deletion keeps the others' dates as they were."""
    lines = [
        '{"id": 1, "dob": "1989-01-29", "at": "2026-11-03T08:00:00", "who": {"since": "2020-01-01"}, "days": ["2020-01-01"]}',
        '{"id": 2, "dob": null, "at": "2026-11-03T09:30:00", "who": {"since": "2021-02-02"}, "days": []}',
    ]
    (tmp_path / "people.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = FileStore("s", FilesStoreConfig(kind="files", path=str(tmp_path)))
    (info,) = store.tables()
    assert {c.name: str(c.type) for c in info.columns}["dob"] == "string"
    rows = [r for b in store.scan("people") for r in b.to_pylist()]
    assert rows[0]["dob"] == "1989-01-29" and rows[1]["at"] == "2026-11-03T09:30:00"
    assert rows[0]["who"] == {"since": "2020-01-01"} and rows[0]["days"] == ["2020-01-01"]
    store.apply([TableChange("people", ("id",), deletes=pa.table({"id": [1]}))])
    assert (tmp_path / "people.jsonl").read_text(encoding="utf-8") == lines[1] + "\n"


def test_a_file_replaced_by_another_writer_is_described_anew(root: Path) -> None:
    """Footers are kept per process by file and stamp: a file another writer replaced (new size
    and mtime) is read again by the next store."""
    assert store_at(root).table("sessions").row_count == 60
    path = root / "sessions" / "dt=2026-11-02" / "part-0.parquet"
    grown = pa.concat_tables([session_rows(1, 0), session_rows(1, 0)]).append_column(
        "note", pa.array(["x"] * 20)
    )
    pq.write_table(grown, path)
    later = store_at(root).table("sessions")
    assert later.row_count == 70
    assert store_at(root).find("sessions", "imsi", [OTHER]).num_rows == 2
