"""Find every record of one or many consumers, in bulk, deciding row by row whose each row is.

Each step gathers, per (table, column), the key values every consumer still needs looked up, and
asks the store once for all of them (chunked IN lists, Arrow filters). Rows are attributed back to
the consumers whose values they matched, so a thousand requests cost one pass over a big log.

The walk goes in the three steps of the ownership model (pipelines.rights.records.ownership):
1. subject rows: the identity's rows, the same identity held elsewhere, the person they belong to;
2. rows referring to the consumer's rows (children first found, then their children...), each
   kept only when it names no anchor row of someone else; a row refused for now is tried again
   once the consumer's rows have grown (the consumer's other SIM may be found later);
3. rows the consumer's rows refer to: another person's (left out, its key noted), the consumer's
   own or shared (an address), or reference data; from these, only further reference data.
Self-references are not followed (an employee's manager is another person).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from connectors import Store
from pipelines.rights.model import Identity, TableRecords
from pipelines.rights.records.decided import CONSUMER, ROW, Decided, pairs, referrers_not_theirs
from pipelines.rights.records.graph import Catalog, Edge, TableKey
from pipelines.rights.records.in_documents import MATCHED, rows_holding
from pipelines.rights.records.link_keys import (
    key_array,
    key_name,
    key_text,
    key_values,
    row_digest,
    value_text,
)
from pipelines.rights.records.ownership import (
    Owner,
    Role,
    foreign_reference,
    foreign_references,
    referenced_role,
    shared_role,
)
from pipelines.rights.records.starting_points import starting_points

KEY = "__key"
SUBJECT, PERSON, TRANSIT, REFERRER, REFERENCED, REFERENCE = (
    "subject",
    "person",
    "transit",
    "referrer",
    "referenced",
    "reference",
)
_WHY = "__why"
Pending = dict["_Lookup", dict[object, set[int]]]


@dataclass(frozen=True)
class _Lookup:
    table: TableKey
    columns: tuple[str, ...]  # one column, or a composite key's (its values are then tuples)
    casefold: bool
    via: str
    step: str  # SUBJECT, PERSON, TRANSIT, REFERRER, REFERENCED or REFERENCE
    ref: Edge | None = None  # the reference followed (its source holds the values asked)
    inside: bool = False  # the column is a document holding the values among its leaves


@dataclass
class _Part:
    rows: pa.Table  # with CONSUMER and ROW
    role: Role
    reason: str
    via: str


@dataclass
class _Consumer:
    owner: Owner = field(default_factory=Owner)
    other_keys: dict[TableKey, dict[str, set[str]]] = field(default_factory=dict)
    left_out: dict[tuple[TableKey, str], int] = field(default_factory=lambda: defaultdict(int))


def _pending() -> Pending:
    return defaultdict(lambda: defaultdict(set))


class Traversal:
    def __init__(
        self, catalog: Catalog, stores: Mapping[str, Store], identity_columns: Mapping[str, list[str]]
    ):
        self.catalog = catalog
        self.stores = stores
        self.identity_columns = identity_columns  # kind -> ["store.table.column"] declared in the estate
        self.references = catalog.references()
        self.parts: dict[TableKey, list[_Part]] = defaultdict(list)
        self.asked: set[tuple[_Lookup, int, object]] = set()
        self.consumers: list[_Consumer] = []
        self.decided = Decided()  # rows decided, whatever the role, per consumer
        self.refused: list[tuple[_Lookup, pa.Table]] = []  # referrers naming another's anchor, for now
        self.held: list[tuple[_Lookup, pa.Table]] = []  # holder rows referred to: owned or shared?

    def run(self, identities: Sequence[Identity]) -> list[list[TableRecords]]:
        """Each identity's records (one list per identity, in order)."""
        self.consumers = [_Consumer() for _ in identities]
        self._walk(self._start(identities))
        self._walk(self._from_rows(REFERRER, ("subject",)))
        while self._retry_refused():
            pass
        self._walk(self._from_rows(REFERENCED, ("subject", "owned")))
        self._walk(self._resolve_held())
        return self._records(len(identities))

    def left_out(self, index: int) -> list[dict[str, object]]:
        """Rows reached but not the consumer's, per table and why: in no package, never changed."""
        return [
            {"table": f"{store}.{table}", "rows": rows, "why": why}
            for ((store, table), why), rows in sorted(self.consumers[index].left_out.items())
        ]

    def _start(self, identities: Sequence[Identity]) -> Pending:
        pending = _pending()
        for index, identity in enumerate(identities):
            for point in starting_points(identity, self.catalog, self.stores, self.identity_columns):
                lookup = _Lookup(
                    point.table, (point.column,), point.casefold, point.via, SUBJECT, inside=point.inside
                )
                pending[lookup][point.value].add(index)
        return pending

    def _walk(self, pending: Pending) -> None:
        while pending:
            found = [(lookup, self._ask(lookup, wanted)) for lookup, wanted in pending.items()]
            pending = _pending()
            for lookup, rows in found:
                if rows.num_rows:
                    self._decide(lookup, rows, pending)

    def _decide(self, lookup: _Lookup, rows: pa.Table, pending: Pending) -> None:
        table = lookup.table
        if lookup.step == TRANSIT:
            self._expand_up(table, rows, pending)
        elif lookup.step in (SUBJECT, PERSON):
            why = "matches the request's identity" if lookup.step == SUBJECT else "the person it belongs to"
            self._record(table, rows, "subject", f"{why} ({lookup.via})", lookup.via)
            for consumer in set(rows.column(CONSUMER).to_pylist()):
                self.consumers[consumer].owner.anchors.add(table)
            self._expand_same(table, rows, pending)
            self._expand_up(table, rows, pending)
        elif lookup.step == REFERRER:
            ours, refused = self._split_referrers(table, rows)
            if refused.num_rows:
                self.refused.append((lookup, refused))
            if ours.num_rows:
                self._record(
                    table, ours, "owned", f"refers to the consumer's record ({lookup.via})", lookup.via
                )
                self._expand(REFERRER, table, ours, pending)
        elif lookup.step == REFERENCED:
            self._decide_referenced(lookup, rows, pending)
        else:
            self._record(table, rows, "reference", "reference data reached from reference data", lookup.via)
            self._expand(REFERENCE, table, rows, pending)

    def _decide_referenced(self, lookup: _Lookup, rows: pa.Table, pending: Pending) -> None:
        table, ref = lookup.table, lookup.ref
        assert ref is not None
        refs = self._refs_from(table)
        first = foreign_references([c.owner for c in self.consumers], rows, refs)
        persons, holders = self.catalog.persons, self.catalog.holders
        if table in persons:
            roles = np.full(rows.num_rows, 0)  # 0: another person's, 1: held, 2: reference data
        else:
            roles = np.where(first >= 0, 0, 1 if table in holders else 2)
        others = np.flatnonzero(roles == 0)
        held, reference = np.flatnonzero(roles == 1), np.flatnonzero(roles == 2)
        whys = []
        for index, row in zip(others, rows.take(others).to_pylist(), strict=True):
            foreign = refs[first[index]] if first[index] >= 0 else None
            whys.append(referenced_role(table, persons, holders, foreign)[1])
            notes = self.consumers[row[CONSUMER]].other_keys.setdefault(ref.source, {})
            for source_column, target_column in zip(ref.source_columns, ref.target_columns, strict=True):
                notes.setdefault(source_column, set()).add(str(row[target_column]))
        self._leave_out(table, rows.take(others), whys)
        if len(held):
            self.held.append((lookup, rows.take(held)))
        if len(reference):
            chosen = rows.take(reference)
            why = "reference data: no one's personal information, referred to by the consumer's rows"
            self._record(table, chosen, "reference", why, lookup.via)
            self._expand(REFERENCE, table, chosen, pending)

    def _leave_out(self, table: TableKey, rows: pa.Table, whys: list[str]) -> None:
        """Rows reached that are someone else's (`whys`: why, per row): counted once, never taken."""
        if not rows.num_rows:
            return
        rows = self.decided.unseen(table, rows.append_column(_WHY, pa.array(whys, pa.string())))
        self.decided.add(table, rows)
        for consumer, why in zip(
            rows.column(CONSUMER).to_pylist(), rows.column(_WHY).to_pylist(), strict=True
        ):
            self.consumers[consumer].left_out[(table, why)] += 1

    def _split_referrers(self, table: TableKey, rows: pa.Table) -> tuple[pa.Table, pa.Table]:
        anchors = {t for state in self.consumers for t in state.owner.anchors}
        refs = [r for r in self._refs_from(table) if r.target in anchors]
        if not refs:  # names no table of anyone's subject rows: nothing to tell apart
            return rows, rows.slice(0, 0)
        named = rows.select([*dict.fromkeys(c for r in refs for c in r.source_columns), CONSUMER])
        keep = pa.array(foreign_references([c.owner for c in self.consumers], named, refs) < 0)
        return rows.filter(keep), rows.filter(pc.invert(keep))

    def _retry_refused(self) -> bool:
        """Refused referrers that the consumer's grown rows now explain; True when some were taken."""
        refused, self.refused = self.refused, []
        pending, taken = _pending(), False
        for lookup, rows in refused:
            rows = self._unseen(lookup.table, rows)
            ours, still = self._split_referrers(lookup.table, rows)
            if ours.num_rows:
                taken = True
                self._record(
                    lookup.table, ours, "owned", f"refers to the consumer's record ({lookup.via})", lookup.via
                )
                self._expand(REFERRER, lookup.table, ours, pending)
            if still.num_rows:
                self.refused.append((lookup, still))
        self._walk(pending)
        if not taken:
            for lookup, rows in self.refused:
                whys = []
                for row, consumer in _rows(rows):
                    ref = foreign_reference(
                        self.consumers[consumer].owner, row, self._refs_from(lookup.table)
                    )
                    whys.append(
                        f"another consumer's record: {ref.describe() if ref else lookup.via} names someone else"
                    )
                self._leave_out(lookup.table, rows, whys)
        return taken

    def _resolve_held(self) -> Pending:
        """Holder rows the consumer's rows refer to: theirs when no one else's row refers to them."""
        pending = _pending()
        held, self.held = self.held, []
        for lookup, rows in held:
            rows = self._unseen(lookup.table, rows)
            others = self._others_referring(lookup.table, rows)
            for role in ("owned", "shared"):
                indices = [i for i, n in enumerate(others) if (n > 0) == (role == "shared")]
                if not indices:
                    continue
                chosen = rows.take(indices)
                counts = sorted({others[i] for i in indices})
                why = shared_role(counts[-1])[1]
                self._record(lookup.table, chosen, role, why, lookup.via)
                self._expand(REFERENCE, lookup.table, chosen, pending)
        return pending

    def _others_referring(self, table: TableKey, rows: pa.Table) -> list[int]:
        """Per row: how many rows that are not the row's consumer's refer to it."""
        counts = [0] * rows.num_rows
        for ref in self.references:
            if ref.target != table or ref.source in self.catalog.views:
                continue
            values = _first_parts(key_values(rows, ref.target_columns))
            if not values:
                continue
            found = self.stores[ref.source[0]].find(ref.source[1], ref.source_columns[0], values)
            others = referrers_not_theirs(
                rows,
                key_array(rows, ref.target_columns),
                key_array(found, ref.source_columns),
                row_digest(found),
                self._theirs(ref.source),
            )
            counts = [n + more for n, more in zip(counts, others, strict=True)]
        return counts

    def _theirs(self, table: TableKey) -> pa.Table | None:
        """The (consumer, row) pairs of `table`'s rows that are their consumer's own."""
        own = [
            p.rows.select([CONSUMER, ROW])
            for p in self.parts.get(table, [])
            if p.role in ("subject", "owned")
        ]
        return pairs(pa.concat_tables(own)) if own else None

    def _from_rows(self, step: str, roles: tuple[str, ...]) -> Pending:
        pending = _pending()
        for table, parts in list(self.parts.items()):
            for part in parts:
                if part.role in roles:
                    self._expand(step, table, part.rows, pending)
        return pending

    def _expand(self, step: str, table: TableKey, rows: pa.Table, pending: Pending) -> None:
        """Lookups of `step` from rows of `table`: their referrers, or the rows they refer to."""
        for ref in self.references:
            if step == REFERRER and ref.target == table and ref.source in self.catalog.owned:
                self._add(pending, rows, ref.source, ref.source_columns, ref.target_columns, step, ref)
            elif ref.source == table and _outward(step, ref.target in self.catalog.owned):
                self._add(pending, rows, ref.target, ref.target_columns, ref.source_columns, step, ref)

    def _expand_up(self, table: TableKey, rows: pa.Table, pending: Pending) -> None:
        """From a subject row outside the person tables, towards the person it belongs to."""
        if table in self.catalog.persons:
            return
        for ref in self.references:
            if ref.source == table and ref.target in self.catalog.owned:
                step = PERSON if ref.target in self.catalog.persons else TRANSIT
                self._add(pending, rows, ref.target, ref.target_columns, ref.source_columns, step, ref)

    def _expand_same(self, table: TableKey, rows: pa.Table, pending: Pending) -> None:
        if table not in self.catalog.owned:
            return
        for edge in self.catalog.edges:
            if not edge.same_identity or edge.source == edge.target:
                continue
            if edge.source == table:
                self._add(
                    pending,
                    rows,
                    edge.target,
                    edge.target_columns,
                    edge.source_columns,
                    SUBJECT,
                    None,
                    edge.describe(),
                )
            if edge.target == table:
                self._add(
                    pending,
                    rows,
                    edge.source,
                    edge.source_columns,
                    edge.target_columns,
                    SUBJECT,
                    None,
                    edge.describe(),
                )

    def _add(
        self,
        pending: Pending,
        rows: pa.Table,
        target: TableKey,
        target_columns: tuple[str, ...],
        source_columns: tuple[str, ...],
        step: str,
        ref: Edge | None,
        via: str = "",
    ) -> None:
        casefold = len(target_columns) == 1 and self._is_email(target, target_columns[0])
        lookup = _Lookup(target, target_columns, casefold, via or (ref.describe() if ref else ""), step, ref)
        for value, consumer in zip(
            key_values(rows, source_columns), rows.column(CONSUMER).to_pylist(), strict=True
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

    def _refs_from(self, table: TableKey) -> list[Edge]:
        return [r for r in self.references if r.source == table]

    def _ask(self, lookup: _Lookup, wanted: Mapping[object, set[int]]) -> pa.Table:
        """Rows of the table matching the wanted values, attributed to consumers; only rows not yet decided."""
        store, table = lookup.table
        values = _first_parts([v for v in wanted if v is not None])
        if not values:
            return pa.table({})
        if lookup.inside:
            rows = rows_holding(self.stores[store], table, lookup.columns[0], values, lookup.casefold)
            keys, rows = rows.column(MATCHED), rows.drop_columns([MATCHED])
        else:
            rows = self.stores[store].find(table, lookup.columns[0], values, casefold=lookup.casefold)
            keys = key_array(rows, lookup.columns)
        if rows.num_rows == 0:
            return rows
        attributed = _attribute(rows, keys, lookup.casefold, wanted).drop_columns([KEY])
        return self._unseen(lookup.table, attributed)

    def _unseen(self, table: TableKey, rows: pa.Table) -> pa.Table:
        return self.decided.unseen(table, rows)

    def _record(self, table: TableKey, rows: pa.Table, role: Role, reason: str, via: str) -> None:
        rows = self._unseen(table, rows)
        if not rows.num_rows:
            return
        self.parts[table].append(_Part(rows, role, reason, via))
        self.decided.add(table, rows)
        if role not in ("subject", "owned"):
            return
        ends = {key_name(r.target_columns): r.target_columns for r in self.references if r.target == table}
        columns = [*dict.fromkeys(c for end in ends.values() for c in end)]
        if not columns:  # nothing refers to the table (a log): no values to keep
            return
        for row in rows.select([*columns, CONSUMER]).to_pylist():
            owner = self.consumers[row[CONSUMER]].owner
            for name, end in ends.items():
                value = key_text(row, end)
                if value is not None:
                    owner.add(table, name, value)

    def _records(self, count: int) -> list[list[TableRecords]]:
        """Per consumer, their records: each table's parts split by consumer once (sorted), not
        filtered once per consumer (a batch of thousands would be quadratic)."""
        records: list[list[TableRecords]] = [[] for _ in range(count)]
        for (store, table), parts in self.parts.items():
            for shared in (False, True):
                mine = [p for p in parts if (p.role in ("shared", "reference")) == shared]
                pieces: dict[int, list[tuple[_Part, pa.Table]]] = defaultdict(list)
                for part in mine:
                    for consumer, rows in _by_consumer(part.rows):
                        pieces[consumer].append((part, rows))
                for consumer, chosen in sorted(pieces.items()):
                    joined = pa.concat_tables([r for _, r in chosen], promote_options="permissive")
                    records[consumer].append(
                        TableRecords(
                            store,
                            table,
                            joined.drop_columns([CONSUMER, ROW]),
                            ", ".join(dict.fromkeys(p.via for p, _ in chosen)),
                            reference=shared,
                            reason="; ".join(dict.fromkeys(p.reason for p, _ in chosen)),
                            other_keys=self.consumers[consumer].other_keys.get((store, table), {}),
                        )
                    )
        return records


def _by_consumer(rows: pa.Table) -> list[tuple[int, pa.Table]]:
    """The rows of each consumer, in the rows' order within each."""
    if rows.num_rows == 0:
        return []
    order = pc.sort_indices(rows, sort_keys=[(CONSUMER, "ascending")])  # stable: rows keep their order
    rows = rows.take(order)
    consumers = rows.column(CONSUMER).combine_chunks()
    runs = pc.run_end_encode(consumers)
    ends, values = runs.run_ends.to_pylist(), runs.values.to_pylist()
    starts = [0, *ends[:-1]]
    return [(int(c), rows.slice(a, b - a)) for c, a, b in zip(values, starts, ends, strict=True)]


def _outward(step: str, owned_target: bool) -> bool:
    """Whether rows the step's rows refer to are looked up: all of them, or reference data only."""
    return step == REFERENCED or (step == REFERENCE and not owned_target)


def _first_parts(values: list[object]) -> list[object]:
    """The values to ask a store for: each one, or each composite's first part (the rest is
    matched on the rows found, by `_attribute`)."""
    present = [v for v in values if v is not None]
    return list(dict.fromkeys(v[0] if isinstance(v, tuple) else v for v in present))


def _rows(rows: pa.Table) -> list[tuple[dict[str, object], int]]:
    return [(row, int(row[CONSUMER])) for row in rows.to_pylist()]


def _attribute(
    rows: pa.Table, key: pa.ChunkedArray, casefold: bool, wanted: Mapping[object, set[int]]
) -> pa.Table:
    """One row per (row, consumer whose value it matched: `key`), with a digest of the row's content."""
    if casefold:
        key = pc.utf8_lower(key)
    pairs = [
        (value_text(v).lower() if casefold else value_text(v), c) for v, cs in wanted.items() for c in cs
    ]
    owners = pa.table({KEY: [p[0] for p in pairs], CONSUMER: pa.array([p[1] for p in pairs], pa.int32())})
    # Arrow joins no nested columns (a JSON document's struct): join the row numbers, then take the rows.
    numbers = pa.table({KEY: key, ROW: pa.array(range(rows.num_rows), pa.int64())})
    matched = numbers.join(owners, keys=KEY, join_type="inner")
    taken = rows.append_column(ROW, row_digest(rows)).take(matched.column(ROW))
    return taken.append_column(KEY, matched.column(KEY)).append_column(CONSUMER, matched.column(CONSUMER))
