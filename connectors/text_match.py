"""Which rows may hold some values inside their text: the rough pass of every text search.

A text search (a deletion's residue, the free text that mentions a consumer) looks for values as
substrings of text, case-insensitively, in every text leaf of a column (inside structs, lists and
JSON text too). `TextMatch` is that rule, once: `rows` runs it on an Arrow batch (RE2, vectorised),
and a store's `scan_split(..., matching=...)` returns only the rows it keeps, after asking the
database first when it can (`connectors._sql_text_match`: a LIKE prefilter proven to keep at
least these rows). What it keeps is a superset: the caller still decides on whole tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ROUGH_VALUES = 200  # values per RE2 pattern: 5,000 in one took 137 s over 50,000 tickets, 0.6 s in 25


def rough_pattern(values: Iterable[str]) -> str:
    """The values as plain substrings, longest first, as one alternation."""
    return "|".join(re.escape(v) for v in sorted(set(values), key=len, reverse=True))


def rough_patterns(values: Iterable[str]) -> tuple[str, ...]:
    """The same, in patterns of at most ROUGH_VALUES values each: past a few hundred, RE2's DFA
    outgrows its memory and falls back to a far slower automaton."""
    ordered = sorted(set(values), key=len, reverse=True)
    return tuple(rough_pattern(ordered[i : i + ROUGH_VALUES]) for i in range(0, len(ordered), ROUGH_VALUES))


@dataclass(frozen=True)
class TextMatch:
    """Rows where one of `values` occurs, in any case, in the text of one of `columns`."""

    columns: tuple[str, ...]
    values: tuple[str, ...]

    @cached_property
    def rough(self) -> tuple[str, ...]:
        return rough_patterns(self.values)

    def rows(self, batch: pa.RecordBatch) -> pa.Array:
        """Per row of the batch, whether one of the columns' text leaves holds one of the values."""
        held = np.zeros(batch.num_rows, dtype=bool)
        for column in self.columns:
            array = batch.column(batch.schema.get_field_index(column))
            if _flat_text(array.type):
                held |= rough_candidates(array, self.rough).to_numpy(zero_copy_only=False)
                continue
            for texts, parents in text_leaves(array):
                hits = pc.filter(parents, rough_candidates(texts, self.rough))
                held[hits.to_numpy(zero_copy_only=False)] = True
        return pa.array(held, pa.bool_())

    def kept(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """The rows of the batches the match keeps (batches left empty are dropped)."""
        for batch in batches:
            held = self.rows(batch)
            if pc.any(held).as_py():
                yield batch.filter(held)


def rough_candidates(texts: pa.Array | pa.ChunkedArray, rough: str | tuple[str, ...]) -> pa.Array:
    """Per text, whether a rough (RE2) pattern matches it; null texts do not. Dictionary-encoded
    text is matched once per distinct value (a Parquet column of a few values: SMS `direction`)."""
    if isinstance(texts, pa.DictionaryArray):
        distinct = rough_candidates(texts.dictionary, rough)
        return pc.fill_null(pc.take(distinct, texts.indices), False)
    if isinstance(texts, pa.ChunkedArray) and pa.types.is_dictionary(texts.type):
        return pa.concat_arrays([rough_candidates(chunk, rough) for chunk in texts.chunks])
    texts = pc.cast(texts, pa.string())
    held = None
    for pattern in (rough,) if isinstance(rough, str) else rough:
        hits = pc.fill_null(pc.match_substring_regex(texts, pattern, ignore_case=True), False)
        held = hits if held is None else pc.or_(held, hits)
    return held if held is not None else pa.array(np.zeros(len(texts), dtype=bool))  # no values


def text_leaves(array: pa.Array, parents: pa.Array | None = None) -> Iterator[tuple[pa.Array, pa.Array]]:
    """Every text leaf of a column (inside structs and lists too), with the row each value is in.
    Dictionary-encoded text comes as it is (`rough_candidates` matches its distinct values once)."""
    if parents is None:
        parents = pa.array(range(len(array)), pa.uint64())
    kind = array.type
    if pa.types.is_struct(kind):
        for index in range(kind.num_fields):
            yield from text_leaves(array.field(index), parents)
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
        offsets = pc.list_parent_indices(array)
        yield from text_leaves(pc.list_flatten(array), pc.take(parents, offsets))
    elif pa.types.is_dictionary(kind) and not _flat_text(kind):
        yield from text_leaves(array.cast(kind.value_type), parents)
    elif text_like(kind):
        yield (array if pa.types.is_dictionary(kind) else pc.cast(array, pa.string())), parents


def text_like(kind: pa.DataType) -> bool:
    if pa.types.is_struct(kind):
        return any(text_like(kind.field(i).type) for i in range(kind.num_fields))
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_dictionary(kind):
        return text_like(kind.value_type)
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _flat_text(kind: pa.DataType) -> bool:
    """Text with one value per row: plain, or dictionary-encoded text."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))
