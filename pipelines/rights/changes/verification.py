"""After a deletion: search every store again for every identifier of the consumer.

Not only the columns the inventory flagged: every column of every table and view that can hold
text (strings, JSON documents, arrays and structs, leaf by leaf) and that the inventory did not
recognise as holding something else (an IP address, an APN, a currency) is read, in Arrow, and
matched once per column against all the consumer's identifiers (gathered from all their rows). A
column flagged as an identifier is asked for the values exactly (the store's index or push-down),
every other text-like column is scanned: the store returns the rows where an identifier may occur
(`TextMatch`: a database is asked with LIKEs, Parquet columns of a few values are matched per
distinct value), `re` keeps the whole-token matches; that scan runs split by split on the engine
(`pipelines.engine`: in this process on a thread per core, unless a cluster is named), while the
flagged columns are asked here; each task carries only the consumer's identifiers and its split,
and the counts are added up here. Whatever is found is
residue, named by table and column with its count, never its value; rows retained whole under an
exemption are reported as such, and a materialized view that still holds the consumer is named
with the statement that refreshes it.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import pyarrow as pa
import pyarrow.compute as pc

from connectors import Estate, Split, Store, StoreError, TableInfo, keeping_stores, open_estate_store
from connectors.text_match import TextMatch, rough_patterns, text_leaves, text_like
from mappings import FREE_TEXT
from pipelines.engine import cluster_for, run_tasks
from pipelines.rights.model import Identity
from pipelines.rights.records.graph import DOCUMENT, IDENTIFYING, Catalog
from pipelines.rights.records.identifiers import identifier_pattern
from pipelines.rights.records.text_search import TextSearch

NOT_DELETED = "not deleted"
RETAINED = "retained under "
IN_VIEW = "a view over rows that remain"


@dataclass(frozen=True)
class Residue:
    store: str
    table: str
    column: str
    rows: int
    why: str  # "not deleted", what to run (a materialized view), or the exemption it is retained under

    @property
    def exempt(self) -> bool:
        """Rows kept whole under a declared exemption: reported, not residue."""
        return self.why.startswith(RETAINED)


@dataclass(frozen=True)
class ResidueTask:
    """One split of one table and its text-like columns to search, picklable: the worker opens the
    store itself. It carries the consumer's identifiers (what the search needs) and nothing else."""

    estate_file: str
    store: str
    split: Split
    columns: tuple[str, ...]
    identifiers: tuple[str, ...]  # longest first
    encoded: tuple[str, ...] = ()  # read dictionary-encoded where stored so: matched per distinct value


def find_residue(
    estate: Estate,
    catalog: Catalog,
    stores: Mapping[str, Store],
    identifiers: set[str],
    identity: Identity,
    cluster: str | None = None,
) -> list[Residue]:
    """What remains of the consumer, per column; text-like columns scanned on `cluster`
    (`pipelines.engine.cluster_for`: asked, else the estate's `compute.cluster`, else this process)."""
    values = tuple(sorted(identifiers | {identity.value}, key=len, reverse=True))
    estate_file = str(estate.path.resolve())  # what a task opens its store from
    exact = set(catalog.columns_holding(IDENTIFYING))
    tables: list[tuple[str, TableInfo, list[str]]] = []
    tasks: list[ResidueTask] = []
    for name, store in stores.items():
        for info in store.tables():
            if info.unreadable or f"{name}.{info.name}" in catalog.unreadable:
                continue
            flagged = [c for c in info.column_names if ((name, info.name), c) in exact]
            tables.append((name, info, flagged))
            scanned = [c.name for c in info.columns if text_like(c.type) and c.name not in flagged]
            scanned = [c for c in scanned if c not in info.partitioning and _may_hold(catalog, name, info, c)]
            if scanned:
                encoded = tuple(c for c in scanned if not _free_text(catalog, name, info, c))
                tasks += _residue_tasks(estate_file, store, info.name, tuple(scanned), values, encoded)
    where = cluster_for(cluster, estate.compute.cluster)
    with keeping_stores(estate_file, stores), ThreadPoolExecutor(1, "ccpa-residue") as background:
        # the scan runs on its threads (or the cluster) while the identifier columns are asked here
        scanning = background.submit(
            contextvars.copy_context().run,
            partial(run_tasks, threads=_threads(estate)),
            residue_in_split,
            tasks,
            where,
            estate.compute.workers,
        )
        counts = {
            (name, info.name): {c: _exact_rows(catalog, stores[name], info, c, list(values)) for c in flagged}
            for name, info, flagged in tables
        }
        found = scanning.result()
    _add_scanned(counts, tasks, found)
    return [
        Residue(name, info.name, column, rows, _why(estate, name, info))
        for name, info, _ in tables
        for column, rows in counts[(name, info.name)].items()
        if rows
    ]


def _threads(estate: Estate) -> int:
    """In this process, the splits are read on a thread per core (or per worker the estate names):
    a database's LIKEs and Parquet's decoding both release the GIL."""
    return estate.compute.workers or os.cpu_count() or 1


def _residue_tasks(
    estate_file: str,
    store: Store,
    table: str,
    columns: tuple[str, ...],
    values: tuple[str, ...],
    encoded: tuple[str, ...],
) -> list[ResidueTask]:
    try:
        splits = store.splits(table)
    except StoreError:
        return []  # unreadable now: the inventory's warning covers tables it could not read
    return [ResidueTask(estate_file, store.name, split, columns, values, encoded) for split in splits]


def _add_scanned(
    counts: dict[tuple[str, str], dict[str, int]],
    tasks: Iterable[ResidueTask],
    results: Iterable[dict[str, int] | None],
) -> None:
    """The splits' counts added up per table; a table one split of which could not be read counts none."""
    scanned: dict[tuple[str, str], dict[str, int] | None] = {}
    for task, found in zip(tasks, results, strict=True):
        key = (task.store, task.split.table)
        before = scanned.get(key, dict.fromkeys(task.columns, 0))
        if before is None or found is None:
            scanned[key] = None
        else:
            scanned[key] = {c: before[c] + found[c] for c in task.columns}
    for key, found in scanned.items():
        counts[key].update(found or {})


def residue_in_split(task: ResidueTask) -> dict[str, int] | None:
    """Per column, the rows of one split holding one of the identifiers (None: the split is unreadable)."""
    search = TextSearch(rough_patterns(task.identifiers), identifier_pattern(task.identifiers))
    counts = dict.fromkeys(task.columns, 0)
    matching = TextMatch(task.columns, task.identifiers)
    try:
        with open_estate_store(task.estate_file, task.store) as store:
            batches = store.scan_split(
                task.split, list(task.columns), encoded=task.encoded, matching=matching
            )
            for batch in batches:
                for column in task.columns:
                    rows = [
                        pc.take(parents, search.rows(texts))
                        for texts, parents in text_leaves(batch.column(column))
                    ]
                    counts[column] += len(pc.unique(pa.chunked_array(rows, pa.uint64()))) if rows else 0
    except StoreError:
        return None
    return counts


def _may_hold(catalog: Catalog, store: str, info: TableInfo, column: str) -> bool:
    """Whether a text column not flagged as an identifier can still hold one: unless the inventory
    recognised its values as something else (an IP address, an APN, a currency, a cookie id), it
    is searched: free text, documents, columns it could not classify, tables it did not see."""
    meaning = catalog.meanings.get((store, info.name), {}).get(column)
    return meaning is None or meaning.entity in (None, FREE_TEXT, DOCUMENT) or bool(meaning.held)


def _free_text(catalog: Catalog, store: str, info: TableInfo, column: str) -> bool:
    """Free text is not read dictionary-encoded: its values are mostly distinct, and a Parquet file
    holds them plain, so a dictionary would be built from every value (4.6 times slower to read),
    where a column of a few values (an SMS's status) is matched per value (5 times faster)."""
    meaning = catalog.meanings.get((store, info.name), {}).get(column)
    return meaning is not None and meaning.entity == FREE_TEXT


def _exact_rows(catalog: Catalog, store: Store, info: TableInfo, column: str, values: list[str]) -> int:
    email = catalog.meanings[(store.name, info.name)][column].entity == "EMAIL_ADDRESS"
    wanted = [v.lower() for v in values] if email else values
    return int(store.find(info.name, column, wanted, columns=[column], casefold=email).num_rows)


def _why(estate: Estate, store: str, info: TableInfo) -> str:
    rule = next(
        (r for r in estate.stores[store].exemptions if r.table == info.name and r.action == "retain"), None
    )
    if rule:
        return f"{RETAINED}{rule.exemption}"
    if info.refresh:
        return f"a materialized view: run {info.refresh}"
    return IN_VIEW if info.kind == "view" else NOT_DELETED
