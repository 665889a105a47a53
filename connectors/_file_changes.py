"""What a TableChange does to a file dataset: which files hold its keys, and which of their rows change.

Candidate files are found with a push-down filter on the key columns (partition folders and Parquet
row-group statistics rule most files out unread); the rows of a candidate are then matched exactly
on the whole key with a hash join, so multi-column keys and NULL keys behave as in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce

import numpy as np
import pyarrow as pa

from connectors._file_layout import TableLayout
from connectors._lazy import ds, pc
from connectors.base import StoreError, TableChange, one_line, set_target

_ROW, _WANTED = "__ccpa_row", "__ccpa_wanted"
_CAST_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError)


@dataclass(frozen=True)
class FileEdit:
    """The rows of one file to keep, and per row the row of `updates` that sets its values (or null)."""

    path: str
    relative: str
    keep: pa.BooleanArray
    sources: pa.Int64Array
    deleted: int
    updated: int
    changed: bool  # False when the matched rows already hold the new values: nothing to rewrite


@dataclass(frozen=True)
class ChangePlan:
    updates: pa.Table | None  # cast to the table's types
    set_columns: tuple[str, ...]
    edits: tuple[FileEdit, ...]


def conformed(
    values: pa.Array | pa.ChunkedArray | Sequence[object], type_: pa.DataType, column: str
) -> pa.Array:
    """`values` as an Arrow array of the column's type (a string "42" for an int column, and so on)."""
    try:
        if isinstance(values, pa.ChunkedArray):
            return values.combine_chunks().cast(type_)
        if isinstance(values, pa.Array):
            return values.cast(type_)
        try:
            return pa.array(values, type=type_)
        except _CAST_ERRORS:
            return pa.array(values).cast(type_)
    except _CAST_ERRORS as err:
        reason = one_line(str(err))  # Arrow quotes the value: it may be someone's identifier
        raise StoreError(f"values for column {column!r} do not fit its type {type_}: {reason}") from None


def plan_change(layout: TableLayout, dataset: ds.Dataset, change: TableChange) -> ChangePlan:
    schema = dataset.schema
    key, set_columns = _checked_columns(layout, schema, change)
    deletes = _conformed_table(change.deletes, schema, key)
    # An update that sets no column changes no row (and counts none updated, as in SQL stores).
    updates = _conformed_table(change.updates, schema, (*key, *set_columns)) if set_columns else None
    wanted = [t for t in (deletes, updates) if t is not None and t.num_rows]
    if not wanted:
        return ChangePlan(updates, set_columns, ())
    candidates = reduce(
        lambda a, b: a & b,
        [pc.field(k).isin(pc.unique(pa.chunked_array([t[k] for t in wanted])).drop_null()) for k in key],
    )
    relative = {f.path: f.relative for f in layout.files}
    edits = []
    for fragment in dataset.get_fragments(filter=candidates):
        if not _may_hold(fragment, schema, candidates):
            continue
        read = dict.fromkeys([*key, *(set_target(c) for c in set_columns)])
        rows = fragment.to_table(schema=schema, columns=list(read), use_threads=False)
        edit = _file_edit(fragment.path, relative[fragment.path], rows, key, deletes, updates, set_columns)
        if edit.deleted or edit.updated:
            edits.append(edit)
    return ChangePlan(updates, set_columns, tuple(edits))


def _may_hold(fragment: ds.Fragment, schema: pa.Schema, candidates: ds.Expression) -> bool:
    """Whether a file may hold rows of the change: a Parquet file unless its row groups' statistics
    rule the keys out (its key columns are read next, once: counting the matches first read them
    twice); any other file if a row matches."""
    if isinstance(fragment, ds.ParquetFileFragment):
        return bool(fragment.subset(filter=candidates, schema=schema).num_row_groups)
    return bool(fragment.scanner(schema=schema, filter=candidates, columns=[]).count_rows())


def _checked_columns(
    layout: TableLayout, schema: pa.Schema, change: TableChange
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    key = tuple(change.key)
    if not key:
        raise StoreError(f"a change to table {layout.name!r} names no key columns")
    set_columns = tuple(c for c in (change.updates.column_names if change.updates else ()) if c not in key)
    for column in (*key, *map(set_target, set_columns)):
        if column not in schema.names:
            raise StoreError(f"table {layout.name!r} has no column {column!r}")
    for column in map(set_target, set_columns):
        if column in layout.partitioning:
            raise StoreError(
                f"cannot update partition column {column!r} of table {layout.name!r}: "
                "it names the folder the rows are in"
            )
    for rows in (change.deletes, change.updates):
        missing = [k for k in key if rows is not None and k not in rows.column_names]
        if missing:
            raise StoreError(f"a change to table {layout.name!r} lacks key columns {missing}")
    return key, set_columns


def _conformed_table(rows: pa.Table | None, schema: pa.Schema, columns: Sequence[str]) -> pa.Table | None:
    if rows is None:
        return None
    arrays = [conformed(rows[c], schema.field(set_target(c)).type, c) for c in columns]
    return pa.table(arrays, names=list(columns))


def _file_edit(
    path: str,
    relative: str,
    rows: pa.Table,
    key: tuple[str, ...],
    deletes: pa.Table | None,
    updates: pa.Table | None,
    set_columns: tuple[str, ...],
) -> FileEdit:
    keep = np.ones(rows.num_rows, dtype=bool)
    deleted, _ = _matches(rows, deletes, key)
    keep[deleted] = False
    updated, sources = _matches(rows, updates, key)
    alive = keep[updated]
    updated, sources = updated[alive], sources[alive]
    source_of_row = np.full(rows.num_rows, -1, dtype=np.int64)
    source_of_row[updated] = sources
    changed = bool(deleted.size) or _sets_new_values(rows, updates, updated, sources, set_columns)
    return FileEdit(
        path,
        relative,
        pa.array(keep),
        pa.array(source_of_row, mask=source_of_row < 0),
        deleted=int(deleted.size),
        updated=int(updated.size),
        changed=changed,
    )


def _matches(rows: pa.Table, wanted: pa.Table | None, key: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Positions of `rows` whose key is in `wanted`, and the matching row of `wanted` (the last one)."""
    if wanted is None or not wanted.num_rows or not rows.num_rows:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    left = rows.select(list(key)).append_column(_ROW, pa.array(np.arange(rows.num_rows)))
    right = wanted.select(list(key)).append_column(_WANTED, pa.array(np.arange(wanted.num_rows)))
    joined = left.join(right, keys=list(key), join_type="inner", use_threads=False)
    positions = joined[_ROW].to_numpy()
    sources = joined[_WANTED].to_numpy()
    order = np.lexsort((sources, positions))
    positions, sources = positions[order], sources[order]
    last = np.append(positions[1:] != positions[:-1], True) if positions.size else positions.astype(bool)
    return positions[last], sources[last]


def _sets_new_values(
    rows: pa.Table,
    updates: pa.Table | None,
    positions: np.ndarray,
    sources: np.ndarray,
    set_columns: tuple[str, ...],
) -> bool:
    if updates is None or not positions.size:
        return False
    for column in set_columns:
        old = rows[set_target(column)].take(positions)
        new = updates[column].take(sources)
        if pa.types.is_nested(old.type):  # structs and lists: Arrow has no element-wise equality
            if old.to_pylist() != new.to_pylist():
                return True
            continue
        same = pc.if_else(pc.is_null(old), pc.is_null(new), pc.fill_null(pc.equal(old, new), False))
        if not pc.all(same).as_py():
            return True
    return False
