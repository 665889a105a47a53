"""The inventory: every column of every table of the estate, classified, with its evidence.

Cost is O(tables x columns x sample), whatever the row counts: each table is sampled once (or not
at all when its fingerprint has not changed since the last scan), its columns classified, links
inferred across tables, and each column's category decided in its table's context.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pyarrow as pa

from connectors import Estate, Store, TableInfo, open_store
from mappings import CategoryMap, load_categories
from pipelines.discovery.analyzer import AnalyzerSetup, build_analyzer
from pipelines.discovery.classify import ColumnFinding, classify_column
from pipelines.discovery.context import DIRECT, TableContext, direct_categories, table_context, verdict
from pipelines.discovery.links import InferredLink, LinkInputs, TableKey, infer_links
from pipelines.discovery.ownership import consumer_tables, key_columns
from pipelines.discovery.profile import column_sample
from pipelines.discovery.scan_cache import CachedTable, ScanCache

if TYPE_CHECKING:
    from pipelines.discovery.full_values import ColumnReading

Progress = Callable[[str, str], None]  # (event, detail): "table", "billing.customers" ...
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
    rows_scanned: int | None = None  # a full read: rows read (None: sampled only)
    matched_rows: int | None = None  # ... and rows holding validated personal information
    found_by: str = "sample"  # "full_values" when only the full read found the column's PI

    def as_dict(self) -> dict[str, object]:
        return {
            "store": self.store,
            "table": self.table,
            "column": self.column,
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
            "rows_scanned": self.rows_scanned,
            "matched_rows": self.matched_rows,
            "found_by": self.found_by,
        }


@dataclass
class Inventory:
    columns: list[ColumnRecord]
    links: list[InferredLink]
    tables_sampled: int = 0
    tables_reused: int = 0
    notice: str | None = None  # e.g. no NER model installed


@dataclass
class _Table:
    key: TableKey
    info: TableInfo
    sample: pa.Table
    findings: list[ColumnFinding]


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
    setup = build_analyzer("auto")
    categories = load_categories()
    stores = {name: open_store(name, config) for name, config in estate.stores.items()}
    try:
        jobs = [(name, store, info) for name, store in stores.items() for info in store.tables()]
        report("tables", str(len(jobs)))
        tables, sampled = _classified(jobs, sample_size, cache, setup, report, workers)
        readings = full_read([(t.key, t.info, t.findings) for t in tables]) if full_read else {}
        _keep_read_findings(tables, readings)
        links = _links(estate, stores, tables)
        report("links", f"{len(links)} links")
        columns = _records(tables, links, categories, readings)
    finally:
        for store in stores.values():
            store.close()
    return Inventory(columns, links, sampled, len(tables) - sampled, setup.notice)


def classify_store(estate: Estate, name: str, sample_size: int, cache: ScanCache) -> StoreSummary:
    """Sample and classify one store's tables into the cache (the per-store step of a scan)."""
    setup = build_analyzer("auto")
    with open_store(name, estate.stores[name]) as store:
        jobs = [(name, store, info) for info in store.tables()]
        tables, sampled = _classified(jobs, sample_size, cache, setup, lambda e, d: None, workers=2)
    entities: dict[str, int] = {}
    for table in tables:
        for finding in table.findings:
            if finding.entity:
                entities[finding.entity] = entities.get(finding.entity, 0) + 1
    columns = sum(len(t.findings) for t in tables)
    return StoreSummary(name, len(tables), columns, sampled, dict(sorted(entities.items())))


@dataclass(frozen=True)
class StoreSummary:
    store: str
    tables: int
    columns: int
    tables_sampled: int
    entities: dict[str, int]


def _classified(
    jobs: list[tuple[str, Store, TableInfo]],
    sample_size: int,
    cache: ScanCache | None,
    setup: AnalyzerSetup,
    report: Progress,
    workers: int,
) -> tuple[list[_Table], int]:
    def classify(job: tuple[str, Store, TableInfo]) -> tuple[_Table, bool]:
        name, store, info = job
        fingerprint = store.fingerprint(info.name)
        cached = cache.get(name, info.name, fingerprint, sample_size) if cache else None
        if cached is not None:
            report("table", f"{name}.{info.name} (unchanged)")
            return _Table((name, info.name), info, cached.sample, cached.findings), False
        sample = store.sample(info.name, sample_size, seed=0)
        findings = [
            classify_column(column_sample(c, sample.column(c)), setup, info.name) for c in sample.column_names
        ]
        if cache:
            cache.put(name, info.name, CachedTable(fingerprint, sample_size, sample, findings))
        report("table", f"{name}.{info.name}")
        return _Table((name, info.name), info, sample, findings), True

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(classify, jobs))
    return [table for table, _ in results], sum(1 for _, fresh in results if fresh)


def _links(estate: Estate, stores: dict[str, Store], tables: list[_Table]) -> list[InferredLink]:
    def lookup(store: str, table: str, column: str, values: Sequence[object]) -> int:
        found = stores[store].find(table, column, list(values), columns=[column])
        return len(set(found.column(column).to_pylist()))

    inputs = LinkInputs(
        tables={t.key: t.info for t in tables},
        samples={t.key: t.sample for t in tables},
        entities={(*t.key, f.column): f.entity for t in tables for f in t.findings},
        lookup=lookup,
    )
    return infer_links(inputs, declared=estate.links)


def _keep_read_findings(tables: list[_Table], readings: Readings) -> None:
    """A column the full read reclassified keeps that finding (links and context then see it)."""
    for table in tables:
        table.findings = [
            readings[(*table.key, f.column)].finding if (*table.key, f.column) in readings else f
            for f in table.findings
        ]


def _records(
    tables: list[_Table],
    links: list[InferredLink],
    categories: CategoryMap,
    readings: Readings | None = None,
) -> list[ColumnRecord]:
    direct = {t.key for t in tables if direct_categories(t.findings, categories) & DIRECT}
    consumers = consumer_tables({t.key for t in tables}, direct, links)
    records = []
    for table in tables:
        keys = key_columns(table.key, table.info, links)
        context = table_context(table.key[1], table.findings, table.key in consumers, keys)
        records.extend(_table_records(table, context, categories))
    if readings:
        records = [_with_reading(record, readings) for record in records]
    return records


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


def _table_records(table: _Table, context: TableContext, categories: CategoryMap) -> list[ColumnRecord]:
    types = {c.name: str(c.type) for c in table.info.columns}
    records = []
    for finding in table.findings:
        decided = verdict(finding, context, categories)
        evidence = "; ".join((*finding.evidence, decided.note) if decided.note else finding.evidence)
        records.append(
            ColumnRecord(
                store=table.key[0],
                table=table.key[1],
                column=finding.column,
                category=decided.category,
                entity=decided.entity,
                sensitive=decided.sensitive_kind is not None,
                sensitive_kind=decided.sensitive_kind,
                confidence=finding.confidence if decided.category else 0.9,
                prevalence=finding.prevalence,
                evidence=evidence,
                other_entities=finding.other_entities,
                data_type=types.get(finding.column, ""),
                mentions=dict(finding.mentions),
            )
        )
    return records
