"""The request log (11 CCR 7101): every request, its type, dates and outcome, kept 24 months.

The log never holds the identifier a consumer gave: only a SHA-256 of it, enough to count requests
per consumer (two access requests in 12 months need be answered) without keeping their identity.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from pathlib import Path

from pipelines.rights.model import AccessRequest, Identity, Period
from pipelines.rights.records.identity import identity_hash

LOG = "requests.jsonl"


def new_request_id() -> str:
    """The id of a request answered now (access, deletion, correction): its UTC date and a random part."""
    return f"{dt.datetime.now(dt.UTC):%Y%m%d}-{uuid.uuid4().hex[:10]}"


def log_request(
    out: Path,
    request: AccessRequest,
    kind: str,
    outcome: str,
    detail: dict[str, object] | None = None,
    method: str = "cli",
) -> None:
    entry = {
        "request_id": request.request_id,
        "type": kind,
        "method": method,
        "received": request.received.isoformat(timespec="seconds"),
        "responded": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "identity_kind": request.identity.kind,
        "identity_sha256": identity_hash(request.identity),
        "period": {
            "start": str(request.period.start) if request.period.start else None,
            "end": str(request.period.end),
        },
        "outcome": outcome,
        **({"detail": detail} if detail else {}),
    }
    out.mkdir(parents=True, exist_ok=True)
    with open(out / LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")
        log.flush()
        os.fsync(log.fileno())


def log_change(
    out: Path, request_id: str, identity: Identity, kind: str, outcome: str, detail: dict[str, object]
) -> None:
    """Log a request that changes the estate (delete, correct, opt-out, limit): all time, received now.

    Once per request: a run killed after logging resumes from its journal and logs nothing more."""
    if _logged(out, request_id, kind):
        return
    now = dt.datetime.now(dt.UTC)
    request = AccessRequest(request_id, identity, now, Period(None, now.date()))
    log_request(out, request, kind, outcome=outcome, detail=detail)


def _logged(out: Path, request_id: str, kind: str) -> bool:
    try:
        lines = (out / LOG).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return False
    marker = json.dumps(request_id)
    for line in lines:
        if marker in line:
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line torn by a kill: the entry is written again
            if entry.get("request_id") == request_id and entry.get("type") == kind:
                return True
    return False
