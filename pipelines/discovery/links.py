"""Links between tables that the estate does not declare: foreign keys, naming, shared identifier values.

`a -> b` (reference): many rows of a point at one row of b. `a = b` (same identity): the same
consumer identifier held in both, each side unique (a CRM contact's email and a customer's email).
Every inferred link carries its basis, a confidence and the evidence a reviewer needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

from connectors import ColumnRef, Link, TableInfo
from pipelines.discovery.column_names import tokens

TableKey = tuple[str, str]  # (store, table)
Basis = Literal["declared", "foreign_key", "naming", "values"]
# Values that identify a consumer well enough to join two stores on them.
JOIN_ENTITIES = frozenset(
    {"EMAIL_ADDRESS", "PHONE_NUMBER", "MSISDN", "IMSI", "ICCID", "IMEI", "MAC_ADDRESS", "LOGIN_NAME"}
)
MIN_OVERLAP = 0.3
LARGE = 500_000  # a table this big is not searched to infer links: its sample stands for it

# (store, table, column, values) -> how many of `values` the column holds
Lookup = Callable[[str, str, str, Sequence[object]], int]


@dataclass(frozen=True)
class InferredLink:
    link: Link
    basis: Basis
    confidence: float
    evidence: str

    def as_record(self) -> dict[str, object]:
        return {
            "link": str(self.link),
            "source": str(self.link.source),
            "target": str(self.link.target),
            "kind": self.link.kind,
            "basis": self.basis,
            "confidence": round(self.confidence, 3),
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class LinkInputs:
    tables: Mapping[TableKey, TableInfo]
    samples: Mapping[TableKey, pa.Table]
    entities: Mapping[tuple[str, str, str], str | None]  # (store, table, column) -> entity found
    lookup: Lookup


def infer_links(inputs: LinkInputs, declared: Iterable[Link] = ()) -> list[InferredLink]:
    """Declared links first, then what the schemas, names and values show; one link per column pair."""
    found: dict[tuple[str, str], InferredLink] = {}
    candidates = [
        *(InferredLink(link, "declared", 1.0, "declared in the estate file") for link in declared),
        *_foreign_keys(inputs.tables),
        *_by_naming(inputs),
        *_by_values(inputs),
    ]
    for candidate in candidates:
        pair = _pair(candidate.link)
        if pair not in found:
            found[pair] = candidate
    return list(found.values())


def _pair(link: Link) -> tuple[str, str]:
    ends = sorted([str(link.source), str(link.target)])
    return ends[0], ends[1]


def _foreign_keys(tables: Mapping[TableKey, TableInfo]) -> Iterable[InferredLink]:
    for (store, table), info in tables.items():
        for fk in info.foreign_keys:
            for column, ref_column in zip(fk.columns, fk.ref_columns, strict=True):
                link = Link(
                    source=ColumnRef(store=store, table=table, column=column),
                    target=ColumnRef(store=store, table=fk.ref_table, column=ref_column),
                    kind="reference",
                )
                yield InferredLink(link, "foreign_key", 1.0, "foreign key declared in the database")


def _by_naming(inputs: LinkInputs) -> Iterable[InferredLink]:
    """customer_id -> customers.id, shipping_address_id -> address.id: a column named after a table
    (after any role words), whose values that table's key holds."""
    by_name = _tables_by_singular_name(inputs.tables)
    for (store, table), info in inputs.tables.items():
        for column in info.column_names:
            target = _named_target(inputs, by_name, (store, table), column)
            if target is not None:
                yield target


def _named_target(
    inputs: LinkInputs, by_name: dict[str, list[tuple[str, str, str]]], table: TableKey, column: str
) -> InferredLink | None:
    words = tokens(column)
    if len(words) < 2 or words[-1] != "id":
        return None
    for start in range(len(words) - 1):  # 'shipping_address' first, then 'address'
        for target_store, target_table, target_column in by_name.get("_".join(words[start:-1]), []):
            if (target_store, target_table) == table:
                continue
            target = (target_store, target_table, target_column)
            overlap = _overlap(inputs, (*table, column), target)
            if overlap is None or overlap < 0.8:
                continue
            link = Link(
                source=ColumnRef(store=table[0], table=table[1], column=column),
                target=ColumnRef(store=target_store, table=target_table, column=target_column),
                kind="reference",
            )
            evidence = (
                f"name {column} -> {target_table}.{target_column}; {overlap:.0%} of sampled values found"
            )
            return InferredLink(link, "naming", 0.6 + 0.4 * overlap, evidence)
    return None


def _tables_by_singular_name(tables: Mapping[TableKey, TableInfo]) -> dict[str, list[tuple[str, str, str]]]:
    """'customer' -> [(billing, customers, id)]: tables with a one-column key, by their singular name."""
    named: dict[str, list[tuple[str, str, str]]] = {}
    for (store, table), info in tables.items():
        key = (
            info.primary_key[0] if len(info.primary_key) == 1 else ("id" if "id" in info.column_names else "")
        )
        if not key:
            continue
        base = "_".join(tokens(table.split(".")[-1]))
        for singular in _singulars(base):
            named.setdefault(singular, []).append((store, table, key))
    return named


def _singulars(name: str) -> set[str]:
    forms = {name}
    if name.endswith("ies"):
        forms.add(name[:-3] + "y")
    if name.endswith("es"):
        forms.add(name[:-2])
    if name.endswith("s"):
        forms.add(name[:-1])
    return forms


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


def _value_link(inputs: LinkInputs, a: tuple[str, str, str], b: tuple[str, str, str]) -> InferredLink | None:
    a_in_b, b_in_a = _overlap(inputs, a, b), _overlap(inputs, b, a)
    if a_in_b is None or b_in_a is None or max(a_in_b, b_in_a) < MIN_OVERLAP:
        return None
    unique_a, unique_b = _unique(inputs, a), _unique(inputs, b)
    if not (unique_a or unique_b):
        return None  # two logs sharing IMSIs: each refers to the SIM registry, not to each other
    ref_a, ref_b = (
        ColumnRef(store=a[0], table=a[1], column=a[2]),
        ColumnRef(store=b[0], table=b[1], column=b[2]),
    )
    if unique_a and unique_b:
        link = Link(source=ref_a, target=ref_b, kind="same_identity")
    elif unique_b or (not unique_a and a_in_b >= b_in_a):
        link = Link(source=ref_a, target=ref_b, kind="reference")
    else:
        link = Link(source=ref_b, target=ref_a, kind="reference")
    overlap = max(a_in_b, b_in_a)
    evidence = (
        f"shared {inputs.entities[a]} values: {a_in_b:.0%} of {a[1]}.{a[2]} found in {b[1]}.{b[2]}, "
        f"{b_in_a:.0%} the other way"
    )
    return InferredLink(link, "values", 0.5 + 0.5 * overlap, evidence)


def _sample_values(inputs: LinkInputs, column: tuple[str, str, str]) -> pa.Array | None:
    sample = inputs.samples.get(column[:2])
    if sample is None or column[2] not in sample.column_names:
        return None
    return pc.unique(pc.drop_null(sample.column(column[2]).combine_chunks()))


def _unique(inputs: LinkInputs, column: tuple[str, str, str]) -> bool:
    info = inputs.tables.get(column[:2])
    if info is not None and info.primary_key == (column[2],):
        return True
    sample = inputs.samples.get(column[:2])
    if sample is None:
        return False
    values = pc.drop_null(sample.column(column[2]).combine_chunks())
    return len(values) > 0 and len(pc.unique(values)) == len(values)


def _overlap(inputs: LinkInputs, source: tuple[str, str, str], target: tuple[str, str, str]) -> float | None:
    """Share of the source's sampled distinct values that the target column holds (emails: any case)."""
    values = _sample_values(inputs, source)
    if values is None or len(values) == 0:
        return None
    info = inputs.tables.get(target[:2])
    if info is not None and (info.row_count or 0) >= LARGE:
        return _sample_overlap(inputs, values, target)
    wanted = values.to_pylist()
    if pa.types.is_string(values.type) and inputs.entities.get(source) == "EMAIL_ADDRESS":
        wanted = sorted({*wanted, *(str(v).lower() for v in wanted)})
        hits = inputs.lookup(*target, wanted)
        return min(1.0, hits / len(values))
    return inputs.lookup(*target, wanted) / len(values)


def _sample_overlap(inputs: LinkInputs, values: pa.Array, target: tuple[str, str, str]) -> float | None:
    """Share of the values that the target's own sample holds: a lower bound, costing no read."""
    theirs = _sample_values(inputs, target)
    if theirs is None:
        return None
    found = pc.is_in(pc.cast(values, pa.string()), value_set=pc.cast(theirs, pa.string()))
    return float(pc.sum(pc.cast(found, pa.int64())).as_py() or 0) / len(values)
