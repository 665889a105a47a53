"""Which row groups of a large Parquet table hold each value of a column: a sidecar lookup index.

Row-group statistics prune a lookup only on the column the files are clustered by (logs sorted by
IMSI); a lookup by any other column (the IMEI of the same sessions) would read the whole column
of every file. The index answers it from one small sorted file instead: value -> (file, row group).

It is built on first use, from the column alone, and kept in a hidden folder of the store
(`.ccpa-index/`, which table discovery ignores), stamped with the fingerprint of the table's files:
any rewrite or new file makes it stale and it is rebuilt. Files are named in it relative to the
store's root, as the fingerprint names them: a copied or moved estate (mtimes kept, so the same
fingerprint) finds its own files, never the original's. Where the folder cannot be written, the
index lives in memory for the store's lifetime. In a bucket the index is an object beside the
tables, and the fingerprint stamps each object by its size, its ETag and its modification time.
"""

from __future__ import annotations

import contextlib
import os
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from pathlib import PurePath

import pyarrow as pa
import pyarrow.fs as pa_fs
import pyarrow.parquet as pq

from connectors._lazy import ds, pc

INDEX_DIR = ".ccpa-index"
MIN_ROWS = 500_000  # below this a filtered scan is fast enough
VALUE, FILE, GROUP = "value", "file", "row_group"
STAMP = b"ccpa.fingerprint/relative"  # files named from the store's root (an older index is rebuilt)
SURVEY_ROWS = 100_000  # rows read before deciding whether the column is worth an index
UNIQUE_SHARE = 0.5  # more distinct values per row group than this share of its rows: no index
FEW = 64  # up to this many values are looked up by binary search, more in one pass over the index
# Indexes loaded in this process, by (store root, table, column): a request opens its stores anew,
# and reading the four 100M-session indexes again took ~1-3 s a request. The fingerprint keeps
# each entry current (any rewrite or new file makes it stale).
_LOADED: dict[tuple[str, str, str], tuple[str, pa.Table | None]] = {}


class ValueIndex:
    def __init__(self, root: PurePath, filesystem: pa_fs.FileSystem) -> None:
        self.root = root
        self.filesystem = filesystem
        self._memory = _LOADED  # shared by every store of the process opened on this root

    def candidates(
        self,
        table: str,
        column: str,
        casefold: bool,
        fingerprint: str,
        dataset: ds.FileSystemDataset,
        values: Sequence[object],
    ) -> dict[str, list[int]] | None:
        """file path -> row groups that may hold one of `values`; None: the column is not indexed
        (its values are nearly unique, so the index would be as big as the column: a filtered scan,
        pruned by the row groups' statistics, answers instead)."""
        index = self._index(table, column, casefold, fingerprint, dataset)
        if index is None:
            return None
        wanted = [str(v).lower() if casefold else str(v) for v in values]
        if len(wanted) <= FEW:
            hits = index.take(pa.array(_positions(index.column(VALUE), wanted), pa.int64()))
        else:
            hits = index.filter(pc.is_in(index.column(VALUE), value_set=pa.array(wanted, pa.string())))
        groups: dict[str, list[int]] = defaultdict(list)
        root = _prefix(self.root)
        for path, group in zip(hits.column(FILE).to_pylist(), hits.column(GROUP).to_pylist(), strict=True):
            groups[root + path].append(group)
        return {path: sorted(set(ids)) for path, ids in groups.items()}

    def _index(
        self, table: str, column: str, casefold: bool, fingerprint: str, dataset: ds.FileSystemDataset
    ) -> pa.Table | None:
        name = f"{column}.lower" if casefold else column
        key = (str(self.root), table, name)
        held = self._memory.get(key)
        if held and held[0] == fingerprint:
            return held[1]
        path = str(self.root / INDEX_DIR / table / f"{name}.parquet")
        index = _read(self.filesystem, path, fingerprint)
        built = index is None
        if index is None:
            index = _build(dataset, column, casefold, _prefix(self.root))
            if index is None:
                self._memory[key] = (fingerprint, None)
                return None
        index = _compact(index)
        if built:
            _write(self.filesystem, path, index, fingerprint)
        self._memory[key] = (fingerprint, index)
        return index


def _compact(index: pa.Table) -> pa.Table:
    """One sorted array (`_positions` searches it), the file names dictionary-encoded (a few
    hundred names over millions of rows: 212 -> 89 MiB for 3.5M session IMSIs)."""
    index = index.combine_chunks()
    files = index.schema.get_field_index(FILE)
    if not pa.types.is_dictionary(index.schema.field(files).type):
        index = index.set_column(files, FILE, pc.dictionary_encode(index.column(files)))
    return index


def _positions(values: pa.ChunkedArray, wanted: Sequence[str]) -> list[int]:
    """The rows of the sorted `values` equal to one of `wanted`, by binary search: a single request
    touches ~22 values of a 4M-row index instead of comparing all of them (Arrow sorts strings by
    their UTF-8 bytes, which is the order of Python's str comparison)."""
    if not len(values):
        return []
    array = values.chunk(0) if values.num_chunks == 1 else values.combine_chunks()
    rows: list[int] = []
    for value in sorted(set(wanted)):
        start = bisect_left(array, value, key=_text)
        end = bisect_right(array, value, lo=start, key=_text)
        rows.extend(range(start, end))
    return rows


def _text(scalar: pa.Scalar) -> str:
    return str(scalar.as_py())


def _prefix(root: PurePath) -> str:
    return str(root).rstrip("/") + "/"


def _build(dataset: ds.FileSystemDataset, column: str, casefold: bool, root: str) -> pa.Table | None:
    """None when the first files show the column nearly unique (a session id): such an index would
    hold a row per row of the table (100M session ids: over 4 GB to build, and a string array
    past Arrow's 2 GB offsets)."""
    values, files, groups = [], [], []
    seen = distinct_rows = 0
    for fragment in dataset.get_fragments():
        relative = fragment.path.removeprefix(root)
        reader = pq.ParquetFile(fragment.path, filesystem=dataset.filesystem)
        for group in range(reader.num_row_groups):
            if seen >= SURVEY_ROWS and distinct_rows > UNIQUE_SHARE * seen:
                return None
            texts = pc.cast(reader.read_row_group(group, columns=[column]).column(0), pa.string())
            distinct = pc.unique(pc.drop_null(pc.utf8_lower(texts) if casefold else texts))
            values.append(distinct)
            seen += len(texts)
            distinct_rows += len(distinct)
            files.append(pa.array([relative] * len(distinct), pa.string()))
            groups.append(pa.array([group] * len(distinct), pa.int32()))
    if not values:
        return pa.table(
            {
                VALUE: pa.array([], pa.string()),
                FILE: pa.array([], pa.string()),
                GROUP: pa.array([], pa.int32()),
            }
        )
    table = pa.table(
        {VALUE: pa.concat_arrays(values), FILE: pa.concat_arrays(files), GROUP: pa.concat_arrays(groups)}
    )
    return table.sort_by(VALUE)


def _read(filesystem: pa_fs.FileSystem, path: str, fingerprint: str) -> pa.Table | None:
    try:
        stamp = (pq.read_schema(path, filesystem=filesystem).metadata or {}).get(STAMP, b"").decode()
        return pq.read_table(path, filesystem=filesystem) if stamp == fingerprint else None
    except (OSError, pa.ArrowException):
        return None


def _write(filesystem: pa_fs.FileSystem, path: str, index: pa.Table, fingerprint: str) -> None:
    """Best effort: a read-only store keeps its index in memory only. Written under a temp name and
    moved over the old index (a rename on disk, an atomic replace in a bucket)."""
    stamped = index.replace_schema_metadata({STAMP: fingerprint.encode()})
    folder, _, name = path.rpartition("/")
    tmp = f"{folder}/.{name}.tmp-{os.getpid()}"
    try:
        filesystem.create_dir(folder, recursive=True)
        with filesystem.open_output_stream(tmp) as out:
            # one row group: read back as one array, its file names still dictionary-encoded
            pq.write_table(stamped, out, row_group_size=max(index.num_rows, 1))
        filesystem.move(tmp, path)
    except (OSError, pa.ArrowException):
        with contextlib.suppress(OSError, pa.ArrowException):
            filesystem.delete_file(tmp)
