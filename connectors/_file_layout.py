"""How a files store's directory maps to tables.

Each file directly in the directory is one table, named by the file's stem; each sub-directory is
one dataset table, named by the directory, partitioned when its folders follow the hive layout
(`dt=2026-11-01/part-0.parquet`). Hidden entries (a name starting with `.` or `_`: `_SUCCESS`,
`_metadata`, and the `.<name>.ccpa-tmp-*` files of an interrupted rewrite) are never data.
Any other file that cannot be a table (empty, a README, a `.bak`, a file of another format than
the store's `format:`) is listed as skipped, with the reason, and never stops the listing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import PurePath, PurePosixPath
from typing import Literal

import pyarrow as pa
import pyarrow.fs as pa_fs
import pyarrow.parquet as pq

from connectors._csv_dialect import text_convert
from connectors._csv_read import csv_format
from connectors._jsonl_read import jsonl_dataset
from connectors._lazy import ds
from connectors.base import SkippedFile, StoreError

_HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
FileFormat = Literal["parquet", "csv", "jsonl"]
EXTENSIONS: dict[str, FileFormat] = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
# Never a table, whatever the store's `format:` says (any other file is opened to find out).
NOT_TABLES = frozenset(
    [
        ".md",
        ".rst",
        ".bak",
        ".old",
        ".orig",
        ".tmp",
        ".swp",
        ".crc",
        ".pdf",
        ".html",
        ".htm",
        ".xml",
        ".yaml",
        ".yml",
        ".toml",
        ".ini",
        ".sh",
        ".py",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".zip",
        ".tar",
        ".gz",
        ".bz2",
        ".xz",
        ".7z",
        ".xlsx",
        ".xls",
        ".docx",
    ]
)


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
        # An empty file has no rows and no schema: Arrow cannot open it (discovery skips them).
        paths = [f.path for f in self.files if f.size]
        if not paths:
            return ds.dataset([], schema=pa.schema([]), format=dataset_format(self.format))
        partitioning = "hive" if self.partitioning else None
        if self.format == "jsonl":
            return jsonl_dataset(paths, filesystem, partitioning, self.base)
        return ds.dataset(
            paths,
            format=self.file_format(filesystem),
            filesystem=filesystem,
            partitioning=partitioning,
            partition_base_dir=self.base,
        )

    def describe(self, filesystem: pa_fs.FileSystem) -> tuple[pa.Schema, int | None]:
        """The table's schema, and its row count where the files' footers give it (Parquet).

        Parquet is read from the footers alone, as the dataset would see it (the first file's schema,
        then the partition columns), so listing a store does not need the dataset machinery.
        """
        if self.format != "parquet":
            return self.dataset(filesystem).schema, None
        footers = [_footer(f, filesystem) for f in self.files if f.size]
        if not footers:
            return pa.schema([]), 0
        schema = footers[0][0]
        for key, values in self._partition_values().items():
            if key not in schema.names:
                schema = schema.append(pa.field(key, _partition_type(values)))
        return schema, sum(rows for _, rows in footers)

    def _partition_values(self) -> dict[str, list[str]]:
        values: dict[str, list[str]] = {key: [] for key in self.partitioning}
        for file in self.files:
            for folder in file.relative.split("/")[1:-1]:
                key, _, value = folder.partition("=")
                if key in values:
                    values[key].append(value)
        return values

    def file_format(self, filesystem: pa_fs.FileSystem) -> ds.FileFormat:
        """CSV in each table's own dialect, read as text and typed only where safe (`_csv_read`)."""
        if self.format == "csv":
            return csv_format(filesystem, [(f.path, f.size, f.mtime_ns) for f in self.files])
        return dataset_format(self.format)


# Footers read in this process, by local file and its stamp: each request lists its stores anew,
# and reading the 1,800 footers of a 100M-session estate's logs again took ~0.2 s a request. A
# rewrite changes the size or the mtime (the stamp the store's fingerprint trusts too); objects in
# a bucket are read each time (their stamp is only as fine as a second).
_FOOTERS: dict[tuple[str, int, int], tuple[pa.Schema, int]] = {}


def _footer(file: DataFile, filesystem: pa_fs.FileSystem) -> tuple[pa.Schema, int]:
    """A Parquet file's schema and row count, from its footer."""
    key = (file.path, file.size, file.mtime_ns)
    held = _FOOTERS.get(key)
    if held is None:
        meta = pq.read_metadata(file.path, filesystem=filesystem)
        held = (meta.schema.to_arrow_schema().remove_metadata(), meta.num_rows)
        if isinstance(filesystem, pa_fs.LocalFileSystem):
            _FOOTERS[key] = held
    return held


def _partition_type(values: list[str]) -> pa.DataType:
    """Arrow's hive inference: int32 when every value is one, else text (the null marker aside)."""
    present = [v for v in values if v != _HIVE_NULL]
    try:
        if present and all(-(2**31) <= int(v) < 2**31 for v in present):
            return pa.int32()
    except ValueError:
        pass
    return pa.string()


def dataset_format(fmt: FileFormat) -> ds.FileFormat:
    if fmt == "parquet":
        return ds.ParquetFileFormat()
    if fmt == "csv":
        return ds.CsvFileFormat(convert_options=text_convert())
    return ds.JsonFileFormat()


@dataclass(frozen=True)
class Listing:
    """A store's folder as tables, and the files left out of them with the reason."""

    tables: list[TableLayout]
    skipped: list[SkippedFile]


Entry = tuple[PurePosixPath, pa_fs.FileInfo]


class ListingError(StoreError):
    """The store's folder (or bucket prefix) cannot be listed; `cause` is the filesystem's error."""

    def __init__(self, root: PurePath, cause: BaseException) -> None:
        super().__init__(f"cannot list directory {root}: {cause}")
        self.cause = cause


def discover(root: PurePath, configured: FileFormat | None, filesystem: pa_fs.FileSystem) -> Listing:
    """Every table under `root`, sorted by name; every other visible file is listed as skipped."""
    try:
        infos = filesystem.get_file_info(pa_fs.FileSelector(str(root), recursive=True))
    except (OSError, pa.ArrowException) as err:
        raise ListingError(root, err) from None
    skipped: list[SkippedFile] = []
    top_files: list[tuple[str, pa_fs.FileInfo, FileFormat]] = []
    folders: dict[str, list[tuple[str, pa_fs.FileInfo, FileFormat]]] = defaultdict(list)
    prefix = str(root).rstrip("/") + "/"
    for info in infos:
        if info.type != pa_fs.FileType.File:
            continue
        # string work, no path objects: the log folders of a big estate hold thousands of files
        relative = info.path.removeprefix(prefix)
        if relative == info.path:
            relative = str(PurePosixPath(info.path).relative_to(root))
        parts = relative.split("/")
        if any(part[0] in "._" for part in parts):
            continue
        fmt, reason = _readable(parts[-1], info, configured)
        if fmt is None:
            skipped.append(SkippedFile(relative, reason))
        elif len(parts) == 1:
            top_files.append((relative, info, fmt))
        else:
            folders[parts[0]].append((relative, info, fmt))
    layouts = [
        TableLayout(PurePosixPath(rel).stem, fmt, info.path, (_data_file(rel, info),))
        for rel, info, fmt in top_files
    ]
    layouts += [_folder_table(root, name, entries, skipped) for name, entries in folders.items()]
    return Listing(_unique(sorted(layouts, key=lambda layout: layout.name)), sorted(skipped, key=_path))


def _path(skipped: SkippedFile) -> str:
    return skipped.path


def _readable(
    file_name: str, info: pa_fs.FileInfo, configured: FileFormat | None
) -> tuple[FileFormat | None, str]:
    """The file's format, or None and why it is not read as a table."""
    dot = file_name.rfind(".")
    suffix = file_name[dot:].lower() if 0 < dot < len(file_name) - 1 else ""  # as PurePath.suffix
    if configured is not None:
        other = suffix in NOT_TABLES or EXTENSIONS.get(suffix, configured) != configured
        fmt: FileFormat | None = None if other else configured
        reason = f"not a {configured} file ({suffix})"
    else:
        fmt = EXTENSIONS.get(suffix)
        reason = f"not a table file ({suffix or 'no extension'})"
    if fmt is not None and not info.size:
        return None, "empty file (0 bytes)"
    return fmt, "" if fmt else reason


def _data_file(relative: str, info: pa_fs.FileInfo) -> DataFile:
    return DataFile(info.path, relative, int(info.size or 0), int(info.mtime_ns or 0))


def _folder_table(
    root: PurePath,
    name: str,
    entries: list[tuple[str, pa_fs.FileInfo, FileFormat]],
    skipped: list[SkippedFile],
) -> TableLayout:
    """One dataset of the folder's data files: of its most common format, the others skipped."""
    by_format: dict[FileFormat, list[DataFile]] = defaultdict(list)
    for relative, info, fmt in entries:
        by_format[fmt].append(_data_file(relative, info))
    fmt = max(sorted(by_format), key=lambda f: len(by_format[f]))
    for other, files in by_format.items():
        if other != fmt:
            skipped += [SkippedFile(f.relative, f"a {other} file in {fmt} dataset {name!r}") for f in files]
    files = sorted(by_format[fmt], key=lambda f: f.relative)
    return TableLayout(name, fmt, str(root / name), tuple(files), _hive_keys(files))


def _hive_keys(files: list[DataFile]) -> tuple[str, ...]:
    """The partition columns when every file sits under the same `key=value/...` folders, else ()."""
    layouts = set()
    for file in files:
        folders = file.relative.split("/")[1:-1]
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
