"""A small demo estate built once for the tests of this folder, and ways to read it back."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from pipelines.demo_estate import DemoEstate, build_demo_estate

AS_OF = dt.date(2025, 6, 15)
CONSUMERS, DAYS = 300, 3


@dataclass
class BuiltEstate:
    estate: DemoEstate
    progress: list[tuple[str, int]] = field(default_factory=list)

    def sql(self, store: str, query: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.estate.root / f"{store}.db") as conn:
            return conn.execute(query).fetchall()

    def column(self, store: str, table: str, column: str) -> list[Any]:
        return [row[0] for row in self.sql(store, f"SELECT {column} FROM {table}")]

    def log(self, table: str) -> pa.Table:
        path = self.estate.root / "device_logs" / table
        if path.is_dir():
            return ds.dataset(path, format="parquet", partitioning="hive").to_table()
        return ds.dataset(path.with_suffix(".parquet"), format="parquet").to_table()


def build(
    root: Path,
    seed: int = 7,
    consumers: int = CONSUMERS,
    days: int = DAYS,
    sessions: int | None = None,
    billing_url: str | None = None,
    crm_url: str | None = None,
) -> BuiltEstate:
    progress: list[tuple[str, int]] = []
    estate = build_demo_estate(
        root,
        consumers=consumers,
        days=days,
        seed=seed,
        sessions=sessions,
        as_of=AS_OF,
        billing_url=billing_url,
        crm_url=crm_url,
        progress=lambda step, rows: progress.append((step, rows)),
    )
    return BuiltEstate(estate, progress)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltEstate]:
    yield build(tmp_path_factory.mktemp("demo_estate"))
