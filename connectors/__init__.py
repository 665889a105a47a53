"""Connectors: the estate file, and one Store interface over SQL databases and folders of files."""

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

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


_KEPT: ContextVar[dict[tuple[str, str], Store] | None] = ContextVar("kept_stores", default=None)
_OPENING = threading.Lock()  # tasks on threads share the kept stores: each is opened once


def open_estate_store(estate_file: str, name: str) -> Store:
    """One store of an estate file, opened: what a task on a cluster worker reads from (a task
    carries the estate file's path, not the loaded estate). Within `keeping_stores`, each store is
    opened once and the tasks share it."""
    kept = _KEPT.get()
    if kept is None:
        return open_store(name, load_estate(estate_file).stores[name])
    with _OPENING:
        store = kept.get((estate_file, name))
        if store is None:
            store = kept[(estate_file, name)] = open_store(name, load_estate(estate_file).stores[name])
            store.kept = True
    return store


@contextmanager
def keeping_stores(estate_file: str | None = None, lent: Mapping[str, Store] | None = None) -> Iterator[None]:
    """For tasks run one after another in this process: each store `open_estate_store` opens stays
    open (a task's `with` leaves it so) until the block ends. A residue search's 150 splits each
    loaded the estate file and listed the 3,600 log files again (~30 s at 100M sessions).

    `lent`: stores of `estate_file` the caller already has open (a request's): the tasks use them
    (a mention task opened the CRM again and read its catalogue, ~0.05 s), and they stay open."""
    if _KEPT.get() is not None:
        yield
        return
    borrowed = {(estate_file, name): store for name, store in (lent or {}).items() if estate_file}
    kept: dict[tuple[str, str], Store] = dict(borrowed)
    for store in borrowed.values():
        store.kept = True  # no store is kept outside a block, and blocks do not nest
    token = _KEPT.set(kept)
    try:
        yield
    finally:
        _KEPT.reset(token)
        for key, store in kept.items():
            store.kept = False
            if key not in borrowed:
                store.close()


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
    "keeping_stores",
    "load_estate",
    "open_estate_store",
    "open_store",
    "open_stores",
    "opened_stores",
]
