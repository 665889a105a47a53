"""Whose row is it: the one ownership model, used by every request (access, deletion, correction,
verification) row by row, and by the scan table by table.

Tables, from the inventory and the estate's links (declared or inferred):
- a *holder* holds a consumer identifier itself (an email, a phone, an IMSI...);
- a *person* table holds an email: its rows are people (customers, contacts, staff);
- an *owned* table is a holder, or refers through references to an owned table; two columns
  holding the same identity (`a = b`) make both owned when either is (`owned_tables`).
Rows, for one consumer (`Owner`, filled by the walk in traversal.py):
1. *subject* rows match the request's identity, or hold the same identity (`a = b`); a subject row
   outside the person tables (a SIM asked for by IMSI) leads to the person it belongs to (the
   customer row its `customer_id` names), a subject row too. Their tables are the *anchors*.
2. A row that refers to a row of the consumer's is theirs, unless it also refers to an anchor row
   that is not theirs: a payment whose own `customer_id` is someone else's is that person's,
   whatever rental of the consumer's it points at (`foreign_reference`).
3. A row the consumer's rows refer to (`referenced_role`): another person's when it is a person row
   (the member of staff who served them) or refers to another consumer's anchor row (the card of
   another customer); in a holder table (an address), theirs when no other row refers to it and
   shared when others' do; otherwise reference data (a store, a film, a plan).
Shared and reference rows are in the package, never deleted; another person's rows are in no
package, and the consumer's keys naming them are replaced by a note (`OTHER_PERSON`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.rights.records.decided import CONSUMER
from pipelines.rights.records.link_keys import key_array, key_name, key_text

if TYPE_CHECKING:
    from pipelines.rights.records.graph import Edge

TableKey = tuple[str, str]
Role = Literal["subject", "owned", "shared", "reference", "other_person"]
OTHER_PERSON = "[refers to another person's record]"
_KEY, _INDEX = "__key", "__index"


def owned_tables(
    holders: Iterable[TableKey], links: Iterable[tuple[TableKey, TableKey, bool]]
) -> set[TableKey]:
    """Tables whose rows belong to people: the holders, tables referring to owned ones (`source ->
    target`), and both sides of a same identity (`same` True). Self-references are not followed."""
    owned = set(holders)
    edges = list(links)
    changed = True
    while changed:
        changed = False
        for source, target, same in edges:
            if source == target:
                continue
            for this, that in ((source, target), (target, source)) if same else ((source, target),):
                if that in owned and this not in owned:
                    owned.add(this)
                    changed = True
    return owned


@dataclass
class Owner:
    """What one consumer owns so far: their anchor tables and, per table, the values of the ends of
    links (as text, `link_keys`), to tell their rows from others'."""

    anchors: set[TableKey] = field(default_factory=set)
    values: dict[tuple[TableKey, str], set[str]] = field(default_factory=dict)

    def add(self, table: TableKey, end: str, value: str) -> None:
        """A value of a link's end (`key_name`) in a row of theirs (as `key_text`)."""
        self.values.setdefault((table, end), set()).add(value)


def foreign_reference(owner: Owner, row: dict[str, object], references: Iterable[Edge]) -> Edge | None:
    """The reference of `row` (a row of the references' source) to an anchor row not the owner's."""
    for ref in references:
        value = key_text(row, ref.source_columns)
        anchor = ref.target in owner.anchors and value is not None
        if anchor and value not in owner.values.get((ref.target, key_name(ref.target_columns)), set()):
            return ref
    return None


def foreign_references(owners: Sequence[Owner], rows: pa.Table, references: Sequence[Edge]) -> np.ndarray:
    """`foreign_reference` for every row at once (`rows[consumer]`: the index of its owner in
    `owners`): per row, the position in `references` of the first one naming an anchor row not
    its owner's, -1 for none. Hash joins where the keys' text is Arrow's (text and integer keys),
    row by row otherwise."""
    first = np.full(rows.num_rows, -1, dtype=np.int64)
    consumers = rows.column(CONSUMER).to_numpy()
    if not all(_as_text(rows.schema.field(c).type) for r in references for c in r.source_columns):
        for index, row in enumerate(rows.to_pylist()):
            found = foreign_reference(owners[consumers[index]], row, references)
            first[index] = -1 if found is None else list(references).index(found)
        return first
    for position, ref in enumerate(references):
        anchored = [i for i, owner in enumerate(owners) if ref.target in owner.anchors]
        end = (ref.target, key_name(ref.target_columns))
        theirs = [(i, value) for i in anchored for value in owners[i].values.get(end, ())]
        keys = pa.table(
            {
                CONSUMER: pa.array(consumers, pa.int32()),
                _KEY: key_array(rows, ref.source_columns),
                _INDEX: pa.array(np.arange(rows.num_rows)),
            }
        )
        named = pc.and_(pc.is_in(keys[CONSUMER], pa.array(anchored, pa.int32())), pc.is_valid(keys[_KEY]))
        foreign = keys.filter(named)
        if theirs:
            owned = pa.table(
                {
                    CONSUMER: pa.array([i for i, _ in theirs], pa.int32()),
                    _KEY: pa.array([v for _, v in theirs], pa.string()),
                }
            )
            foreign = foreign.join(owned, keys=[CONSUMER, _KEY], join_type="left anti", use_threads=False)
        hits = foreign.column(_INDEX).to_numpy()
        hits = hits[first[hits] < 0]
        first[hits] = position
    return first


def _as_text(kind: pa.DataType) -> bool:
    """Arrow writes these as `str` does, so `key_array` and `key_text` agree on them."""
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_integer(kind))


def referenced_role(
    table: TableKey, persons: set[TableKey], holders: set[TableKey], foreign: Edge | None
) -> tuple[Role | None, str]:
    """The role of a row the consumer's rows refer to, and why; None: decided by who else refers to it."""
    if table in persons:
        return "other_person", "another person's record (a person row that is not the consumer's)"
    if foreign is not None:
        return "other_person", f"another consumer's record: {foreign.describe()} names someone else"
    if table in holders:
        return None, ""
    return (
        "reference",
        "reference data: no personal information of anyone, referred to by the consumer's rows",
    )


def shared_role(others: int) -> tuple[Role, str]:
    """A holder row the consumer's rows refer to, by how many rows of other people refer to it."""
    if others:
        return "shared", f"shared: {others} other record(s) refer to it; never deleted"
    return "owned", "the consumer's: only the consumer's records refer to it"
