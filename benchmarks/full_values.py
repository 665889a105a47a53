"""Full-value read speed: `ccpa scan --full-values` on a demo estate, 2 local workers against 1,
and against Presidio run per value on a slice of the same columns.

    .venv/bin/python -m benchmarks.full_values [--sessions 10000000] [--consumers 10000] [--estate DIR]

Prints values/s of each run and the ratios measured in the same run.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from connectors import load_estate, open_store
from pipelines.demo_estate import build_demo_estate
from pipelines.discovery.analyzer import LANGUAGE, build_analyzer
from pipelines.discovery.full_values import FullValueRead
from pipelines.discovery.inventory import scan_estate

SLICE = 2_000  # values given to Presidio one by one


def _read(estate_file: Path, workers: int) -> float:
    read = FullValueRead(load_estate(estate_file), cluster=None, workers=workers)
    scan_estate(load_estate(estate_file), full_read=read)
    assert read.summary is not None
    print(
        f"{workers} worker(s): {read.summary.values:,} values in {read.summary.seconds:.1f} s = "
        f"{read.summary.values_per_second:,.0f} values/s ({read.summary.tasks} tasks)"
    )
    return read.summary.values_per_second


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
    parser.add_argument("--estate", type=Path, default=None, help="an existing demo estate folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ccpa-bench-") as scratch:
        root = args.estate or Path(scratch) / "estate"
        if args.estate is None:
            build_demo_estate(root, consumers=args.consumers, days=30, sessions=args.sessions)
        estate_file = root / "estate.yaml"
        two, one = _read(estate_file, 2), _read(estate_file, 1)
        presidio = _presidio(estate_file)
        print(
            f"2 workers / 1 worker: {two / one:.2f}x; 2 workers / Presidio per value: {two / presidio:,.0f}x"
        )


if __name__ == "__main__":
    main()
