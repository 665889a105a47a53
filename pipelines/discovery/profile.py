"""A column's sampled values, normalised once for every recognizer and shape check."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.discovery.value_shapes import Kind, column_kind


@dataclass(frozen=True)
class ColumnSample:
    name: str
    dtype: pa.DataType
    sampled: int  # rows sampled
    values: pa.Array  # the non-null values, in their own type
    texts: pa.Array  # the same as stripped strings, empty ones dropped
    distinct: pa.Array  # distinct texts
    undecoded: pa.Array | None = None  # binary columns: the values that are not UTF-8 text, as bytes

    @property
    def kind(self) -> Kind:
        return column_kind(self.dtype)

    @property
    def non_empty(self) -> int:
        return len(self.texts)

    @property
    def uniqueness(self) -> float:
        return len(self.distinct) / self.non_empty if self.non_empty else 0.0

    @property
    def mean_length(self) -> float:
        if not self.non_empty:
            return 0.0
        return float(pc.mean(pc.utf8_length(self.texts)).as_py() or 0.0)

    @property
    def opaque_share(self) -> float:
        """Share of values that are one token of letters and digits (digests, keys, base64)."""
        if not self.non_empty:
            return 0.0
        opaque = pc.match_substring_regex(self.texts, r"^[A-Za-z0-9+/=_\-.]+$")
        return float(pc.sum(pc.cast(opaque, pa.int64())).as_py() or 0) / self.non_empty

    @property
    def mean_words(self) -> float:
        if not self.non_empty:
            return 0.0
        words = pc.list_value_length(pc.utf8_split_whitespace(self.texts))
        return float(pc.mean(words).as_py() or 0.0)


def column_sample(name: str, column: pa.ChunkedArray | pa.Array) -> ColumnSample:
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    values = pc.drop_null(array)
    undecoded = None
    if is_binary(values.type):
        decoded, undecoded = _split_binary(values)
        texts = pc.utf8_trim_whitespace(decoded)
    else:
        texts = pc.utf8_trim_whitespace(_as_text(values))
    texts = pc.filter(texts, pc.not_equal(texts, ""))
    return ColumnSample(
        name=name,
        dtype=array.type,
        sampled=len(array),
        values=values,
        texts=texts,
        distinct=pc.unique(texts),
        undecoded=undecoded,
    )


def is_binary(dtype: pa.DataType) -> bool:
    return bool(pa.types.is_binary(dtype) or pa.types.is_large_binary(dtype))


def _split_binary(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Binary values that are valid UTF-8 (text, decoded), and the others, kept as bytes."""
    texts: list[str] = []
    opaque: list[bytes] = []
    for value in values.to_pylist():
        try:
            texts.append(value.decode("utf-8"))
        except UnicodeDecodeError:
            opaque.append(value)
    return pa.array(texts, pa.string()), pa.array(opaque, pa.binary())


def _as_text(values: pa.Array) -> pa.Array:
    if pa.types.is_string(values.type):
        return values
    if pa.types.is_large_string(values.type) or pa.types.is_dictionary(values.type):
        return pc.cast(
            pc.cast(values, pa.large_string()) if pa.types.is_dictionary(values.type) else values, pa.string()
        )
    if pa.types.is_nested(values.type):
        return pa.array([str(v) for v in values.to_pylist()], pa.string())
    return pc.cast(values, pa.string())
