"""`ccpa delete`: the Right to Delete. Plan (--dry-run) or carry out, verify, report.

Exit status 0 when the consumer is gone (zero residue, exemptions aside), 1 when something remains.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.commands.access import add_identity_options, identity_of
from pipelines.commands.options import add_cluster, add_out


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    delete = commands.add_parser("delete", help="delete a consumer's records (Right to Delete)")
    delete.add_argument("--estate", required=True, type=Path, help="estate file (YAML)")
    add_out(delete, "folder for deletion-<id>.json and notices")
    add_identity_options(delete)
    delete.add_argument("--dry-run", action="store_true", help="write the plan, change nothing")
    delete.add_argument("--inventory", type=Path, default=None, help="inventory.json (or its folder) to use")
    add_cluster(delete, "free text and, after the deletion, every text-like column are searched")
    delete.set_defaults(command=run)


def run(args: argparse.Namespace) -> int:
    from pipelines import console
    from pipelines.commands.scan import warn_incomplete
    from pipelines.rights.changes.deletion import answer_deletion

    identity = identity_of(args)
    with console.steps("deletion") as bar:
        console.step_reporter(bar)("planning" if args.dry_run else "deleting", 0)
        answer = answer_deletion(
            args.estate, identity, args.out, args.inventory, args.dry_run, cluster=args.cluster
        )
    incomplete = warn_incomplete(list(answer.unreadable))
    for why in answer.partial:
        console.out.print(f"  {'would be ' if answer.dry_run else ''}kept, deidentified: {why}")
    if answer.dry_run:
        console.out.print(f"plan {answer.request_id} (nothing changed) -> {answer.report}")
        return 1 if incomplete else 0
    if not answer.verified:
        state = f"RESIDUE in {len(answer.residue)} column(s)"
    elif incomplete:
        state = "no residue in the tables read"
    else:
        state = "zero residue"
    resumed = " (resumed an interrupted run)" if answer.resumed else ""
    part = ", complied in part" if answer.partial else ""
    console.out.print(f"deletion {answer.request_id}{resumed}: {state}{part} -> {answer.report}")
    for residue in answer.residue:
        verb = "retained" if residue.exempt else "remains"
        console.out.print(
            f"  {verb}: {residue.store}.{residue.table}.{residue.column} ({residue.rows} rows, {residue.why})"
        )
    return 0 if answer.complied and not incomplete else 1


def add_correct_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    correct = commands.add_parser(
        "correct", help="correct a consumer's values wherever held (Right to Rectify)"
    )
    correct.add_argument("--estate", required=True, type=Path, help="estate file (YAML)")
    add_out(correct, "folder for correction-<id>.json")
    add_identity_options(correct)
    correct.add_argument(
        "--set",
        dest="assignments",
        action="append",
        required=True,
        metavar="FIELD=VALUE",
        help="an entity (STREET_ADDRESS, PHONE_NUMBER...) or a column name, and its new value",
    )
    correct.add_argument("--inventory", type=Path, default=None, help="inventory.json (or its folder) to use")
    correct.set_defaults(command=run_correct)


def run_correct(args: argparse.Namespace) -> int:
    from pipelines import console
    from pipelines.rights.changes.correction import answer_correction, parse_assignments

    identity = identity_of(args)
    answer = answer_correction(
        args.estate, identity, parse_assignments(args.assignments), args.out, args.inventory
    )
    for column, rows in answer.changed.items():
        console.out.print(f"  set {column} on {rows} row(s)")
    console.out.print(f"correction {answer.request_id} -> {answer.report}")
    return 0
