"""What the last scan learned per table, kept beside the inventory so unchanged tables are not re-sampled.

Samples are personal data: the cache files are readable by their owner only.
A table is reused when its fingerprint (row counts and statistics for a database, sizes and mtimes
for files) and the sample size are those of the cached run. The cache holds the sample (needed to
infer links) and the column findings; it lives in the output folder and is safe to delete.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.discovery.classify import ColumnFinding
from pipelines.discovery.nested import PathFinding

VERSION = 4  # bump when classification changes, so old verdicts are not reused


@dataclass(frozen=True)
class CachedTable:
    fingerprint: str
    sample_size: int
    sample: pa.Table
    findings: list[ColumnFinding]
    paths: list[PathFinding] = field(default_factory=list)  # leaves of nested columns


class ScanCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()

    def get(self, store: str, table: str, fingerprint: str, sample_size: int) -> CachedTable | None:
        meta_path, sample_path = self._paths(store, table)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if (meta["version"], meta["fingerprint"], meta["sample_size"]) != (
                VERSION,
                fingerprint,
                sample_size,
            ):
                return None
            sample = pq.read_table(sample_path)
        except (OSError, ValueError, KeyError, pa.ArrowException):
            return None
        findings = [_finding(f) for f in meta["findings"]]
        paths = [PathFinding(p["column"], p["path"], _finding(p["finding"])) for p in meta["paths"]]
        return CachedTable(fingerprint, sample_size, sample, findings, paths)

    def put(self, store: str, table: str, entry: CachedTable) -> None:
        meta_path, sample_path = self._paths(store, table)
        meta = {
            "version": VERSION,
            "store": store,
            "table": table,
            "fingerprint": entry.fingerprint,
            "sample_size": entry.sample_size,
            "findings": [asdict(f) for f in entry.findings],
            "paths": [asdict(p) for p in entry.paths],
        }
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
        _atomic(sample_path, lambda tmp: pq.write_table(entry.sample, tmp))
        _atomic(meta_path, lambda tmp: tmp.write_text(json.dumps(meta), encoding="utf-8"))

    def _paths(self, store: str, table: str) -> tuple[Path, Path]:
        stem = hashlib.sha256(f"{store}\0{table}".encode()).hexdigest()[:16]
        return self.folder / f"{stem}.json", self.folder / f"{stem}.parquet"


def _finding(raw: dict[str, object]) -> ColumnFinding:
    fields = dict(raw)
    for name in ("evidence", "other_entities"):
        fields[name] = tuple(fields[name])  # type: ignore[arg-type]
    return ColumnFinding(**fields)  # type: ignore[arg-type]


def _atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Write via a temp file readable by the owner only (samples are personal data), then rename."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    tmp.touch(mode=0o600)
    write(tmp)
    os.replace(tmp, path)
