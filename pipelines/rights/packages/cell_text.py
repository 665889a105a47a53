"""A column's values as the package's files write them, computed column by column in Arrow.

`column_texts`: each value as `json.dumps(plain, ensure_ascii=False)` writes it ("null" for a null),
and as the CSV cell `csv_cell` makes of it ("" for a null). Strings,
integers, booleans, dates and timestamps (naive or UTC, to the microsecond) are done by Arrow
kernels; any other type goes value by value through `data_files`' own rules, so the two agree.
A batch of ten thousand packages holds millions of rows: no Python work per row for the common types.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Callable, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.rights.packages.plain import Plain, csv_cell

_ESCAPES = [("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")]
_ESCAPES += [("\b", "\\b"), ("\f", "\\f")]
_ESCAPES += [(chr(c), f"\\u{c:04x}") for c in range(0x20) if chr(c) not in "\n\r\t\b\f"]
_NEEDS_ESCAPE = r'[\\"\x00-\x1f]'
_NEEDS_QUOTES = '[,"\r\n]'


def column_texts(
    column: pa.ChunkedArray, plain: Callable[[pa.ChunkedArray], Sequence[Plain]]
) -> tuple[pa.Array, pa.Array]:
    """Each value as JSON text, and as its CSV cell (quoted where the CSV dialect quotes).

    `plain`: the values as JSON values (`data_files.plain_values`), for the types done one by one."""
    kind = column.type
    text = _combined(column) if _is_text(kind) else _arrow_text(column)
    if text is None:
        values = plain(column)
        json_values = [json.dumps(v, ensure_ascii=False, allow_nan=False) for v in values]
        cells = pa.array([csv_cell(v) for v in values], pa.string())
        return pa.array(json_values, pa.string()), _csv_quoted(cells)
    if _is_text(kind):
        json_values = _quoted(_escaped(text))
    elif pa.types.is_date32(kind) or pa.types.is_timestamp(kind):
        json_values = _quoted(text)
    else:  # numbers and booleans: written bare
        json_values = text
    return pc.fill_null(json_values, "null"), _csv_quoted(pc.fill_null(text, ""))


def _csv_quoted(cells: pa.Array) -> pa.Array:
    needs = pc.match_substring_regex(cells, _NEEDS_QUOTES)
    if not pc.any(needs).as_py():
        return cells
    return pc.if_else(needs, _quoted(pc.replace_substring(cells, '"', '""')), cells)


def joined(lines: pa.Array) -> bytes:
    """The lines' text end to end, as one UTF-8 byte string (read off the array's own buffer)."""
    if len(lines) == 0:
        return b""
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    _, offsets, data = lines.cast(pa.string()).buffers()
    start, end = (
        struct.unpack_from("<i", offsets, 4 * lines.offset),
        struct.unpack_from("<i", offsets, 4 * (lines.offset + len(lines))),
    )
    text: bytes = data.slice(start[0], end[0] - start[0]).to_pybytes()
    return text


def _is_text(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _combined(column: pa.ChunkedArray) -> pa.Array:
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    return array.cast(pa.string()) if pa.types.is_large_string(array.type) else array


def _arrow_text(column: pa.ChunkedArray) -> pa.Array | None:
    """The values' text as `data_files` writes it, where an Arrow kernel gives exactly that."""
    kind = column.type
    array = _combined(column) if not isinstance(column, pa.Array) else column
    if pa.types.is_integer(kind):
        return pc.cast(array, pa.string())
    if pa.types.is_boolean(kind):
        return pc.if_else(array, "true", "false")
    if pa.types.is_floating(kind) and kind != pa.float16():
        return _float_text(pc.cast(array, pa.float64()))
    if pa.types.is_date32(kind):
        return pc.cast(array, pa.string())
    if pa.types.is_timestamp(kind) and kind.unit != "ns" and kind.tz in (None, "UTC", "+00:00"):
        text = pc.cast(pc.cast(array, pa.timestamp("us")), pa.string())  # 2026-01-02 03:04:05.000000
        text = pc.replace_substring(pc.replace_substring(text, " ", "T"), ".000000", "")  # as isoformat
        return text if kind.tz is None else pc.binary_join_element_wise(text, "+00:00", "")
    return None


def _float_text(array: pa.Array) -> pa.Array:
    """repr of each float (null where not finite): Arrow's shortest digits where they are written the
    same way (no exponent, a `.0` added to whole numbers), repr itself for the others."""
    text = pc.cast(array, pa.string())
    size = pc.abs(array)
    plain = pc.and_(
        pc.invert(pc.match_substring(text, "e")),
        pc.or_(pc.equal(array, 0), pc.and_(pc.greater_equal(size, 1e-4), pc.less(size, 1e16))),
    )
    text = pc.if_else(pc.match_substring(text, "."), text, pc.binary_join_element_wise(text, ".0", ""))
    if pc.all(pc.fill_null(plain, True)).as_py():
        return text
    written = [
        t if p or v is None else (repr(v) if math.isfinite(v) else None)
        for t, p, v in zip(text.to_pylist(), plain.to_pylist(), array.to_pylist(), strict=True)
    ]
    return pa.array(written, pa.string())


def _escaped(text: pa.Array) -> pa.Array:
    if not pc.any(pc.match_substring_regex(text, _NEEDS_ESCAPE)).as_py():
        return text
    for raw, escape in _ESCAPES:
        text = pc.replace_substring(text, raw, escape)
    return text


def _quoted(text: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise('"', text, '"', "")
