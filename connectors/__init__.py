"""Connectors: the estate file, and one Store interface over SQL databases and folders of files."""

from collections.abc import Iterator
from contextlib import contextmanager

from connectors.base import (
    NEW_VALUE,
    ChangeResult,
    ColumnInfo,
    ForeignKey,
    SkippedFile,
    Split,
    Store,
    StoreError,
    TableChange,
    TableInfo,
)
from connectors.estate import (
    ColumnRef,
    Estate,
    EstateError,
    ExemptionRule,
    FilesStoreConfig,
    Link,
    SqlStoreConfig,
    StoreConfig,
    load_estate,
)


def open_store(name: str, config: StoreConfig) -> Store:
    """Open one store of a loaded estate; raises StoreError (one line) when it cannot be reached."""
    if isinstance(config, SqlStoreConfig):
        from connectors.sql import SqlStore

        return SqlStore(name, config)
    from connectors.files import FileStore

    return FileStore(name, config)


def open_estate_store(estate_file: str, name: str) -> Store:
    """One store of an estate file, opened: what a task on a cluster worker reads from (a task
    carries the estate file's path, not the loaded estate)."""
    return open_store(name, load_estate(estate_file).stores[name])


@contextmanager
def opened_stores(estate: Estate) -> Iterator[dict[str, Store]]:
    """`open_stores` for a block: every store is closed when the block ends, however it ends."""
    stores = open_stores(estate)
    try:
        yield stores
    finally:
        for store in stores.values():
            store.close()


def open_stores(estate: Estate) -> dict[str, Store]:
    """Every store of the estate, opened, with the estate's table and column names checked against them.

    Raises StoreError (a store cannot be reached) or EstateError (a name it does not have); nothing
    stays open then.
    """
    from connectors.estate_names import check_names

    stores: dict[str, Store] = {}
    try:
        for name, config in estate.stores.items():
            stores[name] = open_store(name, config)
        check_names(estate, stores)
    except BaseException:
        for store in stores.values():
            store.close()
        raise
    return stores


__all__ = [
    "NEW_VALUE",
    "ChangeResult",
    "ColumnInfo",
    "ColumnRef",
    "Estate",
    "EstateError",
    "ExemptionRule",
    "FilesStoreConfig",
    "ForeignKey",
    "Link",
    "SkippedFile",
    "Split",
    "SqlStoreConfig",
    "Store",
    "StoreConfig",
    "StoreError",
    "TableChange",
    "TableInfo",
    "load_estate",
    "open_estate_store",
    "open_store",
    "open_stores",
    "opened_stores",
]
