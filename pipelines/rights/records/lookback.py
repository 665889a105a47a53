"""The request's period: 12 months before the request by default, on each table's event time.

A table's event time is the column the estate declares (`event_time: {table: column}`), else the
first dated column the inventory found whose name says it dates an event (not a record's creation,
activation or expiry: an account opened three years ago is still the consumer's account). Rows
without a time are always included.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc

from connectors import Estate
from pipelines.discovery.column_names import tokens
from pipelines.errors import InputError
from pipelines.rights.model import Period, TableRecords
from pipelines.rights.records.graph import Catalog, TableKey

DATED = ("TIMESTAMP", "TRANSACTION_DATE", "DATE_TIME")
NOT_EVENTS = frozenset({"created", "updated", "modified", "activated", "birth", "expiry", "expires"})
ESTATE_BEGINS = dt.date(2022, 1, 1)  # PRODUCT.md: data since 2022-01-01 on request
MOST_LOOKBACK_DAYS = 36_500  # a century; all time is asked for as such


def request_period(today: dt.date, lookback_days: int | None, all_time: bool) -> Period:
    if all_time:
        return Period(None, today)
    days = lookback_days if lookback_days is not None else 365
    if not 1 <= days <= MOST_LOOKBACK_DAYS:
        raise InputError(
            f"lookback-days must be from 1 to {MOST_LOOKBACK_DAYS:,} (or all time), got {lookback_days}"
        )
    return Period(today - dt.timedelta(days=days), today)


def event_time(table: TableKey, estate: Estate, catalog: Catalog) -> str | None:
    store, name = table
    declared = estate.stores[store].event_time.get(name)
    if declared:
        return declared
    for column, meaning in catalog.meanings.get(table, {}).items():
        if meaning.entity in DATED and not set(tokens(column)) & NOT_EVENTS:
            return column
    return None


def within(records: TableRecords, period: Period) -> TableRecords:
    """The records whose event time falls in the period (all of them for all time or no event time)."""
    column = records.event_time
    if period.start is None or column is None or column not in records.rows.column_names:
        return records
    times = _as_dates(records.rows.column(column))
    if times is None:
        return records
    start, end = pa.scalar(period.start, pa.date32()), pa.scalar(period.end, pa.date32())
    keep = pc.or_kleene(pc.is_null(times), pc.and_(pc.greater_equal(times, start), pc.less_equal(times, end)))
    rows = records.rows.filter(pc.fill_null(keep, True))
    return dataclasses.replace(records, rows=rows, event_time=column)


def _as_dates(column: pa.ChunkedArray) -> pa.ChunkedArray | None:
    kind = column.type
    if pa.types.is_timestamp(kind):
        return pc.cast(pc.cast(column, pa.timestamp("s", tz=kind.tz), safe=False), pa.date32())
    if pa.types.is_date(kind):
        return pc.cast(column, pa.date32())
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = pc.utf8_slice_codeunits(column, 0, 10)
        return pc.cast(pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True), pa.date32())
    return None
