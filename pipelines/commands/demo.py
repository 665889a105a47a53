"""`ccpa demo-estate` builds the IoT demo estate; `ccpa demo` builds it and runs inventory_refresh on it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pipelines.commands.options import add_out, iso_date, positive, whole

MOST = 10_000_000  # consumers, days or sessions: beyond this a demo is not a demo


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    estate = commands.add_parser("demo-estate", help="build the IoT demo estate (SQLite + Parquet)")
    _demo_options(estate, default_out=None)
    estate.set_defaults(command=run_estate)
    demo = commands.add_parser("demo", help="build the demo estate and run inventory_refresh (Dagster) on it")
    _demo_options(demo, default_out=Path("demo"))
    demo.set_defaults(command=run_demo)


def _demo_options(parser: argparse.ArgumentParser, default_out: Path | None) -> None:
    add_out(parser, "folder to write the estate to (replaced if it holds an earlier demo)", default_out)
    parser.add_argument("--consumers", type=positive(MOST), default=1000)
    parser.add_argument("--days", type=positive(3_650), default=30, help="days of device logs")
    parser.add_argument(
        "--sessions", type=positive(1_000_000_000), default=None, help="data-session rows in all"
    )
    parser.add_argument("--seed", type=whole(0, 2**32 - 1), default=7)
    parser.add_argument(
        "--as-of", type=iso_date, default=None, help="last day of the logs (default: today, UTC)"
    )
    parser.add_argument("--billing-url", default=None, help="SQLAlchemy URL for billing (default SQLite)")
    parser.add_argument("--crm-url", default=None, help="SQLAlchemy URL for the CRM (default SQLite)")


def run_estate(args: argparse.Namespace) -> int:
    from pipelines import console
    from pipelines.demo_estate import build_demo_estate
    from pipelines.output import staged_folder

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


def run_demo(args: argparse.Namespace) -> int:
    from connectors import load_estate
    from pipelines import console
    from pipelines.commands.scan import summarise
    from pipelines.commands.stores import print_overview
    from pipelines.defs.runs import run_inventory_refresh

    run_estate(args)
    estate_file = args.out / "estate.yaml"
    print_overview(load_estate(estate_file))
    reports = args.out / "reports"
    result = run_inventory_refresh(estate_file.resolve(), reports.resolve())
    columns = json.loads((reports / "inventory.json").read_text(encoding="utf-8"))["columns"]
    summarise(columns, reports)
    failed = ", ".join(result.failed_checks) or "none"
    console.out.print(
        f"dagster run {result.run_id} ({'succeeded' if result.success else 'FAILED'}) in {result.dagster_home}; "
        f"failed checks: {failed}\nreports: {reports}/inventory.json, {reports}/coverage.html"
    )
    return 0 if result.success else 1
