"""Full-value reads: every value of every column that can hold personal information, on a cluster.

`FullValueRead(estate, cluster=...)` is handed to `scan_estate(..., full_read=...)`: after the
sampled classification it cuts the tables into splits (`plan`), reads each split in a task on the
engine (`reading`, vectorised RE2 then the recognizers' validation on bounded candidates), adds
the tasks' counters (`tally`) and reclassifies what the sample missed (`reclassify`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from connectors import Estate, TableInfo
from pipelines.discovery.classify import ColumnFinding
from pipelines.discovery.full_values.plan import read_tasks
from pipelines.discovery.full_values.reading import read_split, warm_up
from pipelines.discovery.full_values.reclassify import FULL_VALUES, SAMPLE, refined
from pipelines.discovery.full_values.tally import ColumnTally, combined
from pipelines.engine import Progress, run_tasks, started

ColumnKey = tuple[str, str, str]  # store, table, column
TableFindings = tuple[tuple[str, str], TableInfo, list[ColumnFinding]]


@dataclass(frozen=True)
class ColumnReading:
    finding: ColumnFinding
    rows_scanned: int
    matched_rows: int
    found_by: str  # "sample" or "full_values"


@dataclass(frozen=True)
class ReadSummary:
    tasks: int
    rows: int  # rows read, over every table read
    values: int  # values read (rows x columns read)
    seconds: float
    reclassified: tuple[ColumnKey, ...]
    failures: tuple[str, ...]  # one line per table that could not be read

    @property
    def values_per_second(self) -> float:
        return self.values / self.seconds if self.seconds else 0.0


@dataclass
class FullValueRead:
    """A full read of an estate's columns on `cluster` (see `pipelines.engine`)."""

    estate: Estate
    cluster: str | None = None
    workers: int | None = None
    progress: Progress | None = None
    batch_size: int = 262_144  # rows per record batch: memory per column is bounded by it
    summary: ReadSummary | None = field(default=None, init=False)
    _client: Any = field(default=None, init=False, repr=False)

    @contextmanager
    def cluster_started(self) -> Iterator[None]:
        """Start the cluster for the block (the sampled scan runs in it): its workers load the
        recognizers meanwhile, and the read finds them ready."""
        with started(self.cluster, self.workers, warm_up) as client:
            self._client = client
            try:
                yield
            finally:
                self._client = None

    def __call__(self, tables: Sequence[TableFindings]) -> dict[ColumnKey, ColumnReading]:
        started = time.perf_counter()
        tasks = read_tasks(
            self.estate, [(key[0], info, found) for key, info, found in tables], self.batch_size
        )
        tallies = run_tasks(read_split, tasks, self.cluster, self.workers, self.progress, self._client)
        columns = combined(tallies)
        readings: dict[ColumnKey, ColumnReading] = {}
        for key, _, findings in tables:
            for finding in findings:
                tally = columns.get((*key, finding.column))
                if tally is not None:
                    decided, found_by = refined(finding, tally)
                    readings[(*key, finding.column)] = ColumnReading(
                        decided, tally.rows, tally.matched_rows, found_by
                    )
        self.summary = ReadSummary(
            tasks=len(tasks),
            rows=_rows(columns),
            values=sum(t.rows for t in columns.values()),
            seconds=time.perf_counter() - started,
            reclassified=tuple(k for k, r in readings.items() if r.found_by == FULL_VALUES),
            failures=tuple(sorted({t.error for t in tallies if t.error})),
        )
        return readings


def _rows(columns: dict[ColumnKey, ColumnTally]) -> int:
    """Rows read: each table's once (its columns are read in the same batches)."""
    rows: dict[tuple[str, str], int] = {}
    for (store, table, _), tally in columns.items():
        rows[(store, table)] = max(rows.get((store, table), 0), tally.rows)
    return sum(rows.values())


__all__ = ["FULL_VALUES", "SAMPLE", "ColumnReading", "FullValueRead", "ReadSummary"]
