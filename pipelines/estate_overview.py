"""What an estate holds, store by store: the tables and views, columns, row counts, partitions, and
what cannot be read (a table the role may not read, a file that is not a table)."""

from __future__ import annotations

from dataclasses import dataclass

from connectors import Estate, TableInfo, opened_stores


@dataclass(frozen=True)
class TableOverview:
    store: str
    kind: str  # the store's kind, and "view" for a view: "sql", "sql view", "files"
    table: str
    columns: int
    rows: int | None
    partitions: tuple[str, ...]  # partition columns, then the partitions' names
    status: str  # "ok", "unreadable: why", "skipped: why" (a file of a files store)


def overview(estate: Estate) -> list[TableOverview]:
    """Open every store (raising StoreError on the first unreachable one) and list its tables."""
    rows: list[TableOverview] = []
    with opened_stores(estate) as stores:
        for name, store in stores.items():
            kind = estate.stores[name].kind
            rows += [_table(name, kind, info) for info in store.tables()]
            rows += [
                TableOverview(name, kind, f.path, 0, None, (), f"skipped: {f.reason}")
                for f in store.skipped()
            ]
    return rows


def _table(store: str, kind: str, info: TableInfo) -> TableOverview:
    return TableOverview(
        store=store,
        kind=f"{kind} view" if info.kind == "view" else kind,
        table=info.name,
        columns=len(info.columns),
        rows=info.row_count,
        partitions=(
            *info.partitioning,
            *((f"partitions {' '.join(info.partitions)}",) if info.partitions else ()),
        ),
        status=f"unreadable: {info.unreadable}" if info.unreadable else "ok",
    )
