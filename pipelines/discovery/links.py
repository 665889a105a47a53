"""Links between tables that the estate does not declare: foreign keys, naming, shared identifier values.

`a -> b` (reference): many rows of a point at one row of b. `a = b` (same identity): the same
consumer identifier held in both, each side unique (a CRM contact's email and a customer's email).
Every inferred link carries its basis, a confidence and the evidence a reviewer needs; a column
that several keys fit equally well gets none and is reported (`FoundLinks.ambiguous`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from connectors import ColumnRef, Link, TableInfo
from pipelines.discovery.link_composite import CompositeLink, by_composite_keys, declared_composite_keys
from pipelines.discovery.link_evidence import (
    AmbiguousLink,
    Column,
    InferredLink,
    LinkInputs,
    Lookup,
    TableKey,
    overlap,
    ref,
    unique,
)
from pipelines.discovery.link_naming import by_naming

__all__ = [
    "AmbiguousLink",
    "CompositeLink",
    "FoundLinks",
    "InferredLink",
    "LinkInputs",
    "Lookup",
    "TableKey",
    "infer_links",
]

# Values that identify a consumer well enough to join two stores on them.
JOIN_ENTITIES = frozenset(
    {"EMAIL_ADDRESS", "PHONE_NUMBER", "MSISDN", "IMSI", "ICCID", "IMEI", "MAC_ADDRESS", "LOGIN_NAME"}
)
MIN_OVERLAP = 0.3


@dataclass(frozen=True)
class FoundLinks:
    links: list[InferredLink]
    ambiguous: list[AmbiguousLink]
    composite: list[CompositeLink]  # links of several columns each (declared foreign keys, naming)


def infer_links(inputs: LinkInputs, declared: Iterable[Link] = ()) -> FoundLinks:
    """Declared links first, then what the schemas, names and values show; one link per column pair."""
    given = [
        *(InferredLink(link, "declared", 1.0, "declared in the estate file") for link in declared),
        *_foreign_keys(inputs.tables),
    ]
    referring = {_column(x.link.source) for x in given if x.link.kind == "reference"}
    named, ambiguous = by_naming(inputs, referring)
    found: dict[tuple[str, str], InferredLink] = {}
    for candidate in [*given, *named, *_by_values(inputs)]:
        pair = _pair(candidate.link)
        if pair not in found:
            found[pair] = candidate
    composite = by_composite_keys(inputs, declared_composite_keys(inputs.tables))
    return FoundLinks(list(found.values()), ambiguous, composite)


def _column(end: ColumnRef) -> Column:
    return (end.store, end.table, end.column)


def _pair(link: Link) -> tuple[str, str]:
    ends = sorted([str(link.source), str(link.target)])
    return ends[0], ends[1]


def _foreign_keys(tables: Mapping[TableKey, TableInfo]) -> Iterable[InferredLink]:
    for (store, table), info in tables.items():
        for fk in info.foreign_keys:
            if len(fk.columns) != 1:
                continue  # a composite link (link_composite.declared_composite_keys)
            link = Link(
                source=ColumnRef(store=store, table=table, column=fk.columns[0]),
                target=ColumnRef(store=store, table=fk.ref_table, column=fk.ref_columns[0]),
                kind="reference",
            )
            yield InferredLink(link, "foreign_key", 1.0, "foreign key declared in the database")


def _by_values(inputs: LinkInputs) -> Iterable[InferredLink]:
    """sessions.imsi -> sims.imsi, crm.contacts.email = billing.customers.email: the same identifiers."""
    columns = [key for key, entity in inputs.entities.items() if entity in JOIN_ENTITIES]
    for i, a in enumerate(columns):
        for b in columns[i + 1 :]:
            if a[:2] == b[:2] or inputs.entities[a] != inputs.entities[b]:
                continue
            link = _value_link(inputs, a, b)
            if link is not None:
                yield link


def _value_link(inputs: LinkInputs, a: Column, b: Column) -> InferredLink | None:
    emails = inputs.entities.get(a) == "EMAIL_ADDRESS"
    a_in_b, b_in_a = overlap(inputs, a, b, emails), overlap(inputs, b, a, emails)
    if a_in_b is None or b_in_a is None or max(a_in_b, b_in_a) < MIN_OVERLAP:
        return None
    unique_a, unique_b = unique(inputs, a), unique(inputs, b)
    if not (unique_a or unique_b):
        return None  # two logs sharing IMSIs: each refers to the SIM registry, not to each other
    if unique_a and unique_b:
        link = Link(source=ref(a), target=ref(b), kind="same_identity")
    elif unique_b or (not unique_a and a_in_b >= b_in_a):
        link = Link(source=ref(a), target=ref(b), kind="reference")
    else:
        link = Link(source=ref(b), target=ref(a), kind="reference")
    evidence = (
        f"shared {inputs.entities[a]} values: {a_in_b:.0%} of {a[1]}.{a[2]} found in {b[1]}.{b[2]}, "
        f"{b_in_a:.0%} the other way"
    )
    return InferredLink(link, "values", 0.5 + 0.5 * max(a_in_b, b_in_a), evidence)
