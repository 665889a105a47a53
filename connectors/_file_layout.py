"""How a files store's directory maps to tables.

Each file directly in the directory is one table, named by the file's stem; each sub-directory is
one dataset table, named by the directory, partitioned when its folders follow the hive layout
(`dt=2026-11-01/part-0.parquet`). Hidden entries (a name starting with `.` or `_`: `_SUCCESS`,
`_metadata`, and the `.<name>.ccpa-tmp-*` files of an interrupted rewrite) are never data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path, PurePosixPath
from typing import Literal

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.fs as pa_fs

from connectors._csv_dialect import text_convert
from connectors._csv_read import csv_format
from connectors.base import StoreError

FileFormat = Literal["parquet", "csv", "jsonl"]
EXTENSIONS: dict[str, FileFormat] = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}


@dataclass(frozen=True)
class DataFile:
    path: str  # absolute, as the filesystem names it
    relative: str  # to the store root, with `/`
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class TableLayout:
    name: str
    format: FileFormat
    base: str  # the table's file, or its directory
    files: tuple[DataFile, ...]
    partitioning: tuple[str, ...] = ()

    def dataset(self, filesystem: pa_fs.FileSystem) -> ds.FileSystemDataset:
        # An empty JSON-lines file has no rows and no schema: Arrow cannot open it, so skip it.
        paths = [f.path for f in self.files if f.size or self.format != "jsonl"]
        if not paths:
            return ds.dataset([], schema=pa.schema([]), format=dataset_format(self.format))
        return ds.dataset(
            paths,
            format=self.file_format(filesystem),
            filesystem=filesystem,
            partitioning="hive" if self.partitioning else None,
            partition_base_dir=self.base,
        )

    def file_format(self, filesystem: pa_fs.FileSystem) -> ds.FileFormat:
        """CSV in each table's own dialect, read as text and typed only where safe (`_csv_read`)."""
        if self.format == "csv":
            return csv_format(filesystem, [(f.path, f.size, f.mtime_ns) for f in self.files])
        return dataset_format(self.format)


def dataset_format(fmt: FileFormat) -> ds.FileFormat:
    if fmt == "parquet":
        return ds.ParquetFileFormat()
    if fmt == "csv":
        return ds.CsvFileFormat(convert_options=text_convert())
    return ds.JsonFileFormat()


def discover(root: Path, configured: FileFormat | None, filesystem: pa_fs.FileSystem) -> list[TableLayout]:
    """Every table under `root`, sorted by name; files of an unknown format are left out."""
    try:
        infos = filesystem.get_file_info(pa_fs.FileSelector(str(root), recursive=True))
    except (OSError, pa.ArrowException) as err:
        raise StoreError(f"cannot list directory {root}: {err}") from None
    top_files: list[tuple[PurePosixPath, pa_fs.FileInfo]] = []
    folders: dict[str, list[tuple[PurePosixPath, pa_fs.FileInfo]]] = defaultdict(list)
    for info in infos:
        relative = PurePosixPath(Path(info.path).relative_to(root).as_posix())
        if info.type != pa_fs.FileType.File or any(p[0] in "._" for p in relative.parts):
            continue
        if len(relative.parts) == 1:
            top_files.append((relative, info))
        else:
            folders[relative.parts[0]].append((relative, info))
    layouts = [_file_table(rel, info, configured) for rel, info in top_files]
    layouts += [_folder_table(root, name, entries, configured) for name, entries in folders.items()]
    found = [layout for layout in layouts if layout is not None]
    return _unique(sorted(found, key=lambda layout: layout.name))


def _format_of(relative: PurePosixPath, configured: FileFormat | None) -> FileFormat | None:
    return configured or EXTENSIONS.get(relative.suffix.lower())


def _data_file(relative: PurePosixPath, info: pa_fs.FileInfo) -> DataFile:
    return DataFile(info.path, str(relative), int(info.size or 0), int(info.mtime_ns or 0))


def _file_table(
    relative: PurePosixPath, info: pa_fs.FileInfo, configured: FileFormat | None
) -> TableLayout | None:
    fmt = _format_of(relative, configured)
    if fmt is None:
        return None
    return TableLayout(relative.stem, fmt, info.path, (_data_file(relative, info),))


def _folder_table(
    root: Path,
    name: str,
    entries: list[tuple[PurePosixPath, pa_fs.FileInfo]],
    configured: FileFormat | None,
) -> TableLayout | None:
    by_format: dict[FileFormat, list[DataFile]] = defaultdict(list)
    for relative, info in entries:
        fmt = _format_of(relative, configured)
        if fmt is not None:
            by_format[fmt].append(_data_file(relative, info))
    if not by_format:
        return None
    if len(by_format) > 1:
        raise StoreError(f"dataset {name!r} mixes file formats ({', '.join(sorted(by_format))}): keep one")
    [(fmt, files)] = by_format.items()
    files.sort(key=lambda f: f.relative)
    return TableLayout(name, fmt, str(root / name), tuple(files), _hive_keys(files))


def _hive_keys(files: list[DataFile]) -> tuple[str, ...]:
    """The partition columns when every file sits under the same `key=value/...` folders, else ()."""
    layouts = set()
    for file in files:
        folders = PurePosixPath(file.relative).parts[1:-1]
        if not folders or not all("=" in folder for folder in folders):
            return ()
        layouts.add(tuple(folder.split("=", 1)[0] for folder in folders))
    return layouts.pop() if len(layouts) == 1 else ()


def _unique(layouts: list[TableLayout]) -> list[TableLayout]:
    for first, second in pairwise(layouts):
        if first.name == second.name:
            raise StoreError(
                f"table {first.name!r} is both {first.base} and {second.base}: rename one of them"
            )
    return layouts
