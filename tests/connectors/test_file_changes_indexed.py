"""A change to a large Parquet table opens only the files its keys are in, where the value index
knows one of the key columns (a log's IMSI): a 100M-session deletion read every file's session ids."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.fs as pa_fs
import pyarrow.parquet as pq
import pytest

import connectors.files
from connectors import FilesStoreConfig, TableChange
from connectors._file_index import INDEX_DIR
from connectors.files import FileStore
from tests.connectors.counting import CountingHandler

DAYS, FILES, ROWS = 3, 4, 600
TARGET = "310260000000013"  # in file 1 of every day


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(connectors.files, "MIN_ROWS", 100)  # index even these small files
    session = 0
    for day in range(DAYS):
        folder = tmp_path / "sessions" / f"dt=2026-11-0{day + 1}"
        folder.mkdir(parents=True)
        for part in range(FILES):
            ids = list(range(session, session + ROWS))
            session += ROWS
            imsi = [f"3102600000000{part * 10 + i % 10:02d}" for i in range(ROWS)]
            rows = pa.table({"session_id": ids, "imsi": imsi, "bytes": [i % 97 for i in ids]}).sort_by("imsi")
            pq.write_table(rows, folder / f"part-{part}.parquet", row_group_size=100)
    return tmp_path


def test_a_deletion_by_an_indexed_key_opens_only_the_files_holding_it(root: Path) -> None:
    handler = CountingHandler()
    store = FileStore(
        "logs", FilesStoreConfig(kind="files", path=root), filesystem=pa_fs.PyFileSystem(handler)
    )
    doomed = store.find("sessions", "imsi", [TARGET], columns=["imsi", "session_id"])  # builds the index
    assert doomed.num_rows == DAYS * ROWS // 10
    holding = {str(p) for p in root.glob("sessions/*/part-1.parquet")}
    before = {str(p): p.read_bytes() for p in root.glob("sessions/*/*.parquet")}
    handler.opened.clear()
    [result] = store.apply([TableChange("sessions", ("imsi", "session_id"), deletes=doomed)])
    data_opened = {path for path in handler.opened if INDEX_DIR not in path}
    assert data_opened <= holding, "files without the consumer's rows were opened"
    assert result.deleted == doomed.num_rows
    assert {str(root / r) for r in result.files_rewritten} == holding
    assert all(Path(p).read_bytes() == data for p, data in before.items() if p not in holding)
    assert store.find("sessions", "imsi", [TARGET]).num_rows == 0
    assert store.table("sessions").row_count == DAYS * FILES * ROWS - doomed.num_rows
