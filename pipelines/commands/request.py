"""`ccpa request VERB --estate E ...`: requests as cases, kept in the estate's ledger (PRODUCT.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from pipelines import console
from pipelines.commands.access import add_identity_options, identity_of
from pipelines.rights.correction import parse_assignments
from pipelines.rights.requests import deadlines, lifecycle
from pipelines.rights.requests.answers import run_case, run_ready
from pipelines.rights.requests.datapoints import parse_points
from pipelines.rights.requests.desk import Desk, open_desk
from pipelines.rights.requests.model import CHANNELS, DENIAL_BASES, POINT_KINDS, TYPES
from pipelines.rights.requests.reports import write_reports
from pipelines.rights.requests.verification import verify

Verb = Callable[[Desk, argparse.Namespace], int]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    request = commands.add_parser("request", help="consumers' requests as cases (ledger, deadlines, answers)")
    verbs = request.add_subparsers(required=True, metavar="VERB")
    new = _verb(verbs, "new", "record a request received", _new, _parse_new)
    new.add_argument("--type", required=True, choices=TYPES)
    add_identity_options(new)
    new.add_argument("--channel", default="web", choices=CHANNELS)
    new.add_argument("--agent", default=None, metavar="NAME", help="the authorized agent who made it")
    new.add_argument("--received", type=_date, default=None, help="YYYY-MM-DD (default: today there)")
    new.add_argument("--note", default=None)
    new.add_argument("--set", dest="assignments", action="append", default=[], metavar="FIELD=VALUE")
    check = _verb(
        verbs, "verify", "match the requester's data points against what is held", _verify, _parse_verify
    )
    check.add_argument("id")
    check.add_argument(
        "--point", action="append", default=[], metavar="KIND=VALUE", help=", ".join(POINT_KINDS)
    )
    check.add_argument("--identity-confirmed", action="store_true")
    check.add_argument("--signed-declaration", action="store_true")
    _verb(verbs, "show", "print a request as JSON", _show).add_argument("id")
    listing = _verb(verbs, "list", "list requests", _list)
    listing.add_argument("--open", action="store_true")
    listing.add_argument("--due-within", type=int, default=None, metavar="DAYS")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    extend = _verb(verbs, "extend", "extend the answer by 45 days (once)", _extend)
    extend.add_argument("id")
    extend.add_argument("--reason", required=True)
    deny = _verb(verbs, "deny", "deny a request, with its basis", _deny)
    deny.add_argument("id")
    deny.add_argument("--basis", required=True, choices=DENIAL_BASES)
    deny.add_argument("--reason", required=True)
    _verb(verbs, "cancel", "cancel a request (withdrawn)", _cancel).add_argument("id")
    run = _verb(verbs, "run", "answer ready requests", _run)
    which = run.add_mutually_exclusive_group(required=True)
    which.add_argument("id", nargs="?")
    which.add_argument("--ready", action="store_true")
    run.add_argument(
        "--out", type=Path, default=None, help="folder for the answers (default: beside the ledger)"
    )
    report = _verb(verbs, "report", "records.csv (7101) and metrics (7102) of a year", _report)
    report.add_argument("--year", type=int, required=True)
    report.add_argument("--out", type=Path, required=True)


def _verb(
    verbs: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help: str,
    verb: Verb,
    check: Callable[[argparse.Namespace], None] | None = None,
) -> argparse.ArgumentParser:
    parser = verbs.add_parser(name, help=help)
    parser.add_argument("--estate", required=True, type=Path, help="estate file (YAML)")
    parser.set_defaults(command=lambda args: _with_desk(verb, args, check))
    return parser


def _with_desk(
    verb: Verb, args: argparse.Namespace, check: Callable[[argparse.Namespace], None] | None
) -> int:
    """Bad input is refused before the ledger is opened: nothing is written."""
    if check is not None:
        check(args)
    desk = open_desk(args.estate)
    try:
        return verb(desk, args)
    finally:
        desk.close()


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {text!r}") from None


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
