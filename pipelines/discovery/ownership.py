"""Which tables hold consumers' records, and which columns are keys rather than data.

A table belongs to consumers when it holds a consumer identifier itself (an email, a name, an
IMSI...) or refers, through a chain of references, to a table that does: payments -> invoices ->
customers. Being referred to is not enough: a plan catalogue that subscriptions point at is not
any consumer's, nor is a catalogue whose only identifiers are names (tracks, products). The same identity value held in two tables (`a = b`) makes both consumers' when
either is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from connectors import TableInfo
from pipelines.discovery.column_names import tokens
from pipelines.discovery.context import PersonalEvidence
from pipelines.discovery.links import InferredLink, TableKey


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
    edges: dict[TableKey, set[TableKey]] = {}  # table -> tables whose consumers it records
    referenced: set[TableKey] = set()
    for found in links:
        source = (found.link.source.store, found.link.source.table)
        target = (found.link.target.store, found.link.target.table)
        edges.setdefault(source, set()).add(target)
        if found.link.kind == "same_identity":
            edges.setdefault(target, set()).add(source)
        elif source != target:
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
    changed = True
    while changed:
        changed = False
        for table in set(evidence) - consumers:
            if edges.get(table, set()) & consumers:
                consumers.add(table)
                changed = True
    return consumers


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
