"""The `ccpa` command: parse, call the domain code, print. Bad input: one line, exit status 2."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from connectors import Estate, EstateError, StoreError, load_estate
from mappings import MappingError
from pipelines import console
from pipelines.commands import access, coverage, delete, request, scan
from pipelines.errors import InputError
from pipelines.estate_overview import overview
from pipelines.output import OutputError, staged_folder

USER_ERRORS = (EstateError, StoreError, OutputError, MappingError, InputError)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    command: Callable[[argparse.Namespace], int] = args.command
    try:
        return command(args)
    except USER_ERRORS as err:
        console.fail(str(err))
        return 2
    except KeyboardInterrupt:
        console.fail("interrupted; nothing was committed")
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ccpa", description="CCPA/CPRA data discovery and requests.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    stores = commands.add_parser("stores", help="list the tables of every store of an estate")
    stores.add_argument("--estate", required=True, type=Path, help="estate file (YAML)")
    stores.set_defaults(command=_stores)

    estate = commands.add_parser("demo-estate", help="build the IoT demo estate (SQLite + Parquet)")
    _demo_options(estate, out_required=True)
    estate.set_defaults(command=_demo_estate)

    demo = commands.add_parser("demo", help="build the demo estate and run inventory_refresh (Dagster) on it")
    _demo_options(demo, out_required=False)
    demo.set_defaults(command=_demo)
    scan.add_parser(commands)
    coverage.add_parser(commands)
    access.add_parser(commands)
    delete.add_parser(commands)
    delete.add_correct_parser(commands)
    request.add_parser(commands)
    return parser


def _demo_options(parser: argparse.ArgumentParser, out_required: bool) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        required=out_required,
        default=Path("demo"),
        help="folder to write the estate to (replaced if it holds an earlier demo)",
    )
    parser.add_argument("--consumers", type=_positive, default=1000)
    parser.add_argument("--days", type=_positive, default=30, help="days of device logs")
    parser.add_argument("--sessions", type=_positive, default=None, help="data-session rows in all")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--as-of", type=dt.date.fromisoformat, default=None, help="last day of the logs (default: today, UTC)"
    )
    parser.add_argument("--billing-url", default=None, help="SQLAlchemy URL for billing (default SQLite)")
    parser.add_argument("--crm-url", default=None, help="SQLAlchemy URL for the CRM (default SQLite)")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text}")
    return value


def _stores(args: argparse.Namespace) -> int:
    _print_overview(load_estate(args.estate))
    return 0


def _demo_estate(args: argparse.Namespace) -> int:
    from pipelines.demo_estate import build_demo_estate

    with staged_folder(args.out, marker="labels.json") as building, console.steps("demo estate") as bar:
        built = build_demo_estate(
            building,
            consumers=args.consumers,
            days=args.days,
            seed=args.seed,
            sessions=args.sessions,
            as_of=args.as_of,
            billing_url=args.billing_url,
            crm_url=args.crm_url,
            progress=console.step_reporter(bar),
        )
    total = sum(built.counts.values())
    console.out.print(f"demo estate: {total:,} rows in {len(built.counts)} tables -> {args.out}/estate.yaml")
    return 0


def _demo(args: argparse.Namespace) -> int:
    _demo_estate(args)
    estate_file = args.out / "estate.yaml"
    _print_overview(load_estate(estate_file))
    from pipelines.defs.runs import run_inventory_refresh

    reports = args.out / "reports"
    result = run_inventory_refresh(estate_file.resolve(), reports.resolve())
    columns = json.loads((reports / "inventory.json").read_text(encoding="utf-8"))["columns"]
    scan.summarise(columns, reports)
    failed = ", ".join(result.failed_checks) or "none"
    console.out.print(
        f"dagster run {result.run_id} ({'succeeded' if result.success else 'FAILED'}) in {result.dagster_home}; "
        f"failed checks: {failed}\nreports: {reports}/inventory.json, {reports}/coverage.html"
    )
    return 0 if result.success else 1


def _print_overview(estate: Estate) -> None:
    tables = overview(estate)
    console.table(
        f"estate {estate.path}",
        ["store", "kind", "table", "columns", "rows", "partitioned by", "read"],
        [(t.store, t.kind, t.table, t.columns, t.rows, ", ".join(t.partitions), t.status) for t in tables],
    )


if __name__ == "__main__":
    sys.exit(main())
