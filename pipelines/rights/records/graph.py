"""The estate as a graph of tables, seen from a consumer: where an identity is held, what refers to what.

Built from the inventory (what each column holds) and its links (declared, else inferred). Which
tables and rows belong to whom is decided in one place, pipelines.rights.records.ownership.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from connectors import ColumnRef, Estate, Link
from mappings import FREE_TEXT
from pipelines.rights.model import ColumnMeaning
from pipelines.rights.records.identity import ENTITIES
from pipelines.rights.records.ownership import owned_tables

TableKey = tuple[str, str]
# Entities whose value identifies one consumer: a table holding one is somebody's.
IDENTIFYING = frozenset(e for entities in ENTITIES.values() for e in entities)
DOCUMENT = "NESTED"  # the entity of a column the inventory reports as paths (JSON, struct, list)


@dataclass(frozen=True)
class NestedPath:
    """A leaf inside a document column holding personal information (`who.email`): requests search
    the columns with identifier paths (`in_documents`), deletions clean them (`changes.documents`)."""

    table: TableKey
    column: str
    path: str
    entity: str


@dataclass(frozen=True)
class Edge:
    """`source.column` refers to `target.column` (reference), or holds the same identity (same);
    a composite reference has several columns at each end (`shipments.(order_id, line_no)`)."""

    source: TableKey
    source_columns: tuple[str, ...]
    target: TableKey
    target_columns: tuple[str, ...]
    same_identity: bool

    @property
    def source_column(self) -> str:
        """The one column of a single-column end (most code has no composite to handle)."""
        assert len(self.source_columns) == 1, "a composite link's end has several columns"
        return self.source_columns[0]

    @property
    def target_column(self) -> str:
        assert len(self.target_columns) == 1, "a composite link's end has several columns"
        return self.target_columns[0]

    @property
    def composite(self) -> bool:
        return len(self.source_columns) > 1

    def describe(self) -> str:
        arrow = "=" if self.same_identity else "->"
        return f"{self.source[1]}.{_columns(self.source_columns)} {arrow} {self.target[1]}.{_columns(self.target_columns)}"


@dataclass
class Catalog:
    """What the inventory knows: every column's meaning, and the links between tables."""

    meanings: dict[TableKey, dict[str, ColumnMeaning]]
    edges: list[Edge]
    owned: set[TableKey] = field(default_factory=set)
    holders: set[TableKey] = field(default_factory=set)  # tables holding an identifier themselves
    persons: set[TableKey] = field(default_factory=set)  # tables holding an email: rows are people
    nested: list[NestedPath] = field(default_factory=list)  # PI inside documents, with a category
    unreadable: list[str] = field(default_factory=list)  # "store.table" the inventory could not read
    views: set[TableKey] = field(default_factory=set)  # read-only: never written by a request

    @classmethod
    def from_inventory(cls, document: Mapping[str, object], estate: Estate) -> Catalog:
        meanings: dict[TableKey, dict[str, ColumnMeaning]] = {}
        paths: dict[tuple[TableKey, str], list[tuple[str, ColumnMeaning]]] = {}
        views: set[TableKey] = set()
        for record in document["columns"]:  # type: ignore[attr-defined]
            key = (str(record["store"]), str(record["table"]))
            if record.get("kind") == "view":
                views.add(key)
            meaning = ColumnMeaning(
                record.get("category"),
                record.get("entity"),
                record.get("sensitive_kind"),
                also=frozenset(record.get("other_entities") or ()),
            )
            if record.get("path"):
                paths.setdefault((key, str(record["column"])), []).append((str(record["path"]), meaning))
            else:
                meanings.setdefault(key, {})[str(record["column"])] = meaning
        for (key, column), leaves in paths.items():
            meanings.setdefault(key, {})[column] = _document_meaning([m for _, m in leaves])
        links = [Link.parse(str(x["link"])) for x in document.get("links", [])]  # type: ignore[attr-defined]
        links += [x for x in estate.links if all(str(x) != str(y) for y in links)]
        nested = [
            NestedPath(key, column, path, str(m.entity))
            for (key, column), leaves in paths.items()
            for path, m in leaves
            if m.category and m.entity
        ]
        edges = [_edge(link) for link in links]
        edges += [_composite(x) for x in document.get("composite_links", [])]  # type: ignore[attr-defined]
        catalog = cls(meanings, edges, nested=nested, views=views)
        catalog.unreadable = [str(t) for t in document.get("unreadable", [])]  # type: ignore[attr-defined]
        catalog.holders = catalog._holders()
        catalog.persons = {t for t, _ in catalog.columns_holding(["EMAIL_ADDRESS"]) if t not in views}
        catalog.owned = owned_tables(
            catalog.holders, [(e.source, e.target, e.same_identity) for e in catalog.edges]
        )
        return catalog

    @classmethod
    def read(cls, path: Path, estate: Estate) -> Catalog:
        return cls.from_inventory(json.loads(path.read_text(encoding="utf-8")), estate)

    def columns_holding(self, entities: Iterable[str]) -> list[tuple[TableKey, str]]:
        wanted = set(entities)
        return [
            (table, column)
            for table, columns in self.meanings.items()
            for column, meaning in columns.items()
            if meaning.entity in wanted and meaning.category
        ]

    def free_text_columns(self) -> list[tuple[TableKey, str]]:
        return [(t, c) for t, cols in self.meanings.items() for c, m in cols.items() if m.entity == FREE_TEXT]

    def _holders(self) -> set[TableKey]:
        return {
            table
            for table, columns in self.meanings.items()
            if any((m.entity in IDENTIFYING and m.category) or m.held & IDENTIFYING for m in columns.values())
        }

    def references(self) -> list[Edge]:
        """Every link that is a reference between two tables (not a same identity, not a self-reference)."""
        return [e for e in self.edges if not e.same_identity and e.source != e.target]


def _document_meaning(leaves: list[ColumnMeaning]) -> ColumnMeaning:
    """A document column as a whole: PI when a path is, sensitive when a path is (withheld whole)."""
    found = [m for m in leaves if m.category]
    kinds = [m.sensitive_kind for m in found if m.sensitive_kind]
    return ColumnMeaning(
        found[0].category if found else None,
        DOCUMENT,
        kinds[0] if kinds else None,
        frozenset(str(m.entity) for m in found if m.entity),
    )


def _edge(link: Link) -> Edge:
    return Edge(
        source=_table(link.source),
        source_columns=(link.source.column,),
        target=_table(link.target),
        target_columns=(link.target.column,),
        same_identity=link.kind == "same_identity",
    )


def _composite(record: Mapping[str, object]) -> Edge:
    """A composite link of the inventory (`link_composite`): its ends' columns, in key order."""
    source = [ColumnRef.parse(str(c)) for c in record["source"]]  # type: ignore[attr-defined]
    target = [ColumnRef.parse(str(c)) for c in record["target"]]  # type: ignore[attr-defined]
    return Edge(
        _table(source[0]),
        tuple(c.column for c in source),
        _table(target[0]),
        tuple(c.column for c in target),
        same_identity=False,
    )


def _columns(columns: tuple[str, ...]) -> str:
    return columns[0] if len(columns) == 1 else f"({', '.join(columns)})"


def _table(ref: ColumnRef) -> TableKey:
    return (ref.store, ref.table)
