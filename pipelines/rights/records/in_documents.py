"""Rows whose documents hold the request's identity: a JSON or jsonb column, a struct or a list
whose leaf is the identifier as a whole value (`who.email` of a login event). They are subject
rows, found like rows by a plain column.

The inventory names the document columns holding identifier paths (`Catalog.nested`). A request
reads each such column once for every value it looks for: an Arrow RE2 pass over the leaves picks
the candidate rows, then their leaves are compared whole (JSON text is parsed, candidates only).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from connectors import Store
from connectors.text_match import rough_candidates, rough_patterns, text_leaves

MATCHED = "__matched"  # the value looked up that the row's document holds


def rows_holding(store: Store, table: str, column: str, values: Sequence[object], casefold: bool) -> pa.Table:
    """The rows whose `column` document holds one of `values` as a whole leaf (a row once per value
    it holds), with MATCHED: that value as text."""
    texts = [str(v) for v in values]
    wanted = {_fold(t, casefold): t for t in texts}
    rough = rough_patterns(texts)
    parts = []
    for batch in store.scan(table):
        hits: dict[tuple[int, str], None] = {}
        for leaves, parents in text_leaves(batch.column(batch.schema.get_field_index(column))):
            candidates = pc.indices_nonzero(rough_candidates(leaves, rough))
            if not len(candidates):
                continue
            for text, row in zip(
                pc.take(leaves, candidates).to_pylist(), pc.take(parents, candidates).to_pylist(), strict=True
            ):
                for leaf in _leaves_of(text):
                    found = wanted.get(_fold(leaf, casefold))
                    if found is not None:
                        hits[(row, found)] = None
        if hits:
            rows = pa.Table.from_batches([batch]).take([row for row, _ in hits])
            parts.append(rows.append_column(MATCHED, pa.array([v for _, v in hits], pa.string())))
    if not parts:
        return pa.table({MATCHED: pa.array([], pa.string())})
    return pa.concat_tables(parts, promote_options="permissive")


def _leaves_of(text: str) -> Iterator[str]:
    """The text itself, and when it is a JSON document, every scalar inside it (as text)."""
    yield text
    if text[:1] not in ("{", "["):
        return
    try:
        document = json.loads(text)
    except ValueError:
        return
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif value is not None and not isinstance(value, bool):
            yield str(value)


def _fold(text: str, casefold: bool) -> str:
    return text.lower() if casefold else text
