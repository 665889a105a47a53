"""Consumers under 16, counted from every date of birth the inventory found (a full column scan).

The notice promises not to sell the personal information of anyone under sixteen; knowing how
many such consumers the estate holds is what makes that promise checkable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from connectors import Estate, open_store

AGE = 16


@dataclass(frozen=True)
class MinorsCount:
    column: str  # store.table.column
    dates: int  # dates of birth read
    under_16: int
    unreadable: int  # values that are not dates


def count_minors(
    estate: Estate, columns: Iterable[tuple[str, str, str]], today: dt.date
) -> list[MinorsCount]:
    """Scan each (store, table, column) of dates of birth; count those less than 16 years before today."""
    cutoff = _years_before(today, AGE)
    counts = []
    for store_name, table, column in columns:
        with open_store(store_name, estate.stores[store_name]) as store:
            dates = under = unreadable = 0
            for batch in store.scan(table, [column]):
                values = pc.drop_null(batch.column(0))
                days = _as_dates(values)
                unreadable += days.null_count
                dates += len(days) - days.null_count
                under += int(pc.sum(pc.cast(pc.greater(days, pa.scalar(cutoff)), pa.int64())).as_py() or 0)
        counts.append(MinorsCount(f"{store_name}.{table}.{column}", dates, under, unreadable))
    return counts


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
