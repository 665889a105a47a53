"""Where a request's walk starts: the rows of the PERSON its identifier leads to.

An email or a customer number is held in the person's own rows: a *person table* is one that holds
an email address (a customer, a CRM contact) or is named in the estate's `identity: {customer_id:
[...]}`. An identifier of a SIM or a device (IMSI, ICCID, MSISDN, IMEI, a login) is held in rows
that belong to a person through references (sims.customer_id -> customers.id, sessions.imsi ->
sims.imsi): the request is about that person, so the walk starts from their person rows, exactly as
if they had asked by email, and finds their other SIMs and sessions from there. Only references out
of a row are followed (many rows to the one they belong to), never into it: that way leads to
other people. A row that leads to no person row is a start itself (an IMSI seen only in the logs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa

from connectors import Store
from pipelines.rights.graph import Catalog, Edge, TableKey
from pipelines.rights.identity import ENTITIES, written_forms
from pipelines.rights.model import Identity

PERSON_ENTITIES = ENTITIES["email"]
# a column holding a customer number by its name (customer_id, cust_id, customerId, CustomerNo...)
_CUSTOMER_NUMBER = re.compile(r"^(customer|cust)_?(id|no|number|num)$")


@dataclass(frozen=True)
class StartingPoint:
    """Look up `value` in `table.column` (`casefold`: an email, in any case); `via` says why."""

    table: TableKey
    column: str
    value: object
    casefold: bool
    via: str


def starting_points(
    identity: Identity,
    catalog: Catalog,
    stores: Mapping[str, Store],
    declared: Mapping[str, list[str]],
) -> list[StartingPoint]:
    """The look-ups a request for `identity` starts with (`declared`: the estate's `identity:`)."""
    persons = person_tables(catalog, declared)
    casefold = identity.kind == "email"
    points: list[StartingPoint] = []
    for table, column in identity_columns(identity.kind, catalog, declared):
        values = _as_stored(written_forms(identity), stores[table[0]], table, column)
        if table in persons:
            points += [StartingPoint(table, column, v, casefold, identity.kind) for v in values]
            continue
        rows = stores[table[0]].find(table[1], column, values, casefold=casefold)
        led = _lead_to_persons(table, rows, catalog, stores, persons, identity.kind)
        points += led or [StartingPoint(table, column, v, casefold, identity.kind) for v in values]
    return list(dict.fromkeys(points))


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
    named = {_column(ref)[0] for ref in declared.get("customer_id", [])}
    return named | {table for table, _ in catalog.columns_holding(PERSON_ENTITIES)}


def _customer_number_columns(
    catalog: Catalog, declared: Mapping[str, list[str]]
) -> list[tuple[TableKey, str]]:
    persons = person_tables(catalog, declared)
    referred = [
        (e.target, e.target_column)
        for e in catalog.edges
        if not e.same_identity and e.target in persons and _CUSTOMER_NUMBER.match(_name(e.source_column))
    ]
    own = [(t, c) for t in persons for c in catalog.meanings.get(t, {}) if _CUSTOMER_NUMBER.match(_name(c))]
    return list(dict.fromkeys([*referred, *own]))


def _lead_to_persons(
    table: TableKey,
    rows: pa.Table,
    catalog: Catalog,
    stores: Mapping[str, Store],
    persons: set[TableKey],
    kind: str,
) -> list[StartingPoint]:
    """Follow references out of the rows holding the identifier until person rows are reached."""
    points: list[StartingPoint] = []
    frontier, seen = [(table, rows)], {table}
    while frontier:
        here, found = frontier.pop()
        for edge in _references_out(here, catalog):
            values = _distinct(found.column(edge.source_column).to_pylist())
            if not values:
                continue
            via = f"{kind} -> {edge.describe()}"
            if edge.target in persons:
                points += [StartingPoint(edge.target, edge.target_column, v, False, via) for v in values]
            elif edge.target not in seen:
                seen.add(edge.target)
                target = stores[edge.target[0]].find(edge.target[1], edge.target_column, values)
                frontier.append((edge.target, target))
    return points


def _references_out(table: TableKey, catalog: Catalog) -> list[Edge]:
    """References from `table` to the owned tables its rows belong to (never to itself)."""
    return [
        e
        for e in catalog.edges
        if e.source == table and not e.same_identity and e.target != table and e.target in catalog.owned
    ]


def _as_stored(values: Sequence[str], store: Store, table: TableKey, column: str) -> list[object]:
    """The identifier as the column stores it: a number for an integer column (a customer number)."""
    types = {c.name: c.type for c in store.table(table[1]).columns}
    if pa.types.is_integer(types.get(column, pa.string())):
        return [int(v) for v in values if v.isdigit()]
    return list(values)


def _distinct(values: Iterable[object]) -> list[object]:
    return list(dict.fromkeys(v for v in values if v is not None))


def _column(ref: str) -> tuple[TableKey, str]:
    table, column = ref.rsplit(".", 1)
    store, name = table.split(".", 1)
    return (store, name), column


def _name(column: str) -> str:
    """snake_case of a column name: customerId -> customer_id, CustomerId -> customer_id."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", column).lower().replace("-", "_")
