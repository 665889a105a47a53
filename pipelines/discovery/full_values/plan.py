"""Which columns a full read covers, and the tasks it is cut into (per split of each table).

Columns that can hold personal information by their type: text (also dictionary-encoded), binary
(read where it decodes as text), integers and whole decimals (IMSIs, MSISDNs, cards stored as
numbers; only recognizers whose entity may be stored as a number look at them). Floats, booleans,
times and nested values are not read: the sample decides for them.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from connectors import Estate, Split, TableInfo, open_store
from pipelines.discovery.classify import ColumnFinding
from pipelines.discovery.full_values.reading import ReadColumn, ReadTask

ROWS_PER_TASK = 1_000_000
_TEXT_TYPES = (pa.types.is_string, pa.types.is_large_string, pa.types.is_binary, pa.types.is_large_binary)
MAX_CHECKED = 256  # distinct candidates validated per column, over all its tasks
MIN_CHECKED = 8  # ... and at least this many per task


def read_columns(info: TableInfo, findings: Sequence[ColumnFinding] = ()) -> tuple[ReadColumn, ...]:
    """Every column of the table a full read covers, with what the sample found in it."""
    found = {f.column: f.entity for f in findings}
    chosen = []
    for column in info.columns:
        kind = _value_type(column.type)
        entity = found.get(column.name)
        if any(test(kind) for test in _TEXT_TYPES):
            chosen.append(ReadColumn(column.name, False, entity))
        elif pa.types.is_integer(kind) or (pa.types.is_decimal(kind) and kind.scale == 0):
            chosen.append(ReadColumn(column.name, True, entity))
    return tuple(chosen)


def read_tasks(
    estate: Estate,
    tables: Sequence[tuple[str, TableInfo, Sequence[ColumnFinding]]],
    batch_size: int,
    rows_per_task: int = ROWS_PER_TASK,
) -> list[ReadTask]:
    """The tasks of a full read, in a stable order (stores, tables, splits): the same on any cluster."""
    tasks = []
    wanted: dict[str, list[tuple[TableInfo, tuple[ReadColumn, ...]]]] = {}
    for name, info, findings in tables:
        if columns := read_columns(info, findings):
            wanted.setdefault(name, []).append((info, columns))
    estate_file = str(estate.path.resolve())
    for store_name, infos in wanted.items():
        with open_store(store_name, estate.stores[store_name]) as store:
            for info, columns in infos:
                groups = _grouped(store.splits(info.name, rows_per_task), rows_per_task)
                budget = max(MIN_CHECKED, MAX_CHECKED // max(1, len(groups)))
                for group in groups:
                    tasks.append(ReadTask(estate_file, store_name, group, columns, budget, batch_size))
    return tasks


def _grouped(splits: Sequence[Split], rows_per_task: int) -> list[tuple[Split, ...]]:
    """Consecutive splits joined into tasks of about `rows_per_task` rows: a table of many small
    files (a day's partition each) costs a task's start and validation once, not once a file."""
    groups: list[tuple[Split, ...]] = []
    group: list[Split] = []
    rows = 0
    for split in splits:
        if group and rows + (split.rows or rows_per_task) > rows_per_task:
            groups.append(tuple(group))
            group, rows = [], 0
        group.append(split)
        rows += split.rows or rows_per_task
    return [*groups, tuple(group)] if group else groups


def _value_type(kind: pa.DataType) -> pa.DataType:
    return kind.value_type if pa.types.is_dictionary(kind) else kind
