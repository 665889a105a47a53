"""Where a request's walk starts: the columns holding its identity, and the identity as each stores it.

The columns: those the estate's `identity:` names for the kind, else those the scan found holding
its entity (a customer number: the key that customer_id columns refer to, or a person table's own).
The values: the forms people write the identifier in (`identity.written_forms`), as the column
stores them (a number in an integer column). From the rows found there, the walk itself
(`traversal`) goes up to the person a SIM or a device belongs to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa

from connectors import ColumnRef, Store
from pipelines.discovery.key_names import key_like, names_table, stems
from pipelines.rights.model import Identity
from pipelines.rights.records.graph import Catalog, TableKey
from pipelines.rights.records.identity import ENTITIES, written_forms


@dataclass(frozen=True)
class StartingPoint:
    """Look up `value` in `table.column` (`casefold`: an email, in any case); `via` says why.
    `inside`: the column is a document, holding the value as one of its leaves (`in_documents`)."""

    table: TableKey
    column: str
    value: object
    casefold: bool
    via: str
    inside: bool = False


def starting_points(
    identity: Identity,
    catalog: Catalog,
    stores: Mapping[str, Store],
    declared: Mapping[str, list[str]],
) -> list[StartingPoint]:
    """The look-ups a request for `identity` starts with (`declared`: the estate's `identity:`)."""
    casefold = identity.kind == "email"
    points: list[StartingPoint] = []
    for table, column in identity_columns(identity.kind, catalog, declared):
        values = _as_stored(written_forms(identity), stores[table[0]], table, column)
        points += [StartingPoint(table, column, v, casefold, identity.kind) for v in values]
    if not declared.get(identity.kind):
        for table, column in document_columns(identity.kind, catalog):
            via = f"{identity.kind} inside the {column} document"
            points += [StartingPoint(table, column, v, casefold, via, True) for v in written_forms(identity)]
    return list(dict.fromkeys(points))


def document_columns(kind: str, catalog: Catalog) -> list[tuple[TableKey, str]]:
    """The document columns with a path holding an identity of this kind (`contact.email`)."""
    entities = set(ENTITIES[kind])
    return list(dict.fromkeys((p.table, p.column) for p in catalog.nested if p.entity in entities))


def identity_columns(
    kind: str, catalog: Catalog, declared: Mapping[str, list[str]]
) -> list[tuple[TableKey, str]]:
    """The columns holding an identity of this kind: named in the estate, else found by the scan
    (a customer number: the key that customer_id columns refer to, or a person table's own)."""
    named = [_column(ref) for ref in declared.get(kind, [])]
    if named:
        return named
    if kind == "customer_id":
        return _customer_number_columns(catalog, declared)
    return catalog.columns_holding(ENTITIES[kind])


def person_tables(catalog: Catalog, declared: Mapping[str, list[str]]) -> set[TableKey]:
    """The catalog's person tables, and those the estate's `identity: {customer_id: ...}` names."""
    return {_column(ref)[0] for ref in declared.get("customer_id", [])} | catalog.persons


def _customer_number_columns(
    catalog: Catalog, declared: Mapping[str, list[str]]
) -> list[tuple[TableKey, str]]:
    persons = person_tables(catalog, declared)
    referred = [
        (e.target, e.target_column)
        for e in catalog.edges
        if not (e.same_identity or e.composite)
        and e.target in persons
        and _names_customer_number(e.source_column)
    ]
    own = [(t, c) for t in persons for c in catalog.meanings.get(t, {}) if _names_customer_number(c)]
    return list(dict.fromkeys([*referred, *own]))


def _as_stored(values: Sequence[str], store: Store, table: TableKey, column: str) -> list[object]:
    """The identifier as the column stores it: a number for an integer column (a customer number)."""
    types = {c.name: c.type for c in store.table(table[1]).columns}
    if pa.types.is_integer(types.get(column, pa.string())):
        return [int(v) for v in values if v.isdigit()]
    return list(values)


def _column(text: str) -> tuple[TableKey, str]:
    ref = ColumnRef.parse(text)
    return (ref.store, ref.table), ref.column


def _names_customer_number(column: str) -> bool:
    """customer_id, cust_id, customerId, CustomerNo, fk_customer: a key named, as a whole, after
    the customer (the naming rule link inference uses; `referrer_customer_id` is someone else's)."""
    found = stems(column)
    return key_like(column) and bool(found) and names_table(found[0], "customers") is not None
