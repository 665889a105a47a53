"""A store's scan survives its trip through Parquet: nested leaves, skipped files, every finding field."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from connectors import load_estate, open_stores
from pipelines.discovery.classify import ColumnFinding
from pipelines.discovery.inventory import classify_store, combine_scans, scan_estate
from pipelines.discovery.store_scan import FINDINGS, as_tables, from_tables
from tests.discovery.test_nested import people

ESTATE = "stores:\n  docs:\n    kind: files\n    path: docs\n    format: parquet\n"


def through_parquet(tables: dict[str, pa.Table], folder: Path) -> dict[str, pa.Table]:
    for name, table in tables.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / f"{name}.parquet")
    return {name: pq.read_table(folder / f"{name}.parquet") for name in tables}


def test_a_scan_read_back_from_parquet_is_the_scan(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    pq.write_table(pa.Table.from_pylist(people()), tmp_path / "docs" / "people.parquet")
    (tmp_path / "docs" / "broken.parquet").write_bytes(b"PAR1 this is no parquet file")
    (tmp_path / "estate.yaml").write_text(ESTATE)
    estate = load_estate(tmp_path / "estate.yaml")
    stores = open_stores(estate)
    try:
        scan = classify_store("docs", stores["docs"], 100, cache=None)
        back = from_tables(through_parquet(as_tables(scan), tmp_path / "stored"))
        combined = combine_scans(estate, [back], stores)
    finally:
        stores["docs"].close()
    # a skipped file, an unreadable table (the broken file's) and nested leaves: all kept
    assert scan.skipped and any(t.unreadable for t in scan.tables) and any(t.paths for t in scan.tables)
    assert back == scan
    assert combined.columns == scan_estate(estate, sample_size=100).columns


def test_every_field_of_a_finding_is_stored() -> None:
    assert {f.name for f in fields(ColumnFinding)} <= set(FINDINGS.names)
