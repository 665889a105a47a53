"""`ccpa request VERB`: consumers' requests as cases (PRODUCT.md "Requests"). The parser only:
the verbs, which open the ledger and the rights code, are in `request_verbs` and imported when one runs."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from pipelines.commands.access import add_identity_options
from pipelines.rights.requests.model import CHANNELS, DENIAL_BASES, POINT_KINDS, TYPES


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    request = commands.add_parser("request", help="consumers' requests as cases (ledger, deadlines, answers)")
    verbs = request.add_subparsers(required=True, metavar="VERB")
    new = _verb(verbs, "new", "record a request received")
    new.add_argument("--type", required=True, choices=TYPES)
    add_identity_options(new)
    new.add_argument("--channel", default="web", choices=CHANNELS)
    new.add_argument("--agent", default=None, metavar="NAME", help="the authorized agent who made it")
    new.add_argument("--received", type=_date, default=None, help="YYYY-MM-DD (default: today there)")
    new.add_argument("--note", default=None)
    new.add_argument("--set", dest="assignments", action="append", default=[], metavar="FIELD=VALUE")
    check = _verb(verbs, "verify", "match the requester's data points against what is held")
    check.add_argument("id")
    check.add_argument(
        "--point", action="append", default=[], metavar="KIND=VALUE", help=", ".join(POINT_KINDS)
    )
    check.add_argument("--identity-confirmed", action="store_true")
    check.add_argument("--signed-declaration", action="store_true")
    _verb(verbs, "show", "print a request as JSON").add_argument("id")
    listing = _verb(verbs, "list", "list requests")
    listing.add_argument("--open", action="store_true")
    listing.add_argument("--due-within", type=int, default=None, metavar="DAYS")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    extend = _verb(verbs, "extend", "extend the answer by 45 days (once)")
    extend.add_argument("id")
    extend.add_argument("--reason", required=True)
    deny = _verb(verbs, "deny", "deny a request, with its basis")
    deny.add_argument("id")
    deny.add_argument("--basis", required=True, choices=DENIAL_BASES)
    deny.add_argument("--reason", required=True)
    _verb(verbs, "cancel", "cancel a request (withdrawn)").add_argument("id")
    run = _verb(verbs, "run", "answer ready requests")
    which = run.add_mutually_exclusive_group(required=True)
    which.add_argument("id", nargs="?")
    which.add_argument("--ready", action="store_true")
    run.add_argument(
        "--out", type=Path, default=None, help="folder for the answers (default: beside the ledger)"
    )
    report = _verb(verbs, "report", "records.csv (7101) and metrics (7102) of a year")
    report.add_argument("--year", type=int, required=True)
    report.add_argument("--out", type=Path, required=True)


def _verb(
    verbs: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help: str
) -> argparse.ArgumentParser:
    parser = verbs.add_parser(name, help=help)
    parser.add_argument("--estate", required=True, type=Path, help="estate file (YAML)")
    parser.set_defaults(command=lambda args: _answer(name, args))
    return parser


def _answer(verb: str, args: argparse.Namespace) -> int:
    """The verb's module (the ledger, the rights code) is imported only when a verb runs."""
    from pipelines.commands.request_verbs import answer

    return answer(verb, args)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {text!r}") from None
