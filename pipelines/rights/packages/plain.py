"""A value as the package writes it: JSON values (dates ISO 8601, durations ISO 8601 durations,
decimals as strings, bytes base64, NaN and infinities null), and the CSV cell made of one."""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from decimal import Decimal

import pyarrow as pa

Plain = str | int | float | bool | list["Plain"] | dict[str, "Plain"] | None


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
