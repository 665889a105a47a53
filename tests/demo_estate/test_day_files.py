"""A day of device logs is written as files of at most FILE_ROWS rows, sorted by IMSI across them:
one SIM's day is in one file (or two at a boundary), so a deletion rewrites a few small files."""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.demo_estate.device_logs import FILE_ROWS, ROW_GROUP
from tests.demo_estate.conftest import build

SESSIONS, DAYS = 300_000, 2  # 150k sessions a day: three files each


def test_a_day_is_split_into_small_files_clustered_by_imsi(tmp_path: Path) -> None:
    built = build(tmp_path / "estate", consumers=300, days=DAYS, sessions=SESSIONS)
    days = sorted((built.estate.root / "device_logs" / "sessions").glob("dt=*"))
    assert len(days) == DAYS
    total = 0
    for day in days:
        files = sorted(day.glob("*.parquet"))
        assert len(files) >= 2, "a day of 150k sessions must not be one file"
        last_max = None
        spans: dict[str, int] = {}
        for path in files:
            meta = pq.ParquetFile(path).metadata
            assert meta.num_rows <= FILE_ROWS
            assert all(meta.row_group(i).num_rows <= ROW_GROUP for i in range(meta.num_row_groups))
            imsi = pq.read_table(path, columns=["imsi"]).column("imsi")
            assert imsi.to_pylist() == sorted(imsi.to_pylist())
            low, high = pc.min(imsi).as_py(), pc.max(imsi).as_py()
            assert last_max is None or last_max <= low, "files of a day overlap in IMSI"
            last_max = high
            for value in pc.unique(imsi).to_pylist():
                spans[value] = spans.get(value, 0) + 1
            total += meta.num_rows
        assert max(spans.values()) <= 2, "one SIM's day spread over more than two files"
    assert total == SESSIONS == built.log("sessions").num_rows
