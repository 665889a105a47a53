"""Find every record of one or many consumers: breadth-first over the table graph, in bulk.

Each step gathers, per (table, column), the key values every consumer still needs looked up, and
asks the store once for all of them (chunked IN lists, Arrow filters). Rows are attributed back to
the consumers whose values they matched, so a thousand requests cost one pass over a big log.

From a consumer's own rows the walk follows:
- references *into* them (accounts.customer_id -> customers.id finds the consumer's accounts);
- the same identity held elsewhere (crm.contacts.email = billing.customers.email);
- references *out* of them into unowned tables only (an order's shipping address, a plan): shared
  and reference rows, included for every consumer that points at them. A reference into an owned
  table (the card another customer paid with) is never followed: that row is someone else's.
Rows reached as reference data are leaves, except for further references into unowned tables.
Self-references are not followed (an employee's manager is another person).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from connectors import Store
from pipelines.rights.graph import Catalog, Edge, TableKey
from pipelines.rights.model import Identity, TableRecords
from pipelines.rights.starting_points import starting_points

CONSUMER = "__consumer"
ROW = "__row"
KEY = "__key"


@dataclass(frozen=True)
class _Lookup:
    table: TableKey
    column: str
    casefold: bool
    via: str


@dataclass
class _TableFound:
    parts: list[pa.Table] = field(default_factory=list)
    seen: set[tuple[int, str]] = field(default_factory=set)  # (consumer, row digest)
    via: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))


class Traversal:
    def __init__(
        self, catalog: Catalog, stores: Mapping[str, Store], identity_columns: Mapping[str, list[str]]
    ):
        self.catalog = catalog
        self.stores = stores
        self.identity_columns = identity_columns  # kind -> ["store.table.column"] declared in the estate
        self.found: dict[TableKey, _TableFound] = defaultdict(_TableFound)
        self.asked: set[tuple[_Lookup, int, object]] = set()

    def run(self, identities: Sequence[Identity]) -> list[list[TableRecords]]:
        """Each identity's records (one list per identity, in order)."""
        pending = self._start(identities)
        while pending:
            new = {lookup: self._ask(lookup, wanted) for lookup, wanted in pending.items()}
            pending = defaultdict(lambda: defaultdict(set))
            for lookup, rows in new.items():
                if rows.num_rows:
                    self._expand(lookup.table, rows, pending)
        return [self._records(index) for index in range(len(identities))]

    def _start(self, identities: Sequence[Identity]) -> dict[_Lookup, dict[object, set[int]]]:
        pending: dict[_Lookup, dict[object, set[int]]] = defaultdict(lambda: defaultdict(set))
        for index, identity in enumerate(identities):
            for point in starting_points(identity, self.catalog, self.stores, self.identity_columns):
                pending[_Lookup(point.table, point.column, point.casefold, point.via)][point.value].add(index)
        return pending

    def _ask(self, lookup: _Lookup, wanted: Mapping[object, set[int]]) -> pa.Table:
        """Rows of the table matching the wanted values, attributed to consumers; only rows new to them."""
        store, table = lookup.table
        values = [v for v in wanted if v is not None]
        if not values:
            return pa.table({})
        rows = self.stores[store].find(table, lookup.column, values, casefold=lookup.casefold)
        if rows.num_rows == 0:
            return rows
        attributed = _attribute(rows, lookup, wanted)
        return self._keep_new(lookup, attributed)

    def _keep_new(self, lookup: _Lookup, rows: pa.Table) -> pa.Table:
        found = self.found[lookup.table]
        consumers = rows.column(CONSUMER).to_pylist()
        digests = rows.column(ROW).to_pylist()
        keep = []
        for consumer, digest in zip(consumers, digests, strict=True):
            new = (consumer, digest) not in found.seen
            keep.append(new)
            if new:
                found.seen.add((consumer, digest))
                if lookup.via not in found.via[consumer]:
                    found.via[consumer].append(lookup.via)
        fresh = rows.filter(pa.array(keep, pa.bool_()))
        if fresh.num_rows:
            found.parts.append(fresh)
        return fresh

    def _expand(
        self, table: TableKey, rows: pa.Table, pending: dict[_Lookup, dict[object, set[int]]]
    ) -> None:
        owned = table in self.catalog.owned
        for edge in self.catalog.edges:
            for target, target_column, source_column in _steps(edge, table, owned, self.catalog.owned):
                casefold = self._is_email(target, target_column)
                lookup = _Lookup(target, target_column, casefold, edge.describe())
                for value, consumer in zip(
                    rows.column(source_column).to_pylist(), rows.column(CONSUMER).to_pylist(), strict=True
                ):
                    if value is None:
                        continue
                    value = value.lower() if casefold and isinstance(value, str) else value
                    if (lookup, consumer, value) not in self.asked:
                        self.asked.add((lookup, consumer, value))
                        pending[lookup][value].add(consumer)

    def _is_email(self, table: TableKey, column: str) -> bool:
        meaning = self.catalog.meanings.get(table, {}).get(column)
        return meaning is not None and meaning.entity == "EMAIL_ADDRESS"

    def _records(self, consumer: int) -> list[TableRecords]:
        records = []
        for (store, table), found in self.found.items():
            parts = [p.filter(pc.equal(p.column(CONSUMER), consumer)) for p in found.parts]
            parts = [p for p in parts if p.num_rows]
            if not parts:
                continue
            rows = pa.concat_tables(parts, promote_options="permissive").drop_columns([CONSUMER, ROW, KEY])
            via = ", ".join(found.via.get(consumer, []))
            reference = (store, table) not in self.catalog.owned
            records.append(TableRecords(store, table, rows, via, reference=reference))
        return records


def _steps(
    edge: Edge, table: TableKey, owned: bool, owned_tables: set[TableKey]
) -> list[tuple[TableKey, str, str]]:
    """(table to ask, its column, our column giving the values) for one edge from rows of `table`."""
    if edge.source == edge.target:
        return []  # self-references lead to other people
    steps = []
    if edge.same_identity and owned:
        if edge.source == table:
            steps.append((edge.target, edge.target_column, edge.source_column))
        if edge.target == table:
            steps.append((edge.source, edge.source_column, edge.target_column))
        return steps
    if edge.target == table and owned and edge.source in owned_tables:
        steps.append((edge.source, edge.source_column, edge.target_column))  # rows referring to ours
    if edge.source == table and edge.target not in owned_tables:
        steps.append((edge.target, edge.target_column, edge.source_column))  # shared / reference rows
    return steps


def _attribute(rows: pa.Table, lookup: _Lookup, wanted: Mapping[object, set[int]]) -> pa.Table:
    """One row per (row, consumer whose value it matched), with a digest of the row's content."""
    key = pc.cast(rows.column(lookup.column), pa.string())
    if lookup.casefold:
        key = pc.utf8_lower(key)
    pairs = [(str(v).lower() if lookup.casefold else str(v), c) for v, cs in wanted.items() for c in cs]
    owners = pa.table({KEY: [p[0] for p in pairs], CONSUMER: pa.array([p[1] for p in pairs], pa.int32())})
    keyed = rows.append_column(KEY, key).append_column(ROW, _digest(rows))
    return keyed.join(owners, keys=KEY, join_type="inner")


def _digest(rows: pa.Table) -> pa.Array:
    """Each row's full content as one string: the identity of a row in a table without a key."""
    texts = []
    for column in rows.columns:
        try:
            text = pc.cast(column, pa.string())
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
            text = pa.chunked_array([pa.array([repr(v) for v in column.to_pylist()], pa.string())])
        texts.append(pc.fill_null(text, "\u2205"))
    if not texts:
        return pa.array([""] * rows.num_rows)
    return pc.binary_join_element_wise(*texts, "\u001f")
