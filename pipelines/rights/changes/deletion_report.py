"""deletion-<id>.json (PRODUCT.md): per table what was deleted, deidentified, redacted or kept, and why;
the verification; and the notices sent to service providers and contractors (1798.105(c))."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

from connectors import Estate
from pipelines.output import staged_files
from pipelines.rights.changes.deletion_plan import DeletionPlan
from pipelines.rights.changes.verification import Residue

# 1798.105(c): service providers and contractors, and (CPRA) third parties the data was sold or
# shared with; the notice also directs its group entities.
NOTIFIED = ("service_providers", "contractors", "third_parties", "group_entities")
# What the recipients are asked to do, per kind of request (deletion: 1798.105(c); opt-out of sale or
# sharing: 1798.120, 1798.135(c)(6); limiting the use of sensitive PI: 1798.121, 1798.135(c)(4)).
PURPOSES = {
    "delete": (
        "Cal. Civ. Code 1798.105(c): a verified consumer request to delete",
        "request to delete their personal information",
        "Delete the personal information of this consumer that we made available to you, "
        "notify your own service providers and contractors, and confirm when done.",
    ),
    "opt-out": (
        "Cal. Civ. Code 1798.120 and 1798.135: a consumer's opt-out of sale and sharing",
        "request to opt out of the sale and sharing of their personal information",
        "Do not sell or share this consumer's personal information, and forward this to any party "
        "you made it available to.",
    ),
    "limit": (
        "Cal. Civ. Code 1798.121 and 1798.135: a consumer's request to limit the use of sensitive PI",
        "request to limit the use of their sensitive personal information",
        "Use this consumer's sensitive personal information only as 1798.121(a) permits.",
    ),
}
PAST = {"delete": "deleted", "deidentify": "deidentified", "redact": "redacted", "correct": "corrected"}


def deletion_report(
    request_id: str,
    identity_sha256: str,
    plan: DeletionPlan,
    dry_run: bool,
    done: dict[str, list[dict[str, object]]] | None = None,
    residue: Sequence[Residue] = (),
    notices: Sequence[dict[str, object]] = (),
    suppressed: int = 0,
    resumed: bool = False,
    partial: Sequence[str] = (),
) -> dict[str, object]:
    tables: list[dict[str, object]] = []
    for step in plan.steps:
        tables.append(
            {
                "store": step.store,
                "table": step.table,
                "action": step.action if dry_run else PAST[step.action],
                "rows": step.rows.num_rows,
                "columns": list(step.columns),
                "reason": step.reason,
                "exemption": step.exemption,
            }
        )
    for key, kept in plan.kept.items():
        store, table = key.split(".", 1)
        tables.append(
            {
                "store": store,
                "table": table,
                "action": "retained",
                "rows": kept.rows,
                "columns": [],
                "reason": kept.reason,
                "exemption": kept.exemption,
            }
        )
    return {
        "request_id": request_id,
        "type": "delete",
        "dry_run": dry_run,
        "identity_sha256": identity_sha256,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "resumed_after_interruption": resumed,
        "tables": tables,
        "applied": done or {},
        "verification": None
        if dry_run
        else {
            "zero_residue": not [r for r in residue if not r.exempt],
            "residue": [asdict(r) for r in residue if not r.exempt],
            "retained_under_exemption": [asdict(r) for r in residue if r.exempt],
        },
        # rows deidentified, not deleted, because another row not deleted refers to them
        "complied_in_part": list(partial),
        # rows the walk reached that are another person's (never changed), per table and why
        "left_out": list(plan.left_out),
        "notices": list(notices),
        "suppression_entries_added": suppressed,
    }


def write_report(document: dict[str, object], out: Path) -> Path:
    name = f"deletion-{document['request_id']}{'-plan' if document['dry_run'] else ''}.json"
    with staged_files(out) as stage:
        stage.path(name).write_text(json.dumps(document, indent=1), encoding="utf-8")
    return out / name


def write_notices(
    estate: Estate,
    request_id: str,
    plan: DeletionPlan,
    identifiers: Mapping[str, Sequence[str]],
    out: Path,
    purpose: str = "delete",
    held: Mapping[str, list[str]] | None = None,
) -> list[dict[str, object]]:
    """A notice per recipient of each store the plan touched, or of `held` (store -> tables)
    when given (JSON + text), for a deletion by default."""
    touched: dict[str, list[str]] = {store: list(names) for store, names in (held or {}).items()}
    for step in plan.steps if held is None else ():
        touched.setdefault(step.store, [])
        if step.table not in touched[step.store]:
            touched[step.store].append(step.table)
    notices: list[dict[str, object]] = []
    folder = f"{'deletion' if purpose == 'delete' else purpose}-{request_id}-notices"
    with staged_files(out) as stage:
        for store, tables in touched.items():
            shared = estate.stores[store].shared_with
            for kind in (k for k in NOTIFIED if k in shared):
                for name in shared[kind] or [kind.replace("_", " ")]:
                    ids = identifiers.get(store, [])
                    notice = _notice(request_id, kind, name, store, tables, ids, purpose)
                    stem = f"{folder}/{_slug(name)}-{store}"
                    stage.path(f"{stem}.json").write_text(json.dumps(notice, indent=1), encoding="utf-8")
                    stage.path(f"{stem}.txt").write_text(_text(notice), encoding="utf-8")
                    notices.append({"recipient": name, "kind": kind, "store": store, "file": f"{stem}.json"})
    return notices


def _notice(
    request_id: str, kind: str, name: str, store: str, tables: list[str], ids: Sequence[str], purpose: str
) -> dict[str, object]:
    basis, _, instruction = PURPOSES[purpose]
    return {
        "request_id": request_id,
        "to": name,
        "recipient_kind": kind,
        "date": dt.date.today().isoformat(),
        "basis": basis,
        "purpose": purpose,
        "data": {"store": store, "tables": tables},
        "consumer_identifiers": list(ids),
        "instruction": instruction,
    }


def _text(notice: dict[str, object]) -> str:
    data = notice["data"]
    assert isinstance(data, dict)
    return (
        f"To: {notice['to']}\nDate: {notice['date']}\nRequest: {notice['request_id']}\n\n"
        f"We received a consumer's {PURPOSES[str(notice['purpose'])][1]} "
        f"({notice['basis']}). It concerns data from our {data['store']} records "
        f"({', '.join(data['tables'])}). The consumer's identifiers are: "
        f"{', '.join(notice['consumer_identifiers'])}.\n\n{notice['instruction']}\n"  # type: ignore[arg-type]
    )


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") or "recipient"
