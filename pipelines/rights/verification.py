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
from pipelines.rights.identifiers import identifier_pattern, rough_pattern
from pipelines.rights.model import Identity

NOT_DELETED = "not deleted"


@dataclass(frozen=True)
class Residue:
    store: str
    table: str
    column: str
    rows: int
    why: str  # "not deleted" or the exemption it is retained under

    @property
    def exempt(self) -> bool:
        """Rows kept whole under a declared exemption: reported, not residue."""
        return self.why != NOT_DELETED


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
    rough, exact = rough_pattern(values), identifier_pattern(values)
    for (store, table), column in catalog.free_text_columns():
        rows = sum(_mentions(batch.column(0), rough, exact) for batch in stores[store].scan(table, [column]))
        if rows:
            found.append(Residue(store, table, column, rows, _why(estate, store, table)))
    return found


def _mentions(texts: pa.Array, rough: str, exact: re.Pattern[str]) -> int:
    """Texts holding an identifier as a whole token (Arrow picks candidates, `re` decides)."""
    text = pc.cast(texts, pa.string())
    candidates = pc.filter(text, pc.fill_null(pc.match_substring_regex(text, rough, ignore_case=True), False))
    return sum(1 for value in candidates.to_pylist() if exact.search(value))


def _why(estate: Estate, store: str, table: str) -> str:
    rule = next(
        (r for r in estate.stores[store].exemptions if r.table == table and r.action == "retain"), None
    )
    return f"retained under {rule.exemption}" if rule else NOT_DELETED
