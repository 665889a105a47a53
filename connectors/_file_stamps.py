"""How a file is known unchanged without reading it: its stamp, and the fingerprint of a table's files.

A file's stamp is its size and modification time, in a bucket its ETag too (S3 counts mtimes in
whole seconds: an object rewritten at the same size within a second keeps both, never its ETag).
The table's fingerprint digests every file's relative path and stamp: one string that says the
table is as it was (the scan cache, the value index's quick check); the stamps themselves say
which files changed (the value index updates only their rows). Both see the same facts, so a
file the fingerprint would call unchanged its stamp does too, and the reverse.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from connectors._file_layout import DataFile


@dataclass(frozen=True)
class FileStamps:
    fingerprint: str
    files: Mapping[str, str]  # relative path -> stamp


def stamped(files: Sequence[DataFile], tags: Mapping[str, str]) -> FileStamps:
    """`tags`: each file's ETag by its path, in a bucket; empty on a disk."""
    stamps = {
        file.relative: f"{file.size}\0{file.mtime_ns}" + (f"\0{tags[file.path]}" if tags else "")
        for file in files
    }
    digest = hashlib.sha256()
    for relative, stamp in stamps.items():
        digest.update(f"{relative}\0{stamp}\n".encode())
    return FileStamps(digest.hexdigest(), stamps)
