"""`ccpa scan`, `access` and `delete` run on an estate, and their results in the original's terms.

A mutated estate's results are read back through its `Mutated` (tables and columns by their
original names, decoy columns left out); the original's are turned into what a mutation should
give (the cells it set to NULL are NULL; where a store moved to CSV or JSON lines, which have no
NOT NULL columns, a deidentified cell is NULL where the database's NOT NULL column held a
pseudonym, zero or the epoch). Values are compared as text (tests/metamorphic/values.py).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.cli import main
from tests.metamorphic.mutations import Mutated
from tests.metamorphic.values import as_text, key_text
from tests.rights import outcomes
from tests.rights.deletion_runs import delete, reports

Row = dict[str, Any]
FILES = ("csv", "jsonl")  # kinds without NOT NULL columns
PLACEHOLDERS = ("deleted-(pseudonym)", "0", "1970-01-01T00:00:00", "1970-01-01")
_REF = re.compile(r"\b([A-Za-z_]\w*)\.([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?\b")
ACTIVITY_LOG = "a detail of the consumer's activity log"  # pipelines/discovery/context.py


@dataclass(frozen=True)
class Run:
    inventory: dict[str, Any]  # inventory.json
    packages: dict[str, dict[str, list[Row]]]  # email -> data file -> rows
    statuses: list[int]  # of the deletions, in turn
    reports: list[dict[str, Any]]  # the deletion reports, oldest first
    contents: list[tuple[str, str, list[Row]]]  # (store, table, rows) after the deletions


def run(estate_file: Path, folder: Path, asking: list[str], deleting: list[str]) -> Run:
    """Scan, then access for `asking`, then delete `deleting` one after the other (the estate changes)."""
    inventory = folder / "inventory"
    assert main(["scan", "--estate", str(estate_file), "--out", str(inventory)]) == 0
    emails = folder / "emails.txt"
    emails.write_text("\n".join(asking) + "\n", encoding="utf-8")
    access = ["--estate", str(estate_file), "--emails", str(emails), "--out", str(folder / "access")]
    assert main(["access", *access, "--inventory", str(inventory), "--all-time"]) == 0
    statuses = [delete(estate_file, email, folder / "deletion", inventory) for email in deleting]
    return Run(
        inventory=json.loads((inventory / "inventory.json").read_text(encoding="utf-8")),
        packages=outcomes.package_rows(folder / "access"),
        statuses=statuses,
        reports=reports(folder / "deletion"),
        contents=list(outcomes.table_rows(estate_file)),
    )


def categories(found: Run, m: Mutated) -> tuple[dict[str, object], dict[str, object]]:
    """Per column (original `store.table.column`), its category and whether it is sensitive; and
    the same for the decoy columns, with whether the reason is that they are in an activity log."""
    columns: dict[str, object] = {}
    decoys: dict[str, object] = {}
    for c in found.inventory["columns"]:
        original = m.column(c["store"], c["table"], c["column"])
        table = m.table(c["store"], c["table"])
        name = f"{c['store']}.{table}.{original or c['column']}"
        if original is None:
            decoys[name] = (c["category"], c["sensitive"], c["evidence"].endswith(ACTIVITY_LOG))
        else:
            columns[name] = (c["category"], c["sensitive"])
    return columns, decoys


def packages(found: Run, m: Mutated, expected: bool) -> dict[str, dict[str, list[str]]]:
    """Per consumer, per original `store.table`, the package's rows (sorted JSON of text values)."""
    result = {}
    for email, files in found.packages.items():
        tables = {}
        for name, rows in files.items():
            _, store, table = name.removesuffix(".json").split("/", 2)
            table = m.table(store, table) if not expected else table
            tables[f"{store}.{table}"] = _rows(m, store, table, rows, expected, renamed=name)
        result[email] = tables
    return result


def contents(found: Run, m: Mutated, expected: bool) -> dict[str, list[str]]:
    """Every row of every table after the deletions, per original `store.table`."""
    masked = _masked(found) if expected else {}
    result = {}
    for store, table, rows in found.contents:
        original = table if expected else m.table(store, table)
        texts = _rows(m, store, original, rows, expected, renamed=table)
        if m.moved.get(store) in FILES and masked.get((store, table)):
            texts = sorted(_nullable(json.loads(t), masked[(store, table)]) for t in texts)
        result[f"{store}.{original}"] = texts
    return result


def _masked(found: Run) -> dict[tuple[str, str], set[str]]:
    """Per table, the columns the deletions deidentified."""
    masked: dict[tuple[str, str], set[str]] = {}
    for report in found.reports:
        for step in report["tables"]:
            if step["action"] == "deidentified":
                masked.setdefault((step["store"], step["table"]), set()).update(step["columns"])
    return masked


def _nullable(row: Row, masked: set[str]) -> str:
    """A deidentified row as a store without NOT NULL columns (files) holds it: what a NOT NULL
    column masks with a pseudonym, zero or the epoch, a nullable one masks with NULL."""
    for column in masked:
        if row.get(column) in PLACEHOLDERS:
            row[column] = None
    return json.dumps(row, sort_keys=True)


def _rows(m: Mutated, store: str, table: str, rows: list[Row], expected: bool, renamed: str) -> list[str]:
    """`table` is the original name; the rows' columns are as found (the mutated names unless
    `expected`); `renamed` is the table's name in the mutated estate (for its columns)."""
    now = renamed.removesuffix(".json").split("/")[-1]
    texts = []
    for row in rows:
        if expected:
            text = {k: as_text(v) for k, v in row.items()}
            nulled = m.nulled.get((store, table), {})
            if nulled:
                for column in nulled.get(key_text(text[k] for k in m.keys[(store, table)]), ()):
                    text[column] = None
        else:
            mapped = {m.column(store, now, k): v for k, v in row.items()}
            text = {k: as_text(v) for k, v in mapped.items() if k is not None}
        texts.append(json.dumps(text, sort_keys=True))
    return sorted(texts)


def effects(found: Run, m: Mutated, expected: bool) -> list[object]:
    """The deletions' statuses and what each report says was done, in the original's names (the
    files a moved store rewrote are not compared: the original's store had no files)."""
    documents = []
    for report in json.loads(json.dumps(found.reports)):  # a copy: the original's serves every case
        for store in m.moved:
            for done in report["applied"].get(store, []):
                done["files_rewritten"] = []
        if not expected:
            report = _named_back(report, m)
        documents.append(outcomes.effects(report))
    return [found.statuses, *documents]


def _named_back(value: Any, m: Mutated, store: str | None = None, table: str | None = None) -> Any:
    """A report with the mutated estate's names read back: a record's `table` and `column(s)` in
    its `store`, `applied` per store, rewritten files' paths, `table.column` in texts."""
    if isinstance(value, list):
        return [_named_back(v, m, store, table) for v in value]
    if isinstance(value, str):
        return _refs_back(value, m, store) if store else value
    if not isinstance(value, dict):
        return value
    store = value.get("store", store)
    table = value.get("table", table)
    named: dict[str, Any] = {}
    for key, v in value.items():
        if key == "applied":
            named[key] = {s: _named_back(done, m, s) for s, done in v.items()}
        elif key == "table" and store:
            named[key] = m.table(store, v)
        elif key in ("column", "columns") and store and table:
            named[key] = (
                [m.column(store, table, c) for c in v] if isinstance(v, list) else m.column(store, table, v)
            )
        elif key == "files_rewritten" and store and table:
            named[key] = [_path_back(path, m, store, table) for path in v]
        else:
            named[key] = _named_back(v, m, store, table)
    return named


def _refs_back(text: str, m: Mutated, store: str) -> str:
    """`table.column` (of the record's store, else of the one store with that table) and
    `store.table.column` in a text: a step's reason names the link it followed."""

    def back(ref: re.Match[str]) -> str:
        first, second, third = ref.groups()
        if third and first in m.raw["stores"]:
            in_store, table, column, rest = first, second, third, ""
        else:
            in_store, table, column, rest = store, first, second, f".{third}" if third else ""
        if (in_store, table) not in m.tables:  # a link's other end, in another store
            others = {s for s, t in m.tables if t == table}
            if len(others) != 1:
                return ref.group(0)
            (in_store,) = others
        prefix = f"{in_store}." if third and not rest else ""
        return f"{prefix}{m.table(in_store, table)}.{m.column(in_store, table, column)}{rest}"

    return _REF.sub(back, text)


def _path_back(path: str, m: Mutated, store: str, table: str) -> str:
    """`sessions/dt=2026-11-01/part-0.parquet` of a renamed table (and partition key) in the original's names."""
    first, *rest = path.split("/")
    parts = [first.replace(table, m.table(store, table), 1)]
    for part in rest:
        key, is_partition, value = part.partition("=")
        parts.append(f"{m.column(store, table, key)}={value}" if is_partition else part)
    return "/".join(parts)


def differences(expected: dict[str, list[str]], found: dict[str, list[str]]) -> dict[str, str]:
    """Per table that differs, how: row counts and the names of the columns that differ, never
    values (a failure prints no personal data)."""
    described = {}
    for table in sorted(expected.keys() | found.keys()):
        old, new = expected.get(table), found.get(table)
        if old == new:
            continue
        if old is None or new is None:
            described[table] = "only in the mutated run" if old is None else "only in the original run"
            continue
        gone, added = Counter(old) - Counter(new), Counter(new) - Counter(old)
        columns = set()
        for was, now in zip(sorted(gone.elements()), sorted(added.elements()), strict=False):
            a, b = json.loads(was), json.loads(now)
            columns |= {k for k in a.keys() | b.keys() if a.get(k, "-") != b.get(k, "-")}
        described[table] = (
            f"{gone.total()} rows only originally, {added.total()} only mutated; columns {sorted(columns)}"
        )
    return described
