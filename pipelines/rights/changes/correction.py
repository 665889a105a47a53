"""Right to rectify: set the consumer's value wherever the inventory says it is held.

`--set STREET_ADDRESS="1 Main St"` sets every street-address column of the consumer's own rows, in
billing and in the CRM alike; `--set phone=...` names a column. Same journal, same transactions and
the same report shape as a deletion (actions `corrected`); shared rows are never changed (an
address another consumer also uses is theirs too).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from connectors import Store, TableInfo, load_estate, opened_stores
from connectors._faults import checkpoint
from connectors.estate import ColumnRef
from pipelines.errors import InputError
from pipelines.output import staged_files
from pipelines.rights.changes.deletion import identifiers_by_store
from pipelines.rights.changes.deletion_plan import DeletionPlan, Step
from pipelines.rights.changes.deletion_report import write_notices
from pipelines.rights.changes.journal import carry_out, close_journal, open_journal, start_journal
from pipelines.rights.changes.row_keys import row_key
from pipelines.rights.ledger import log_change, new_request_id
from pipelines.rights.model import Identity, TableRecords
from pipelines.rights.records.finding import find_records
from pipelines.rights.records.graph import Catalog
from pipelines.rights.records.identity import identity_hash
from pipelines.rights.records.sources import load_catalog


@dataclass(frozen=True)
class CorrectionAnswer:
    request_id: str
    report: Path
    changed: dict[str, int]  # "store.table.column" -> rows set


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    assignments = {}
    for item in items:
        field, sep, value = item.partition("=")
        if not sep or not field.strip():
            raise InputError(f"--set {field.strip() or '?'}: expected FIELD=VALUE")
        assignments[field.strip()] = value
    return assignments


def answer_correction(
    estate_file: Path,
    identity: Identity,
    assignments: Mapping[str, str],
    out: Path,
    inventory: Path | None = None,
) -> CorrectionAnswer:
    estate = load_estate(estate_file)
    catalog = load_catalog(estate, inventory, out)
    digest = "correct-" + identity_hash(identity)
    with opened_stores(estate) as stores:
        journal = open_journal(out, digest)
        if journal is None:
            (records,) = find_records(estate, catalog, [identity], stores)
            plan = _plan(records, catalog, stores, assignments)
            request_id = new_request_id()
            journal = start_journal(out, digest, request_id, plan, {})
        carry_out(journal, stores)
        changed = {f"{s.store}.{s.table}.{c}": s.rows.num_rows for s in journal.steps for c in s.columns}
        report = _report(journal.request_id, identity, journal.steps, journal.done, out)
        _log(out, journal.request_id, identity, "correct", journal.steps)
        close_journal(journal)
        return CorrectionAnswer(journal.request_id, report, changed)


@dataclass(frozen=True)
class PreferenceAnswer:
    request_id: str
    report: Path
    changed: dict[str, int]
    notices: list[dict[str, object]]


def answer_preference(
    estate_file: Path, identity: Identity, purpose: str, columns: Sequence[ColumnRef], out: Path
) -> PreferenceAnswer:
    """Opt-out or limit: set the estate's preference columns on the consumer's own rows (the same
    journal as a correction), then tell the recipients of every store holding the consumer's data."""
    estate = load_estate(estate_file)
    catalog = load_catalog(estate, None, out)
    digest = f"{purpose}-" + identity_hash(identity)
    with opened_stores(estate) as stores:
        (records,) = find_records(estate, catalog, [identity], stores)
        journal = open_journal(out, digest)
        if journal is None:
            plan = _preference_plan(records, stores, columns)
            request_id = new_request_id()
            journal = start_journal(out, digest, request_id, plan, {})
        carry_out(journal, stores)
        changed = {f"{s.store}.{s.table}.{c}": s.rows.num_rows for s in journal.steps for c in s.columns}
        held: dict[str, list[str]] = {}
        for r in records:
            if not r.reference and not r.mention_only and r.rows.num_rows:
                held.setdefault(r.store, []).append(r.table)
        ids = identifiers_by_store(estate, identity, records, catalog)
        notices = write_notices(estate, journal.request_id, DeletionPlan(), ids, out, purpose, held)
        report = _report(journal.request_id, identity, journal.steps, journal.done, out, purpose)
        _log(out, journal.request_id, identity, purpose, journal.steps)
        close_journal(journal)
        return PreferenceAnswer(journal.request_id, report, changed, notices)


def _preference_plan(
    records: Sequence[TableRecords], stores: Mapping[str, Store], columns: Sequence[ColumnRef]
) -> DeletionPlan:
    tables = {(name, info.name): info for name, store in stores.items() for info in store.tables()}
    plan = DeletionPlan()
    for record in records:
        wanted = [c.column for c in columns if (c.store, c.table) == (record.store, record.table)]
        if record.reference or record.mention_only or not record.rows.num_rows or not wanted:
            continue
        info = tables[(record.store, record.table)]
        types = {c.name: c.type for c in info.columns}
        missing = [c for c in wanted if c not in types]
        if missing:
            raise InputError(f"preferences: {record.key}.{missing[0]}: no such column")
        plan.steps.append(_step(record, info, {c: _chosen(types[c]) for c in wanted}))
    return plan


def _chosen(column_type: pa.DataType) -> str:
    """The value a preference column takes when the consumer chooses: 1, true, or today's date."""
    if pa.types.is_integer(column_type):
        return "1"
    if pa.types.is_temporal(column_type):
        return dt.date.today().isoformat()
    return "true"


def _plan(
    records: Sequence[TableRecords],
    catalog: Catalog,
    stores: Mapping[str, Store],
    assignments: Mapping[str, str],
) -> DeletionPlan:
    tables = {(name, info.name): info for name, store in stores.items() for info in store.tables()}
    plan = DeletionPlan()
    matched: set[str] = set()
    generated: set[str] = set()  # fields that name only columns the database computes
    for record in records:
        if record.reference or record.mention_only or not record.rows.num_rows:
            continue
        info = tables[(record.store, record.table)]
        if info.kind == "view":  # never written: corrected through the tables it reads
            continue
        named = _columns(record, info, catalog, assignments)
        columns = {c: f for c, f in named.items() if c not in info.generated}
        matched.update(columns.values())
        generated.update(f for c, f in named.items() if c in info.generated)
        if columns:
            plan.steps.append(_step(record, info, {c: assignments[f] for c, f in columns.items()}))
    unknown = sorted(set(assignments) - matched)
    computed = [f for f in unknown if f in generated]
    if computed:
        raise InputError(
            f"--set {computed[0]}: the database computes it (a generated column): set the columns it is computed from"
        )
    if unknown:
        raise InputError(
            f"--set {unknown[0]}: no column of the consumer's records holds it "
            "(name an entity such as STREET_ADDRESS, or a column)"
        )
    return plan


def _columns(
    record: TableRecords, info: TableInfo, catalog: Catalog, assignments: Mapping[str, str]
) -> dict[str, str]:
    """column -> the field that names it (its own name, or its entity), the key aside; generated
    columns included (the caller never sets them)."""
    meanings = catalog.meanings.get((record.store, record.table), {})
    found = {}
    for field in assignments:
        for column in record.rows.column_names:
            meaning = meanings.get(column)
            by_entity = meaning is not None and meaning.entity == field.upper() and meaning.category
            if (column == field or by_entity) and column not in info.primary_key:
                found[column] = field
    return found


def _step(record: TableRecords, info: TableInfo, values: Mapping[str, str]) -> Step:
    key = row_key(info, record.rows)
    columns = {name: record.rows.column(name) for name in key}
    types = {c.name: c.type for c in info.columns}
    for column, value in values.items():
        columns[column] = pc.cast(pa.array([value] * record.rows.num_rows), types.get(column, pa.string()))
    return Step(
        record.store,
        record.table,
        "correct",
        key,
        pa.table(columns),
        tuple(values),
        "the consumer's correction",
    )


def _log(out: Path, request_id: str, identity: Identity, kind: str, steps: Sequence[Step]) -> None:
    """The request log's entry (a hash of the identity, never the identity), then a kill point: a
    run killed after logging resumes from its journal and does not log the request twice."""
    log_change(out, request_id, identity, kind, "complied", {"rows": sum(s.rows.num_rows for s in steps)})
    checkpoint(f"logged:{kind}")


def _report(
    request_id: str,
    identity: Identity,
    steps: Sequence[Step],
    done: Mapping[str, object],
    out: Path,
    kind: str = "correct",
) -> Path:
    document = {
        "request_id": request_id,
        "type": kind,
        "identity_sha256": identity_hash(identity),
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "tables": [
            {
                "store": s.store,
                "table": s.table,
                "action": "corrected",
                "rows": s.rows.num_rows,
                "columns": list(s.columns),
            }
            for s in steps
        ],
        "applied": done,
    }
    name = f"{'correction' if kind == 'correct' else kind}-{request_id}.json"
    with staged_files(out) as stage:
        stage.path(name).write_text(json.dumps(document, indent=1), encoding="utf-8")
    return out / name
