"""Which columns a full read covers, and the tasks it is cut into (per split of each table).

Columns that can hold personal information by their type: text (also dictionary-encoded), binary
(read where it decodes as text), integers and whole decimals (IMSIs, MSISDNs, cards stored as
numbers; only recognizers whose entity may be stored as a number look at them). Floats, booleans,
times and nested values are not read: the sample decides for them.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from connectors import Estate, TableInfo, open_store
from pipelines.discovery.full_values.reading import ReadTask

ROWS_PER_TASK = 1_000_000
_TEXT_TYPES = (pa.types.is_string, pa.types.is_large_string, pa.types.is_binary, pa.types.is_large_binary)
MAX_CHECKED = 256  # distinct candidates validated per column, over all its tasks
MIN_CHECKED = 32  # ... and at least this many per task


def read_columns(info: TableInfo) -> tuple[tuple[str, bool], ...]:
    """(column, stored as a number) for every column of the table a full read covers."""
    chosen = []
    for column in info.columns:
        kind = _value_type(column.type)
        if any(test(kind) for test in _TEXT_TYPES):
            chosen.append((column.name, False))
        elif pa.types.is_integer(kind) or (pa.types.is_decimal(kind) and kind.scale == 0):
            chosen.append((column.name, True))
    return tuple(chosen)


def read_tasks(
    estate: Estate,
    tables: Sequence[tuple[str, TableInfo]],
    batch_size: int,
    rows_per_task: int = ROWS_PER_TASK,
) -> list[ReadTask]:
    """The tasks of a full read, in a stable order (stores, tables, splits): the same on any cluster."""
    tasks = []
    wanted: dict[str, list[TableInfo]] = {}
    for name, info in tables:
        if read_columns(info):
            wanted.setdefault(name, []).append(info)
    estate_file = str(estate.path.resolve())
    for store_name, infos in wanted.items():
        with open_store(store_name, estate.stores[store_name]) as store:
            for info in infos:
                splits = store.splits(info.name, rows_per_task)
                budget = max(MIN_CHECKED, MAX_CHECKED // max(1, len(splits)))
                for split in splits:
                    tasks.append(
                        ReadTask(estate_file, store_name, split, read_columns(info), budget, batch_size)
                    )
    return tasks


def _value_type(kind: pa.DataType) -> pa.DataType:
    return kind.value_type if pa.types.is_dictionary(kind) else kind
