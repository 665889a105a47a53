"""`ccpa stores`: open every store of an estate and list its tables, columns, rows and partitions."""

from __future__ import annotations

import argparse
from pathlib import Path

from connectors import Estate, load_estate


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stores = commands.add_parser("stores", help="list the tables of every store of an estate")
    stores.add_argument("--estate", required=True, type=Path, help="estate file (YAML)")
    stores.set_defaults(command=run)


def run(args: argparse.Namespace) -> int:
    print_overview(load_estate(args.estate))
    return 0


def print_overview(estate: Estate) -> None:
    from pipelines import console
    from pipelines.estate_overview import overview

    tables = overview(estate)
    console.table(
        f"estate {estate.path}",
        ["store", "kind", "table", "columns", "rows", "partitioned by", "read"],
        [(t.store, t.kind, t.table, t.columns, t.rows, ", ".join(t.partitions), t.status) for t in tables],
    )
