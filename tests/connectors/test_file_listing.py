"""A Parquet table's columns and row count, listed from the files' footers, are what Arrow's dataset
reading the same files sees: the first file's schema, then the hive partition columns, typed as
Arrow infers them (int32 when every value is one, else text)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from connectors.estate import FilesStoreConfig
from connectors.files import FileStore

NESTED = pa.table(
    {
        "id": pa.array([1, 2], pa.int64()),
        "contact": [{"email": "a@example.com", "tags": ["x"]}, None],
        "seen": pa.array([1, None], pa.timestamp("us", tz="UTC")),
    }
)
LAYOUTS = {
    "unpartitioned": ["t/part-0.parquet", "t/part-1.parquet"],
    "one_file": ["t.parquet"],
    "text_partitions": ["t/dt=2026-11-01/p.parquet", "t/dt=2026-11-02/p.parquet"],
    "int_partitions": ["t/n=1/p.parquet", "t/n=-7/p.parquet"],
    "beyond_int32": ["t/n=1/p.parquet", "t/n=3000000000/p.parquet"],
    "null_partition": ["t/n=1/p.parquet", "t/n=__HIVE_DEFAULT_PARTITION__/p.parquet"],
    "two_levels": ["t/year=2026/dt=2026-11-01/p.parquet", "t/year=2025/dt=2025-01-01/p.parquet"],
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_footer_listing_matches_the_dataset(layout: str, tmp_path: Path) -> None:
    paths = [tmp_path / p for p in LAYOUTS[layout]]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(NESTED, path)
    (info,) = FileStore("logs", FilesStoreConfig(kind="files", path=str(tmp_path), format="parquet")).tables()
    partitioning = "hive" if "=" in LAYOUTS[layout][0] else None
    dataset = ds.dataset(
        [str(p) for p in paths], partitioning=partitioning, partition_base_dir=str(tmp_path / "t")
    )
    assert [(c.name, c.type) for c in info.columns] == [(f.name, f.type) for f in dataset.schema]
    assert info.row_count == dataset.count_rows() == 2 * len(paths)


def test_listing_a_store_does_not_import_pandas(tmp_path: Path) -> None:
    pq.write_table(NESTED, tmp_path / "t.parquet")
    listing = (
        "import sys; from connectors.estate import FilesStoreConfig; from connectors.files import FileStore;"
        f"FileStore('logs', FilesStoreConfig(kind='files', path={str(tmp_path)!r}, format='parquet')).tables();"
        "print('pandas' in sys.modules, 'pyarrow._dataset' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", listing], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_tables_read_at_once_in_a_fresh_process_are_all_read(tmp_path: Path) -> None:
    """The scan reads tables from several threads; the first of them to touch the dataset module
    must not let the others see it half-imported (each table would be reported unreadable)."""
    for name in ("a", "b", "c", "d", "e", "f"):
        pq.write_table(NESTED, tmp_path / f"{name}.parquet")
    (tmp_path / "estate.yaml").write_text(
        f"stores:\n  logs:\n    kind: files\n    path: {tmp_path}\n    format: parquet\n", encoding="utf-8"
    )
    scan = [sys.executable, "-m", "pipelines.cli", "scan", "--estate", str(tmp_path / "estate.yaml")]
    out = subprocess.run([*scan, "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert "unreadable" not in out.stdout + out.stderr
    assert out.returncode == 0, out.stderr
