"""Full-value read speed: `ccpa scan --full-values` on a demo estate with a planted sparse case,
2 local workers against 1, and against Presidio run per value on a slice of the same columns.

    .venv/bin/python -m benchmarks.full_values [--sessions 10000000] [--consumers 10000]
        [--log-lines 2000000] [--estate DIR]

The estate gets `device_logs/app_logs`, a free-text log whose lines hold an email in 0.05% of
them, none in the scan's sample (benchmarks.sparse_case). Each run is the CLI in its own process,
as a user runs it; the benchmark prints the CLI's own figures (values read, seconds of the read,
values/s), the command's wall time and peak memory (the largest of its processes), checks that the
planted emails were found, and prints the ratios measured in this run.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.sparse_case import TABLE, plant_sparse_emails
from connectors import load_estate, open_store
from pipelines.demo_estate import build_demo_estate
from pipelines.discovery.analyzer import LANGUAGE, build_analyzer

SLICE = 2_000  # values given to Presidio one by one
_SUMMARY = re.compile(r"full read: ([\d,]+) values .* in ([\d.]+) s, ([\d,]+) values/s")


def _scan(estate_file: Path, workers: int, out: Path) -> float:
    """One `ccpa scan --full-values` on a local cluster of `workers`; its values/s."""
    variant = estate_file.with_name(f"estate-{workers}w.yaml")
    variant.write_text(estate_file.read_text() + f"compute:\n  workers: {workers}\n")
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "pipelines.cli", "scan", "--estate", str(variant), "--out", str(out)]
    started = time.perf_counter()
    done = subprocess.run([*command, "--full-values"], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    found = _SUMMARY.search(" ".join(done.stdout.split()))
    if done.returncode != 0 or found is None:
        sys.exit(f"ccpa scan --full-values failed ({done.returncode}): {done.stderr.strip()[-300:]}")
    values, seconds, rate = (float(g.replace(",", "")) for g in found.groups())
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**10
    print(
        f"{workers} worker(s): {values:,.0f} values read in {seconds:.1f} s = {rate:,.0f} values/s; "
        f"command {wall:.1f} s wall (with the sampled scan); peak memory so far {peak:,.0f} MiB"
    )
    _check_planted(out)
    return rate


def _check_planted(out: Path) -> None:
    columns = json.loads((out / "inventory.json").read_text())["columns"]
    (message,) = [c for c in columns if c["table"] == TABLE and c["column"] == "message"]
    mentioned = message.get("mentions", {}).get("EMAIL_ADDRESS", 0)
    print(f"  planted case: {TABLE}.message found_by={message['found_by']}, {mentioned:,} rows with an email")


def _presidio(estate_file: Path) -> float:
    engine = build_analyzer("auto").engine
    estate = load_estate(estate_file)
    with open_store("device_logs", estate.stores["device_logs"]) as store:
        batch = next(store.scan("sessions", ["imsi", "imei", "src_ip", "cell_id"], batch_size=SLICE // 4))
    values = [str(v) for column in batch.columns for v in column.to_pylist() if v is not None]
    started = time.perf_counter()
    for value in values:
        engine.analyze(value, language=LANGUAGE)
    rate = len(values) / (time.perf_counter() - started)
    print(f"Presidio per value: {len(values):,} values, {rate:,.0f} values/s")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000_000)
    parser.add_argument("--consumers", type=int, default=10_000)
    parser.add_argument("--log-lines", type=int, default=2_000_000, help="rows of the planted free-text log")
    parser.add_argument("--estate", type=Path, default=None, help="an existing demo estate folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ccpa-bench-") as scratch:
        root = args.estate or Path(scratch) / "estate"
        if args.estate is None:
            build_demo_estate(root, consumers=args.consumers, days=30, sessions=args.sessions)
        estate_file = root / "estate.yaml"
        planted = plant_sparse_emails(estate_file, rows=args.log_lines)
        print(f"planted {len(planted):,} emails in {args.log_lines:,} log lines, none in the sample")
        two = _scan(estate_file, 2, Path(scratch) / "two")
        one = _scan(estate_file, 1, Path(scratch) / "one")
        presidio = _presidio(estate_file)
        print(
            f"2 workers / 1 worker: {two / one:.2f}x; 2 workers / Presidio per value: {two / presidio:,.0f}x"
        )


if __name__ == "__main__":
    main()
