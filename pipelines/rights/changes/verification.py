"""After a deletion: search every store again for every identifier of the consumer.

Not only the columns the inventory flagged: every column of every table and view that can hold
text (strings, JSON documents, arrays and structs, leaf by leaf) and that the inventory did not
recognise as holding something else (an IP address, an APN, a currency) is read, in Arrow, and
matched once per column against all the consumer's identifiers (gathered from all their rows). A column
flagged as an identifier is asked for the values exactly (the store's index or push-down), every
other text-like column is scanned: Arrow's RE2 picks the candidate values, `re` keeps the whole-
token matches. Whatever is found is residue, named by table and column with its count, never its
value; rows retained whole under an exemption are reported as such, and a materialized view
that still holds the consumer is named with the statement that refreshes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from connectors import Estate, Store, StoreError, TableInfo
from pipelines.rights.model import Identity
from pipelines.rights.records.graph import DOCUMENT, IDENTIFYING, Catalog
from pipelines.rights.records.identifiers import identifier_pattern, rough_pattern
from pipelines.rights.records.text_search import TextSearch, text_leaves, text_like

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


def find_residue(
    estate: Estate, catalog: Catalog, stores: Mapping[str, Store], identifiers: set[str], identity: Identity
) -> list[Residue]:
    values = sorted(identifiers | {identity.value}, key=len, reverse=True)
    search = TextSearch(rough_pattern(values), identifier_pattern(values))
    exact = set(catalog.columns_holding(IDENTIFYING))
    found = []
    for name, store in stores.items():
        for info in store.tables():
            if info.unreadable or f"{name}.{info.name}" in catalog.unreadable:
                continue
            flagged = [c for c in info.column_names if ((name, info.name), c) in exact]
            counts = {c: _exact_rows(catalog, store, info, c, values) for c in flagged}
            scanned = [c.name for c in info.columns if text_like(c.type) and c.name not in flagged]
            scanned = [c for c in scanned if c not in info.partitioning and _may_hold(catalog, name, info, c)]
            if scanned:
                counts.update(_scanned_rows(store, info, scanned, search))
            why = _why(estate, name, info)
            found += [Residue(name, info.name, c, n, why) for c, n in counts.items() if n]
    return found


def _may_hold(catalog: Catalog, store: str, info: TableInfo, column: str) -> bool:
    """Whether a text column not flagged as an identifier can still hold one: unless the inventory
    recognised its values as something else (an IP address, an APN, a currency, a cookie id), it
    is searched: free text, documents, columns it could not classify, tables it did not see."""
    meaning = catalog.meanings.get((store, info.name), {}).get(column)
    return meaning is None or meaning.entity in (None, "FREE_TEXT", DOCUMENT) or bool(meaning.held)


def _exact_rows(catalog: Catalog, store: Store, info: TableInfo, column: str, values: list[str]) -> int:
    email = catalog.meanings[(store.name, info.name)][column].entity == "EMAIL_ADDRESS"
    wanted = [v.lower() for v in values] if email else values
    return int(store.find(info.name, column, wanted, columns=[column], casefold=email).num_rows)


def _scanned_rows(store: Store, info: TableInfo, columns: list[str], search: TextSearch) -> dict[str, int]:
    counts = dict.fromkeys(columns, 0)
    try:
        for batch in store.scan(info.name, columns):
            for column in columns:
                rows = [
                    pc.take(parents, search.rows(texts))
                    for texts, parents in text_leaves(batch.column(column))
                ]
                counts[column] += len(pc.unique(pa.chunked_array(rows, pa.uint64()))) if rows else 0
    except StoreError:
        return {}  # unreadable now: the inventory's warning covers tables it could not read
    return counts


def _why(estate: Estate, store: str, info: TableInfo) -> str:
    rule = next(
        (r for r in estate.stores[store].exemptions if r.table == info.name and r.action == "retain"), None
    )
    if rule:
        return f"{RETAINED}{rule.exemption}"
    if info.refresh:
        return f"a materialized view: run {info.refresh}"
    return IN_VIEW if info.kind == "view" else NOT_DELETED
