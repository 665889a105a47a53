"""Right to delete: decide, row by row, what happens to a consumer's records. Changes nothing.

- The consumer's own rows are deleted, unless an exemption of 1798.105(d) declared in the estate
  covers their table: then they are retained as they are, or deidentified (their personal columns
  masked, the columns the exemption names kept: an invoice's amount and date for tax law).
- A row that a retained row still refers to cannot go (the schema, or the retained record, needs
  it): it is deidentified instead. An invoice kept for tax keeps its customer row, deidentified.
- Shared and reference rows (an address two consumers use, a plan) are never touched: the
  consumer's link to them lives in their own rows, which go.
- Another person's text that mentions the consumer keeps its row; the mention is redacted.
- A view (plain or materialized) is never written: its rows go with the tables it reads.
Steps come children before parents, so references never dangle mid-way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

from connectors import NEW_VALUE, Estate, ExemptionRule, Store, TableInfo
from pipelines.rights.changes.documents import WHY as IN_DOCUMENT
from pipelines.rights.changes.documents import document_edits
from pipelines.rights.changes.referrers import Blocked, split_rows, still_referred
from pipelines.rights.changes.row_keys import delete_key, every_copy, row_key
from pipelines.rights.model import TableRecords
from pipelines.rights.records.graph import Catalog, TableKey
from pipelines.rights.records.identifiers import identifier_pattern
from pipelines.rights.records.link_keys import key_array

Action = Literal["delete", "deidentify", "redact", "correct"]
REDACTED = "[redacted]"
Pins = dict[tuple[str, ...], set[str]]  # a link end's columns -> the values (key text) that must stay
VIEW_KEPT = "a view, never written: its rows go with the tables it reads"


@dataclass
class Step:
    store: str
    table: str
    action: Action
    key: tuple[str, ...]
    rows: pa.Table  # key columns, plus the new values of `columns` for deidentify / redact
    columns: tuple[str, ...] = ()  # the columns set (masked or redacted)
    reason: str = ""
    exemption: str | None = None


@dataclass(frozen=True)
class Kept:
    rows: int
    reason: str
    exemption: str | None = None


@dataclass
class DeletionPlan:
    steps: list[Step] = field(default_factory=list)
    kept: dict[str, Kept] = field(default_factory=dict)  # "store.table" -> what stays and why
    left_out: list[dict[str, object]] = field(default_factory=list)  # rows reached, another's: why


def plan_deletion(
    records: Sequence[TableRecords],
    catalog: Catalog,
    estate: Estate,
    stores: Mapping[str, Store],
    identifiers: set[str],
) -> DeletionPlan:
    tables = {(name, info.name): info for name, store in stores.items() for info in store.tables()}
    plan = DeletionPlan()
    own = [r for r in records if not r.reference and not r.mention_only]
    pinned = _pinned(own, catalog, estate)
    blocked = _still_referred(own, estate, stores, tables)
    for record in _children_first(own, catalog):
        table = (record.store, record.table)
        _plan_own(plan, record, tables[table], catalog, estate, pinned.get(table), blocked.get(table))
    plan.steps = [every_copy(step, stores[step.store], tables) for step in plan.steps]
    for record in records:
        if record.reference:
            plan.kept[record.key] = Kept(
                record.rows.num_rows, record.reason or "shared or reference data, not the consumer's alone"
            )
        elif (
            record.mention_only
            and record.keys is not None
            and tables[(record.store, record.table)].kind != "view"
        ):
            plan.steps.append(_redaction(record, stores[record.store], identifiers))
    planned: dict[TableKey, pa.Table] = {}
    for step in plan.steps:
        if step.action in ("delete", "deidentify"):
            rows = step.rows.select(list(step.key))
            held = planned.get((step.store, step.table))
            planned[(step.store, step.table)] = (
                pa.concat_tables([held, rows.cast(held.schema)]) if held else rows
            )
    for (store_name, name), key, rows, column in document_edits(
        catalog, stores, tables, identifiers, planned
    ):
        plan.steps.append(Step(store_name, name, "redact", key, rows, (column,), IN_DOCUMENT))
    return plan


def _plan_own(
    plan: DeletionPlan,
    record: TableRecords,
    info: TableInfo,
    catalog: Catalog,
    estate: Estate,
    held: Pins | None,
    referred: tuple[pa.Table, str] | None = None,
) -> None:
    if info.kind == "view":
        plan.kept[record.key] = Kept(record.rows.num_rows, VIEW_KEPT)
        return
    key = row_key(info, record.rows)
    rule = _exemption(estate, record)
    if rule is not None and rule.action == "retain":
        plan.kept[record.key] = Kept(record.rows.num_rows, f"retained: {rule.note}", rule.exemption)
        return
    if rule is not None:
        why = f"exemption {rule.exemption}: {rule.note}"
        plan.steps.append(_deidentify(record, info, catalog, key, set(rule.columns), why, rule.exemption))
        return
    rows = record.rows
    if held is not None and rows.num_rows:
        needed, rows = _split(rows, held)
        if needed.num_rows:
            kept = TableRecords(record.store, record.table, needed, record.via)
            plan.steps.append(
                _deidentify(kept, info, catalog, key, set(), "a retained record refers to it", None)
            )
    if referred is not None and rows.num_rows:
        needed, rows = split_rows(rows, referred[0])
        if needed.num_rows:
            kept = TableRecords(record.store, record.table, needed, record.via)
            plan.steps.append(_deidentify(kept, info, catalog, key, set(), referred[1], None))
    if rows.num_rows:
        by = delete_key(record, info, catalog, key)
        step = Step(
            record.store,
            record.table,
            "delete",
            by,
            rows.select(list(by)),
            reason=record.reason or "the consumer's record",
        )
        plan.steps.append(step)


def _exemption(estate: Estate, record: TableRecords) -> ExemptionRule | None:
    rules = estate.stores[record.store].exemptions
    return next((rule for rule in rules if rule.table == record.table), None)


def _children_first(own: Sequence[TableRecords], catalog: Catalog) -> list[TableRecords]:
    """Tables that refer to others before the tables they refer to (depth from the referrers)."""
    depth: dict[TableKey, int] = {}

    def level(table: TableKey, seen: frozenset[TableKey] = frozenset()) -> int:
        if table not in depth:
            referrers = [
                e.source
                for e in catalog.edges
                if e.target == table and not e.same_identity and e.source != table and e.source not in seen
            ]
            depth[table] = 1 + max((level(s, seen | {table}) for s in referrers), default=-1)
        return depth[table]

    return sorted(own, key=lambda r: level((r.store, r.table)))


def _pinned(own: Sequence[TableRecords], catalog: Catalog, estate: Estate) -> dict[TableKey, Pins]:
    """Rows a retained (exempt) row refers to: table -> the values of its links' ends that must stay."""
    retained = {(r.store, r.table): r for r in own if _exemption(estate, r) is not None}
    pinned: dict[TableKey, Pins] = {}
    frontier = list(retained)
    while frontier:
        table = frontier.pop()
        rows = retained[table].rows
        for edge in catalog.edges:
            if (
                edge.source != table
                or edge.same_identity
                or not set(edge.source_columns) <= set(rows.column_names)
            ):
                continue
            values = {v for v in key_array(rows, edge.source_columns).to_pylist() if v is not None}
            target = next((r for r in own if (r.store, r.table) == edge.target), None)
            if target is None or not values:
                continue
            pins = pinned.setdefault(edge.target, {})
            pins[edge.target_columns] = pins.get(edge.target_columns, set()) | values
            if edge.target not in retained:
                retained[edge.target] = TableRecords(
                    target.store, target.table, _split(target.rows, pinned[edge.target])[0], target.via
                )
                frontier.append(edge.target)
    return pinned


def _still_referred(
    own: Sequence[TableRecords],
    estate: Estate,
    stores: Mapping[str, Store],
    tables: Mapping[TableKey, TableInfo],
) -> Blocked:
    """Rows planned for deletion that another row, not deleted, refers to (see `referrers`)."""
    deleting = {
        (r.store, r.table): r.rows
        for r in own
        if tables[(r.store, r.table)].kind != "view" and _exemption(estate, r) is None
    }
    return still_referred(deleting, stores, tables)


def _split(rows: pa.Table, pins: Pins) -> tuple[pa.Table, pa.Table]:
    """The rows any pinned value names, and the others."""
    mask = pa.chunked_array([pa.array([False] * rows.num_rows, pa.bool_())])
    for columns, values in pins.items():
        named = pc.is_in(key_array(rows, columns), value_set=pa.array(sorted(values), pa.string()))
        mask = pc.or_(mask, pc.fill_null(named, False))
    return rows.filter(mask), rows.filter(pc.invert(mask))


def _deidentify(
    record: TableRecords,
    info: TableInfo,
    catalog: Catalog,
    key: tuple[str, ...],
    keep: set[str],
    reason: str,
    exemption: str | None,
) -> Step:
    meanings = catalog.meanings.get((record.store, record.table), {})
    structural = set(key) | {c for fk in info.foreign_keys for c in fk.columns} | set(info.primary_key)
    structural |= info.generated
    masked = [
        c
        for c, m in meanings.items()
        if m.category and c not in keep and c not in structural and c in record.rows.column_names
    ]
    nullable = {c.name: c.nullable for c in info.columns}
    columns = {name: record.rows.column(name) for name in key}
    rows = [repr(tuple(row.values())) for row in record.rows.select(list(key)).to_pylist()]
    for name in masked:
        columns[name] = _masked(
            record.rows.column(name), nullable.get(name, True), f"{record.key}.{name}", rows
        )
    return Step(
        record.store, record.table, "deidentify", key, pa.table(columns), tuple(masked), reason, exemption
    )


def _masked(column: pa.ChunkedArray, nullable: bool, where: str, rows: list[str]) -> pa.Array:
    """NULL where allowed; else a pseudonym, the same on every run (an interrupted deletion re-run
    ends identical), unique per row (unique constraints hold), and saying nothing of the value."""
    if nullable:
        return pa.nulls(len(column), column.type)
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        tokens = [f"deleted-{hashlib.sha256(f'{where}:{row}'.encode()).hexdigest()[:12]}" for row in rows]
        return pa.array(tokens, column.type)
    return pc.cast(pa.array([0] * len(column)), column.type, safe=False)


def _redaction(record: TableRecords, store: Store, identifiers: set[str]) -> Step:
    """The planned text: the original with every identifier of the consumer replaced. A table
    without a key names its rows by all their values, the old text among them (`NEW_VALUE`)."""
    assert record.keys is not None
    column = record.rows.column_names[0]  # mention rows keep the free-text column first
    key = tuple(record.keys.column_names)
    wanted = list(dict.fromkeys([*key, column]))
    originals = store.find(record.table, key[0], record.keys.column(key[0]).to_pylist(), columns=wanted)
    originals = (
        originals.join(record.keys, keys=list(key), join_type="left semi") if len(key) > 1 else originals
    )
    pattern = identifier_pattern(identifiers)
    texts = [
        None if t is None else pattern.sub(REDACTED, str(t)) for t in originals.column(column).to_pylist()
    ]
    target = NEW_VALUE + column if column in key else column
    rows = originals.select(list(key)).append_column(target, pa.array(texts, pa.string()))
    return Step(
        record.store,
        record.table,
        "redact",
        key,
        rows,
        (column,),
        "mentions of the consumer in another record's text",
    )
