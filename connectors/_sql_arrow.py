"""SQL column types to Arrow types, and rows fetched from a database to Arrow record batches."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.type_api import TypeEngine

_MAX_DECIMAL128 = 38
_MAX_DECIMAL256 = 76
_ARROW_ERRORS = (pa.ArrowException, TypeError, ValueError, OverflowError, InvalidOperation)


def arrow_type(sql_type: TypeEngine[Any]) -> pa.DataType:
    """The Arrow type of a reflected column type; types without an Arrow twin are read as text."""
    if isinstance(sql_type, sa.Boolean):
        return pa.bool_()
    if isinstance(sql_type, sa.Integer):
        return pa.int64()
    if isinstance(sql_type, sa.Float):  # a subclass of Numeric: test it first
        return pa.float64()
    if isinstance(sql_type, sa.Numeric):
        return _decimal_type(sql_type.precision, sql_type.scale)
    if isinstance(sql_type, sa.DateTime):
        return pa.timestamp("us", tz="UTC" if sql_type.timezone else None)
    if isinstance(sql_type, sa.Date):
        return pa.date32()
    if isinstance(sql_type, sa.String):
        return pa.string()
    if isinstance(sql_type, (sa.JSON, sa.ARRAY)):
        return pa.string()  # JSON text (the driver's dicts and lists dumped): discovery reads its paths
    if _python_type(sql_type) is bytes:  # BLOB, BYTEA, VARBINARY, TINYBLOB, ...
        return pa.binary()
    return pa.string()  # MONEY, UUID, INET, TIME, INTERVAL, unknown types


def _python_type(sql_type: TypeEngine[Any]) -> type | None:
    try:
        return sql_type.python_type
    except NotImplementedError:
        return None


def _decimal_type(precision: int | None, scale: int | None) -> pa.DataType:
    if precision is None:
        return pa.float64()  # unbounded NUMERIC
    if precision <= _MAX_DECIMAL128:
        return pa.decimal128(precision, scale or 0)
    if precision <= _MAX_DECIMAL256:
        return pa.decimal256(precision, scale or 0)
    return pa.float64()


def native_type(sql_type: TypeEngine[Any], dialect: Dialect) -> str:
    """The column type as the database spells it (`VARCHAR(80)`, `TIMESTAMP WITH TIME ZONE`)."""
    if isinstance(sql_type, sa.types.NullType):
        return ""
    try:
        return sql_type.compile(dialect=dialect)
    except sa.exc.SQLAlchemyError:
        return str(sql_type)


class BatchBuilder:
    """Builds Arrow record batches from the rows of one query.

    A column whose values do not fit its mapped type (text in an SQLite INTEGER column, a
    NaN in a NUMERIC) is read as text instead, in this batch and every later one; as bytes
    when the driver returns bytes that are not UTF-8 (a geometry, a type SQLAlchemy does not
    know): binary is never decoded by force.
    """

    def __init__(self, fields: Sequence[pa.Field]) -> None:
        self._fields = list(fields)

    @property
    def schema(self) -> pa.Schema:
        return pa.schema(self._fields)

    def batch(self, rows: Sequence[Sequence[object]]) -> pa.RecordBatch:
        values: list[Sequence[object]] = list(zip(*rows, strict=True)) if rows else []
        arrays = []
        for i, field in enumerate(self._fields):
            column = values[i] if values else ()
            array = _array(column, field.type)
            if array is None:
                binary = any(_undecodable(v) for v in column)
                field = self._fields[i] = field.with_type(pa.binary() if binary else pa.string())
                array = pa.array([(_bytes if binary else _text)(v) for v in column], field.type)
            arrays.append(array)
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)

    def table(self, rows: Sequence[Sequence[object]]) -> pa.Table:
        return pa.Table.from_batches([self.batch(rows)])


def _array(values: Sequence[object], type_: pa.DataType) -> pa.Array | None:
    try:
        return pa.array(values, type_)
    except _ARROW_ERRORS:
        pass
    coerce = _coercion(type_)
    try:
        return pa.array([None if v is None else coerce(v) for v in values], type_)
    except _ARROW_ERRORS:
        return None


def _coercion(type_: pa.DataType) -> Callable[[object], object]:
    """How to bring a value the driver returned to a value Arrow accepts for `type_`."""
    if pa.types.is_decimal(type_):
        return lambda v: _decimal(v, type_.scale)
    if pa.types.is_timestamp(type_):
        return lambda v: dt.datetime.fromisoformat(v) if isinstance(v, str) else v
    if pa.types.is_date(type_):
        return _date
    if pa.types.is_floating(type_):
        return lambda v: float(v) if isinstance(v, (Decimal, str)) else v
    if pa.types.is_integer(type_):
        return lambda v: int(v) if isinstance(v, (str, Decimal, bool)) else v
    if pa.types.is_boolean(type_):
        return lambda v: bool(v) if isinstance(v, (int, Decimal)) else v
    if pa.types.is_binary(type_):
        return _bytes
    return _text


def _undecodable(value: object) -> bool:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        return False
    try:
        bytes(value).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _bytes(value: object) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return str(value).encode("utf-8")


def _decimal(value: object, scale: int) -> object:
    if isinstance(value, float):  # SQLite keeps NUMERIC(p,s) as REAL: round to the declared scale
        return Decimal(repr(value)).quantize(Decimal(1).scaleb(-scale))
    if isinstance(value, (int, str)):
        return Decimal(value)
    return value


def _date(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def _text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8")  # UnicodeDecodeError (a ValueError): read as binary
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)
