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
from collections.abc import Callable, Mapping
from contextlib import closing
from pathlib import Path

import yaml

from pipelines.demo_estate import DemoEstate
from tests.metamorphic import additions, moves
from tests.metamorphic.mutated import (
    Mutated,
    Name,
    links,
    parquet_stores,
    q,
    sqlite,
    sqlite_stores,
    table_names,
)
from tests.metamorphic.names import COLUMN_CONVENTIONS, TABLE_CONVENTIONS, rename_in_estate

__all__ = ["STEPS", "Mutated", "mutate"]

TEXT_KEYS = [("billing", "customers", "id"), ("billing", "sims", "id"), ("crm", "contacts", "id")]


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


# --- integer keys made text ------------------------------------------------------------------------


def text_keys(mutated: Mutated, rng: random.Random, _: Mapping[str, str]) -> None:
    """One or two of TEXT_KEYS, and every column a declared link or foreign key refers to them with,
    stored as VARCHAR: the same digits, as text."""
    chosen = rng.sample(TEXT_KEYS, rng.randint(1, 2))
    databases = sqlite_stores(mutated)
    retyped: dict[Name, set[str]] = {}
    for store, table, column in chosen:
        retyped.setdefault((store, table), set()).add(column)
        for source, arrow, target in links(mutated):
            if arrow == "->" and target == (store, table, column) and source[0] == store:
                retyped.setdefault(source[:2], set()).add(source[2])
        with closing(sqlite3.connect(databases[store])) as conn:
            for (referring,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
                for fk in conn.execute(f"PRAGMA foreign_key_list({q(referring)})"):
                    if fk[2] == table and fk[4] == column:
                        retyped.setdefault((store, referring), set()).add(fk[3])
    for (store, table), columns in sorted(retyped.items()):
        with sqlite(databases[store]) as conn:
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
    sql, found = re.subn(rf"^CREATE TABLE {re.escape(table)} \(", f"CREATE TABLE {q(new)} (", sql)
    assert found == 1, sql
    names = [info[1] for info in conn.execute(f"PRAGMA table_info({q(table)})")]
    select = ", ".join(f"CAST({q(n)} AS TEXT)" if n in columns else q(n) for n in names)
    conn.execute(sql)
    conn.execute(f"INSERT INTO {q(new)} SELECT {select} FROM {q(table)}")
    conn.execute(f"DROP TABLE {q(table)}")
    conn.execute("PRAGMA legacy_alter_table = ON")  # the other tables' references stay as written
    conn.execute(f"ALTER TABLE {q(new)} RENAME TO {q(table)}")
    conn.execute("PRAGMA legacy_alter_table = OFF")


# --- names in other conventions -------------------------------------------------------------------


def rename(mutated: Mutated, rng: random.Random, _: Mapping[str, str]) -> None:
    """Every table and column of the SQLite and Parquet stores renamed, in a convention per store."""
    stores = {**{s: ("sqlite", p) for s, p in sqlite_stores(mutated).items()}}
    stores |= {s: ("parquet", p) for s, p in parquet_stores(mutated).items()}
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
        return {t: [row[1] for row in conn.execute(f"PRAGMA table_info({q(t)})")] for t in table_names(conn)}


def _rename_sqlite(path: Path, tables: Mapping[str, str], columns: Mapping[str, Mapping[str, str]]) -> None:
    """ALTER TABLE ... RENAME: SQLite rewrites the other tables' foreign keys to the new names. A
    name that differs only in case goes through a temporary one (SQLite compares without case)."""
    with sqlite(path) as conn:
        for table, renames in columns.items():
            for column, new in renames.items():
                for step in [f"{new}__tmp", new] if new.lower() == column.lower() else [new]:
                    conn.execute(f"ALTER TABLE {q(table)} RENAME COLUMN {q(column)} TO {q(step)}")
                    column = step
        for table, new in tables.items():
            for step in [f"{new}__tmp", new] if new.lower() == table.lower() else [new]:
                conn.execute(f"ALTER TABLE {q(table)} RENAME TO {q(step)}")
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
    "nulls": additions.nulls,
    "decoys": additions.decoys,
    "rename": rename,
    **{f"to_{kind}": _mover(kind) for kind in moves.KINDS},
    "drop_links": drop_links,
}
