"""A request's records: per identity, its own rows (the walk from its starting points, each row
decided by the ownership rule), the shared and reference rows, and the free-text mentions of it.
Access, deletion, correction and verification all start here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from connectors import Estate, Store, opened_stores
from pipelines.engine import cluster_for
from pipelines.rights.model import Identity, TableRecords
from pipelines.rights.records.graph import Catalog
from pipelines.rights.records.lookback import event_time
from pipelines.rights.records.mentions import consumer_identifiers, find_mentions
from pipelines.rights.records.traversal import Traversal


def find_records(
    estate: Estate,
    catalog: Catalog,
    identities: Sequence[Identity],
    stores: Mapping[str, Store] | None = None,
    left_out: list[list[dict[str, object]]] | None = None,
    cluster: str | None = None,
) -> list[list[TableRecords]]:
    """Per identity: its own rows, shared and reference rows, and free-text mentions of it.

    `stores`: already open stores to use (left open); by default they are opened and closed here.
    `left_out`: given, it receives per identity the rows reached that are someone else's, and why.
    `cluster`: where free text is searched (`pipelines.engine.cluster_for`; default: the estate's).
    """
    if stores is None:
        with opened_stores(estate) as opened:
            return find_records(estate, catalog, identities, opened, left_out, cluster)
    declared = {str(kind): columns for kind, columns in estate.identity.items()}
    walk = Traversal(catalog, stores, declared)
    found = walk.run(identities)
    if left_out is not None:
        left_out.extend(walk.left_out(index) for index in range(len(identities)))
    times = {table: event_time(table, estate, catalog) for table in catalog.meanings}
    for records in found:
        for record in records:
            record.event_time = times.get((record.store, record.table))
    identifiers = [consumer_identifiers(i, r, catalog) for i, r in zip(identities, found, strict=True)]
    where = cluster_for(cluster, estate.compute.cluster)
    mentions = find_mentions(
        estate, catalog, stores, identifiers, found, times, where, estate.compute.workers
    )
    return [own + extra for own, extra in zip(found, mentions, strict=True)]
