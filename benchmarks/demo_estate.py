"""How long the demo estate takes to build at scale, and to sample once built.

    .venv/bin/python -m benchmarks.demo_estate [--sessions 10000000] [--consumers 10000] [--out DIR]

Sampling must not grow with the data: each table is sampled (1,000 rows) and timed.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from connectors import load_estate, open_store
from pipelines.demo_estate import build_demo_estate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000_000)
    parser.add_argument("--consumers", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--sample", type=int, default=1_000)
    parser.add_argument("--out", type=Path, default=None, help="keep the estate here (default: a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ccpa-bench-") as scratch:
        out = args.out or Path(scratch) / "estate"
        started = time.perf_counter()
        built = build_demo_estate(out, consumers=args.consumers, days=args.days, sessions=args.sessions)
        build_seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        print(
            f"built {sum(built.counts.values()):,} rows in {len(built.counts)} tables "
            f"in {build_seconds:.1f} s ({size / 2**20:,.0f} MiB on disk)"
        )
        print(f"{'table':28} {'rows':>12} {'sample s':>9}")
        estate = load_estate(built.estate_file)
        total = 0.0
        for name, config in estate.stores.items():
            with open_store(name, config) as store:
                for info in store.tables():
                    started = time.perf_counter()
                    sample = store.sample(info.name, args.sample, seed=1)
                    seconds = time.perf_counter() - started
                    total += seconds
                    rows = built.counts.get(f"{name}.{info.name}", info.row_count or 0)
                    print(f"{name + '.' + info.name:28} {rows:12,} {seconds:9.3f}  ({sample.num_rows} rows)")
        print(f"sampled every table in {total:.2f} s")


if __name__ == "__main__":
    main()
