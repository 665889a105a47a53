"""`ccpa request verify`: record the requester's data points, matched against what the estate holds.

The ledger keeps each point's kind and outcome, never its value. The identity the request came
with counts as a point only once the requester has shown control of it (`--identity-confirmed`).
"""

from __future__ import annotations

from collections.abc import Sequence

from pipelines.errors import InputError
from pipelines.rights.model import Identity
from pipelines.rights.records.finding import find_records
from pipelines.rights.records.sources import load_catalog
from pipelines.rights.requests.datapoints import (
    DECLARATION,
    IDENTITY_POINT,
    MATCHED,
    held_values,
    level_of,
    outcomes,
)
from pipelines.rights.requests.desk import Desk
from pipelines.rights.requests.model import Case


def verify(
    desk: Desk,
    case: Case,
    points: Sequence[tuple[str, str]],
    identity_confirmed: bool = False,
    signed_declaration: bool = False,
    by: str = "cli",
) -> Case:
    if not case.is_open or case.status not in ("received", "verified"):
        raise InputError(f"request {case.id} cannot be verified now ({case.status})")
    if not case.needs_verification:
        raise InputError(f"request {case.id}: an {case.type} request needs no verification")
    if case.identity_value is None:
        raise InputError(f"request {case.id} has no identity left to verify against")
    identity = Identity(case.identity_kind, case.identity_value)
    catalog = load_catalog(desk.estate, None, desk.home / "answers")
    (records,) = find_records(desk.estate, catalog, [identity])
    found = outcomes(points, held_values(records, catalog))
    if identity_confirmed and case.identity_kind in IDENTITY_POINT:
        owned = any(r.rows.num_rows for r in records if not r.reference and not r.mention_only)
        found.append((IDENTITY_POINT[case.identity_kind], MATCHED if owned else "not_held"))
    if signed_declaration:
        found.append((DECLARATION, "given"))
    recorded = [*desk.ledger.points(case.id), *found]
    case.level, case.matched, case.mismatched = level_of(recorded)
    if case.level in ("reasonable", "reasonably_high"):
        case.status = "verified"
    else:
        case.status = "received"  # a contradicting point takes back an earlier verification
    summary = ", ".join(f"{kind} {outcome}" for kind, outcome in found) or "no data points"
    desk.ledger.save(case, by, f"verification: {summary} -> {case.level}", found)
    return case
