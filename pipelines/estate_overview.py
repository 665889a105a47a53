"""What an estate holds, store by store: the tables, their columns and row counts."""

from __future__ import annotations

from dataclasses import dataclass

from connectors import Estate, open_store


@dataclass(frozen=True)
class TableOverview:
    store: str
    kind: str
    table: str
    columns: int
    rows: int | None
    partitions: tuple[str, ...]


def overview(estate: Estate) -> list[TableOverview]:
    """Open every store (raising StoreError on the first unreachable one) and list its tables."""
    rows: list[TableOverview] = []
    for name, config in estate.stores.items():
        with open_store(name, config) as store:
            for info in store.tables():
                rows.append(
                    TableOverview(
                        store=name,
                        kind=config.kind,
                        table=info.name,
                        columns=len(info.columns),
                        rows=info.row_count,
                        partitions=info.partitioning,
                    )
                )
    return rows
