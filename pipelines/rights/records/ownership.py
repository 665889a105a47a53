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

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pipelines.rights.records.link_keys import key_name, key_text

if TYPE_CHECKING:
    from pipelines.rights.records.graph import Edge

TableKey = tuple[str, str]
Role = Literal["subject", "owned", "shared", "reference", "other_person"]
OTHER_PERSON = "[refers to another person's record]"


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
    rows: set[tuple[TableKey, str]] = field(default_factory=set)  # (table, row digest) theirs

    def holds(self, table: TableKey, digest: str) -> bool:
        return (table, digest) in self.rows

    def add(self, table: TableKey, digest: str, ends: dict[str, str | None]) -> None:
        """A row of theirs, with its values of the links' ends (`key_name` -> `key_text`)."""
        self.rows.add((table, digest))
        for end, value in ends.items():
            if value is not None:
                self.values.setdefault((table, end), set()).add(value)


def foreign_reference(owner: Owner, row: dict[str, object], references: Iterable[Edge]) -> Edge | None:
    """The reference of `row` (a row of the references' source) to an anchor row not the owner's."""
    for ref in references:
        value = key_text(row, ref.source_columns)
        anchor = ref.target in owner.anchors and value is not None
        if anchor and value not in owner.values.get((ref.target, key_name(ref.target_columns)), set()):
            return ref
    return None


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
