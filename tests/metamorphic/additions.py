"""Mutations that add to the demo estate's values: NULLs in optional columns, decoy columns."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Mapping

import pyarrow as pa
import pyarrow.parquet as pq

from tests.metamorphic import moves
from tests.metamorphic.mutated import (
    Mutated,
    Name,
    links,
    parquet_stores,
    q,
    sqlite,
    sqlite_stores,
    sqlite_tables,
    table_names,
)
from tests.metamorphic.values import key_text

NULL_SHARE = 0.04
DECOY_TABLES = 4
WORDS = (
    *("pending", "review", "batch", "legacy", "migrated", "checked", "queue", "sync", "archive"),
    *("manual", "import", "retry", "flagged", "export", "draft", "weekly", "green", "blue", "tier"),
)


# --- nulls ----------------------------------------------------------------------------------------


def nulls(mutated: Mutated, rng: random.Random, _: Mapping[str, str]) -> None:
    """NULL in NULL_SHARE of the rows (at least one) of every optional column of every SQLite table
    that is not a key (primary, foreign, unique), not a link's and not named as an identity kind."""
    identity = mutated.raw.get("identity", [])
    for store, path in sqlite_stores(mutated).items():
        linked = {c[1:] for link in links(mutated) for c in (link[0], link[2]) if c[0] == store}
        with sqlite(path) as conn:
            for table in table_names(conn):
                info = list(conn.execute(f"PRAGMA table_info({q(table)})"))
                key = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]
                mutated.keys[(store, table)] = key
                keys = {fk[3] for fk in conn.execute(f"PRAGMA foreign_key_list({q(table)})")}
                for index in conn.execute(f"PRAGMA index_list({q(table)})"):
                    if index[2]:
                        keys |= {c[2] for c in conn.execute(f"PRAGMA index_info({q(index[1])})")}
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
    table = q(name[1])
    select = (
        f"SELECT rowid, {', '.join(map(q, key))} FROM {table} WHERE {q(column)} IS NOT NULL ORDER BY rowid"
    )
    rows = conn.execute(select).fetchall()
    for rowid, *values in rng.sample(rows, min(len(rows), max(1, round(len(rows) * NULL_SHARE)))):
        conn.execute(f"UPDATE {table} SET {q(column)} = NULL WHERE rowid = ?", (rowid,))
        nulled.setdefault(name, {}).setdefault(key_text(values), set()).add(column)


# --- decoy columns ----------------------------------------------------------------------------------


def decoys(mutated: Mutated, rng: random.Random, _: Mapping[str, str]) -> None:
    """`notes_internal` and `ref_code` added to DECOY_TABLES tables of the SQLite and Parquet stores."""
    candidates = [
        (store, table) for store, path in sqlite_stores(mutated).items() for table in sqlite_tables(path)
    ]
    candidates += [
        (store, table)
        for store, folder in parquet_stores(mutated).items()
        for table in moves.parquet_tables(folder)
    ]
    for store, table in sorted(rng.sample(sorted(candidates), DECOY_TABLES)):
        mutated.decoys |= {(store, table, "notes_internal"), (store, table, "ref_code")}
        if store in sqlite_stores(mutated):
            with sqlite(sqlite_stores(mutated)[store]) as conn:
                conn.execute(f"ALTER TABLE {q(table)} ADD COLUMN notes_internal TEXT")
                conn.execute(f"ALTER TABLE {q(table)} ADD COLUMN ref_code VARCHAR(16)")
                for (rowid,) in conn.execute(f"SELECT rowid FROM {q(table)} ORDER BY rowid").fetchall():
                    values = (_words(rng), _hex(rng), rowid)
                    conn.execute(
                        f"UPDATE {q(table)} SET notes_internal = ?, ref_code = ? WHERE rowid = ?", values
                    )
        else:
            for path in moves.parquet_files(parquet_stores(mutated)[store], table):
                data = pq.read_table(path)
                data = data.append_column(
                    "notes_internal", pa.array([_words(rng) for _ in range(data.num_rows)])
                )
                data = data.append_column("ref_code", pa.array([_hex(rng) for _ in range(data.num_rows)]))
                pq.write_table(data, path)


def _words(rng: random.Random) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(1, 3)))


def _hex(rng: random.Random) -> str:
    return f"{rng.getrandbits(48):012x}"
