"""After a deletion: search every store again for every identifier of the consumer.

Every column that holds an identifier (emails in any case, phones, IMSIs, ICCIDs...) is asked for
all of them at once, and every free-text column is searched. Whatever is found is residue, named
by table and column; rows retained whole under an exemption are reported as such, not as residue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from connectors import Estate, Store
from pipelines.rights.graph import IDENTIFYING, Catalog
from pipelines.rights.model import Identity


@dataclass(frozen=True)
class Residue:
    store: str
    table: str
    column: str
    rows: int
    why: str  # "not deleted" or the exemption it is retained under


def find_residue(
    estate: Estate, catalog: Catalog, stores: Mapping[str, Store], identifiers: set[str], identity: Identity
) -> list[Residue]:
    values = sorted(identifiers | {identity.value})
    found = []
    for (store, table), column in catalog.columns_holding(IDENTIFYING):
        email = catalog.meanings[(store, table)][column].entity == "EMAIL_ADDRESS"
        wanted = [v.lower() for v in values] if email else values
        rows = stores[store].find(table, column, wanted, columns=[column], casefold=email).num_rows
        if rows:
            found.append(Residue(store, table, column, rows, _why(estate, store, table)))
    pattern = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    for (store, table), column in catalog.free_text_columns():
        rows = sum(_mentions(batch.column(0), pattern) for batch in stores[store].scan(table, [column]))
        if rows:
            found.append(Residue(store, table, column, rows, _why(estate, store, table)))
    return found


def _mentions(texts: pa.Array, pattern: str) -> int:
    hits = pc.match_substring_regex(pc.cast(texts, pa.string()), pattern, ignore_case=True)
    return int(pc.sum(pc.cast(pc.fill_null(hits, False), pa.int64())).as_py() or 0)


def _why(estate: Estate, store: str, table: str) -> str:
    rule = next(
        (r for r in estate.stores[store].exemptions if r.table == table and r.action == "retain"), None
    )
    return f"retained under {rule.exemption}" if rule else "not deleted"
