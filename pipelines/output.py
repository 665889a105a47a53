"""Output folders: what a command writes appears whole or not at all.

Files are written into a hidden staging folder beside their destination and moved into place
only when every one of them is complete (same file system, so each move is an atomic rename).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class OutputError(Exception):
    """An output folder cannot be used. One line, naming the folder."""


class StagedFiles:
    def __init__(self, out: Path, staging: Path) -> None:
        self.out = out
        self.staging = staging
        self._names: list[str] = []

    def path(self, name: str) -> Path:
        """Where to write `name` now; it appears at `out/name` when the stage commits."""
        target = self.staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        self._names.append(name)
        return target

    def commit(self) -> list[Path]:
        written = []
        for name in self._names:
            final = self.out / name
            final.parent.mkdir(parents=True, exist_ok=True)
            _fsync_file(self.staging / name)
            os.replace(self.staging / name, final)
            written.append(final)
        _fsync_dir(self.out)
        return written


@contextmanager
def staged_files(out: Path) -> Iterator[StagedFiles]:
    """Stage files for `out`; they land together when the block ends without error."""
    _ensure_folder(out)
    staging = Path(tempfile.mkdtemp(prefix=".ccpa-staging-", dir=out))
    try:
        stage = StagedFiles(out, staging)
        yield stage
        stage.commit()
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def staged_folder(out: Path, marker: str) -> Iterator[Path]:
    """Build a whole folder elsewhere, then swap it in for `out`.

    An existing `out` is replaced only when it holds `marker` (a file that proves it is ours);
    any other non-empty folder is refused rather than overwritten.
    """
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / marker).exists())):
        raise OutputError(f"{out}: exists and is not a folder this command made; choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    building = out.parent / f".{out.name}.building-{uuid.uuid4().hex[:8]}"
    building.mkdir()
    try:
        yield building
        _swap(building, out)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _swap(new: Path, out: Path) -> None:
    old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:8]}"
    if out.exists():
        os.replace(out, old)
    os.replace(new, out)
    _fsync_dir(out.parent)
    shutil.rmtree(old, ignore_errors=True)


def check_output_folder(out: Path) -> None:
    """Raise OutputError unless `out` is a writable folder or could be created as one (creates nothing)."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is a file, expected a folder for the output")
    existing = out
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise OutputError(f"{out}: cannot create output folder ({existing} is a file)")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"{out}: cannot write in {existing} (read-only or no permission)")


def _ensure_folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is a file, expected a folder for the output")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{out}: cannot create output folder ({err.strerror})") from None


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
