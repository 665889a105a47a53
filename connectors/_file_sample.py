"""Random rows of a file dataset, read from a few files and row groups rather than the whole table.

Files are visited in a random order (fixed by the seed), one random row group of a Parquet file at a
time (its footer tells the row groups), a CSV or JSON-lines file whole. Reading stops once enough
rows are gathered from at least `SPREAD` chunks, so that one file or one row group cannot make up
the whole sample; the sample is then drawn at random from what was read.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterator, Sequence

import pyarrow as pa

from connectors._lazy import ds

SPREAD = 8  # chunks (row groups or files) a sample is drawn from, when the table has that many


def sample_dataset(dataset: ds.Dataset, n: int, columns: Sequence[str], seed: int) -> pa.Table:
    rng = random.Random(seed)
    empty = pa.schema([dataset.schema.field(c) for c in columns]).empty_table()
    pool: list[pa.Table] = []
    gathered = 0
    for chunk in _chunks(dataset, rng) if n > 0 else ():
        rows = _at_random(chunk.to_table(schema=dataset.schema, columns=list(columns)), n, rng)
        pool.append(rows)
        gathered += rows.num_rows
        if gathered >= n and len(pool) >= SPREAD:
            break
    return _at_random(pa.concat_tables([empty, *pool]), n, rng)


def _at_random(table: pa.Table, n: int, rng: random.Random) -> pa.Table:
    if table.num_rows <= n:
        return table
    return table.take(sorted(rng.sample(range(table.num_rows), n)))


def _chunks(dataset: ds.Dataset, rng: random.Random) -> Iterator[ds.Fragment]:
    """Fragments in random order: a Parquet file gives one random row group per visit."""
    fragments = list(dataset.get_fragments())
    rng.shuffle(fragments)
    queue: deque[tuple[ds.Fragment, list[int] | None]] = deque((f, None) for f in fragments)
    while queue:
        fragment, groups = queue.popleft()
        if not isinstance(fragment, ds.ParquetFileFragment):
            yield fragment
            continue
        if groups is None:
            fragment.ensure_complete_metadata()  # reads the footer only
            groups = [group.id for group in fragment.row_groups]
            rng.shuffle(groups)
        if groups:
            yield fragment.subset(row_group_ids=[groups.pop()])
        if groups:
            queue.append((fragment, groups))
