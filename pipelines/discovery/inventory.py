"""The inventory: every column of every table of the estate, classified, with its evidence.

Cost is O(tables x columns x sample), whatever the row counts: each table is sampled once (or not
at all when its fingerprint has not changed since the last scan), its columns classified, links
inferred across tables, and each column's category decided in its table's context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from connectors import Estate, SkippedFile, Store, StoreError, TableInfo, open_store, opened_stores
from connectors.base import one_line
from mappings import CategoryMap, load_categories
from pipelines.discovery.analyzer import AnalyzerSetup, build_analyzer
from pipelines.discovery.classify import ColumnFinding, classify_column
from pipelines.discovery.context import (
    TableContext,
    empty_columns_named,
    personal_evidence,
    table_context,
    verdict,
)
from pipelines.discovery.links import (
    AmbiguousLink,
    CompositeLink,
    FoundLinks,
    InferredLink,
    LinkInputs,
    TableKey,
    infer_links,
)
from pipelines.discovery.nested import PathFinding, classify_nested, qualified
from pipelines.discovery.ownership import consumer_tables, key_columns
from pipelines.discovery.profile import column_sample
from pipelines.discovery.scan_cache import CachedTable, ScanCache

if TYPE_CHECKING:
    from pipelines.discovery.full_values import ColumnReading

Progress = Callable[[str, str], None]  # (event, detail): "table", "billing.customers" ...
UNREADABLE = "unreadable"
MIN_DISTINCT = 20  # sampled values a column needs before its uniqueness says one row per target row
# A full read after the sample (pipelines.discovery.full_values.FullValueRead): per column read,
# its counters and the finding to keep.
Readings = dict[tuple[str, str, str], "ColumnReading"]
FullRead = Callable[[list[tuple[TableKey, TableInfo, list[ColumnFinding]]]], Readings]


@dataclass(frozen=True)
class ColumnRecord:
    store: str
    table: str
    column: str
    category: str | None
    entity: str | None
    sensitive: bool
    sensitive_kind: str | None
    confidence: float
    prevalence: float
    evidence: str
    other_entities: tuple[str, ...]
    data_type: str
    mentions: dict[str, int] = field(default_factory=dict)
    path: str | None = None  # a leaf inside the stored column (nested data): "profile.email", "tags[]"
    kind: str = "table"  # "view" for a view or materialized view: read, never written
    status: str = "ok"  # "unreadable" when its table could not be read or classified
    reason: str | None = None  # why, in one line, when unreadable
    rows_scanned: int | None = None  # a full read: rows read (None: sampled only)
    matched_rows: int | None = None  # ... and rows holding validated personal information
    found_by: str = "sample"  # "full_values" when only the full read found the column's PI

    @property
    def where(self) -> str:
        """store.table.column, with the path of a nested leaf: `crm.people.doc.contact.email`."""
        column = f"{self.store}.{self.table}.{self.column}"
        return qualified(column, self.path) if self.path else column

    def as_dict(self) -> dict[str, object]:
        return {
            "store": self.store,
            "table": self.table,
            "column": self.column,
            "path": self.path,
            "category": self.category,
            "entity": self.entity,
            "sensitive": self.sensitive,
            "sensitive_kind": self.sensitive_kind,
            "confidence": round(self.confidence, 3),
            "prevalence": round(self.prevalence, 3),
            "evidence": self.evidence,
            "other_entities": list(self.other_entities),
            "data_type": self.data_type,
            "mentions": self.mentions,
            "kind": self.kind,
            "status": self.status,
            "reason": self.reason,
            "rows_scanned": self.rows_scanned,
            "matched_rows": self.matched_rows,
            "found_by": self.found_by,
        }


@dataclass(frozen=True)
class TableStatus:
    """One table of the inventory: what it is, whether it was read, and its partitions."""

    store: str
    table: str
    kind: str
    status: str  # "ok" or "unreadable"
    reason: str | None = None
    partitions: tuple[str, ...] = ()

    @property
    def qualified(self) -> str:
        return f"{self.store}.{self.table}"

    def as_dict(self) -> dict[str, object]:
        return {
            "store": self.store,
            "table": self.table,
            "kind": self.kind,
            "status": self.status,
            "reason": self.reason,
            "partitions": list(self.partitions),
        }


@dataclass
class Inventory:
    columns: list[ColumnRecord]
    links: list[InferredLink]
    tables_sampled: int = 0
    tables_reused: int = 0
    notice: str | None = None  # e.g. no NER model installed
    tables: list[TableStatus] = field(default_factory=list)
    skipped: list[tuple[str, SkippedFile]] = field(default_factory=list)  # (store, file)
    ambiguous_links: list[AmbiguousLink] = field(default_factory=list)  # reported, none chosen
    composite_links: list[CompositeLink] = field(default_factory=list)  # links of several columns each

    @property
    def unreadable(self) -> list[TableStatus]:
        """The tables left out of the inventory: it is incomplete while there is one."""
        return [t for t in self.tables if t.status == UNREADABLE]


@dataclass
class TableScan:
    key: TableKey
    info: TableInfo
    sample: pa.Table
    findings: list[ColumnFinding]
    paths: list[PathFinding] = field(default_factory=list)  # leaves of the nested columns
    unreadable: str | None = None  # why the table could not be read or classified

    @property
    def status(self) -> TableStatus:
        status = UNREADABLE if self.unreadable else "ok"
        return TableStatus(*self.key, self.info.kind, status, self.unreadable, self.info.partitions)


def scan_estate(
    estate: Estate,
    sample_size: int = 1_000,
    cache: ScanCache | None = None,
    progress: Progress | None = None,
    workers: int = 2,
    full_read: FullRead | None = None,
) -> Inventory:
    """Classify every column of the estate (raises StoreError for an unreachable store).

    `full_read`, when given, reads every value after the sample and may reclassify columns.
    """
    report = progress or (lambda event, detail: None)
    with opened_stores(estate) as stores:
        scans = [classify_store(n, s, sample_size, cache, report, workers) for n, s in stores.items()]
        inventory = combine_scans(estate, scans, stores, full_read)
    report("links", f"{len(inventory.links)} links")
    return inventory


@dataclass(frozen=True)
class StoreScan:
    """One store's tables, sampled and classified: what the inventory is combined from."""

    store: str
    tables: list[TableScan]
    skipped: list[SkippedFile]
    tables_sampled: int  # the others were unchanged since the cached scan, or unreadable
    notice: str | None = None  # e.g. no NER model installed

    def summary(self) -> StoreSummary:
        entities: dict[str, int] = {}
        for table in self.tables:
            for finding in _all_findings(table):
                if finding.entity:
                    entities[finding.entity] = entities.get(finding.entity, 0) + 1
        columns = sum(len(t.findings) for t in self.tables)
        entities = dict(sorted(entities.items()))
        return StoreSummary(self.store, len(self.tables), columns, self.tables_sampled, entities)


@dataclass(frozen=True)
class StoreSummary:
    store: str
    tables: int
    columns: int
    tables_sampled: int
    entities: dict[str, int]


def classify_store(
    name: str,
    store: Store,
    sample_size: int,
    cache: ScanCache | None,
    progress: Progress | None = None,
    workers: int = 2,
) -> StoreScan:
    """Sample and classify one open store's tables, reusing the cache's unchanged ones (the per-store
    step of a scan)."""
    report = progress or (lambda event, detail: None)
    setup = build_analyzer("auto")
    jobs = [(name, store, info) for info in store.tables()]
    report("tables", str(len(jobs)))
    tables, sampled = _classified(jobs, sample_size, cache, setup, report, workers)
    return StoreScan(name, tables, store.skipped(), sampled, setup.notice)


def combine_scans(
    estate: Estate,
    scans: Sequence[StoreScan],
    stores: Mapping[str, Store],
    full_read: FullRead | None = None,
) -> Inventory:
    """The inventory of the scanned stores: links inferred across their tables (shared values looked
    up in `stores`; a store not among them shares none), each column decided in its table's context.
    `full_read`, when given, reads every value after the sample and may reclassify columns."""
    tables = [table for scan in scans for table in scan.tables]
    readable = [t for t in tables if t.unreadable is None]
    readings = full_read([(t.key, t.info, _plain_findings(t)) for t in readable]) if full_read else {}
    _keep_read_findings(readable, readings)
    found = _links(estate, stores, readable)
    links = found.links
    parts = [part for composite in found.composite for part in composite.parts()]
    columns = _records(readable, [*links, *parts], load_categories(), readings) + [
        r for t in tables if t.unreadable for r in _unread(t)
    ]
    sampled = sum(scan.tables_sampled for scan in scans)
    skipped = [(scan.store, file) for scan in scans for file in scan.skipped]
    notice = next((scan.notice for scan in scans if scan.notice), None)
    statuses = [t.status for t in tables]
    return Inventory(
        columns,
        links,
        sampled,
        len(readable) - sampled,
        notice,
        statuses,
        skipped,
        found.ambiguous,
        found.composite,
    )


@contextmanager
def lookup_stores(estate: Estate, unreachable: Callable[[str, str], None]) -> Iterator[dict[str, Store]]:
    """The estate's stores that can be opened now, to look up shared values in (`combine_scans`);
    `unreachable(store, why)` hears of each other one. All are closed on exit."""
    stores: dict[str, Store] = {}
    try:
        for name, config in estate.stores.items():
            try:
                stores[name] = open_store(name, config)
            except StoreError as err:
                unreachable(name, str(err))
        yield stores
    finally:
        for store in stores.values():
            store.close()


def _classified(
    jobs: list[tuple[str, Store, TableInfo]],
    sample_size: int,
    cache: ScanCache | None,
    setup: AnalyzerSetup,
    report: Progress,
    workers: int,
) -> tuple[list[TableScan], int]:
    def isolated(job: tuple[str, Store, TableInfo]) -> tuple[TableScan, bool]:
        """One table never stops the others: any failure reading or classifying it is its reason."""
        name, _, info = job
        if info.unreadable is not None:
            why = info.unreadable
        else:
            try:
                return classify(job)
            except Exception as err:  # caught at the table, reported with it
                why = (
                    str(err) if isinstance(err, StoreError) else f"{type(err).__name__}: {one_line(str(err))}"
                )
        report("table", f"{name}.{info.name} (unreadable)")
        return TableScan((name, info.name), info, pa.table({}), [], unreadable=why), False

    def classify(job: tuple[str, Store, TableInfo]) -> tuple[TableScan, bool]:
        name, store, info = job
        fingerprint = store.fingerprint(info.name)
        cached = cache.get(name, info.name, fingerprint, sample_size) if cache else None
        if cached is not None:
            report("table", f"{name}.{info.name} (unchanged)")
            return TableScan((name, info.name), info, cached.sample, cached.findings, cached.paths), False
        sample = store.sample(info.name, sample_size, seed=0)
        findings, paths = _classify_columns(sample, setup, info.name, info.kind == "view")
        if cache:
            cache.put(name, info.name, CachedTable(fingerprint, sample_size, sample, findings, paths))
        report("table", f"{name}.{info.name}")
        return TableScan((name, info.name), info, sample, findings, paths), True

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(isolated, jobs))
    return [table for table, _ in results], sum(1 for _, fresh in results if fresh)


def _classify_columns(
    sample: pa.Table, setup: AnalyzerSetup, table: str, view: bool
) -> tuple[list[ColumnFinding], list[PathFinding]]:
    """A finding per column; a nested column's is empty (no entity: it is no join key) and its
    leaves are classified one by one. An empty column's name counts only where the table allows it."""
    findings, paths = [], []
    for name in sample.column_names:
        leaves = classify_nested(name, sample.column(name), setup, table)
        if leaves is None:
            findings.append(classify_column(column_sample(name, sample.column(name)), setup, table))
        else:
            findings.append(ColumnFinding(name, None, 0.0, 0.0, (f"nested: {len(leaves)} paths",)))
            paths.extend(leaves)
    return empty_columns_named(findings, load_categories(), view), paths


def _links(estate: Estate, stores: Mapping[str, Store], tables: list[TableScan]) -> FoundLinks:
    def find(
        store: str, table: str, column: str, values: Sequence[object], columns: Sequence[str]
    ) -> pa.Table:
        if store not in stores:  # not open (unreachable since it was scanned): shares no values
            return pa.table({c: pa.array([], pa.string()) for c in columns})
        try:
            return stores[store].find(table, column, list(values), columns=list(columns))
        except StoreError:  # a table that cannot be searched shares no values
            return pa.table({c: pa.array([], pa.string()) for c in columns})

    def lookup(store: str, table: str, column: str, values: Sequence[object]) -> int:
        return len(set(find(store, table, column, values, [column]).column(column).to_pylist()))

    inputs = LinkInputs(
        tables={t.key: t.info for t in tables},
        samples={t.key: t.sample for t in tables},
        entities={(*t.key, f.column): f.entity for t in tables for f in t.findings},
        lookup=lookup,
        find=find,
    )
    return infer_links(inputs, declared=estate.links)


def _one_to_one(tables: list[TableScan], links: list[InferredLink]) -> list[InferredLink]:
    """The links whose source column's sampled values are all distinct (one row per target row)."""
    samples = {t.key: t.sample for t in tables}
    found = []
    for x in links:
        sample = samples.get((x.link.source.store, x.link.source.table))
        if sample is None or x.link.source.column not in sample.column_names:
            continue
        values = sample.column(x.link.source.column).drop_null()
        if len(values) >= MIN_DISTINCT and pc.count_distinct(values).as_py() == len(values):
            found.append(x)
    return found


def _keep_read_findings(tables: list[TableScan], readings: Readings) -> None:
    """A column the full read reclassified keeps that finding (links and context then see it)."""
    for table in tables:
        table.findings = [
            readings[(*table.key, f.column)].finding if (*table.key, f.column) in readings else f
            for f in table.findings
        ]


def _records(
    tables: list[TableScan],
    links: list[InferredLink],
    categories: CategoryMap,
    readings: Readings | None = None,
) -> list[ColumnRecord]:
    evidence = {t.key: personal_evidence(_all_findings(t), categories) for t in tables}
    consumers = consumer_tables(evidence, links, _one_to_one(tables, links))
    records = []
    for table in tables:
        keys = key_columns(table.key, table.info, links)
        context = table_context(table.key[1], _all_findings(table), table.key in consumers, keys)
        records.extend(_table_records(table, context, categories))
    if readings:
        records = [_with_reading(record, readings) for record in records]
    return records


def _all_findings(table: TableScan) -> list[ColumnFinding]:
    """The table's columns and the leaves of its nested columns: a leaf counts as a column."""
    return [*table.findings, *(p.finding for p in table.paths)]


def _entries(table: TableScan) -> list[tuple[str, str | None, ColumnFinding]]:
    """(column, path, finding) for each column in order, a nested column's leaves in its place."""
    leaves: dict[str, list[PathFinding]] = {}
    for leaf in table.paths:
        leaves.setdefault(leaf.column, []).append(leaf)
    entries: list[tuple[str, str | None, ColumnFinding]] = []
    for finding in table.findings:
        nested = leaves.get(finding.column)
        entries += (
            [(p.column, p.path, p.finding) for p in nested] if nested else [(finding.column, None, finding)]
        )
    return entries


def _plain_findings(table: TableScan) -> list[ColumnFinding]:
    """The findings of the columns that are not documents: nested leaves are left to the sample."""
    nested = {leaf.column for leaf in table.paths}
    return [f for f in table.findings if f.column not in nested]


def _with_reading(record: ColumnRecord, readings: Readings) -> ColumnRecord:
    reading = readings.get((record.store, record.table, record.column))
    if reading is None:
        return record
    return replace(
        record,
        rows_scanned=reading.rows_scanned,
        matched_rows=reading.matched_rows,
        found_by=reading.found_by,
    )


def _table_records(table: TableScan, context: TableContext, categories: CategoryMap) -> list[ColumnRecord]:
    types = {c.name: str(c.type) for c in table.info.columns}
    records = []
    for column, path, finding in _entries(table):
        decided = verdict(finding, context, categories)
        evidence = "; ".join((*finding.evidence, decided.note) if decided.note else finding.evidence)
        records.append(
            ColumnRecord(
                store=table.key[0],
                table=table.key[1],
                column=column,
                category=decided.category,
                entity=decided.entity,
                sensitive=decided.sensitive_kind is not None,
                sensitive_kind=decided.sensitive_kind,
                confidence=finding.confidence if decided.category else 0.9,
                prevalence=finding.prevalence,
                evidence=evidence,
                other_entities=finding.other_entities,
                data_type=types.get(column, ""),
                mentions=dict(finding.mentions),
                path=path,
                kind=table.info.kind,
            )
        )
    return records


def _unread(table: TableScan) -> list[ColumnRecord]:
    """Each known column of an unreadable table, unclassified, with the table's reason."""
    return [
        ColumnRecord(
            *table.key,
            column=column.name,
            category=None,
            entity=None,
            sensitive=False,
            sensitive_kind=None,
            confidence=0.0,
            prevalence=0.0,
            evidence=f"not classified: {table.unreadable}",
            other_entities=(),
            data_type=str(column.type),
            kind=table.info.kind,
            status=UNREADABLE,
            reason=table.unreadable,
        )
        for column in table.info.columns
    ]
