"""The estate's names checked against the stores' catalogues: a table or column that does not exist
is an estate error (one line naming the key), found when the stores are opened, before any output.

Checked: `include` (each glob must match a table), `exclude` (each plain name must be a table; a
pattern may match nothing), exemption rules, `retention_days` and
`event_time` (tables and columns), `links` and `identity` (store.table.column).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from typing import NoReturn

from connectors.base import WHOLE_STORE, Store, TableInfo
from connectors.estate import ColumnRef, Estate, EstateError, StoreConfig


def check_names(estate: Estate, stores: Mapping[str, Store]) -> None:
    """Raise EstateError for the first name of the estate that its store does not have.

    `stores`: the open stores (all of the estate's, or some: names in the others are not checked).
    """
    for name, store in stores.items():
        _check_store(estate, name, estate.stores[name], store)
    for i, link in enumerate(estate.links):
        for ref in (link.source, link.target):
            _check_ref(estate, f"links[{i}]", ref, stores)
    for kind, columns in estate.identity.items():
        for i, text in enumerate(columns):
            _check_ref(estate, f"identity.{kind}[{i}]", ColumnRef.parse(text), stores)


def _unreachable(store: Store) -> bool:
    """A store that cannot be listed now (a bucket): its names are checked when it can be."""
    return any(info.name == WHOLE_STORE and info.unreadable for info in store.tables())


def _check_store(estate: Estate, name: str, config: StoreConfig, store: Store) -> None:
    if _unreachable(store):
        return
    every = store.all_table_names()
    for option in ("include", "exclude"):
        for i, glob in enumerate(getattr(config, option)):
            if option == "exclude" and any(c in glob for c in "*?["):
                continue  # a pattern that excludes nothing today (tmp_*) may tomorrow: not a typo
            if not any(fnmatchcase(table, glob) for table in every):
                _fail(
                    estate,
                    f"stores.{name}.{option}[{i}]",
                    f"no table {glob!r} in store {name!r}",
                    glob,
                    every,
                )
    tables = {info.name: info for info in store.tables()}
    for i, rule in enumerate(config.exemptions):
        info = _table(estate, f"stores.{name}.exemptions[{i}].table", name, rule.table, tables)
        for j, column in enumerate(rule.columns):
            _column(estate, f"stores.{name}.exemptions[{i}].columns[{j}]", name, info, column)
    for table in config.retention_days:
        _table(estate, f"stores.{name}.retention_days.{table}", name, table, tables)
    for table, column in config.event_time.items():
        info = _table(estate, f"stores.{name}.event_time.{table}", name, table, tables)
        _column(estate, f"stores.{name}.event_time.{table}", name, info, column)


def _check_ref(estate: Estate, key: str, ref: ColumnRef, stores: Mapping[str, Store]) -> None:
    store = stores.get(ref.store)
    if store is None or _unreachable(store):  # not opened here (the estate file checks it exists)
        return
    tables = {info.name: info for info in store.tables()}
    info = _table(estate, key, ref.store, ref.table, tables)
    _column(estate, key, ref.store, info, ref.column)


def _table(estate: Estate, key: str, store: str, table: str, tables: Mapping[str, TableInfo]) -> TableInfo:
    if table not in tables:
        _fail(estate, key, f"no table {table!r} in store {store!r}", table, tables)
    return tables[table]


def _column(estate: Estate, key: str, store: str, info: TableInfo, column: str) -> None:
    if column not in info.column_names:
        where = f"no column {column!r} in table {info.name!r} of store {store!r}"
        _fail(estate, key, where, column, info.column_names)


def _fail(estate: Estate, key: str, message: str, name: str, known: Iterable[str]) -> NoReturn:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise EstateError(f"{estate.path}: {key}: {message}{hint}")
