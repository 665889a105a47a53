"""A consumer's request as a case: its type, where it stands, its dates, its verification and answer.

The names are the contract's (PRODUCT.md "Requests"): `ccpa request show` prints `Case.view()`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

TYPES = ("know", "know-categories", "delete", "correct", "opt-out", "limit")
CHANNELS = ("web", "email", "phone", "mail", "in_person")
STATUSES = ("received", "verified", "processing", "complied", "complied_in_part", "denied", "canceled")
CLOSED = ("complied", "complied_in_part", "denied", "canceled")
LEVELS = ("none", "reasonable", "reasonably_high", "failed")
DENIAL_BASES = ("frequency", "unverified", "exemption", "other")
ANSWERS = ("specific_pieces", "categories_only")
POINT_KINDS = (
    "name",
    "phone",
    "email",
    "postal_address",
    "postal_code",
    "date_of_birth",
    "card_last4",
    "imsi",
    "iccid",
    "imei",
    "msisdn",
    "login",
)
# Opt-out of sale/sharing and limiting the use of sensitive PI need no verification (7026, 7027).
UNVERIFIED_TYPES = ("opt-out", "limit")
KNOW_TYPES = ("know", "know-categories")


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    by: str
    what: str


@dataclass
class Case:
    """One row of the ledger's `requests` table, with its events."""

    id: str
    type: str
    status: str
    channel: str
    received: dt.date
    confirm_by: dt.date | None
    due: dt.date
    identity_kind: str
    identity_hash: str
    identity_value: str | None = None  # None once the request is closed
    agent: str | None = None
    note: str | None = None
    extended: bool = False
    extension_reason: str | None = None
    level: str = "none"
    matched: int = 0
    mismatched: int = 0
    answer: str | None = None
    outcome: str | None = None
    denial_basis: str | None = None
    package: str | None = None
    responded: dt.date | None = None
    assignments: dict[str, str] = field(default_factory=dict)  # correct: FIELD -> VALUE (kept while open)
    events: list[Event] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED

    @property
    def needs_verification(self) -> bool:
        return self.type not in UNVERIFIED_TYPES

    @property
    def ready(self) -> bool:
        """Can be answered now: verified enough, or a type that needs no verification."""
        if self.status == "verified":
            return True
        return self.status == "received" and not self.needs_verification

    def view(self) -> dict[str, Any]:
        """What `ccpa request show` prints (PRODUCT.md's fields exactly; an agent is named in the events)."""
        return {
            "id": self.id,
            "type": self.type,
            "status": self.status,
            "channel": self.channel,
            "received": self.received.isoformat(),
            "confirm_by": self.confirm_by.isoformat() if self.confirm_by else None,
            "due": self.due.isoformat(),
            "extended": self.extended,
            "verification": {"level": self.level, "matched": self.matched, "mismatched": self.mismatched},
            "answer": self.answer,
            "outcome": self.outcome,
            "denial_basis": self.denial_basis,
            "package": self.package,
            "events": [
                {"at": e.at.isoformat(timespec="seconds"), "by": e.by, "what": e.what} for e in self.events
            ],
        }
