"""A folder of Parquet, CSV or JSON-lines files as a Store, through pyarrow.dataset.

Each file directly in the folder is a table; each sub-directory is a (possibly hive-partitioned)
dataset table. Sampling reads a few random files and row groups; lookups push their filter down;
changes rewrite, atomically, only the files holding the keys (see `_file_rewrite`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fnmatch import fnmatchcase
from pathlib import Path, PurePath, PurePosixPath

import pyarrow as pa
import pyarrow.fs as pa_fs

from connectors._file_changes import conformed, plan_change
from connectors._file_index import MIN_ROWS, ValueIndex
from connectors._file_layout import Listing, ListingError, TableLayout, discover
from connectors._file_rewrite import Files, LocalFiles, ObjectFiles, rewrite
from connectors._file_sample import sample_dataset
from connectors._file_splits import dictionary_encoded, file_splits, split_dataset
from connectors._file_stamps import FileStamps, stamped
from connectors._lazy import ds, pc
from connectors._object_store import object_filesystem, object_reason, object_root, object_tags
from connectors.base import (
    WHOLE_STORE,
    ChangeResult,
    ColumnInfo,
    SkippedFile,
    Split,
    Store,
    StoreError,
    TableChange,
    TableInfo,
    comparable,
    one_line,
)
from connectors.estate import FilesStoreConfig
from connectors.text_match import TextMatch

_QUOTED_ROW = re.compile(r"(Expected \d+ columns?, got \d+): .*$", re.S)  # Arrow echoes the row


class FileStore(Store):
    """`filesystem` (optional) must show the same local paths; tests pass one that counts reads.

    The folder is listed once, at first use, and again after each `apply`: open a store per unit
    of work (a scan, a request) to see files other processes add meanwhile.
    """

    def __init__(
        self, name: str, config: FilesStoreConfig, *, filesystem: pa_fs.FileSystem | None = None
    ) -> None:
        super().__init__(name)
        self.config = config
        if config.remote:
            self.root: PurePath = object_root(config)
            try:
                self.filesystem = filesystem or object_filesystem(config)
            except StoreError as err:
                raise StoreError(f"store {name!r}: {err}") from None
        else:
            self.root = Path(config.path)
            self.filesystem = filesystem or pa_fs.LocalFileSystem()
        self.index = ValueIndex(self.root, self.filesystem)
        self._unreachable: str | None = None  # why the bucket cannot be listed (object storage)
        self._seen: dict[str, TableLayout] | None = None  # the folder as first listed; apply() re-lists
        self._listing: Listing | None = None
        self._datasets: dict[str, ds.Dataset] = {}
        self._fragments: dict[str, dict[str, ds.Fragment]] = {}
        self._infos: dict[str, TableInfo] = {}
        self._skipped: list[SkippedFile] = []
        self._rows: dict[str, int] = {}
        self._stamps: dict[str, FileStamps] = {}

    def tables(self) -> list[TableInfo]:
        infos = list(self._opened().values())
        if self._unreachable is not None:
            return [TableInfo(WHOLE_STORE, (), unreadable=self._unreachable)]
        return infos

    def skipped(self) -> list[SkippedFile]:
        self._opened()
        return sorted(self._skipped, key=lambda skipped: skipped.path)

    def sample(self, table: str, n: int, columns: Sequence[str] | None = None, seed: int = 0) -> pa.Table:
        with self._reading(table):
            dataset = self._dataset(table)
            return sample_dataset(dataset, n, self._columns(table, dataset, columns), seed)

    def scan(
        self, table: str, columns: Sequence[str] | None = None, batch_size: int = 65_536
    ) -> Iterator[pa.RecordBatch]:
        with self._reading(table):
            dataset = self._dataset(table)
            chosen = self._columns(table, dataset, columns)
            yield from dataset.to_batches(columns=chosen, batch_size=batch_size)

    def splits(self, table: str, rows: int = 1_000_000) -> list[Split]:
        with self._reading(table):
            return file_splits(self._layout(table), self._dataset(table), rows)

    def scan_split(
        self,
        split: Split,
        columns: Sequence[str] | None = None,
        batch_size: int = 65_536,
        encoded: Sequence[str] = (),
        matching: TextMatch | None = None,
    ) -> Iterator[pa.RecordBatch]:
        table = split.table
        with self._reading(table):
            dataset = split_dataset(self._layout(table), self._dataset(table), split)
            chosen = self._columns(table, dataset, columns)
            if encoded:
                dataset = dictionary_encoded(
                    self._layout(table), dataset, [c for c in chosen if c in encoded]
                )
            batches = dataset.to_batches(columns=chosen, batch_size=batch_size)
            yield from matching.kept(batches) if matching else batches

    def find(
        self,
        table: str,
        column: str,
        values: Sequence[object],
        columns: Sequence[str] | None = None,
        casefold: bool = False,
    ) -> pa.Table:
        with self._reading(table):
            dataset = self._dataset(table)
            chosen = self._columns(table, dataset, columns)
            [key] = self._columns(table, dataset, [column])
            type_ = dataset.schema.field(key).type
            wanted = conformed(comparable(values, type_), type_, key)
            if not len(wanted):
                return pa.schema([dataset.schema.field(c) for c in chosen]).empty_table()
            if self._indexed(table, dataset):
                dataset = self._narrowed(table, dataset, key, casefold, values)
            field = pc.utf8_lower(pc.field(key)) if casefold else pc.field(key)
            return dataset.to_table(columns=chosen, filter=field.isin(wanted))

    def _indexed(self, table: str, dataset: ds.Dataset) -> bool:
        if self._layout(table).format != "parquet":
            return False
        if table not in self._rows:
            known = self._infos.get(table)  # the listing read every footer already
            counted = known.row_count if known is not None else None
            self._rows[table] = counted if counted is not None else dataset.count_rows()
        return self._rows[table] >= MIN_ROWS

    def _narrowed(
        self, table: str, dataset: ds.FileSystemDataset, column: str, casefold: bool, values: Sequence[object]
    ) -> ds.FileSystemDataset:
        """Only the row groups the value index says may hold the values (a table of 1,500 day files
        read every footer again per lookup: 0.13 s)."""
        groups = self.index.candidates(table, column, casefold, self._stamped(table), dataset, values)
        if groups is None:
            return dataset
        return _within(dataset, self._by_path(table, dataset), groups, whole_files=False)

    def apply(self, changes: Sequence[TableChange]) -> list[ChangeResult]:
        """Each change is planned, staged and committed before the next one is planned."""
        results = []
        for change in changes:
            layout = self._layout(change.table)
            files = self._files()
            files.sweep({str(self.root / PurePosixPath(file.relative).parent) for file in layout.files})
            with self._reading(change.table):
                plan = plan_change(layout, self._holding(change), change)
                try:
                    rewrite(layout.format, plan, files)
                finally:
                    self._forget_listing()  # sizes and mtimes changed: fingerprints must see it
            results.append(
                ChangeResult(
                    change.table,
                    deleted=sum(edit.deleted for edit in plan.edits),
                    updated=sum(edit.updated for edit in plan.edits),
                    files_rewritten=[edit.relative for edit in plan.edits if edit.changed],
                )
            )
        return results

    def _holding(self, change: TableChange) -> ds.Dataset:
        """The files that may hold the change's keys: where the value index knows a key column (a
        log's IMSI), only the files it names, whole (a rewrite keeps every other row); else all."""
        dataset = self._dataset(change.table)
        rows = [t for t in (change.deletes, change.updates) if t is not None and t.num_rows]
        if not rows or not self._indexed(change.table, dataset):
            return dataset
        for column in change.key:
            kind = dataset.schema.field(column).type
            textual = pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_integer(kind)
            if column in self._layout(change.table).partitioning or not textual:
                continue  # the index holds values as text: only where str() writes them as Arrow does
            values = pc.unique(
                pa.chunked_array([conformed(t[column], kind, column) for t in rows])
            ).drop_null()
            groups = self.index.candidates(
                change.table, column, False, self._stamped(change.table), dataset, values.to_pylist()
            )
            if groups is not None:
                return _within(dataset, self._by_path(change.table, dataset), groups, whole_files=True)
        return dataset

    def _files(self) -> Files:
        return ObjectFiles(self.filesystem) if self.config.remote else LocalFiles(self.filesystem)

    def fingerprint(self, table: str) -> str:
        return self._stamped(table).fingerprint

    def _stamped(self, table: str) -> FileStamps:
        """Each file's size and mtime; in a bucket its ETag too (asked once per listing)."""
        held = self._stamps.get(table)
        if held is None:
            files = self._layout(table).files
            with self._reading(table):
                tags = object_tags(self.filesystem, [f.path for f in files]) if self.config.remote else {}
            held = self._stamps[table] = stamped(files, tags)
        return held

    def _layouts(self) -> dict[str, TableLayout]:
        if self._seen is None:
            self._seen = self._listed()
        return self._seen

    def _forget_listing(self) -> None:
        self._seen, self._infos, self._rows, self._stamps = None, {}, {}, {}
        self._listing, self._datasets, self._fragments = None, {}, {}

    def all_table_names(self) -> list[str]:
        """Every table of the folder, before include/exclude (to check the estate's names)."""
        return [layout.name for layout in self._discovered().tables]

    def _discovered(self) -> Listing:
        """The folder listed once (the names check and the tables share it), again after `apply`."""
        if self._listing is None:
            self._listing = self._discover()
        return self._listing

    def _discover(self) -> Listing:
        try:
            return discover(self.root, self.config.format, self.filesystem)
        except ListingError as err:
            if not self.config.remote:
                raise StoreError(f"store {self.name!r}: {err}") from None
            self._unreachable = f"cannot list {self.config.path}: {object_reason(err.cause, self.config)}"
            return Listing([], [])
        except StoreError as err:
            raise StoreError(f"store {self.name!r}: {err}") from None

    def _listed(self) -> dict[str, TableLayout]:
        """The tables; none when a bucket cannot be listed (`tables` says so: one unreadable entry)."""
        listing = self._discovered()
        include, exclude = self.config.include, self.config.exclude
        self._skipped = list(listing.skipped)
        return {
            layout.name: layout
            for layout in listing.tables
            if (not include or any(fnmatchcase(layout.name, glob) for glob in include))
            and not any(fnmatchcase(layout.name, glob) for glob in exclude)
        }

    def _opened(self) -> dict[str, TableInfo]:
        """Each table opened once: files Arrow cannot open are skipped, and so is a table of only them."""
        layouts = self._layouts()
        for name, layout in list(layouts.items()):
            if name in self._infos:
                continue
            readable = self._readable(layout)
            self._datasets.pop(name, None)  # made before its unreadable files were left out
            if readable is None:
                del layouts[name]
            else:
                layouts[name] = readable
        return self._infos

    def _readable(self, layout: TableLayout) -> TableLayout | None:
        """The layout without the files that cannot be opened (each listed as skipped), or None."""
        try:
            self._infos[layout.name] = self._table_info(layout)
            return layout
        except StoreError:
            pass
        good, why = [], ""
        for file in layout.files:
            try:
                self._table_info(dataclasses.replace(layout, files=(file,)))
                good.append(file)
            except StoreError as err:
                why = _why(err)
                self._skipped.append(SkippedFile(file.relative, why))
        try:
            if good:
                layout = dataclasses.replace(layout, files=tuple(good))
                self._infos[layout.name] = self._table_info(layout)
                return layout
        except StoreError as err:  # each file opens alone, not all together
            why = f"its files are not readable together ({_why(err)})"
        # A table none of whose rows can be read keeps its place, unreadable: the inventory is incomplete.
        self._infos[layout.name] = TableInfo(layout.name, (), unreadable=why)
        return None

    def _layout(self, table: str) -> TableLayout:
        layout = self._layouts().get(table)
        if layout is None:
            raise StoreError(f"store {self.name!r} has no table {table!r}")
        return layout

    def _dataset(self, table: str) -> ds.Dataset:
        """Made once per listing: a dataset of 3,000 day files costs ~0.03 s to make, and a request
        asks for it at every lookup."""
        held = self._datasets.get(table)
        if held is None:
            held = self._datasets[table] = self._layout(table).dataset(self.filesystem)
        return held

    def _by_path(self, table: str, dataset: ds.FileSystemDataset) -> dict[str, ds.Fragment]:
        """The table's fragments by path, made once per listing (listing 3,000 of them per lookup
        took 5 ms)."""
        held = self._fragments.get(table)
        if held is None:
            held = self._fragments[table] = {f.path: f for f in dataset.get_fragments()}
        return held

    def _table_info(self, layout: TableLayout) -> TableInfo:
        with self._reading(layout.name):
            schema, rows = layout.describe(self.filesystem)
        columns = tuple(
            ColumnInfo(field.name, field.type, field.nullable, str(field.type)) for field in schema
        )
        return TableInfo(layout.name, columns, row_count=rows, partitioning=layout.partitioning)

    def _columns(self, table: str, dataset: ds.Dataset, columns: Sequence[str] | None) -> list[str]:
        names: list[str] = dataset.schema.names
        if columns is None:
            return names
        for column in columns:
            if column not in names:
                raise StoreError(f"table {table!r} of store {self.name!r} has no column {column!r}")
        return list(columns)

    @contextmanager
    def _reading(self, table: str) -> Iterator[None]:
        """Arrow and OS errors become one-line StoreErrors naming the store and the table."""
        try:
            yield
        except StoreError as err:
            if f"store {self.name!r}" in str(err):
                raise
            raise StoreError(f"store {self.name!r}, table {table!r}: {err}") from None
        except (pa.ArrowException, OSError) as err:
            reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            if self.config.remote:
                reason = object_reason(err, self.config)
            raise StoreError(f"store {self.name!r}, table {table!r}: {reason}") from None


def _within(
    dataset: ds.FileSystemDataset,
    by_path: dict[str, ds.Fragment],
    groups: dict[str, list[int]],
    whole_files: bool,
) -> ds.FileSystemDataset:
    """The dataset narrowed to the files the value index names (`groups`: path -> row groups),
    whole or only those row groups, in the dataset's order; only those files' footers are read."""
    fragments = [
        by_path[path] if whole_files else by_path[path].subset(row_group_ids=groups[path])
        for path in by_path
        if path in groups
    ]
    return ds.FileSystemDataset(fragments, dataset.schema, dataset.format, dataset.filesystem)


def _why(err: StoreError) -> str:
    """The reason of a `_reading` error, without the store, table and paths Arrow's message names,
    nor the row Arrow quotes after a parse error (`Expected 2 columns, got 3: <the row>`)."""
    text = str(err).split(": ", 1)[-1].rsplit("': ", 1)[-1]
    return one_line(_QUOTED_ROW.sub(r"\1", text))
