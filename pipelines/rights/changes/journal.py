"""The deletion journal: the plan written down before anything changes, and each store's progress.

Steps are saved (their key rows as Parquet) and fsynced before the first change; after each store
its step is marked done. Killed at any point, the next run for the same consumer finds the
unfinished journal and carries out the remaining stores; each store's change is idempotent
(deleting absent keys, setting values already set), so a store interrupted mid-way is simply
applied again. The journal holds keys of the consumer's rows: owner-readable only, removed when
the deletion is verified.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from connectors import ChangeResult, Store, TableChange
from connectors._faults import checkpoint
from pipelines.rights.changes.deletion_plan import DeletionPlan, Kept, Step

FOLDER = ".deletions"


@dataclass
class Journal:
    folder: Path
    request_id: str
    steps: list[Step]
    kept: dict[str, Kept]
    identifiers: dict[str, list[str]]  # store -> the consumer's identifiers there (verify, notify, suppress)
    done: dict[str, list[dict[str, object]]] = field(default_factory=dict)  # store -> results
    left_out: list[dict[str, object]] = field(default_factory=list)  # the plan's: rows that are another's

    @property
    def every_identifier(self) -> set[str]:
        return {value for values in self.identifiers.values() for value in values}

    @property
    def stores(self) -> list[str]:
        return list(dict.fromkeys(step.store for step in self.steps))

    def pending(self) -> list[str]:
        return [store for store in self.stores if store not in self.done]

    def save(self) -> None:
        meta = {
            "request_id": self.request_id,
            "steps": [
                {
                    "store": s.store,
                    "table": s.table,
                    "action": s.action,
                    "key": list(s.key),
                    "columns": list(s.columns),
                    "reason": s.reason,
                    "exemption": s.exemption,
                }
                for s in self.steps
            ],
            "kept": {k: asdict(v) for k, v in self.kept.items()},
            "identifiers": self.identifiers,
            "done": self.done,
            "left_out": self.left_out,
        }
        _atomic_json(self.folder / "journal.json", meta)


def journal_folder(out: Path, identity_sha256: str) -> Path:
    return out / FOLDER / identity_sha256[:32]


def open_journal(out: Path, identity_sha256: str) -> Journal | None:
    """The unfinished deletion of this consumer, if a run was interrupted."""
    folder = journal_folder(out, identity_sha256)
    try:
        meta = json.loads((folder / "journal.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    steps = [
        Step(
            s["store"],
            s["table"],
            s["action"],
            tuple(s["key"]),
            pq.read_table(folder / f"step-{i}.parquet"),
            tuple(s["columns"]),
            s["reason"],
            s["exemption"],
        )
        for i, s in enumerate(meta["steps"])
    ]
    kept = {k: Kept(**v) for k, v in meta["kept"].items()}
    left_out = meta.get("left_out", [])  # a journal written before the plan named them: none
    return Journal(folder, meta["request_id"], steps, kept, meta["identifiers"], meta["done"], left_out)


def start_journal(
    out: Path, identity_sha256: str, request_id: str, plan: DeletionPlan, identifiers: dict[str, list[str]]
) -> Journal:
    folder = journal_folder(out, identity_sha256)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, mode=0o700)
    for index, step in enumerate(plan.steps):
        path = folder / f"step-{index}.parquet"
        pq.write_table(step.rows, path)
        os.chmod(path, 0o600)
    journal = Journal(folder, request_id, plan.steps, plan.kept, identifiers, left_out=plan.left_out)
    journal.save()
    return journal


def carry_out(journal: Journal, stores: dict[str, Store]) -> None:
    """Apply every pending store's steps: one transaction per database, atomic files per table."""
    for store in journal.pending():
        checkpoint(f"before-store:{store}")
        changes = [_change(step) for step in journal.steps if step.store == store]
        results = stores[store].apply(changes)
        journal.done[store] = [_result(r) for r in results]
        checkpoint(f"applied-store:{store}")  # changed, not yet marked done: re-applied on resume
        journal.save()


def close_journal(journal: Journal) -> None:
    shutil.rmtree(journal.folder, ignore_errors=True)


def _change(step: Step) -> TableChange:
    if step.action == "delete":
        return TableChange(step.table, step.key, deletes=step.rows)
    return TableChange(step.table, step.key, updates=step.rows)


def _result(result: ChangeResult) -> dict[str, object]:
    return {
        "table": result.table,
        "deleted": result.deleted,
        "updated": result.updated,
        "files_rewritten": result.files_rewritten,
    }


def _atomic_json(path: Path, document: object) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(document, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    descriptor = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
