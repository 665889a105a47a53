"""The verbs of `ccpa request` (parsed in `request.py`): each opens the estate's ledger and answers."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from pipelines import console
from pipelines.commands.access import identity_of
from pipelines.rights.changes.correction import parse_assignments
from pipelines.rights.requests import deadlines, lifecycle
from pipelines.rights.requests.answers import run_case, run_ready
from pipelines.rights.requests.datapoints import parse_points
from pipelines.rights.requests.desk import Desk, open_desk
from pipelines.rights.requests.reports import write_reports
from pipelines.rights.requests.verification import verify

Verb = Callable[[Desk, argparse.Namespace], int]
Check = Callable[[argparse.Namespace], None]


def answer(verb: str, args: argparse.Namespace) -> int:
    """Run one verb: bad input is refused before the ledger is opened, so nothing is written."""
    run, check = VERBS[verb]
    if check is not None:
        check(args)
    desk = open_desk(args.estate)
    try:
        return run(desk, args)
    finally:
        desk.close()


def _parse_new(args: argparse.Namespace) -> None:
    args.identity = identity_of(args)
    args.parsed_assignments = parse_assignments(args.assignments) if args.assignments else None
    lifecycle.check_request(args.type, args.channel, args.parsed_assignments)


def _new(desk: Desk, args: argparse.Namespace) -> int:
    case = lifecycle.new_request(
        desk,
        args.type,
        args.identity,
        args.channel,
        args.agent,
        args.received,
        args.note,
        args.parsed_assignments,
    )
    console.out.print(f"request ID: {case.id}")
    console.out.print(f"status: {case.status}; confirm by {case.confirm_by or '-'}; due {case.due}")
    return 0


def _parse_verify(args: argparse.Namespace) -> None:
    args.points = parse_points(args.point)


def _verify(desk: Desk, args: argparse.Namespace) -> int:
    case = verify(
        desk,
        desk.ledger.get(args.id),
        args.points,
        args.identity_confirmed,
        args.signed_declaration,
    )
    console.out.print(f"{case.level} ({case.matched} matched, {case.mismatched} mismatched)")
    return 0


def _show(desk: Desk, args: argparse.Namespace) -> int:
    print(json.dumps(desk.ledger.get(args.id).view(), indent=1))
    return 0


def _list(desk: Desk, args: argparse.Namespace) -> int:
    filtered = args.open or args.due_within is not None
    cases = lifecycle.open_cases(desk, args.due_within) if filtered else desk.ledger.cases()
    today = desk.today()
    if args.format == "json":
        print(
            json.dumps(
                [{**c.view(), "days_left": deadlines.days_left(c.due, today)} for c in cases], indent=1
            )
        )
        return 0
    rows = [
        (c.id, c.type, c.status, str(c.received), str(c.due), deadlines.days_left(c.due, today))
        for c in cases
    ]
    console.table("requests", ["id", "type", "status", "received", "due", "days left"], rows)
    return 0


def _extend(desk: Desk, args: argparse.Namespace) -> int:
    case = lifecycle.extend(desk, desk.ledger.get(args.id), args.reason)
    console.out.print(f"request {case.id}: due {case.due}")
    return 0


def _deny(desk: Desk, args: argparse.Namespace) -> int:
    case = lifecycle.deny(desk, desk.ledger.get(args.id), args.basis, args.reason)
    console.out.print(f"request {case.id}: denied ({case.denial_basis})")
    return 0


def _cancel(desk: Desk, args: argparse.Namespace) -> int:
    case = lifecycle.cancel(desk, desk.ledger.get(args.id))
    console.out.print(f"request {case.id}: canceled")
    return 0


def _run(desk: Desk, args: argparse.Namespace) -> int:
    cases = run_ready(desk, args.out) if args.ready else [run_case(desk, desk.ledger.get(args.id), args.out)]
    for case in cases:
        console.out.print(f"request {case.id}: {case.status} -> {case.package or '-'}")
    return 0


def _report(desk: Desk, args: argparse.Namespace) -> int:
    metrics = write_reports(args.year, desk.ledger.cases(), args.out)
    received = sum(m["received"] for m in metrics["types"].values())
    console.out.print(
        f"{received} request(s) received in {args.year} -> {args.out}/records.csv, metrics.json"
    )
    return 0


VERBS: dict[str, tuple[Verb, Check | None]] = {
    "new": (_new, _parse_new),
    "verify": (_verify, _parse_verify),
    "show": (_show, None),
    "list": (_list, None),
    "extend": (_extend, None),
    "deny": (_deny, None),
    "cancel": (_cancel, None),
    "run": (_run, None),
    "report": (_report, None),
}
