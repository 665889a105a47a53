"""Connectors: the estate file, and one Store interface over SQL databases and folders of files."""

from connectors.base import (
    ChangeResult,
    ColumnInfo,
    ForeignKey,
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


__all__ = [
    "ChangeResult",
    "ColumnInfo",
    "ColumnRef",
    "Estate",
    "EstateError",
    "ExemptionRule",
    "FilesStoreConfig",
    "ForeignKey",
    "Link",
    "Split",
    "SqlStoreConfig",
    "Store",
    "StoreConfig",
    "StoreError",
    "TableChange",
    "TableInfo",
    "load_estate",
    "open_store",
]
