"""Finding a consumer's identifiers in text-like columns, vectorised: one Arrow RE2 pass per column
picks the candidate values (a superset), `re` keeps the whole-token matches. Nested values (structs,
lists, dictionary-encoded text) are searched leaf by leaf, each value knowing its row."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class TextSearch:
    rough: str  # RE2, no look-around: a superset
    exact: re.Pattern[str]  # whole tokens

    def rows(self, texts: pa.Array) -> pa.Array:
        """Indices of the texts holding an identifier as a whole token."""
        candidates = pc.indices_nonzero(rough_candidates(texts, self.rough))
        if not len(candidates):
            return candidates
        values = pc.take(texts, candidates).to_pylist()
        chosen = [i for i, v in zip(candidates.to_pylist(), values, strict=True) if self.exact.search(v)]
        return pa.array(chosen, pa.uint64())


def rough_candidates(texts: pa.Array | pa.ChunkedArray, rough: str) -> pa.Array:
    """Per text, whether the rough (RE2) pattern matches it; null texts do not."""
    return pc.fill_null(pc.match_substring_regex(pc.cast(texts, pa.string()), rough, ignore_case=True), False)


def text_leaves(array: pa.Array, parents: pa.Array | None = None) -> Iterator[tuple[pa.Array, pa.Array]]:
    """Every text leaf of a column (inside structs and lists too), with the row each value is in."""
    if parents is None:
        parents = pa.array(range(len(array)), pa.uint64())
    kind = array.type
    if pa.types.is_struct(kind):
        for index in range(kind.num_fields):
            yield from text_leaves(array.field(index), parents)
    elif pa.types.is_list(kind) or pa.types.is_large_list(kind):
        offsets = pc.list_parent_indices(array)
        yield from text_leaves(pc.list_flatten(array), pc.take(parents, offsets))
    elif pa.types.is_dictionary(kind):
        yield from text_leaves(array.cast(kind.value_type), parents)
    elif text_like(kind):
        yield pc.cast(array, pa.string()), parents


def text_like(kind: pa.DataType) -> bool:
    if pa.types.is_struct(kind):
        return any(text_like(kind.field(i).type) for i in range(kind.num_fields))
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_dictionary(kind):
        return text_like(kind.value_type)
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def scrubbed(value: object, exact: re.Pattern[str], redacted: str) -> object:
    """A document (dicts, lists, text) with the consumer's identifiers removed inside it: a value
    that is an identifier becomes null, text that mentions one has it replaced; the shape stays."""
    if isinstance(value, dict):
        return {k: scrubbed(v, exact, redacted) for k, v in value.items()}
    if isinstance(value, list):
        return [scrubbed(v, exact, redacted) for v in value]
    if isinstance(value, str) and exact.search(value):
        return None if exact.fullmatch(value) else exact.sub(redacted, value)
    return value
