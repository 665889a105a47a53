"""Which rows the walk has decided, per consumer, as Arrow tables of (consumer, row digest) pairs.

A batch of ten thousand requests reaches millions of log rows: telling the new ones from those
already decided, and counting who else's rows refer to a row, are hash joins here, not Python
sets filled and probed row by row.
"""

from __future__ import annotations

from collections import defaultdict

import pyarrow as pa
import pyarrow.compute as pc

TableKey = tuple[str, str]
CONSUMER = "__consumer"
ROW = "__row"
_INDEX = "__index"


def pairs(rows: pa.Table) -> pa.Table:
    """The rows' (consumer, digest) pairs, typed alike whatever step made them."""
    return pa.table(
        {
            CONSUMER: pc.cast(rows.column(CONSUMER), pa.int32()),
            ROW: pc.cast(rows.column(ROW), pa.string()),
        }
    )


class Decided:
    """The (consumer, row) pairs decided so far in each table, whatever their role."""

    def __init__(self) -> None:
        self._tables: dict[TableKey, list[pa.Table]] = defaultdict(list)

    def add(self, table: TableKey, rows: pa.Table) -> None:
        if rows.num_rows:
            self._tables[table].append(pairs(rows))

    def of(self, table: TableKey) -> pa.Table | None:
        """Every pair decided in `table` (one table, compacted on the way)."""
        parts = self._tables.get(table)
        if not parts:
            return None
        if len(parts) > 1:
            parts[:] = [pa.concat_tables(parts).combine_chunks()]
        return parts[0]

    def unseen(self, table: TableKey, rows: pa.Table) -> pa.Table:
        """The rows not decided yet for their consumer, each (consumer, row) once, in order."""
        if rows.num_rows == 0:
            return rows
        keys = pairs(rows).append_column(_INDEX, pa.array(range(rows.num_rows), pa.int64()))
        first = keys.group_by([CONSUMER, ROW], use_threads=False).aggregate([(_INDEX, "min")])
        decided = self.of(table)
        if decided is not None:
            first = first.join(decided, keys=[CONSUMER, ROW], join_type="left anti", use_threads=False)
        kept = pc.sort_indices(first.column(f"{_INDEX}_min"))
        return rows.take(pc.take(first.column(f"{_INDEX}_min"), kept))


def referrers_not_theirs(
    held: pa.Table,
    held_keys: pa.ChunkedArray,
    found_keys: pa.ChunkedArray,
    found_rows: pa.Array,
    theirs: pa.Table | None,
) -> list[int]:
    """Per held row: how many of the found referrer rows naming it (`found_keys` against the held
    row's `held_keys`) are not its consumer's own (`theirs`: their (consumer, row) pairs)."""
    numbered = pa.table(
        {
            _INDEX: pa.array(range(held.num_rows), pa.int64()),
            CONSUMER: pc.cast(held.column(CONSUMER), pa.int32()),
            "__key": pc.cast(held_keys, pa.string()),
        }
    )
    found = pa.table({"__key": pc.cast(found_keys, pa.string()), ROW: pc.cast(found_rows, pa.string())})
    named = numbered.join(found, keys="__key", join_type="inner", use_threads=False)
    if theirs is not None and named.num_rows:
        named = named.join(theirs, keys=[CONSUMER, ROW], join_type="left anti", use_threads=False)
    counts = [0] * held.num_rows
    tally = named.group_by(_INDEX, use_threads=False).aggregate([(ROW, "count")])
    for index, count in zip(
        tally.column(_INDEX).to_pylist(), tally.column(f"{ROW}_count").to_pylist(), strict=True
    ):
        counts[index] = count
    return counts
