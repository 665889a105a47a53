"""Which columns name the rows a deletion or correction changes.

A table's primary key where it has one; else a unique id-named column of the consumer's rows, else
the whole row. A keyless table's delete step counts every copy its key names (identical rows, rows
sharing an id), so the plan says what the deletion removes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from connectors import Store, TableInfo
from pipelines.rights.model import TableRecords
from pipelines.rights.records.graph import IDENTIFYING, Catalog, TableKey
from pipelines.rights.records.link_keys import row_digest

if TYPE_CHECKING:
    from pipelines.rights.changes.deletion_plan import Step


def row_key(info: TableInfo, rows: pa.Table) -> tuple[str, ...]:
    """The primary key, else a unique id-named column of the rows, else the whole row."""
    if info.primary_key:
        return info.primary_key
    for name in rows.column_names:
        if name == "id" or name.endswith("_id"):
            values = pc.drop_null(rows.column(name))
            if len(values) == rows.num_rows and len(pc.unique(values)) == rows.num_rows:
                return (name,)
    return tuple(rows.column_names)


def delete_key(
    record: TableRecords, info: TableInfo, catalog: Catalog, key: tuple[str, ...]
) -> tuple[str, ...]:
    """A keyless table's delete key: its id column led by the columns of the consumer's identifiers
    (a session's IMSI), so that a log store finds the rows through its value index instead of
    reading every id (100M session ids, twice: counting the copies, then planning the rewrite).
    Only for deleting: a deidentification masks those columns, so they cannot be its key."""
    rows = record.rows
    if info.primary_key or key == tuple(rows.column_names):
        return key
    meanings = catalog.meanings.get((record.store, record.table), {})
    located = tuple(
        name
        for name in rows.column_names
        if name not in key
        and (meaning := meanings.get(name)) is not None
        and meaning.entity in IDENTIFYING
        and not pa.types.is_nested(rows.schema.field(name).type)
        and rows.column(name).null_count == 0
    )
    return (*located, *key)


def every_copy(step: Step, store: Store, tables: Mapping[TableKey, TableInfo]) -> Step:
    """A delete step of a table without a primary key holds every row its key values name in the
    table (identical rows, rows sharing an id), so its count is what the deletion removes: the
    consumer's records list each distinct row once."""
    info = tables[(step.store, step.table)]
    if step.action != "delete" or info.primary_key:
        return step
    wanted = step.rows.select(list(step.key))
    scalar = [c for c in step.key if not pa.types.is_nested(wanted.schema.field(c).type)]
    first = pc.drop_null(wanted.column(scalar[0])).to_pylist() if scalar else []
    if not first:
        return step
    copies = store.find(step.table, scalar[0], first, columns=list(step.key))
    copies = copies.cast(wanted.schema) if copies.schema != wanted.schema else copies
    named = pc.is_in(row_digest(copies), value_set=row_digest(wanted))  # any column types, nested too
    copies = copies.filter(pc.fill_null(named, False))
    return replace(step, rows=copies) if copies.num_rows >= wanted.num_rows else step
