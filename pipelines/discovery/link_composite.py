"""Links by composite keys: a table whose primary key has several columns (`order_lines(order_id,
line_no)`) and another table holding columns of the same names (`shipments.order_id`,
`shipments.line_no`), a reference when the key holds the table's sampled value tuples.

Foreign keys of several columns declared in the database are composite links too (never split
into one link per column: `shipments.line_no -> order_lines.line_no` alone would join every
order's first line). Reported with their confidence and evidence (`Inventory.composite_links`),
and followed by requests like any other link (pipelines.rights.records.graph).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyarrow as pa

from connectors import ColumnRef, Link, TableInfo
from connectors.column_refs import quoted, written
from pipelines.discovery.column_names import tokens
from pipelines.discovery.key_names import can_be_key
from pipelines.discovery.link_evidence import LARGE, InferredLink, LinkInputs, TableKey

CONTAINED = 0.8


@dataclass(frozen=True)
class CompositeLink:
    source: tuple[ColumnRef, ...]
    target: tuple[ColumnRef, ...]
    confidence: float
    evidence: str
    basis: str = "naming"

    def __str__(self) -> str:
        return f"{_written(self.source)} -> {_written(self.target)}"

    def as_record(self) -> dict[str, object]:
        return {
            "link": str(self),
            "source": [str(c) for c in self.source],
            "target": [str(c) for c in self.target],
            "kind": "reference",
            "basis": self.basis,
            "confidence": round(self.confidence, 3),
            "evidence": self.evidence,
            "followed_by_requests": True,
        }

    def parts(self) -> list[InferredLink]:
        """One link per pair of columns: what the scan's table-level view (which tables are
        consumers', which columns are keys) needs; requests follow the link whole."""
        return [
            InferredLink(Link(source=s, target=t, kind="reference"), "naming", self.confidence, self.evidence)
            for s, t in zip(self.source, self.target, strict=True)
        ]


def _written(ends: tuple[ColumnRef, ...]) -> str:
    first = ends[0]
    table = written(first.store, first.table, "x").rsplit(".", 1)[0]
    return f"{table}.({', '.join(quoted(c.column) for c in ends)})"


def declared_composite_keys(tables: Mapping[TableKey, TableInfo]) -> list[CompositeLink]:
    """The database's foreign keys of several columns, each one link."""
    return [
        CompositeLink(
            tuple(ColumnRef(store=store, table=table, column=c) for c in fk.columns),
            tuple(ColumnRef(store=store, table=fk.ref_table, column=c) for c in fk.ref_columns),
            1.0,
            "foreign key declared in the database",
            "foreign_key",
        )
        for (store, table), info in tables.items()
        for fk in info.foreign_keys
        if len(fk.columns) > 1
    ]


def by_composite_keys(inputs: LinkInputs, declared: list[CompositeLink]) -> list[CompositeLink]:
    """Links by naming to composite primary keys, after the declared ones (one link per pair of ends)."""
    found = list(declared)
    taken = {(_ends(x.source), _ends(x.target)) for x in declared}
    for target, info in inputs.tables.items():
        key = info.primary_key
        types = {c.name: c.type for c in info.columns}
        if len(key) < 2 or not all(can_be_key(k, types[k], inputs.entities.get((*target, k))) for k in key):
            continue
        for source, columns in _holders(inputs, target, key):
            contained = _contained(inputs, source, columns, target, key)
            if contained is not None and contained >= CONTAINED:
                link = _link(source, columns, target, key, contained)
                if (_ends(link.source), _ends(link.target)) not in taken:
                    found.append(link)
    return found


def _ends(ends: tuple[ColumnRef, ...]) -> frozenset[str]:
    return frozenset(str(c) for c in ends)


def _holders(
    inputs: LinkInputs, target: TableKey, key: tuple[str, ...]
) -> Iterable[tuple[TableKey, list[str]]]:
    """Other tables holding a column named as each part of the key (and not keyed by them alone)."""
    for source, info in inputs.tables.items():
        if source == target:
            continue
        by_words = {tokens(c): c for c in info.column_names}
        columns = [by_words.get(tokens(k)) for k in key]
        if all(columns) and set(info.primary_key) != set(columns):
            yield source, [str(c) for c in columns]


def _contained(
    inputs: LinkInputs, source: TableKey, columns: list[str], target: TableKey, key: tuple[str, ...]
) -> float | None:
    """Share of the source's sampled distinct tuples that the key holds (compared as text)."""
    wanted = _tuples(inputs.samples.get(source), columns)
    if not wanted:
        return None
    info = inputs.tables[target]
    if (info.row_count or 0) >= LARGE or inputs.find is None:
        held = _tuples(inputs.samples.get(target), list(key))
    else:
        first = sorted({t[0] for t in wanted})
        held = _tuples(inputs.find(*target, key[0], first, list(key)), list(key))
    return len(wanted & held) / len(wanted)


def _tuples(table: pa.Table | None, columns: list[str]) -> set[tuple[str, ...]]:
    if table is None or not set(columns) <= set(table.column_names):
        return set()
    rows = zip(*(table.column(c).to_pylist() for c in columns), strict=True)
    return {tuple(str(v) for v in row) for row in rows if all(v is not None for v in row)}


def _link(
    source: TableKey, columns: list[str], target: TableKey, key: tuple[str, ...], contained: float
) -> CompositeLink:
    names = ", ".join(columns)
    evidence = (
        f"names ({names}) are the parts of {target[1]}'s key ({', '.join(key)}); "
        f"{contained:.0%} of sampled value tuples found in that key"
    )
    return CompositeLink(
        tuple(ColumnRef(store=source[0], table=source[1], column=c) for c in columns),
        tuple(ColumnRef(store=target[0], table=target[1], column=k) for k in key),
        0.6 + 0.4 * contained,
        evidence,
    )
