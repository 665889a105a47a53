"""A consumer's rows as the package's data files: `data/<store>/<table>.csv` and `.json`, with equal content.

JSON is a list of objects, one per row. Dates, times and timestamps are ISO 8601, durations ISO 8601
durations, decimals strings (no rounding), bytes base64; NaN and infinities are null. The CSV cell is the
same value: the string itself, JSON for numbers, booleans, lists and objects, empty for null.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa

from pipelines.rights.model import TableRecords
from pipelines.rights.packages.redaction import Withheld

Plain = str | int | float | bool | list["Plain"] | dict[str, "Plain"] | None


@dataclass
class PackageTable:
    """One table as it goes into the package: the period's rows, hidden values already hidden."""

    records: TableRecords
    rows: pa.Table
    withheld: list[Withheld]
    hidden: set[str]  # the raw values hidden, searched for in every file before the zip is written

    @property
    def files(self) -> list[str]:
        if self.rows.num_rows == 0:
            return []
        stem = f"data/{_file_name(self.records.store)}/{_file_name(self.records.table)}"
        stem += ".mentions" if self.records.mention_only else ""  # beside the consumer's own rows
        return [f"{stem}.csv", f"{stem}.json"]

    def contents(self) -> dict[str, bytes]:
        """The data files by name (none for a table without rows)."""
        columns = {name: plain_values(self.rows[name]) for name in self.rows.column_names}
        records = [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]
        return dict(zip(self.files, (_csv(list(columns), records), _json(records)), strict=False))


def _file_name(name: str) -> str:
    """A store or table name as one file name inside the zip: no folders, no hidden files."""
    return re.sub(r"[^\w.\-]", "_", name).lstrip(".") or "_"


def plain_values(column: pa.ChunkedArray) -> list[Plain]:
    """The values of `column` as JSON values."""
    values: list[Plain] = column.to_pylist()
    if (
        pa.types.is_string(column.type)
        or pa.types.is_large_string(column.type)
        or pa.types.is_integer(column.type)
    ):
        return values  # already JSON values
    return [_plain(value) for value in values]


def _iso_duration(value: dt.timedelta) -> str:
    micros = value // dt.timedelta(microseconds=1)
    seconds, fraction = divmod(abs(micros), 1_000_000)
    shown = f"{seconds}.{fraction:06d}".rstrip("0").rstrip(".")
    return f"{'-' if micros < 0 else ''}PT{shown}S"


def _plain(value: object) -> Plain:
    match value:
        case None | bool() | int() | str():
            return value
        case float():
            return value if math.isfinite(value) else None
        case Decimal():
            return str(value)
        case dt.date() | dt.time():  # a datetime is a date
            return value.isoformat()
        case dt.timedelta():
            return _iso_duration(value)
        case bytes():
            return base64.b64encode(value).decode("ascii")
        case dict():
            return {str(k): _plain(v) for k, v in value.items()}
        case list() | tuple():
            return [_plain(v) for v in value]
    return str(value)


def csv_cell(value: Plain) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if type(value) is int or type(value) is float:
        return repr(value)  # what json.dumps writes for them, without its encoder per cell
    return json.dumps(value, ensure_ascii=False)


def _csv(header: list[str], records: list[dict[str, Plain]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([csv_cell(record[name]) for name in header] for record in records)
    return buffer.getvalue().encode("utf-8")


def _json(records: list[dict[str, Plain]]) -> bytes:
    """One row per line: the C encoder writes each (an indented dump runs the pure-Python one)."""
    rows = ",\n".join(json.dumps(record, ensure_ascii=False, allow_nan=False) for record in records)
    return f"[\n{rows}\n]\n".encode() if records else b"[]\n"
