"""The package's data files, written column by column in Arrow, are byte for byte what the csv
module and json.dumps write of the rows' values one row at a time, whatever the values."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.rights.packages.data_files import files_by_columns, files_by_rows

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
AWKWARD = st.sampled_from(["", ",", '"', "\r\n", "\n", "a,b", 'say "hi"', "\\", "\x00", "\x1f", "é\u2028"])
TIMES = st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59, 59))
COLUMNS = {
    "text": (pa.string(), st.one_of(TEXT, AWKWARD)),
    "large_text": (pa.large_string(), TEXT),
    "int": (pa.int64(), st.integers(-(2**63), 2**63 - 1)),
    "small_int": (pa.int8(), st.integers(-128, 127)),
    "flag": (pa.bool_(), st.booleans()),
    "ratio": (pa.float64(), st.floats()),
    "coarse": (pa.float32(), st.floats(width=32)),
    "near": (pa.float64(), st.floats(-1e17, 1e17) | st.floats(-1e-3, 1e-3)),
    "at": (pa.timestamp("us"), TIMES),
    "at_utc": (pa.timestamp("us", "UTC"), TIMES.map(lambda t: t.replace(tzinfo=dt.UTC))),
    "at_ms": (pa.timestamp("ms"), TIMES.map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000))),
    "at_s": (pa.timestamp("s", "UTC"), TIMES.map(lambda t: t.replace(microsecond=0, tzinfo=dt.UTC))),
    "at_paris": (
        pa.timestamp("us", "Europe/Paris"),
        TIMES.map(lambda t: t.replace(year=max(t.year, 1900), tzinfo=dt.UTC)),
    ),
    "at_ns": (pa.timestamp("ns"), st.datetimes(dt.datetime(1700, 1, 1), dt.datetime(2200, 1, 1))),
    "on": (pa.date32(), st.dates()),
    "amount": (pa.decimal128(12, 2), st.decimals(-(10**9), 10**9, places=2, allow_nan=False)),
    "blob": (pa.binary(), st.binary(max_size=8)),
    "tags": (pa.list_(pa.string()), st.lists(TEXT, max_size=3)),
    "who": (pa.struct([("email", pa.string())]), st.fixed_dictionaries({"email": TEXT})),
}


def _reference(rows: pa.Table) -> tuple[bytes, bytes]:
    return files_by_rows(rows)


def _files(rows: pa.Table) -> tuple[bytes, bytes]:
    return files_by_columns(rows)


@st.composite
def tables(draw: st.DrawFn) -> pa.Table:
    names = draw(st.lists(st.sampled_from(sorted(COLUMNS)), min_size=1, max_size=5, unique=True))
    count = draw(st.integers(1, 6))
    arrays = {}
    for name in names:
        kind, values = COLUMNS[name]
        arrays[name] = pa.array(draw(st.lists(st.none() | values, min_size=count, max_size=count)), kind)
    return pa.table(arrays)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_files_are_what_one_row_at_a_time_writes(rows: pa.Table) -> None:
    assert _files(rows) == _reference(rows)


@pytest.mark.parametrize("values", [[""], [None], ["", "x"], ["a,b"], ['"'], ["line\r\nend"]], ids=repr)
def test_a_table_of_one_column_keeps_its_empty_cells(values: list[str | None]) -> None:
    rows = pa.table({"note": pa.array(values, pa.string())})
    assert _files(rows) == _reference(rows)
    assert len(list(csv.reader(io.StringIO(_files(rows)[0].decode())))) == len(values) + 1


def test_large_amounts_and_names_needing_escapes() -> None:
    rows = pa.table(
        {
            'odd "name",\n': pa.array(["x"] * 3, pa.string()),
            "amount": pa.array([Decimal("12.50"), None, Decimal("-0.01")], pa.decimal128(10, 2)),
        }
    )
    assert _files(rows) == _reference(rows)
