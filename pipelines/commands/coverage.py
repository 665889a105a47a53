"""`ccpa coverage`: does the notice disclose every category, recipient and sensitive kind held?

Exit status 1 when it does not (a gap), 0 when it does, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from mappings import MappingError
from pipelines.commands import scan
from pipelines.commands.options import add_out

if TYPE_CHECKING:
    from mappings import Notice


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cover = commands.add_parser("coverage", help="check the notice covers every category of PI held")
    cover.add_argument("--estate", required=True, type=Path, help="estate file (YAML)")
    cover.add_argument(
        "--notice",
        type=Path,
        default=None,
        help="the notice as YAML (default: mappings/notice.yaml, the encoded notice.txt)",
    )
    add_out(cover, "folder for coverage.json and coverage.html")
    cover.add_argument(
        "--inventory",
        type=Path,
        default=None,
        help="folder holding inventory.json from `ccpa scan` (default: scan now into --out)",
    )
    cover.add_argument(
        "--cluster",
        default=None,
        metavar="ADDRESS",
        help="where dates of birth are counted: tcp://HOST:PORT of a dask scheduler, or none "
        "(in this process); default: the estate's compute.cluster, else in this process",
    )
    cover.set_defaults(command=run)


def run(args: argparse.Namespace) -> int:
    from connectors import load_estate
    from mappings import load_categories
    from pipelines import console
    from pipelines.coverage.report import coverage_of, write_coverage
    from pipelines.engine import check_address

    if args.cluster is not None:
        check_address(args.cluster)  # before any work
    estate = load_estate(args.estate)
    notice = _notice(args.notice)
    records, unreadable = _inventory(args)
    document = coverage_of(estate, records, notice, load_categories(), cluster=args.cluster)
    write_coverage(document, args.out)
    gaps = document["gaps"]
    assert isinstance(gaps, list)
    for gap in gaps:
        console.out.print(
            f"[red]gap[/red] {gap['kind'].replace('_', ' ')}: {gap['subject']} "
            f"({len(gap['columns'])} columns, e.g. {gap['columns'][0]})"
        )
    incomplete = scan.warn_incomplete(unreadable)
    status = f"{len(gaps)} gap(s)" if gaps else "no gaps in the tables read" if incomplete else "no gaps"
    console.out.print(f"coverage: {status} -> {args.out}/coverage.html")
    return 1 if gaps or incomplete else 0


def _notice(path: Path | None) -> Notice:
    from mappings import load_notice

    if path is not None and path.suffix.lower() not in {".yaml", ".yml"}:
        raise MappingError(f"{path}: expected the notice as YAML (the format of mappings/notice.yaml)")
    return load_notice(path)


def _inventory(args: argparse.Namespace) -> tuple[list[dict[str, object]], list[str]]:
    """The inventory's columns, and its unreadable tables (`store.table`)."""
    if args.inventory is None:
        scanned = scan.inventory_of(args.estate, args.out, sample=1_000)
        return [r.as_dict() for r in scanned.columns], [t.qualified for t in scanned.unreadable]
    path = args.inventory / "inventory.json" if args.inventory.is_dir() else args.inventory
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        columns, unreadable = list(document["columns"]), [str(t) for t in document.get("unreadable", [])]
    except FileNotFoundError:
        raise MappingError(f"{path}: no inventory here; run `ccpa scan` first or omit --inventory") from None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise MappingError(f"{path}: not an inventory.json written by `ccpa scan`") from None
    return columns, unreadable
