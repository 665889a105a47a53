"""Rewriting the changed files of a dataset, atomically.

Each new file is written beside its original under a hidden temp name, flushed and fsynced; only
when every file of the change is staged are they moved over their originals (os.replace) and their
folders fsynced. A failure before that leaves every original untouched and removes the temp files.
Rows that do not change keep their text: CSV is rewritten column by column as strings, JSON lines
line by line, so that no other consumer's value is reformatted (`007` stays `007`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from connectors._faults import checkpoint
from connectors._file_changes import ChangePlan, FileEdit
from connectors._file_layout import FileFormat, csv_convert
from connectors.base import StoreError

TEMP_MARK = ".ccpa-tmp-"
_CODECS = {"UNCOMPRESSED": "none", "LZ4_RAW": "lz4"}


class StagedFiles:
    """New versions of files, written beside them, that `commit` moves over the originals."""

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []

    def __enter__(self) -> StagedFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        for temp, _ in self._staged:
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)

    def write(self, target: Path, write: Callable[[BinaryIO], None]) -> None:
        temp = target.with_name(f".{target.name}{TEMP_MARK}{uuid.uuid4().hex[:12]}")
        self._staged.append((temp, target))
        with open(temp, "xb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        shutil.copymode(target, temp)

    def commit(self) -> None:
        checkpoint("file-staged")  # every new file written, none renamed
        for temp, target in self._staged:
            os.replace(temp, target)
            checkpoint("file-rewrite")  # killed after the first rename: some files new, some old
        for folder in sorted({target.parent for _, target in self._staged}):
            descriptor = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)


def sweep(folders: set[Path]) -> None:
    """Remove temp files a killed rewrite left behind (the originals they were to replace are intact)."""
    for folder in folders:
        for debris in folder.glob(f".*{TEMP_MARK}*"):
            with contextlib.suppress(OSError):
                debris.unlink()


def rewrite(fmt: FileFormat, plan: ChangePlan) -> None:
    """Write every changed file of `plan` anew, all or (until the final renames) nothing."""
    writer = _WRITERS[fmt]
    with StagedFiles() as staged:
        for edit in plan.edits:
            if edit.changed:
                path = Path(edit.path)
                staged.write(path, partial(writer, path, edit, plan))
        staged.commit()


def _edited(table: pa.Table, edit: FileEdit, plan: ChangePlan) -> pa.Table:
    if table.num_rows != len(edit.keep):
        raise StoreError(f"{edit.relative} changed while it was being rewritten: run the change again")
    has_update = pc.is_valid(edit.sources)
    updates = plan.updates if plan.updates is not None else pa.table({})
    for column in plan.set_columns:
        index = table.schema.get_field_index(column)
        if index < 0:
            raise StoreError(f"{edit.relative} has no column {column!r} to update")
        field = table.schema.field(index)
        new = updates[column].take(edit.sources).cast(field.type)
        table = table.set_column(index, field, pc.if_else(has_update, new, table[column]))
    return table.filter(edit.keep)


def _write_parquet(path: Path, edit: FileEdit, plan: ChangePlan, out: BinaryIO) -> None:
    with pq.ParquetFile(path) as source:
        table = _edited(source.read(), edit, plan)
        meta = source.metadata
    codec = meta.row_group(0).column(0).compression if meta.num_row_groups and meta.num_columns else "SNAPPY"
    group_rows = max((meta.row_group(i).num_rows for i in range(meta.num_row_groups)), default=0)
    pq.write_table(
        table, out, compression=_CODECS.get(codec, codec).lower(), row_group_size=group_rows or None
    )


def _write_csv(path: Path, edit: FileEdit, plan: ChangePlan, out: BinaryIO) -> None:
    with pa_csv.open_csv(path, convert_options=csv_convert()) as header:
        names = header.schema.names
    text = pa_csv.read_csv(path, convert_options=csv_convert({name: pa.string() for name in names}))
    pa_csv.write_csv(_edited(text, edit, plan), out)


def _write_jsonl(path: Path, edit: FileEdit, plan: ChangePlan, out: BinaryIO) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    row_lines = [i for i, line in enumerate(lines) if line.strip()]
    if len(row_lines) != len(edit.keep):
        raise StoreError(f"{edit.relative}: cannot tell its rows from its lines, so it was not rewritten")
    keep = edit.keep.to_numpy(zero_copy_only=False)
    sources = edit.sources.fill_null(-1).to_numpy()
    for row in np.flatnonzero(~keep | (sources >= 0)):
        line = lines[row_lines[row]]
        lines[row_lines[row]] = _with_values(line, int(sources[row]), plan) if keep[row] else b""
    out.write(b"".join(lines))


def _with_values(line: bytes, source: int, plan: ChangePlan) -> bytes:
    record = json.loads(line)
    assert plan.updates is not None  # a row with a source has an update
    for column in plan.set_columns:
        record[column] = plan.updates[column][source].as_py()
    ending = line[len(line.rstrip(b"\r\n")) :]
    return json.dumps(record, ensure_ascii=False, default=str).encode() + ending


_WRITERS: dict[FileFormat, Callable[[Path, FileEdit, ChangePlan, BinaryIO], None]] = {
    "parquet": _write_parquet,
    "csv": _write_csv,
    "jsonl": _write_jsonl,
}
