"""Rows a deletion may not remove: another row of the database, not being deleted, still refers to them.

The database's own foreign keys say who refers to whom. A row planned for deletion that a row
outside the plan refers to (another customer living at the same address, a customer who was
referred by the consumer) cannot go without deleting or re-pointing that other row, which a
deletion never does (RESTRICT and NO ACTION would refuse it, CASCADE and SET NULL would change
another person's data). Such a row is deidentified instead, and the report says why. The check
repeats until nothing changes: a row kept this way keeps the rows it refers to in turn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from connectors import ForeignKey, Store, TableInfo
from pipelines.rights.records.graph import TableKey

Blocked = dict[TableKey, tuple[pa.Table, str]]  # table -> (referred values of rows that stay, why)
STILL_REFERRED = "another row not deleted refers to it"


def still_referred(
    deleting: Mapping[TableKey, pa.Table],
    stores: Mapping[str, Store],
    tables: Mapping[TableKey, TableInfo],
) -> Blocked:
    """Of the rows planned for deletion (whole rows, per table), those another row still refers to."""
    remaining = dict(deleting)
    blocked: Blocked = {}
    changed = True
    while changed:
        changed = False
        for table, rows in list(remaining.items()):
            held, why = _referred(table, rows, remaining, stores[table[0]], tables)
            if held is None:
                continue
            changed = True
            remaining[table] = split_rows(rows, held)[1]
            previous = blocked.get(table)
            if previous is not None and previous[0].column_names == held.column_names:
                held = pa.concat_tables([previous[0], held.cast(previous[0].schema)])
            blocked[table] = (held, why)
    return blocked


def _referred(
    table: TableKey,
    rows: pa.Table,
    remaining: Mapping[TableKey, pa.Table],
    store: Store,
    tables: Mapping[TableKey, TableInfo],
) -> tuple[pa.Table | None, str]:
    """The values of `rows` (in the referred columns) that a row not being deleted refers to."""
    if not rows.num_rows:
        return None, ""
    for (store_name, name), info in tables.items():
        if store_name != table[0]:
            continue
        for fk in info.foreign_keys:
            if fk.ref_table != table[1] or not set(fk.ref_columns) <= set(rows.column_names):
                continue
            held = _held(rows, fk, store, info, remaining.get((store_name, name)))
            if held is not None and held.num_rows:
                columns = ", ".join(fk.columns)
                return held, f"{STILL_REFERRED} ({name}.{columns} -> {table[1]}): deidentified, not deleted"
    return None, ""


def _held(
    rows: pa.Table, fk: ForeignKey, store: Store, referrer: TableInfo, deleted: pa.Table | None
) -> pa.Table | None:
    """The referred values of `rows` that rows of `referrer` outside `deleted` point at."""
    wanted = rows.select(list(fk.ref_columns)).rename_columns(list(fk.columns))
    values = pc.drop_null(wanted.column(0)).to_pylist()
    if not values:
        return None
    key = list(referrer.primary_key) or referrer.column_names
    read = list(dict.fromkeys([*fk.columns, *key]))
    found = store.find(referrer.name, fk.columns[0], values, columns=read)
    if deleted is not None and found.num_rows and set(key) <= set(deleted.column_names):
        found = _anti(found, deleted.select(key), key)
    found = found.join(_typed(wanted, found, fk.columns), keys=list(fk.columns), join_type="left semi")
    if not found.num_rows:
        return None
    return found.select(list(fk.columns)).rename_columns(list(fk.ref_columns))


def _typed(wanted: pa.Table, found: pa.Table, columns: Sequence[str]) -> pa.Table:
    return pa.table({c: wanted.column(c).cast(found.schema.field(c).type) for c in columns})


def _anti(found: pa.Table, deleted: pa.Table, key: list[str]) -> pa.Table:
    deleted = pa.table({c: deleted.column(c).cast(found.schema.field(c).type) for c in key})
    return found.join(deleted, keys=key, join_type="left anti")


def split_rows(rows: pa.Table, held: pa.Table) -> tuple[pa.Table, pa.Table]:
    """`rows` whose referred columns are among `held`, and the others."""
    columns = held.column_names
    marked = rows.append_column("__ccpa_row", pa.array(range(rows.num_rows), pa.int64()))
    held = pa.table({c: held.column(c).cast(rows.schema.field(c).type) for c in columns})
    kept = marked.join(held, keys=columns, join_type="left semi").column("__ccpa_row")
    mask = pc.is_in(marked.column("__ccpa_row"), value_set=kept.combine_chunks())
    return rows.filter(mask), rows.filter(pc.invert(mask))
