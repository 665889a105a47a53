"""The value index after a deletion: updated file by file, against a baseline that rebuilds it whole.

    .venv/bin/python -m benchmarks.index_update [--files 200] [--rows 65536] [--baseline main]

A table of `--files` Parquet files of `--rows` rows each (16,384-row row groups), an IMSI-like
string column sorted within each file (as a day's sessions are), each IMSI in ~4 sessions of a file:
its index has about as many rows as the 100M-session estate's IMSI index (~3.3M). For each code
(the baseline's `connectors/_file_index.py`, read with `git show`, then this checkout's): the first
lookup (the index built), then `--deletions` times a deletion through `FileStore.apply` (rewriting
the few files holding the IMSI) and the next lookup (the index brought up to date, from memory);
for this checkout, the same again in a process that has not loaded the index (from the one on disk).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
import types
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

import connectors._file_index as index_module
from connectors import FilesStoreConfig, TableChange
from connectors._file_index import INDEX_DIR
from connectors._file_stamps import FileStamps
from connectors.files import FileStore

GROUP_ROWS = 16_384
SESSIONS_EACH = 4  # sessions of an IMSI in a file
POPULATION = 2_000_000


def write_table(root: Path, files: int, rows: int) -> None:
    rng = np.random.default_rng(0)
    for n in range(files):
        folder = root / "sessions" / f"dt=2026-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        ids = np.sort(rng.choice(POPULATION, rows // SESSIONS_EACH, replace=False).repeat(SESSIONS_EACH))
        imsi = pa.array(np.char.add("310260", np.char.zfill(ids.astype(str), 9)).astype(object), pa.string())
        table = pa.table({"imsi": imsi, "bytes": pa.array(rng.integers(0, 1 << 20, len(ids)))})
        pq.write_table(table, folder / f"part-{n // 336}.parquet", row_group_size=GROUP_ROWS)


class Baseline:
    """The baseline's index behind this checkout's store (which hands it the stamps, not their digest)."""

    def __init__(self, source: str, store: FileStore) -> None:
        module = types.ModuleType("baseline_index")
        exec(compile(source, "baseline:_file_index.py", "exec"), module.__dict__)
        self.index = module.ValueIndex(store.root, store.filesystem)

    def candidates(
        self, table: str, column: str, casefold: bool, stamps: FileStamps, *rest: object
    ) -> object:
        return self.index.candidates(table, column, casefold, stamps.fingerprint, *rest)


def lookup(store: FileStore, imsi: str) -> tuple[float, float]:
    """Seconds of wall clock and of CPU (the machine is shared: the CPU time varies less)."""
    wall, cpu = time.perf_counter(), time.process_time()
    store.find("sessions", "imsi", [imsi])
    return time.perf_counter() - wall, time.process_time() - cpu


def deletion(root: Path, imsi: str) -> int:
    store = FileStore("bench", FilesStoreConfig(kind="files", path=root))
    [result] = store.apply([TableChange("sessions", ("imsi",), deletes=pa.table({"imsi": [imsi]}))])
    return len(result.files_rewritten)


def run(root: Path, imsis: Iterator[str], deletions: int, baseline: str | None) -> list[str]:
    shutil.rmtree(root / INDEX_DIR, ignore_errors=True)
    index_module._LOADED.clear()
    store = FileStore("bench", FilesStoreConfig(kind="files", path=root))
    if baseline is not None:
        store.index = Baseline(baseline, store)  # type: ignore[assignment]
    lines = [f"first lookup (index built) {_seconds([lookup(store, next(imsis))])}"]
    warm, cold, rewritten = [], [], []
    for _ in range(deletions):
        rewritten.append(deletion(root, next(imsis)))
        store._forget_listing()  # as the deleting store does after its apply
        warm.append(lookup(store, next(imsis)))
    lines.append(f"lookup after a deletion {_seconds(warm)}")
    if baseline is None:  # a new process: the index is read from disk, then updated
        for _ in range(deletions):
            rewritten.append(deletion(root, next(imsis)))
            index_module._LOADED.clear()
            cold.append(lookup(FileStore("bench", FilesStoreConfig(kind="files", path=root)), next(imsis)))
        lines.append(f"same, in a new process {_seconds(cold)}")
    lines.append(f"files rewritten per deletion: median {statistics.median(rewritten):.0f}")
    return lines


def _seconds(times: list[tuple[float, float]]) -> str:
    wall, cpu = (statistics.median(t[i] for t in times) for i in (0, 1))
    return f"{wall:.2f} s wall, {cpu:.2f} s CPU" + (f" (median of {len(times)})" if len(times) > 1 else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--rows", type=int, default=65_536)
    parser.add_argument("--deletions", type=int, default=5, help="deletions timed for each code")
    parser.add_argument("--baseline", default="main", help="the git revision whose index is the baseline")
    args = parser.parse_args()
    source = subprocess.run(
        ["git", "show", f"{args.baseline}:connectors/_file_index.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    with tempfile.TemporaryDirectory(prefix="ccpa-index-") as scratch:
        root = Path(scratch)
        started = time.perf_counter()
        write_table(root, args.files, args.rows)
        print(f"{args.files} files x {args.rows} rows written in {time.perf_counter() - started:.0f} s")
        imsis = iter(_spread(root))
        for name, code in ((f"baseline ({args.baseline}, rebuilt whole)", source), ("this checkout", None)):
            print(f"{name}: " + "; ".join(run(root, imsis, args.deletions, code)))
        held = next(iter(index_module._LOADED.values())).table
        print(f"index rows: {held.num_rows if held is not None else 'not indexed'}")


def _spread(root: Path) -> list[str]:
    """An IMSI of each file in turn (a deletion rewrites the files of one consumer, here and there)."""
    paths = sorted((root / "sessions").rglob("*.parquet"))
    columns = [pq.read_table(path, columns=["imsi"]).column(0) for path in paths[::7]]
    return [column[row].as_py() for row in range(1_000, 60_000, 1_000) for column in columns]


if __name__ == "__main__":
    main()
