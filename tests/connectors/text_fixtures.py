"""A `notes` table of awkward text, built on SQLite, PostgreSQL and MariaDB, for the text match.

Every trap a LIKE prefilter can fall into is in some row: identifiers in another case, LIKE's
metacharacters in the text and in the values (`%`, `_`, `\\`, `!`), the Kelvin sign and the long
s (RE2 folds them to k and s), accented capitals (SQLite's lower leaves them), a Turkish
collation (lowers I to a dotless i), JSON documents whose text the driver rewrites (escapes,
decimals Python writes as `1e-07`), a value only inside a nested JSON path, arrays, NULLs, a
60,000-character text, a REAL, a BLOB and a NUL character where text was expected (SQLite, in a
column of no type and in a TEXT one), and many rows holding nothing.
On PostgreSQL the table lives in a schema of its own; each database also has a view of it (and
PostgreSQL a materialized view).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from tests.connectors.sql_fixtures import execute

LONG = "x" * 60_000 + " ann.blackburn@gmail.com"
BODIES = [
    "Mail from ANN.BLACKBURN@GMAIL.COM today, INFO",
    "cc joann.blackburn@gmail.com",
    "code a%b_c\\d!e@x.org ok",
    "code aXb_c\\d!e@x.org",
    "code a%bYc\\d!e@x.org",
    "\u212aate.\u017fims@example.com wrote",
    "JOSÉ.NÚÑEZ@CORREO.ES",
    "call +14155550100 now",
    None,
    "",
    'O\'Brien said "hi" to kate.sims@example.com',
    LONG,
    "İSTANBUL ann.blackburn@gmaİl.com",
]
DOCUMENTS: list[Any] = [
    {"who": {"email": "Nested@Deep.Example"}},
    {"note": 'x"y ann.blackburn@gmail.com'},
    {"ids": [310150123456789], "f": 1e-7},
    ["+14155550100"],
    "ann.blackburn@gmail.com",
    {"text": "line\nbreak"},
    {"k": "\u212aate.sims@example.com"},
    {"n": 0.30000000000000004},
    None,
]
DOCUMENT_TEXTS = [None if d is None else json.dumps(d, ensure_ascii=False) for d in DOCUMENTS]
DOCUMENT_TEXTS[1] = '{"note": "x\\"y ann.blackb\\u0075rn@gmail.com"}'  # escaped as written
ARRAYS: list[Any] = [
    ["Ann.Blackburn@gmail.com", "x"],
    ['say "hi"', 'O\'Brien said "hi"'],
    ["line\nbreak"],
    [None, "+14155550100"],
    None,
]
LOOSE: list[Any] = [
    0.30000000000000004,
    310150123456789,
    b"ann.blackburn@gmail.com",
    "1e-07",
    None,
    "x\x00 +14155550100",
]
FILLER = 300  # rows holding none of the values
VALUES = (
    "ann.blackburn@gmail.com",
    "a%b_c\\d!e@x.org",
    "Kate.Sims@Example.com",
    "josé.núñez@correo.es",
    "+14155550100",
    "310150123456789",
    "nested@deep.example",
    "nbreak",
    "1e-07",
    "0.30000000000000004",
    'O\'Brien said "hi"',
    "INFO",
)
NAMES = {"sqlite": "notes", "postgresql": "crm.notes", "mysql": "notes"}

_TABLES = {
    "sqlite": "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, tag VARCHAR(40), doc JSON, loose, typed TEXT)",
    "postgresql": (
        "CREATE COLLATION crm.loose (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
        "CREATE TYPE crm.mood AS ENUM ('INFO', 'other')",
        'CREATE TABLE crm.notes (id INTEGER PRIMARY KEY, body TEXT COLLATE "tr-x-icu", tag VARCHAR(40),'
        " doc JSONB, raw JSON, tags TEXT[], nums BIGINT[], mood crm.mood, uid UUID, code CHAR(30),"
        " nd TEXT COLLATE crm.loose)",
    ),
    "mysql": "CREATE TABLE notes (id INTEGER PRIMARY KEY, body MEDIUMTEXT COLLATE utf8mb4_turkish_ci,"
    " tag VARCHAR(40), doc JSON, latin TEXT CHARACTER SET latin1, bin VARCHAR(80) COLLATE utf8mb4_bin,"
    " choice ENUM('INFO', 'other'), flags SET('INFO', 'x'))",
}
_VIEWS = {
    "sqlite": ["CREATE VIEW notes_view AS SELECT * FROM notes"],
    "postgresql": [
        "CREATE VIEW crm.notes_view AS SELECT * FROM crm.notes",
        "CREATE MATERIALIZED VIEW crm.notes_mat AS SELECT * FROM crm.notes",
    ],
    "mysql": ["CREATE VIEW notes_view AS SELECT * FROM notes"],
}


def build_notes(url: str, dialect: str) -> list[str]:
    """The notes table, its views, and the names the store gives them."""
    if dialect == "postgresql":
        execute(url, "CREATE SCHEMA crm", *_TABLES["postgresql"])
    else:
        execute(url, str(_TABLES[dialect]))
    rows = [_row(i, dialect) for i in range(len(BODIES) + FILLER)]
    columns = list(rows[0])
    values = ", ".join(_placeholder(c, dialect) for c in columns)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            insert = f"INSERT INTO {NAMES[dialect]} ({', '.join(columns)}) VALUES ({values})"
            conn.execute(sa.text(insert), rows)
    finally:
        engine.dispose()
    execute(url, *_VIEWS[dialect])
    schema = "crm." if dialect == "postgresql" else ""
    names = [NAMES[dialect], f"{schema}notes_view"]
    return names + (["crm.notes_mat"] if dialect == "postgresql" else [])


def notes_estate(url: str, folder: Path) -> tuple[str, list[str]]:
    """An estate file whose one store, `crm`, is the database at `url` with the notes built in it."""
    names = build_notes(url, sa.make_url(url).get_backend_name())
    estate = folder / "estate.yaml"
    estate.write_text(yaml.safe_dump({"stores": {"crm": {"kind": "sql", "url": url}}}))
    return str(estate), names


def _pick(values: list[Any], i: int) -> Any:
    return values[i] if i < len(values) else None


def _row(i: int, dialect: str) -> dict[str, Any]:
    body = BODIES[i] if i < len(BODIES) else f"nothing to see, row {i}"
    row: dict[str, Any] = {"id": i + 1, "body": body, "tag": body[:40] if body else body}
    document = _pick(DOCUMENT_TEXTS, i)
    if dialect == "sqlite":
        loose = _pick(LOOSE, i)  # `typed` stores the numbers as text, the BLOB and the NUL as they are
        row.update(doc=document if i != 7 else 0.30000000000000004, loose=loose, typed=loose)
    elif dialect == "postgresql":
        array = _pick(ARRAYS, i)
        row.update(
            doc=document,
            raw=document,
            tags=array,
            nums=[310150123456789, 1] if i == 2 else None,
            mood="INFO" if i == 0 else None,
            uid=f"a0eebc99-9c0b-4ef8-bb6d-6bb9bd38{i:04d}",
            code=(body or "")[:30],
            nd=body,
        )
    else:
        row.update(
            doc=document,
            latin=body if i == 6 else None,
            bin=(body or "").upper()[:80],
            choice="INFO" if i == 0 else "other",
            flags="INFO,x" if i == 0 else "x",
        )
    return row


def _placeholder(column: str, dialect: str) -> str:
    casts = {"doc": "JSONB", "raw": "JSON", "mood": "crm.mood", "uid": "UUID"}
    if dialect == "postgresql" and column in casts:
        return f"CAST(:{column} AS {casts[column]})"
    return f":{column}"


@contextmanager
def statements_sent(target: object) -> Iterator[list[tuple[str, Any]]]:
    """Every statement `target` (an engine, or `sa.Engine` for all of them) sends meanwhile."""
    sent: list[tuple[str, Any]] = []

    def record(conn: object, cursor: object, statement: str, parameters: Any, *rest: object) -> None:
        sent.append((statement, parameters))

    sa.event.listen(target, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(target, "before_cursor_execute", record)


def rows_returned(engine: sa.Engine, statement: str, parameters: Any) -> int:
    """How many rows the database returns for a statement a store sent."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(statement, parameters)
        return len(cursor.fetchall())
    finally:
        raw.close()
