"""Which tables hold consumers' records, as the scan sees them, and which columns are keys rather than data.

What the scan adds to the one ownership rule (pipelines.rights.records.ownership.owned_tables): which
tables hold consumers' identifiers from what their sampled columns show. A catalogue whose only
identifiers are names (tracks, products) is nobody's; the rest follows the links as requests do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from connectors import TableInfo
from pipelines.discovery.column_names import tokens
from pipelines.discovery.context import PersonalEvidence
from pipelines.discovery.links import InferredLink, TableKey
from pipelines.rights.records.ownership import owned_tables


def consumer_tables(
    evidence: Mapping[TableKey, PersonalEvidence],
    links: Iterable[InferredLink],
    one_to_one: Iterable[InferredLink] = (),
) -> set[TableKey]:
    """The tables whose rows belong to consumers, from what each table's own columns show.

    A table whose only identifiers are names (a track's title and composer, a product's name and
    page) and that other tables refer to is a catalogue: the rows a consumer's order points at are
    not the consumer's, and nothing becomes a consumer's by referring to them. So is a names-only
    table whose rows are one-to-one with a catalogue's (`one_to_one`: links whose source values are
    unique, e.g. a view of each actor's films keyed by the actor's id): it describes catalogue rows.
    """
    edges: list[tuple[TableKey, TableKey, bool]] = []
    referenced: set[TableKey] = set()
    for found in links:
        source = (found.link.source.store, found.link.source.table)
        target = (found.link.target.store, found.link.target.table)
        edges.append((source, target, found.link.kind == "same_identity"))
        if found.link.kind != "same_identity" and source != target:
            referenced.add(target)
    catalogues = referenced | {
        (x.link.source.store, x.link.source.table)
        for x in one_to_one
        if x.link.kind != "same_identity"
        and (x.link.target.store, x.link.target.table) in referenced
        and evidence.get((x.link.target.store, x.link.target.table)) == "names"
    }
    consumers = {
        t for t, e in evidence.items() if e == "identifies" or (e == "names" and t not in catalogues)
    }
    return owned_tables(consumers, [e for e in edges if e[0] in evidence and e[1] in evidence])


def key_columns(table: TableKey, info: TableInfo, links: Iterable[InferredLink]) -> set[str]:
    """Primary and foreign keys, link ends, and columns named as ids: they identify rows, not people."""
    keys = set(info.primary_key)
    for fk in info.foreign_keys:
        keys.update(fk.columns)
    for found in links:
        for end in (found.link.source, found.link.target):
            if (end.store, end.table) == table:
                keys.add(end.column)
    keys.update(c for c in info.column_names if tokens(c)[-1:] == ("id",))
    return keys
