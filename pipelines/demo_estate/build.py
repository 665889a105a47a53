"""Builds the whole demo estate in a folder: billing and CRM databases, device-log Parquet datasets,
estate.yaml and labels.json (the truth for every column)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import sqlalchemy as sa

from pipelines.demo_estate.billing import billing_tables
from pipelines.demo_estate.billing_schema import BILLING
from pipelines.demo_estate.crm import crm_tables
from pipelines.demo_estate.crm_schema import CRM
from pipelines.demo_estate.database import load_tables
from pipelines.demo_estate.device_logs import write_device_logs
from pipelines.demo_estate.estate_file import BILLING_DB, CRM_DB, DEVICE_LOGS, write_estate_file
from pipelines.demo_estate.identities import build_population
from pipelines.demo_estate.labels import write_labels

SESSIONS_PER_SIM_DAY = 3
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class DemoEstate:
    root: Path  # output folder
    estate_file: Path  # root / "estate.yaml"
    labels_file: Path  # root / "labels.json"
    counts: dict[str, int]  # "store.table" -> rows written


def _sql_columns(store: str, metadata: sa.MetaData) -> list[str]:
    return [
        f"{store}.{table.name}.{column.name}"
        for table in metadata.tables.values()
        for column in table.columns
    ]


def _file_columns(store: str, root: Path) -> list[str]:
    """Columns of each table of a files store: a file, or a hive-partitioned folder (+ its keys)."""
    columns = []
    for entry in sorted(root.iterdir()):
        if entry.is_file():
            columns += [f"{store}.{entry.stem}.{name}" for name in pq.read_schema(entry).names]
            continue
        partition = next(entry.iterdir())
        part_file = next(partition.glob("*.parquet"))
        key = partition.name.split("=")[0]
        columns += [f"{store}.{entry.name}.{name}" for name in [*pq.read_schema(part_file).names, key]]
    return columns


def build_demo_estate(
    out: Path,
    consumers: int = 1000,
    days: int = 30,
    seed: int = 7,
    sessions: int | None = None,
    as_of: dt.date | None = None,
    billing_url: str | None = None,
    crm_url: str | None = None,
    progress: Progress | None = None,
) -> DemoEstate:
    """Write a synthetic estate of an IoT connectivity provider into `out`.

    Deterministic for (seed, as_of): the same seed gives the same people, identifiers and values;
    dates are offsets from `as_of` (default: today, UTC). `sessions` is the total number of
    data-session rows (default: about 3 per SIM per day). `progress(step, rows)` is called as
    tables are written: step 'store.table', rows written so far to that table.
    """
    if consumers < 1 or days < 1 or (sessions is not None and sessions < 0):
        raise ValueError("consumers and days must be at least 1, sessions at least 0")
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}

    def recorder(store: str) -> Progress:
        def written(table: str, rows: int) -> None:
            counts[f"{store}.{table}"] = rows
            if progress is not None:
                progress(f"{store}.{table}", rows)

        return written

    pop = build_population(seed, consumers, as_of)
    billing_db = billing_url or f"sqlite:///{(root / BILLING_DB).resolve()}"
    load_tables(billing_db, BILLING, billing_tables(pop), recorder("billing"))
    total_sessions = sessions if sessions is not None else len(pop.sims) * days * SESSIONS_PER_SIM_DAY
    write_device_logs(root / DEVICE_LOGS, pop, days, total_sessions, recorder("device_logs"))
    crm_db = crm_url or f"sqlite:///{(root / CRM_DB).resolve()}"
    load_tables(crm_db, CRM, crm_tables(pop), recorder("crm"))
    columns = _sql_columns("billing", BILLING) + _file_columns("device_logs", root / DEVICE_LOGS)
    write_labels(root / "labels.json", columns + _sql_columns("crm", CRM))
    estate_file = write_estate_file(root, billing_url, crm_url)
    return DemoEstate(root=root, estate_file=estate_file, labels_file=root / "labels.json", counts=counts)
