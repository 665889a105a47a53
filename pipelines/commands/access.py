"""`ccpa access`: the Right to Know. One consumer (--email X, --phone ...) or many (--emails FILE)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.commands.options import add_cluster, add_out
from pipelines.errors import InputError

if TYPE_CHECKING:
    from pipelines.rights.model import Identity


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    access = commands.add_parser("access", help="build a consumer's access package (Right to Know)")
    access.add_argument("--estate", required=True, type=Path, help="estate file (YAML)")
    add_out(access, "folder for access-<id>.zip and requests.jsonl")
    who = add_identity_options(access)
    who.add_argument("--emails", type=Path, metavar="FILE", help="batch: one email per line, one pass")
    period = access.add_mutually_exclusive_group()
    period.add_argument(
        "--lookback-days", type=int, default=None, help="days before today (default 365, at most 36,500)"
    )
    period.add_argument("--all-time", action="store_true", help="everything held, whatever its date")
    access.add_argument(
        "--inventory",
        type=Path,
        default=None,
        help="inventory.json (or its folder) to use (default: beside --out, the estate's reports, "
        "else scan now)",
    )
    secret = access.add_mutually_exclusive_group()
    secret.add_argument("--passphrase", default=None, help="encrypt the zip (AES) with this passphrase")
    secret.add_argument(
        "--passphrase-env",
        default=None,
        metavar="VAR",
        help="the same, the passphrase read from environment variable VAR (kept out of process lists)",
    )
    add_cluster(access, "free text is searched for the consumers' identifiers")
    access.set_defaults(command=run)


def run(args: argparse.Namespace) -> int:
    from pipelines import console
    from pipelines.commands.scan import warn_incomplete
    from pipelines.rights.packages.access import answer_access

    identities = _identities(args)
    passphrase = args.passphrase or _passphrase(args.passphrase_env)
    with console.steps("access") as bar:
        report = console.step_reporter(bar)
        report(f"{len(identities)} request(s)", 0)
        answers = answer_access(
            args.estate,
            identities,
            args.out,
            args.inventory,
            args.lookback_days,
            args.all_time,
            passphrase,
            cluster=args.cluster,
            progress=lambda done, total: report(f"{done:,} of {total:,} requests answered", 0),
        )
    for answer in answers:
        rows = sum(answer.counts.values())
        tables = sum(1 for n in answer.counts.values() if n)
        console.out.print(
            f"request {answer.request_id}: {rows:,} rows from {tables} tables -> {answer.package}"
        )
    return 1 if answers and warn_incomplete(list(answers[0].unreadable)) else 0


def _identities(args: argparse.Namespace) -> list[Identity]:
    from pipelines.rights.packages.access import read_identities

    if args.emails is not None:
        return read_identities(args.emails, "email")
    return [identity_of(args)]


def add_identity_options(parser: argparse.ArgumentParser) -> argparse._MutuallyExclusiveGroup:
    """--email / --phone / --imsi / ...: exactly one, required (one option per identity kind)."""
    from pipelines.rights.records.identity import ENTITIES

    who = parser.add_mutually_exclusive_group(required=True)
    for kind in ENTITIES:
        who.add_argument(f"--{kind.replace('_', '-')}", dest=kind, metavar=kind.upper())
    return who


def identity_of(args: argparse.Namespace) -> Identity:
    """The one identity given by --email / --phone / ... (the option groups make it exactly one)."""
    from pipelines.rights.records.identity import ENTITIES, parse_identity

    kind = next(k for k in ENTITIES if getattr(args, k, None) is not None)
    return parse_identity(kind, getattr(args, kind))


def _passphrase(variable: str | None) -> str | None:
    if variable is None:
        return None
    value = os.environ.get(variable)
    if not value:
        raise InputError(f"--passphrase-env: environment variable {variable} is not set")
    return value
