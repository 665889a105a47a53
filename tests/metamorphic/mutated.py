"""A mutated copy of the demo estate (`Mutated`), and what the mutations share to read and
change its stores: the SQLite files and Parquet folders the estate file names, its links."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from connectors.column_refs import parse_link

Name = tuple[str, str]  # (store, table)
Column = tuple[str, str, str]  # (store, table, column)


@dataclass
class Mutated:
    """A mutated copy of the demo estate and the way back to the original's names."""

    root: Path
    estate_file: Path
    steps: tuple[str, ...] = ()
    seed: int = 0
    tables: dict[Name, str] = field(default_factory=dict)  # (store, table now) -> original table
    columns: dict[Column, str] = field(default_factory=dict)  # (store, table now, column now) -> original
    decoys: set[Column] = field(default_factory=set)  # (store, original table, column now) added
    nulled: dict[Name, dict[str, set[str]]] = field(default_factory=dict)  # original (store, table) ->
    # its key as text -> original columns set to NULL in that row
    keys: dict[Name, list[str]] = field(default_factory=dict)  # original (store, table) -> key columns
    moved: dict[str, str] = field(default_factory=dict)  # store now of another kind -> the kind
    raw: dict[str, Any] = field(default_factory=dict)  # the estate file as yaml reads it

    def table(self, store: str, table: str) -> str:
        """The original name of a table now in the estate."""
        return self.tables.get((store, table), table)

    def column(self, store: str, table: str, column: str) -> str | None:
        """The original name of a column now in the estate (None: a decoy, not in the original)."""
        if (store, self.table(store, table), column) in self.decoys:
            return None
        return self.columns.get((store, table, column), column)


def sqlite_stores(mutated: Mutated) -> dict[str, Path]:
    """The SQL stores that are SQLite files in the estate's folder: name -> file."""
    found = {}
    for name, config in mutated.raw["stores"].items():
        url = str(config.get("url", ""))
        if url.startswith("sqlite:///"):
            found[name] = mutated.root / url.removeprefix("sqlite:///")
    return found


@contextmanager
def sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("BEGIN")
        yield conn
        conn.execute("COMMIT")


def table_names(conn: sqlite3.Connection) -> list[str]:
    query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    return [name for (name,) in conn.execute(query)]


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def links(mutated: Mutated) -> list[tuple[Column, str, Column]]:
    return [
        (source, arrow, target) for source, arrow, target in map(parse_link, mutated.raw.get("links", []))
    ]


def sqlite_tables(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return table_names(conn)


def parquet_stores(mutated: Mutated) -> dict[str, Path]:
    return {
        name: mutated.root / config["path"]
        for name, config in mutated.raw["stores"].items()
        if config["kind"] == "files" and config.get("format") == "parquet"
    }
