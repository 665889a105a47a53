"""The suppression list: salted hashes of deleted consumers' identifiers, so re-imported data is found.

The salt is made once per output folder and kept beside the list (owner-readable only): without
it the hashes cannot be tested against guesses; with it a later scan or import can ask "was this
identifier deleted?" without the list ever holding the identifier.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow.compute as pc

from connectors import Estate, Split, open_estate_store, open_store
from pipelines.engine import IN_PROCESS, run_tasks

LIST, SALT = "suppression.jsonl", "suppression.salt"


def salt(out: Path) -> bytes:
    path = out / SALT
    if not path.exists():
        out.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def fingerprint(value: str, key: bytes) -> str:
    return hashlib.sha256(key + value.strip().lower().encode()).hexdigest()


def suppress(out: Path, identifiers: Iterable[str], request_id: str) -> int:
    """Add the identifiers' hashes (once each); returns how many the list now holds for this request."""
    key = salt(out)
    known = is_suppressed_set(out)
    new = sorted({fingerprint(v, key) for v in identifiers} - known)
    with open(out / LIST, "a", encoding="utf-8") as handle:
        for digest in new:
            handle.write(
                json.dumps({"sha256": digest, "request_id": request_id, "date": dt.date.today().isoformat()})
                + "\n"
            )
        handle.flush()
        os.fsync(handle.fileno())
    return len(new)


def is_suppressed_set(out: Path) -> set[str]:
    path = out / LIST
    if not path.exists():
        return set()
    return {json.loads(line)["sha256"] for line in path.read_text(encoding="utf-8").splitlines() if line}


def is_suppressed(out: Path, value: str) -> bool:
    return fingerprint(value, salt(out)) in is_suppressed_set(out)


@dataclass(frozen=True)
class ReimportTask:
    """One split of one identifier column, picklable: the worker opens the store itself."""

    estate_file: str
    store: str
    split: Split
    column: str
    key: bytes
    suppressed: frozenset[str]


def reimported(
    estate: Estate,
    columns: Iterable[tuple[str, str, str]],
    folder: Path,
    cluster: str | None = IN_PROCESS,
    workers: int | None = None,
) -> list[dict[str, object]]:
    """Identifier columns (store, table, column) holding a value of a consumer deleted before.

    Every value of each column is read, split by split, on the engine (`pipelines.engine`).
    """
    suppressed = frozenset(is_suppressed_set(folder))
    if not suppressed:
        return []
    key = salt(folder)
    estate_file = str(estate.path.resolve())
    tasks: list[ReimportTask] = []
    for store_name, table, column in columns:
        with open_store(store_name, estate.stores[store_name]) as store:
            tasks += [
                ReimportTask(estate_file, store_name, split, column, key, suppressed)
                for split in store.splits(table)
            ]
    hits: dict[tuple[str, str, str], set[str]] = {}
    for task, found in zip(tasks, run_tasks(suppressed_in_split, tasks, cluster, workers), strict=True):
        hits.setdefault((task.store, task.split.table, task.column), set()).update(found)
    return [
        {"store": store, "table": table, "column": column, "identifiers": len(digests)}
        for (store, table, column), digests in hits.items()
        if digests
    ]


def suppressed_in_split(task: ReimportTask) -> frozenset[str]:
    """The hashes of the suppressed identifiers one split of the column holds."""
    values: set[str] = set()
    with open_estate_store(task.estate_file, task.store) as store:
        for batch in store.scan_split(task.split, [task.column]):
            values.update(str(v) for v in pc.unique(pc.drop_null(batch.column(0))).to_pylist())
    return frozenset(d for d in (fingerprint(v, task.key) for v in values) if d in task.suppressed)
