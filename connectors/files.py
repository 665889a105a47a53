"""A folder of Parquet, CSV or JSON-lines files as a Store, through pyarrow.dataset.

Each file directly in the folder is a table; each sub-directory is a (possibly hive-partitioned)
dataset table. Sampling reads a few random files and row groups; lookups push their filter down;
changes rewrite, atomically, only the files holding the keys (see `_file_rewrite`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fnmatch import fnmatchcase
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.fs as pa_fs

from connectors._file_changes import conformed, plan_change
from connectors._file_index import MIN_ROWS, ValueIndex
from connectors._file_layout import TableLayout, discover
from connectors._file_rewrite import rewrite, sweep
from connectors._file_sample import sample_dataset
from connectors._file_splits import file_splits, split_dataset
from connectors.base import ChangeResult, ColumnInfo, Split, Store, StoreError, TableChange, TableInfo
from connectors.estate import FilesStoreConfig


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
        self.root = Path(config.path)
        self.filesystem = filesystem or pa_fs.LocalFileSystem()
        self.index = ValueIndex(self.root)
        self._seen: dict[str, TableLayout] | None = None  # the folder as first listed; apply() re-lists
        self._rows: dict[str, int] = {}

    def tables(self) -> list[TableInfo]:
        return [self._table_info(layout) for layout in self._layouts().values()]

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
        self, split: Split, columns: Sequence[str] | None = None, batch_size: int = 65_536
    ) -> Iterator[pa.RecordBatch]:
        table = split.table
        with self._reading(table):
            dataset = split_dataset(self._layout(table), self._dataset(table), split)
            yield from dataset.to_batches(
                columns=self._columns(table, dataset, columns), batch_size=batch_size
            )

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
            wanted = conformed([v for v in values if v is not None], dataset.schema.field(key).type, key)
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
            self._rows[table] = dataset.count_rows()  # footers only
        return self._rows[table] >= MIN_ROWS

    def _narrowed(
        self, table: str, dataset: ds.FileSystemDataset, column: str, casefold: bool, values: Sequence[object]
    ) -> ds.FileSystemDataset:
        """Only the row groups the value index says may hold the values."""
        groups = self.index.candidates(table, column, casefold, self.fingerprint(table), dataset, values)
        fragments = [
            fragment.subset(row_group_ids=groups[fragment.path])
            for fragment in dataset.get_fragments()
            if fragment.path in groups
        ]
        return ds.FileSystemDataset(fragments, dataset.schema, dataset.format, dataset.filesystem)

    def apply(self, changes: Sequence[TableChange]) -> list[ChangeResult]:
        """Each change is planned, staged and committed before the next one is planned."""
        results = []
        for change in changes:
            layout = self._layout(change.table)
            sweep({(self.root / file.relative).parent for file in layout.files})
            with self._reading(change.table):
                plan = plan_change(layout, layout.dataset(self.filesystem), change)
                try:
                    rewrite(layout.format, plan)
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

    def fingerprint(self, table: str) -> str:
        digest = hashlib.sha256()
        for file in self._layout(table).files:
            digest.update(f"{file.relative}\0{file.size}\0{file.mtime_ns}\n".encode())
        return digest.hexdigest()

    def _layouts(self) -> dict[str, TableLayout]:
        if self._seen is None:
            self._seen = self._listed()
        return self._seen

    def _forget_listing(self) -> None:
        self._seen, self._rows = None, {}

    def _listed(self) -> dict[str, TableLayout]:
        try:
            layouts = discover(self.root, self.config.format, self.filesystem)
        except StoreError as err:
            raise StoreError(f"store {self.name!r}: {err}") from None
        include, exclude = self.config.include, self.config.exclude
        return {
            layout.name: layout
            for layout in layouts
            if (not include or any(fnmatchcase(layout.name, glob) for glob in include))
            and not any(fnmatchcase(layout.name, glob) for glob in exclude)
        }

    def _layout(self, table: str) -> TableLayout:
        layout = self._layouts().get(table)
        if layout is None:
            raise StoreError(f"store {self.name!r} has no table {table!r}")
        return layout

    def _dataset(self, table: str) -> ds.Dataset:
        return self._layout(table).dataset(self.filesystem)

    def _table_info(self, layout: TableLayout) -> TableInfo:
        with self._reading(layout.name):
            dataset = layout.dataset(self.filesystem)
            rows = dataset.count_rows() if layout.format == "parquet" else None  # footers only
        columns = tuple(
            ColumnInfo(field.name, field.type, field.nullable, str(field.type)) for field in dataset.schema
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
            raise StoreError(f"store {self.name!r}, table {table!r}: {reason}") from None
