"""`ccpa scan`: the inventory of an estate, with progress per table and a summary at the end."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.commands.options import add_out, positive
from pipelines.errors import InputError

if TYPE_CHECKING:
    from pipelines.discovery.full_values import FullValueRead
    from pipelines.discovery.inventory import Inventory

CACHE_FOLDER = ".ccpa-cache"
MOST_SAMPLED = 1_000_000_000  # rows per table


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    scan = commands.add_parser("scan", help="classify every column of every store (inventory)")
    scan.add_argument("--estate", required=True, type=Path, help="estate file (YAML)")
    add_out(scan, "folder for inventory.json/.csv/.parquet")
    scan.add_argument(
        "--sample", type=positive(MOST_SAMPLED), default=1_000, help="rows sampled per table (default 1000)"
    )
    scan.add_argument("--full", action="store_true", help="re-sample every table, even unchanged ones")
    scan.add_argument(
        "--suppression",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder of a suppression list (ccpa delete's --out): flag deleted consumers found again",
    )
    scan.add_argument(
        "--full-values",
        action="store_true",
        help="after the sample, read every value of every column that can hold personal information",
    )
    scan.add_argument(
        "--cluster",
        default=None,
        metavar="ADDRESS",
        help="with --full-values or --suppression: tcp://HOST:PORT of a dask scheduler, or none (in "
        "this process); default: the estate's compute.cluster, else a local cluster of one worker per "
        "core for --full-values and this process for --suppression",
    )
    scan.set_defaults(command=run)


def run(args: argparse.Namespace) -> int:
    from rich.markup import escape

    from pipelines import console

    if args.cluster is not None and not (args.full_values or args.suppression is not None):
        raise InputError("--cluster: only with --full-values or --suppression")
    read = _full_value_read(args) if args.full_values else None
    with read.cluster_started() if read is not None else nullcontext():
        inventory = inventory_of(args.estate, args.out, args.sample, full=args.full, full_read=read)
    summarise([r.as_dict() for r in inventory.columns], args.out)
    if read is not None and read.summary is not None:
        from pipelines.discovery.full_values.progress import report_full_read

        report_full_read(read.summary)
    if args.suppression is not None:
        _flag_reimported(args, inventory)
    console.out.print(
        f"{inventory.tables_sampled} tables sampled, {inventory.tables_reused} unchanged since the last "
        f"scan; {len(inventory.links)} links"
    )
    for store, skipped in inventory.skipped:
        console.out.print(f"skipped {store}/{skipped.path}: {skipped.reason}")
    for table in inventory.unreadable:
        console.out.print(f"[red]unreadable[/red] {table.qualified}: {table.reason}")
    for ambiguous in inventory.ambiguous_links:
        console.out.print(f"[yellow]ambiguous link[/yellow] {escape(ambiguous.describe())}")
    return 1 if warn_incomplete([t.qualified for t in inventory.unreadable]) else 0


def warn_incomplete(unreadable: list[str]) -> bool:
    """Say that the inventory misses tables (True), so nothing built on it claims completeness."""
    from pipelines import console

    if not unreadable:
        return False
    console.err.print(
        f"[red]inventory incomplete[/red]: {len(unreadable)} table{'s' if len(unreadable) > 1 else ''} "
        f"unreadable: {', '.join(unreadable)}"
    )
    return True


def _full_value_read(args: argparse.Namespace) -> FullValueRead:
    from connectors import load_estate
    from pipelines.discovery.full_values.progress import full_value_read

    return full_value_read(load_estate(args.estate), args.cluster)


def inventory_of(
    estate_file: Path, out: Path, sample: int, full: bool = False, full_read: FullValueRead | None = None
) -> Inventory:
    from connectors import load_estate
    from pipelines import console
    from pipelines.discovery.inventory import scan_estate
    from pipelines.discovery.report import write_inventory
    from pipelines.discovery.scan_cache import ScanCache

    estate = load_estate(estate_file)
    cache = None if full else ScanCache(out / CACHE_FOLDER)
    with console.steps("scanning") as bar:
        report = console.step_reporter(bar)
        inventory = scan_estate(
            estate, sample_size=sample, cache=cache, progress=lambda e, d: report(d, 0), full_read=full_read
        )
    if inventory.notice:
        console.err.print(f"note: {inventory.notice}")
    write_inventory(inventory, out)
    return inventory


def summarise(columns: list[dict[str, object]], out: Path) -> None:
    """A category x store table of the inventory's columns."""
    from pipelines import console

    by_store: Counter[tuple[str, str]] = Counter()
    for record in columns:
        by_store[(str(record["store"]), str(record["category"] or "-"))] += 1
    stores = sorted({s for s, _ in by_store})
    categories = [*sorted({c for _, c in by_store if c != "-"}), "-"]
    console.table(
        f"inventory: {len(columns):,} columns, {sum(1 for r in columns if r['category']):,} with personal "
        f"information, {sum(1 for r in columns if r['sensitive']):,} sensitive -> {out}/inventory.json",
        ["category", *stores],
        [(c if c != "-" else "(none)", *(by_store[(s, c)] for s in stores)) for c in categories],
    )


def _flag_reimported(args: argparse.Namespace, inventory: Inventory) -> None:
    from connectors import load_estate
    from pipelines import console
    from pipelines.engine import cluster_for
    from pipelines.rights.changes.suppression import reimported
    from pipelines.rights.records.graph import IDENTIFYING

    columns = [
        (r.store, r.table, r.column)
        for r in inventory.columns
        if r.entity in IDENTIFYING and r.category and not r.path  # values inside documents: not yet
    ]
    estate = load_estate(args.estate)
    cluster = cluster_for(args.cluster, estate.compute.cluster)
    found = reimported(estate, columns, args.suppression, cluster, estate.compute.workers)
    (args.out / "reimported.json").write_text(json.dumps({"reimported": found}, indent=1), encoding="utf-8")
    for hit in found:
        console.err.print(
            f"[red]re-imported[/red]: {hit['identifiers']} identifier(s) of deleted consumers "
            f"in {hit['store']}.{hit['table']}.{hit['column']}"
        )
