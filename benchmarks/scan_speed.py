"""Speed of `ccpa scan` on the demo estate at two sizes, next to per-value Presidio on the same sample.

    .venv/bin/python -m benchmarks.scan_speed [--small 100000] [--large 10000000]

The inventory must cost O(columns x sample): the 10M-session estate should scan in about the
time of the 100k one. The peer is what a per-value approach costs: Presidio's AnalyzerEngine run
on every sampled value (measured on a slice of them, extrapolated to the whole sample).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from connectors import load_estate
from pipelines.demo_estate import build_demo_estate
from pipelines.discovery.analyzer import LANGUAGE, build_analyzer
from pipelines.discovery.inventory import scan_estate

PEER_SLICE = 2_000


def scan_seconds(out: Path, sessions: int, consumers: int) -> tuple[float, int, list[str]]:
    built = build_demo_estate(out, consumers=consumers, days=30, sessions=sessions)
    estate = load_estate(built.estate_file)
    build_analyzer("auto")  # loaded once per process, as in a long-running Dagster code location
    started = time.perf_counter()
    inventory = scan_estate(estate, sample_size=1_000)
    seconds = time.perf_counter() - started
    values = _sampled_values(estate)
    return seconds, len(inventory.columns), values


def _sampled_values(estate: object) -> list[str]:
    from connectors import Estate, open_store

    assert isinstance(estate, Estate)
    values: list[str] = []
    for name, config in estate.stores.items():
        with open_store(name, config) as store:
            for info in store.tables():
                sample = store.sample(info.name, 1_000, seed=0)
                for column in sample.columns:
                    values += [str(v) for v in column.to_pylist() if v is not None and str(v) != ""]
    return values


def presidio_seconds(values: list[str]) -> float:
    engine = build_analyzer("auto").engine
    chunk = values[:: max(1, len(values) // PEER_SLICE)][:PEER_SLICE]
    started = time.perf_counter()
    for value in chunk:
        engine.analyze(value, language=LANGUAGE)
    per_value = (time.perf_counter() - started) / len(chunk)
    return per_value * len(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=10_000_000)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="ccpa-scan-") as scratch:
        for sessions, consumers in ((args.small, 1_000), (args.large, 10_000)):
            seconds, columns, values = scan_seconds(Path(scratch) / str(sessions), sessions, consumers)
            rows.append((sessions, columns, len(values), seconds, presidio_seconds(values)))
    print(
        f"{'sessions':>12} {'columns':>8} {'values sampled':>15} {'ccpa scan s':>12} "
        f"{'Presidio per value s':>21} {'ratio':>7}"
    )
    for sessions, columns, values, seconds, peer in rows:
        print(f"{sessions:12,} {columns:8} {values:15,} {seconds:12.2f} {peer:21.1f} {peer / seconds:7.1f}x")
    print(f"10M / 100k scan time: {rows[1][3] / rows[0][3]:.2f}")


if __name__ == "__main__":
    main()
