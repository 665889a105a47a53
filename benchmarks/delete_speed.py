"""Deleting one consumer from the 10M-session demo estate: seconds, and how many files were rewritten.

    .venv/bin/python -m benchmarks.delete_speed --estate DIR [--consumers 5]

Works on a copy of the estate (the deletion changes it); the inventory is made first, as the
nightly job keeps it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from pipelines.discovery.analyzer import build_analyzer
from pipelines.rights.changes.deletion import answer_deletion
from pipelines.rights.records.identity import parse_identity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--estate", type=Path, required=True, help="a demo estate with reports/inventory.json"
    )
    parser.add_argument("--consumers", type=int, default=5)
    args = parser.parse_args()
    build_analyzer("auto")
    with tempfile.TemporaryDirectory(prefix="ccpa-delete-") as scratch:
        root = Path(scratch) / "estate"
        shutil.copytree(args.estate, root)
        files = len(list((root / "device_logs").rglob("*.parquet")))
        with sqlite3.connect(root / "billing.db") as conn:
            emails = [
                r[0]
                for r in conn.execute("SELECT email FROM customers ORDER BY id LIMIT ?", (args.consumers,))
            ]
        seconds, rewritten = [], []
        for email in emails:
            started = time.perf_counter()
            answer = answer_deletion(
                root / "estate.yaml",
                parse_identity("email", email),
                Path(scratch) / "out",
                inventory=root / "reports",
            )
            seconds.append(time.perf_counter() - started)
            report = json.loads(answer.report.read_text())
            rewritten.append(sum(len(r["files_rewritten"]) for rs in report["applied"].values() for r in rs))
            assert answer.verified, answer.residue
    print(
        f"delete one consumer (plan, journal, apply, verify, notices): p50 {statistics.median(seconds):.2f} s, "
        f"max {max(seconds):.2f} s over {len(seconds)} consumers; files rewritten per deletion: "
        f"{statistics.median(rewritten):.0f} of {files} Parquet files"
    )


if __name__ == "__main__":
    main()
