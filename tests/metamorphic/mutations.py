"""The demo estate mutated as real estates differ, with what is needed to compare results back.

`mutate(built, folder, steps, seed)` copies a built demo estate into `folder` and applies the named
steps (always in the order of STEPS, whatever order they are given in), each drawing its choices
from random.Random(seed):

- text_keys    integer keys (and the columns referring to them) stored as text;
- nulls        NULL in a few % of the rows of every optional column that is not a key or a link's;
- decoys       `notes_internal` (random everyday words) and `ref_code` (random hex) added to tables;
- rename       every table and column of every store in another naming convention;
- to_csv, to_jsonl, to_parquet, to_postgresql, to_mariadb
               one SQLite store moved to a folder of files, or to a database on a live server;
- drop_links   the estate file's declared links removed.

The result says, for every table and column now in the estate, its original name, and which cells
were set to NULL, so that an original run's results can be turned into what the mutated run
should give.
"""

from __future__ import annotations

import random
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from connectors.column_refs import parse_link
from pipelines.demo_estate import DemoEstate
from tests.metamorphic import moves
from tests.metamorphic.names import COLUMN_CONVENTIONS, TABLE_CONVENTIONS, rename_in_estate
from tests.metamorphic.values import key_text

Name = tuple[str, str]  # (store, table)
Column = tuple[str, str, str]  # (store, table, column)
TEXT_KEYS = [("billing", "customers", "id"), ("billing", "sims", "id"), ("crm", "contacts", "id")]
NULL_SHARE = 0.04
DECOY_TABLES = 4
WORDS = (
    *("pending", "review", "batch", "legacy", "migrated", "checked", "queue", "sync", "archive"),
    *("manual", "import", "retry", "flagged", "export", "draft", "weekly", "green", "blue", "tier"),
)


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


def mutate(
    built: DemoEstate, folder: Path, steps: tuple[str, ...], seed: int, urls: Mapping[str, str] | None = None
) -> Mutated:
    """A copy of `built` in `folder` with `steps` applied; `urls` are the live databases
    (postgresql, mariadb) the to_postgresql / to_mariadb steps move a store to."""
    unknown = set(steps) - set(STEPS)
    assert not unknown, f"unknown mutations {sorted(unknown)}"
    shutil.copytree(built.root, folder)
    estate_file = folder / built.estate_file.name
    mutated = Mutated(folder, estate_file, steps, seed, raw=yaml.safe_load(estate_file.read_text("utf-8")))
    rng = random.Random(seed)
    for step, apply in STEPS.items():
        if step in steps:
            apply(mutated, rng, urls or {})
            write_estate(mutated)
    return mutated


def write_estate(mutated: Mutated) -> None:
    mutated.estate_file.write_text(yaml.safe_dump(mutated.raw, sort_keys=False), encoding="utf-8")


def sqlite_stores(mutated: Mutated) -> dict[str, Path]:
    """The SQL stores that are SQLite files in the estate's folder: name -> file."""
    found = {}
    for name, config in mutated.raw["stores"].items():
        url = str(config.get("url", ""))
        if url.startswith("sqlite:///"):
            found[name] = mutated.root / url.removeprefix("sqlite:///")
    return found


@contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("BEGIN")
        yield conn
        conn.execute("COMMIT")


def _tables(conn: sqlite3.Connection) -> list[str]:
    query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    return [name for (name,) in conn.execute(query)]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _links(mutated: Mutated) -> list[tuple[Column, str, Column]]:
    return [
        (source, arrow, target) for source, arrow, target in map(parse_link, mutated.raw.get("links", []))
    ]


# --- integer keys made text ------------------------------------------------------------------------


def text_keys(mutated: Mutated, rng: random.Random, _: Mapping[str, str]) -> None:
    """One or two of TEXT_KEYS, and every column a declared link or foreign key refers to them with,
    stored as VARCHAR: the same digits, as text."""
    chosen = rng.sample(TEXT_KEYS, rng.randint(1, 2))
    databases = sqlite_stores(mutated)
    retyped: dict[Name, set[str]] = {}
    for store, table, column in chosen:
        retyped.setdefault((store, table), set()).add(column)
        for source, arrow, target in _links(mutated):
            if arrow == "->" and target == (store, table, column) and source[0] == store:
                retyped.setdefault(source[:2], set()).add(source[2])
        with closing(sqlite3.connect(databases[store])) as conn:
            for (referring,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
                for fk in conn.execute(f"PRAGMA foreign_key_list({_q(referring)})"):
                    if fk[2] == table and fk[4] == column:
                        retyped.setdefault((store, referring), set()).add(fk[3])
    for (store, table), columns in sorted(retyped.items()):
        with _sqlite(databases[store]) as conn:
            _retype(conn, table, columns)


def _retype(conn: sqlite3.Connection, table: str, columns: set[str]) -> None:
    """Rebuild `table` with `columns` as VARCHAR(20), their values cast to text (SQLite's 12 steps)."""
    (sql,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    for column in columns:
        sql, found = re.subn(rf"(\n\s*{re.escape(column)}\s+)(INTEGER|BIGINT)\b", r"\1VARCHAR(20)", sql)
        assert found == 1, f"{table}.{column} is not an integer column"
    new = f"{table}__text"
    sql, found = re.subn(rf"^CREATE TABLE {re.escape(table)} \(", f"CREATE TABLE {_q(new)} (", sql)
    assert found == 1, sql
    names = [info[1] for info in conn.execute(f"PRAGMA table_info({_q(table)})")]
    select = ", ".join(f"CAST({_q(n)} AS TEXT)" if n in columns else _q(n) for n in names)
    conn.execute(sql)
    conn.execute(f"INSERT INTO {_q(new)} SELECT {select} FROM {_q(table)}")
    conn.execute(f"DROP TABLE {_q(table)}")
    conn.execute("PRAGMA legacy_alter_table = ON")  # the other tables' references stay as written
    conn.execute(f"ALTER TABLE {_q(new)} RENAME TO {_q(table)}")
    conn.execute("PRAGMA legacy_alter_table = OFF")


# --- nulls ----------------------------------------------------------------------------------------


def nulls(mutated: Mutated, rng: random.Random, _: Mapping[str, str]) -> None:
    """NULL in NULL_SHARE of the rows (at least one) of every optional column of every SQLite table
    that is not a key (primary, foreign, unique), not a link's and not named as an identity kind."""
    identity = mutated.raw.get("identity", [])
    for store, path in sqlite_stores(mutated).items():
        linked = {c[1:] for link in _links(mutated) for c in (link[0], link[2]) if c[0] == store}
        with _sqlite(path) as conn:
            for table in _tables(conn):
                info = list(conn.execute(f"PRAGMA table_info({_q(table)})"))
                key = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]
                mutated.keys[(store, table)] = key
                keys = {fk[3] for fk in conn.execute(f"PRAGMA foreign_key_list({_q(table)})")}
                for index in conn.execute(f"PRAGMA index_list({_q(table)})"):
                    if index[2]:
                        keys |= {c[2] for c in conn.execute(f"PRAGMA index_info({_q(index[1])})")}
                optional = [
                    row[1]
                    for row in info
                    if not row[3] and not row[5] and row[1] not in keys and (table, row[1]) not in linked
                ]
                for column in [c for c in optional if c not in identity]:
                    _null_some(conn, rng, (store, table), key, column, mutated.nulled)


def _null_some(
    conn: sqlite3.Connection,
    rng: random.Random,
    name: Name,
    key: list[str],
    column: str,
    nulled: dict[Name, dict[str, set[str]]],
) -> None:
    table = _q(name[1])
    select = (
        f"SELECT rowid, {', '.join(map(_q, key))} FROM {table} WHERE {_q(column)} IS NOT NULL ORDER BY rowid"
    )
    rows = conn.execute(select).fetchall()
    for rowid, *values in rng.sample(rows, min(len(rows), max(1, round(len(rows) * NULL_SHARE)))):
        conn.execute(f"UPDATE {table} SET {_q(column)} = NULL WHERE rowid = ?", (rowid,))
        nulled.setdefault(name, {}).setdefault(key_text(values), set()).add(column)


# --- decoy columns ----------------------------------------------------------------------------------


def decoys(mutated: Mutated, rng: random.Random, _: Mapping[str, str]) -> None:
    """`notes_internal` and `ref_code` added to DECOY_TABLES tables of the SQLite and Parquet stores."""
    candidates = [
        (store, table) for store, path in sqlite_stores(mutated).items() for table in _sqlite_tables(path)
    ]
    candidates += [
        (store, table)
        for store, folder in _parquet_stores(mutated).items()
        for table in moves.parquet_tables(folder)
    ]
    for store, table in sorted(rng.sample(sorted(candidates), DECOY_TABLES)):
        mutated.decoys |= {(store, table, "notes_internal"), (store, table, "ref_code")}
        if store in sqlite_stores(mutated):
            with _sqlite(sqlite_stores(mutated)[store]) as conn:
                conn.execute(f"ALTER TABLE {_q(table)} ADD COLUMN notes_internal TEXT")
                conn.execute(f"ALTER TABLE {_q(table)} ADD COLUMN ref_code VARCHAR(16)")
                for (rowid,) in conn.execute(f"SELECT rowid FROM {_q(table)} ORDER BY rowid").fetchall():
                    values = (_words(rng), _hex(rng), rowid)
                    conn.execute(
                        f"UPDATE {_q(table)} SET notes_internal = ?, ref_code = ? WHERE rowid = ?", values
                    )
        else:
            for path in moves.parquet_files(_parquet_stores(mutated)[store], table):
                data = pq.read_table(path)
                data = data.append_column(
                    "notes_internal", pa.array([_words(rng) for _ in range(data.num_rows)])
                )
                data = data.append_column("ref_code", pa.array([_hex(rng) for _ in range(data.num_rows)]))
                pq.write_table(data, path)


def _sqlite_tables(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return _tables(conn)


def _parquet_stores(mutated: Mutated) -> dict[str, Path]:
    return {
        name: mutated.root / config["path"]
        for name, config in mutated.raw["stores"].items()
        if config["kind"] == "files" and config.get("format") == "parquet"
    }


def _words(rng: random.Random) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(1, 3)))


def _hex(rng: random.Random) -> str:
    return f"{rng.getrandbits(48):012x}"


# --- names in other conventions -------------------------------------------------------------------


def rename(mutated: Mutated, rng: random.Random, _: Mapping[str, str]) -> None:
    """Every table and column of the SQLite and Parquet stores renamed, in a convention per store."""
    stores = {**{s: ("sqlite", p) for s, p in sqlite_stores(mutated).items()}}
    stores |= {s: ("parquet", p) for s, p in _parquet_stores(mutated).items()}
    for store, (kind, path) in sorted(stores.items()):
        to_table = TABLE_CONVENTIONS[rng.choice(sorted(TABLE_CONVENTIONS))]
        to_column = COLUMN_CONVENTIONS[rng.choice(sorted(COLUMN_CONVENTIONS))]
        names = _sqlite_columns(path) if kind == "sqlite" else moves.parquet_columns(path)
        tables = {table: to_table(table) for table in names}
        columns = {table: {c: to_column(c) for c in cs} for table, cs in names.items()}
        (_rename_sqlite if kind == "sqlite" else moves.rename_parquet)(path, tables, columns)
        for table, new in tables.items():
            original = mutated.tables.pop((store, table), table)
            mutated.tables[(store, new)] = original
            for column, new_column in columns[table].items():
                mutated.columns[(store, new, new_column)] = mutated.columns.pop(
                    (store, table, column), column
                )
                if (store, original, column) in mutated.decoys:
                    mutated.decoys.remove((store, original, column))
                    mutated.decoys.add((store, original, new_column))
        rename_in_estate(mutated.raw, store, tables, columns)


def _sqlite_columns(path: Path) -> dict[str, list[str]]:
    with closing(sqlite3.connect(path)) as conn:
        return {t: [row[1] for row in conn.execute(f"PRAGMA table_info({_q(t)})")] for t in _tables(conn)}


def _rename_sqlite(path: Path, tables: Mapping[str, str], columns: Mapping[str, Mapping[str, str]]) -> None:
    """ALTER TABLE ... RENAME: SQLite rewrites the other tables' foreign keys to the new names. A
    name that differs only in case goes through a temporary one (SQLite compares without case)."""
    with _sqlite(path) as conn:
        for table, renames in columns.items():
            for column, new in renames.items():
                for step in [f"{new}__tmp", new] if new.lower() == column.lower() else [new]:
                    conn.execute(f"ALTER TABLE {_q(table)} RENAME COLUMN {_q(column)} TO {_q(step)}")
                    column = step
        for table, new in tables.items():
            for step in [f"{new}__tmp", new] if new.lower() == table.lower() else [new]:
                conn.execute(f"ALTER TABLE {_q(table)} RENAME TO {_q(step)}")
                table = step


# --- stores of another kind, and no declared links --------------------------------------------------


def _mover(kind: str) -> Callable[[Mutated, random.Random, Mapping[str, str]], None]:
    def move(mutated: Mutated, rng: random.Random, urls: Mapping[str, str]) -> None:
        stores = sorted(sqlite_stores(mutated))
        store = stores[mutated.seed % len(stores)]  # consecutive seeds move each store in turn
        mutated.raw["stores"][store] = moves.move_store(mutated.estate_file, store, kind, urls.get(kind))
        mutated.moved[store] = kind

    move.__doc__ = f"One SQLite store (which one: the seed's turn) moved to {kind}."
    return move


def drop_links(mutated: Mutated, _: random.Random, __: Mapping[str, str]) -> None:
    assert mutated.raw.pop("links"), "the demo estate declares links"


STEPS: dict[str, Callable[[Mutated, random.Random, Mapping[str, str]], None]] = {
    "text_keys": text_keys,
    "nulls": nulls,
    "decoys": decoys,
    "rename": rename,
    **{f"to_{kind}": _mover(kind) for kind in moves.KINDS},
    "drop_links": drop_links,
}
