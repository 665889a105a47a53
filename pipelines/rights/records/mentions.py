"""Free text that mentions a consumer: support tickets and notes naming their email, phone or SIM.

Every free-text column the inventory found is scanned once for all consumers of the request batch
(one regular expression of their identifiers, vectorised; a database is asked for the candidate
rows only, for up to 200 identifiers: `connectors._sql_text_match`), split by split on the engine
(`pipelines.engine`: in this process unless a cluster is named); the matching rows come back to
the client, which tells them apart per consumer. A row already among the consumer's own
records is not repeated; a row of someone else's that mentions them is included with only its
text and time, the other personal information in the text redacted.

Unlike `text_search` (deletion and verification: every text leaf of any column, nested ones too,
one consumer), this reads only the inventory's free-text columns, for a whole batch in one pass.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa

from connectors import Estate, Split, Store, keeping_stores, open_estate_store
from connectors.text_match import TextMatch
from pipelines.discovery.analyzer import LANGUAGE, build_analyzer
from pipelines.engine import IN_PROCESS, run_tasks
from pipelines.rights.model import Identity, TableRecords
from pipelines.rights.records.graph import IDENTIFYING, Catalog
from pipelines.rights.records.identifiers import identifier_pattern

MIN_LENGTH = 6  # shorter values (a 4-digit id) would match by chance
REDACTED = "[redacted]"


def consumer_identifiers(identity: Identity, records: Sequence[TableRecords], catalog: Catalog) -> set[str]:
    """The identifier values the consumer's own records hold (emails, phones, IMSIs, ICCIDs...)."""
    found = {identity.value}
    for record in records:
        if record.reference or record.mention_only:
            continue
        for column, meaning in catalog.meanings.get((record.store, record.table), {}).items():
            if meaning.entity in IDENTIFYING and column in record.rows.column_names:
                found.update(str(v) for v in record.rows.column(column).to_pylist() if v is not None)
    return {v for v in found if len(v) >= MIN_LENGTH}


@dataclass(frozen=True)
class MentionTask:
    """One split of one free-text column, picklable: the worker opens the store itself."""

    estate_file: str
    store: str
    split: Split
    column: str
    identifiers: tuple[str, ...]  # the batch's, longest first: the one pattern needs them all


def find_mentions(
    estate: Estate,
    catalog: Catalog,
    stores: Mapping[str, Store],
    identifiers: Sequence[set[str]],
    own: Sequence[Sequence[TableRecords]],
    event_times: Mapping[tuple[str, str], str | None],
    cluster: str | None = IN_PROCESS,
    workers: int | None = None,
) -> list[list[TableRecords]]:
    """Per consumer, the rows of free-text columns that mention one of their identifiers."""
    everyone = tuple(sorted({v for ids in identifiers for v in ids}, key=len, reverse=True))
    result: list[list[TableRecords]] = [[] for _ in identifiers]
    if not everyone:
        return result
    columns = catalog.free_text_columns()
    matched = _matching_rows(estate, stores, columns, everyone, cluster, workers)
    for ((store, table), column), rows in zip(columns, matched, strict=True):
        if rows.num_rows == 0:
            continue
        time_column = event_times.get((store, table))
        for index, ids in enumerate(identifiers):
            mine = _mentioning(rows, column, ids)
            mine = _not_already_own(mine, own[index], store, table)
            if mine.num_rows:
                kept = [c for c in (column, time_column) if c and c in mine.column_names]
                key = list(stores[store].table(table).primary_key) or mine.column_names
                result[index].append(
                    TableRecords(
                        store,
                        table,
                        _redacted(mine.select(kept), column, ids),
                        f"mentions in {column}",
                        time_column,
                        mention_only=True,
                        keys=mine.select(key),
                    )
                )
    return result


def _matching_rows(
    estate: Estate,
    stores: Mapping[str, Store],
    columns: Sequence[tuple[tuple[str, str], str]],
    identifiers: tuple[str, ...],
    cluster: str | None,
    workers: int | None,
) -> list[pa.Table]:
    """Per free-text column, the rows whose text may mention an identifier (a superset), all splits."""
    estate_file = str(estate.path.resolve())
    tasks = [
        MentionTask(estate_file, store, split, column, identifiers)
        for (store, table), column in columns
        for split in stores[store].splits(table)
    ]
    parts: dict[tuple[str, str, str], list[pa.Table]] = {(s, t, c): [] for (s, t), c in columns}
    with keeping_stores(estate_file, stores):  # in this process the tasks use the request's stores
        matched = run_tasks(rows_mentioning, tasks, cluster, workers)
    for task, rows in zip(tasks, matched, strict=True):
        if rows.num_rows:
            parts[(task.store, task.split.table, task.column)].append(rows)
    return [
        pa.concat_tables(found, promote_options="permissive") if found else pa.table({})
        for found in parts.values()
    ]


def rows_mentioning(task: MentionTask) -> pa.Table:
    """The rows of one split whose text matches the identifiers' rough pattern (every column);
    a database is asked for the candidates only (`TextMatch`)."""
    matching = TextMatch((task.column,), task.identifiers)
    with open_estate_store(task.estate_file, task.store) as store:
        parts = [pa.Table.from_batches([b]) for b in store.scan_split(task.split, matching=matching)]
    return pa.concat_tables(parts) if parts else pa.table({})


def _mentioning(rows: pa.Table, column: str, ids: set[str]) -> pa.Table:
    """The rows whose text holds one of the identifiers as a whole token."""
    if not ids:
        return rows.slice(0, 0)
    pattern = identifier_pattern(ids)  # the rows already passed the rough pass (rows_mentioning)
    keep = [
        text is not None and pattern.search(str(text)) is not None for text in rows.column(column).to_pylist()
    ]
    return rows.filter(pa.array(keep, pa.bool_()))


def _not_already_own(rows: pa.Table, own: Sequence[TableRecords], store: str, table: str) -> pa.Table:
    mine = [r.rows for r in own if (r.store, r.table) == (store, table) and not r.mention_only]
    if not mine or rows.num_rows == 0:
        return rows
    seen = {_as_stored(row) for part in mine for row in part.to_pylist()}
    keep = [_as_stored(row) not in seen for row in rows.select(mine[0].column_names).to_pylist()]
    return rows.filter(pa.array(keep, pa.bool_()))


def _as_stored(row: dict[str, object]) -> str:
    """A row as one comparable value, documents included (a JSON record's objects and lists)."""
    return json.dumps(list(row.values()), sort_keys=True, default=str)


def _redacted(rows: pa.Table, column: str, ids: set[str]) -> pa.Table:
    """Someone else's text: every personal detail in it that is not the consumer's own is redacted.

    The consumer's identifiers are kept whole (no part of their email is a stranger's URL); of two
    details that overlap, the wider is redacted (a stranger's whole email, not only its domain)."""
    engine = build_analyzer("auto").engine
    own = identifier_pattern(ids)
    texts: list[str | None] = []
    for text in rows.column(column).to_pylist():
        if text is None:
            texts.append(None)
            continue
        out = str(text)
        kept = [(m.start(), m.end()) for m in own.finditer(out)]
        spans = [r for r in engine.analyze(out, language=LANGUAGE) if r.score >= 0.4]
        chosen: list[tuple[int, int]] = []
        for span in sorted(spans, key=lambda r: (r.start - r.end, r.start)):  # widest first
            taken = kept + chosen
            if all(span.end <= start or end <= span.start for start, end in taken):
                chosen.append((span.start, span.end))
        for start, end in sorted(chosen, reverse=True):
            out = out[:start] + REDACTED + out[end:]
        texts.append(out)
    index = rows.column_names.index(column)
    return rows.set_column(index, column, pa.array(texts, pa.string()))
