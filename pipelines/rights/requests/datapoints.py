"""Data-point verification (11 CCR 7060-7062): the requester's points against what the estate holds.

What is held comes from the same record finding as access (`find_records`): only the consumer's own
rows count. Values are compared normalised (case, spacing, phone formats, card digits). A point of
a kind the estate does not hold for the consumer neither matches nor contradicts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence

from pipelines.errors import InputError
from pipelines.rights.model import TableRecords
from pipelines.rights.records.graph import Catalog
from pipelines.rights.records.identity import ENTITIES as IDENTITY_KINDS
from pipelines.rights.requests.model import POINT_KINDS

# the identity a request came with (a kind of rights.records.identity.ENTITIES), as a point kind: the same
# name, but a login; a customer number is not a data point a consumer proves themselves with
IDENTITY_POINT = {
    kind: "login" if kind == "login_name" else kind for kind in IDENTITY_KINDS if kind != "customer_id"
}
# point kind -> the inventory entities whose columns hold it: the identity kinds' own, and the
# points that identify no one alone
_OTHER_POINTS: dict[str, tuple[str, ...]] = {
    "name": ("PERSON",),
    "postal_address": ("STREET_ADDRESS",),
    "postal_code": ("POSTAL_CODE",),
    "date_of_birth": ("DATE_OF_BIRTH",),
    "card_last4": ("MASKED_CARD_NUMBER", "CREDIT_CARD"),
}
_IDENTITY_OF_POINT = {point: kind for kind, point in IDENTITY_POINT.items()}
ENTITIES: dict[str, tuple[str, ...]] = {
    point: _OTHER_POINTS[point] if point in _OTHER_POINTS else IDENTITY_KINDS[_IDENTITY_OF_POINT[point]]
    for point in POINT_KINDS
}
MATCHED, MISMATCHED, NOT_HELD = "matched", "mismatched", "not_held"
DECLARATION = "signed_declaration"


def parse_points(items: Sequence[str]) -> list[tuple[str, str]]:
    """`KIND=VALUE` items; an unknown kind is bad input (the value is never echoed)."""
    points = []
    for item in items:
        kind, sep, value = item.partition("=")
        kind = kind.strip()
        if not sep or kind not in POINT_KINDS or not value.strip():
            raise InputError(
                f"--point {kind or '?'}: expected KIND=VALUE, KIND one of {', '.join(POINT_KINDS)}"
            )
        points.append((kind, value))
    return points


def normalised(kind: str, value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    text = " ".join(str(value).split()).casefold()
    if kind in ("phone", "msisdn"):
        digits = re.sub(r"\D", "", text)
        return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    if kind in ("imsi", "iccid", "imei"):
        return re.sub(r"\D", "", text)
    if kind == "card_last4":
        return re.sub(r"\D", "", text)[-4:]
    if kind == "date_of_birth":
        return text[:10]
    if kind == "postal_code":
        return text.replace(" ", "").split("-")[0]
    if kind == "postal_address":
        return " ".join(re.sub(r"[.,#]", " ", text).split())
    return text


def held_values(records: Iterable[TableRecords], catalog: Catalog) -> dict[str, set[str]]:
    """Point kind -> the normalised values held in the consumer's own rows."""
    held: dict[str, set[str]] = {kind: set() for kind in ENTITIES}
    for record in records:
        if record.reference or record.mention_only:
            continue
        meanings = catalog.meanings.get((record.store, record.table), {})
        for kind, entities in ENTITIES.items():
            columns = [
                c for c in record.rows.column_names if c in meanings and meanings[c].entity in entities
            ]
            values = [record.rows.column(c).to_pylist() for c in columns]
            for row in zip(*values, strict=True):
                present = [v for v in row if v is not None]
                held[kind].update(normalised(kind, v) for v in present)
                if kind == "name" and len(present) > 1:  # first_name + last_name
                    held[kind].add(normalised(kind, " ".join(str(v) for v in present)))
    return held


def outcomes(points: Sequence[tuple[str, str]], held: Mapping[str, set[str]]) -> list[tuple[str, str]]:
    """(kind, matched | mismatched | not_held) per point: what the ledger records, never the value."""
    found = []
    for kind, value in points:
        values = held.get(kind, set())
        if not values:
            found.append((kind, NOT_HELD))
        else:
            found.append((kind, MATCHED if normalised(kind, value) in values else MISMATCHED))
    return found


def level_of(recorded: Sequence[tuple[str, str]]) -> tuple[str, int, int]:
    """(level, matched, mismatched) from every outcome recorded for a request.

    Each kind matches once (two phones are one point); any contradiction fails the verification.
    """
    matched = len({kind for kind, outcome in recorded if outcome == MATCHED})
    mismatched = sum(1 for _, outcome in recorded if outcome == MISMATCHED)
    declared = any(kind == DECLARATION for kind, _ in recorded)
    if mismatched:
        return "failed", matched, mismatched
    if matched >= 3 and declared:
        return "reasonably_high", matched, mismatched
    if matched >= 2:
        return "reasonable", matched, mismatched
    return "none", matched, mismatched
