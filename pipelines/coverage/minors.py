"""Consumers under 16, counted from every date of birth the inventory found (a full column scan).

The notice promises not to sell the personal information of anyone under sixteen; knowing how
many such consumers the estate holds is what makes that promise checkable. The columns are cut
into splits (`Store.splits`) and counted on the engine (`pipelines.engine`): in this process by
default, on the estate's `compute: {cluster: ...}` or the cluster asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from connectors import Estate, Split, open_estate_store, open_store
from pipelines.engine import IN_PROCESS, run_tasks

AGE = 16


@dataclass(frozen=True)
class MinorsCount:
    column: str  # store.table.column
    dates: int  # dates of birth read
    under_16: int
    unreadable: int  # values that are not dates


@dataclass(frozen=True)
class CountTask:
    """One split of one date-of-birth column, picklable: the worker opens the store itself."""

    estate_file: str
    store: str
    split: Split
    column: str
    cutoff: dt.date


def count_minors(
    estate: Estate,
    columns: Iterable[tuple[str, str, str]],
    today: dt.date,
    cluster: str | None = IN_PROCESS,
    workers: int | None = None,
) -> list[MinorsCount]:
    """Read each (store, table, column) of dates of birth; count those less than 16 years before today."""
    cutoff = _years_before(today, AGE)
    estate_file = str(estate.path.resolve())
    tasks: list[tuple[str, CountTask]] = []
    counts: dict[str, MinorsCount] = {}
    for store_name, table, column in columns:
        name = f"{store_name}.{table}.{column}"
        counts[name] = MinorsCount(name, 0, 0, 0)
        with open_store(store_name, estate.stores[store_name]) as store:
            tasks += [
                (name, CountTask(estate_file, store_name, s, column, cutoff)) for s in store.splits(table)
            ]
    results = run_tasks(count_split, [task for _, task in tasks], cluster, workers)
    for (name, _), (dates, under, unreadable) in zip(tasks, results, strict=True):
        before = counts[name]
        counts[name] = MinorsCount(
            name, before.dates + dates, before.under_16 + under, before.unreadable + unreadable
        )
    return list(counts.values())


def count_split(task: CountTask) -> tuple[int, int, int]:
    """(dates read, under 16, values that are not dates) in one split."""
    dates = under = unreadable = 0
    with open_estate_store(task.estate_file, task.store) as store:
        for batch in store.scan_split(task.split, [task.column]):
            days = _as_dates(pc.drop_null(batch.column(0)))
            unreadable += days.null_count
            dates += len(days) - days.null_count
            under += int(pc.sum(pc.cast(pc.greater(days, pa.scalar(task.cutoff)), pa.int64())).as_py() or 0)
    return dates, under, unreadable


def _as_dates(values: pa.Array) -> pa.Array:
    if pa.types.is_date(values.type):
        return pc.cast(values, pa.date32())
    if pa.types.is_timestamp(values.type):
        return pc.cast(pc.cast(values, pa.timestamp("s")), pa.date32())
    text = pc.utf8_slice_codeunits(pc.cast(values, pa.string()), 0, 10)
    parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    return pc.cast(parsed, pa.date32())


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
