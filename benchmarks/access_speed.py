"""Access requests on the 10M-session demo estate: one at a time (p50 over 20 consumers), and
1,000 in batch mode (one pass over the logs), next to the same 1,000 answered one by one.

    .venv/bin/python -m benchmarks.access_speed [--estate DIR] [--consumers 20] [--batch 1000] [--one-by-one 50]

The 100M-session estate's 10,000-request batch: `--estate DIR --batch 10000 --one-by-one 0`
(the CLI's `ccpa access --emails FILE` answers the same batch with its packages).

Measures finding the records and writing the packages, with the inventory already made (the
nightly job keeps it), in one long-running process as the Dagster job or a service would.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from connectors import load_estate
from pipelines.demo_estate import build_demo_estate
from pipelines.discovery.analyzer import build_analyzer
from pipelines.discovery.inventory import scan_estate
from pipelines.discovery.report import write_inventory
from pipelines.rights.packages.access import answer_access
from pipelines.rights.records.finding import find_records
from pipelines.rights.records.graph import Catalog
from pipelines.rights.records.identity import parse_identity


def emails(root: Path, n: int) -> list[str]:
    with sqlite3.connect(root / "billing.db") as conn:
        rows = conn.execute("SELECT email FROM customers ORDER BY (id * 7919) % 10007 LIMIT ?", (n,))
        return [r[0] for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--estate", type=Path, default=None, help="an existing demo estate (else built: 10M sessions)"
    )
    parser.add_argument("--consumers", type=int, default=20)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument(
        "--one-by-one", type=int, default=50, help="requests answered singly to compare (0: none)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ccpa-access-") as scratch:
        root = (
            args.estate
            or build_demo_estate(
                Path(scratch) / "estate", consumers=10_000, days=30, sessions=10_000_000
            ).root
        )
        reports = root / "reports"
        if not (reports / "inventory.json").exists():
            write_inventory(scan_estate(load_estate(root / "estate.yaml")), reports)
        build_analyzer("auto")
        out = Path(scratch) / "out"
        singles = []
        for email in emails(root, args.consumers):
            started = time.perf_counter()
            answer_access(root / "estate.yaml", [parse_identity("email", email)], out, inventory=reports)
            singles.append(time.perf_counter() - started)
        batch = [parse_identity("email", e) for e in emails(root, args.batch)]
        estate = load_estate(root / "estate.yaml")
        catalog = Catalog.read(reports / "inventory.json", estate)
        started = time.perf_counter()
        found = find_records(estate, catalog, batch)
        batch_seconds = time.perf_counter() - started
        singly = batch[: args.one_by_one]
        started = time.perf_counter()
        for identity in singly:
            find_records(estate, catalog, [identity])
        one_by_one = (time.perf_counter() - started) / max(len(singly), 1) * len(batch)
    rows = sum(r.rows.num_rows for records in found for r in records)
    print(
        f"single request (find + package), {args.consumers} consumers: p50 {statistics.median(singles):.3f} s, "
        f"max {max(singles):.3f} s"
    )
    print(f"batch of {len(batch)} requests, one pass: {batch_seconds:.1f} s ({rows:,} rows found)")
    if singly:
        print(
            f"one by one ({len(singly)} measured, extrapolated): {one_by_one:.1f} s; "
            f"ratio {one_by_one / batch_seconds:.1f}x"
        )


if __name__ == "__main__":
    main()
