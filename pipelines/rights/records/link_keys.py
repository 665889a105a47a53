"""The value of a link's end in a row: one column's value, or a composite key's values together.

Compared as text, the way every link is (an integer key and a text column holding its digits are
the same key): a composite's parts are joined by a separator no key holds, and a key with a null
part is no key at all. A row of a table without a key is known by all its values (`row_digest`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyarrow as pa
import pyarrow.compute as pc

SEPARATOR = "\u001f"


def key_name(columns: Sequence[str]) -> str:
    """The name a link's end goes by among the owner's values (its column, or its columns joined)."""
    return SEPARATOR.join(columns)


def key_text(row: Mapping[str, object], columns: Sequence[str]) -> str | None:
    values = [row.get(c) for c in columns]
    if any(v is None for v in values):
        return None
    return SEPARATOR.join(str(v) for v in values)


def value_text(value: object) -> str:
    """A looked-up value (a column's, or a composite's tuple of values) as key text."""
    return SEPARATOR.join(str(v) for v in value) if isinstance(value, tuple) else str(value)


def key_array(rows: pa.Table, columns: Sequence[str]) -> pa.ChunkedArray:
    texts = [pc.cast(rows.column(c), pa.string()) for c in columns]
    return texts[0] if len(texts) == 1 else pc.binary_join_element_wise(*texts, SEPARATOR)


def key_values(rows: pa.Table, columns: Sequence[str]) -> list[object]:
    """Each row's value of the end, as looked up: the column's own, or a tuple (None: a null part)."""
    if len(columns) == 1:
        return list(rows.column(columns[0]).to_pylist())
    parts = [rows.column(c).to_pylist() for c in columns]
    return [None if any(v is None for v in t) else t for t in zip(*parts, strict=True)]


def row_digest(rows: pa.Table) -> pa.Array:
    """Each row's full content as one string: the identity of a row in a table without a key."""
    texts = []
    for column in rows.columns:
        if pa.types.is_timestamp(column.type) and column.type.tz is not None:
            column = pc.cast(column, pa.timestamp(column.type.unit))  # the instant, without a zone's
            # rules per value (ten times faster to write out, and the same instant the same text)
        try:
            text = pc.cast(column, pa.string())
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
            text = pa.chunked_array([pa.array([repr(v) for v in column.to_pylist()], pa.string())])
        texts.append(pc.fill_null(text, "\u2205"))
    if not texts:
        return pa.array([""] * rows.num_rows)
    return pc.binary_join_element_wise(*texts, "\u001f")
