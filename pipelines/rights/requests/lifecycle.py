"""A request's life: received, verified, answered (or denied, or canceled), each step an event.

Closing a request keeps only the salted hash of its identity: the raw value and any correction
values are erased from the ledger in the same transaction that records the outcome.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence

from pipelines.errors import InputError
from pipelines.rights.model import Identity
from pipelines.rights.records.identity import identity_hash
from pipelines.rights.requests import deadlines, notices
from pipelines.rights.requests.desk import Desk
from pipelines.rights.requests.model import CHANNELS, DENIAL_BASES, KNOW_TYPES, TYPES, Case
from pipelines.rights.requests.schema import requests

KNOW_PER_YEAR = 2  # 1798.130(b): no more than two requests to know in 12 months need be answered


def new_request(
    desk: Desk,
    request_type: str,
    identity: Identity,
    channel: str = "web",
    agent: str | None = None,
    received: dt.date | None = None,
    note: str | None = None,
    assignments: Mapping[str, str] | None = None,
    by: str = "cli",
) -> Case:
    check_request(request_type, channel, assignments)
    today = desk.today()
    received = received or today
    if received > today:
        raise InputError(f"--received {received}: a request cannot be received after today ({today})")
    case = Case(
        id=f"R{received:%Y%m%d}-{uuid.uuid4().hex[:8]}",
        type=request_type,
        status="received",
        channel=channel,
        received=received,
        confirm_by=deadlines.confirm_by(received, request_type),
        due=deadlines.due(received, request_type),
        identity_kind=identity.kind,
        identity_hash=identity_hash(identity, desk.ledger.salt),
        identity_value=identity.value,
        agent=agent,
        note=note,
        assignments=dict(assignments or {}),
    )
    how = f"received by {channel}" + (f" through authorized agent {agent}" if agent else "")
    desk.ledger.add(case, by, how)
    if request_type in KNOW_TYPES and _earlier_know_requests(desk, case) >= KNOW_PER_YEAR:
        reason = f"We have answered {KNOW_PER_YEAR} requests to know from you in the last 12 months."
        return deny(desk, case, "frequency", reason, by)
    desk.outbox.send(case, "receipt", *notices.receipt(case))
    desk.ledger.save(case, by, "receipt confirmed to the consumer")
    return case


def check_request(request_type: str, channel: str, assignments: Mapping[str, str] | None) -> None:
    if request_type not in TYPES:
        raise InputError(f"--type {request_type}: expected one of {', '.join(TYPES)}")
    if channel not in CHANNELS:
        raise InputError(f"--channel {channel}: expected one of {', '.join(CHANNELS)}")
    if (request_type == "correct") != bool(assignments):
        raise InputError("--set FIELD=VALUE is required for a correct request, and only for one")


def _earlier_know_requests(desk: Desk, case: Case) -> int:
    since = case.received - dt.timedelta(days=365)
    earlier = desk.ledger.cases(
        requests.c.identity_hash.is_(case.identity_hash)
        & requests.c.type.in_(KNOW_TYPES)
        & (requests.c.received >= since)
        & (requests.c.id != case.id)
        & requests.c.status.not_in(("canceled",))
        & ((requests.c.denial_basis.is_(None)) | (requests.c.denial_basis != "frequency"))
    )
    return len(earlier)


def extend(desk: Desk, case: Case, reason: str, by: str = "cli") -> Case:
    _open(case)
    if case.extended:
        raise InputError(f"request {case.id}: already extended once (the law allows one extension)")
    if case.type in deadlines.PREFERENCE_TYPES:
        raise InputError(f"request {case.id}: an {case.type} request cannot be extended")
    if not reason.strip():
        raise InputError("--reason: the consumer must be told why the time is extended")
    case.extended, case.extension_reason = True, reason.strip()
    case.due = deadlines.extended(case.due)
    desk.ledger.save(case, by, f"extended by {deadlines.EXTENSION_DAYS} days to {case.due}")
    desk.outbox.send(case, "extension", *notices.extension(case))
    return case


def deny(desk: Desk, case: Case, basis: str, reason: str, by: str = "cli") -> Case:
    _open(case)
    if basis not in DENIAL_BASES:
        raise InputError(f"--basis {basis}: expected one of {', '.join(DENIAL_BASES)}")
    if not reason.strip():
        raise InputError("--reason: a denial must say why")
    case.denial_basis = basis
    desk.outbox.send(case, "denial", *notices.denial(case, reason.strip()))
    return close(desk, case, "denied", f"denied ({basis}): {reason.strip()}", by)


def cancel(desk: Desk, case: Case, by: str = "cli") -> Case:
    _open(case)
    return close(desk, case, "canceled", "canceled", by)


def close(desk: Desk, case: Case, status: str, what: str, by: str) -> Case:
    """The final state: outcome and response date recorded, the raw identity erased."""
    case.status = case.outcome = status
    case.responded = desk.today()
    case.identity_value = None
    case.assignments = {}
    desk.ledger.save(case, by, what)
    return case


def deny_unverifiable(desk: Desk, by: str = "cli") -> list[Case]:
    """Open requests past their due date that were never verified: denied `unverified`."""
    today = desk.today()
    late = [
        c
        for c in desk.ledger.cases(requests.c.status == "received")
        if c.needs_verification and c.due < today
    ]
    reason = "We could not verify your identity before the deadline."
    return [deny(desk, case, "unverified", reason, by) for case in late]


def open_cases(desk: Desk, due_within: int | None = None) -> Sequence[Case]:
    cases = [c for c in desk.ledger.cases() if c.is_open]
    if due_within is None:
        return cases
    today = desk.today()
    return [c for c in cases if deadlines.days_left(c.due, today) <= due_within]


def _open(case: Case) -> None:
    if not case.is_open:
        raise InputError(f"request {case.id} is closed ({case.status})")
