"""Which row groups of a large Parquet table hold each value of a column: a sidecar lookup index.

Row-group statistics prune a lookup only on the column the files are clustered by (logs sorted by
IMSI); a lookup by any other column (the IMEI of the same sessions) would read the whole column
of every file. The index answers it from one small sorted file instead: value -> (file, row group).

It is built on first use, from the column alone, and kept in a hidden folder of the store
(`.ccpa-index/`, which table discovery ignores), stamped with the fingerprint of the table's files
and with each file's own stamp (`_file_stamps`). While the fingerprint holds it is current; when
not, it is updated file by file: the rows of unchanged files are kept, those of removed or
rewritten files dropped, and only the rewritten and new files are read (a deletion rewrites the
few files of a consumer; rebuilding the four indexes of 100M sessions after each took ~26 s). Files
are named in it relative to the store's root, as the fingerprint names them: a copied or moved
estate (mtimes kept, so the same stamps) finds its own files, never the original's. Where the
folder cannot be written, the index lives in memory for the store's lifetime. In a bucket the
index is an object beside the tables.
"""

from __future__ import annotations

import contextlib
import json
import os
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

import numpy as np
import pyarrow as pa
import pyarrow.fs as pa_fs
import pyarrow.parquet as pq

from connectors._file_stamps import FileStamps
from connectors._lazy import ds, pc

INDEX_DIR = ".ccpa-index"
MIN_ROWS = 500_000  # below this a filtered scan is fast enough
VALUE, FILE, GROUP = "value", "file", "row_group"
STAMP = b"ccpa.fingerprint/relative"  # files named from the store's root
FILES = b"ccpa.files"  # each indexed file's stamp, by its relative path (an index without them is rebuilt)
SURVEY_ROWS = 100_000  # rows read before deciding whether the column is worth an index
UNIQUE_SHARE = 0.5  # more distinct values per row group than this share of its rows: no index
REBUILD_SHARE = 0.5  # more of the table's files changed than this share: rebuilt whole, surveyed again
FEW = 64  # up to this many values are looked up by binary search, more in one pass over the index


@dataclass(frozen=True)
class Held:
    """An index as loaded, and what it answers for."""

    fingerprint: str  # the table's, when the index was last brought up to date
    files: Mapping[str, str]  # the stamps of the files its rows were read from (or its survey read)
    table: pa.Table | None  # None: the column is not indexed


# Indexes loaded in this process, by (store root, table, column): a request opens its stores anew,
# and reading the four 100M-session indexes again took ~1-3 s a request. The fingerprint says when
# an entry is current; when not, its per-file stamps say which files to read again.
_LOADED: dict[tuple[str, str, str], Held] = {}


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
        stamps: FileStamps,
        dataset: ds.FileSystemDataset,
        values: Sequence[object],
    ) -> dict[str, list[int]] | None:
        """file path -> row groups that may hold one of `values`; None: the column is not indexed
        (its values are nearly unique, so the index would be as big as the column: a filtered scan,
        pruned by the row groups' statistics, answers instead)."""
        index = self._index(table, column, casefold, stamps, dataset)
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
        self, table: str, column: str, casefold: bool, stamps: FileStamps, dataset: ds.FileSystemDataset
    ) -> pa.Table | None:
        name = f"{column}.lower" if casefold else column
        key = (str(self.root), table, name)
        path = str(self.root / INDEX_DIR / table / f"{name}.parquet")
        held = self._memory.get(key) or _read(self.filesystem, path)
        if held is not None and held.fingerprint == stamps.fingerprint:
            self._memory[key] = held
            return held.table
        root = _prefix(self.root)
        if held is None or (changed := _changed(held, stamps)) is None:
            current = _built(stamps, dataset, column, casefold, root)
            if current.table is None:  # judged nearly unique: a stale index of it would be updated again
                with contextlib.suppress(OSError, pa.ArrowException):
                    self.filesystem.delete_file(path)
        else:
            current = _updated(held, stamps, changed, dataset, column, casefold, root)
        if current.table is not None:
            _write(self.filesystem, path, current.table, current.fingerprint, current.files)
        self._memory[key] = current
        return current.table


def _built(stamps: FileStamps, dataset: ds.FileSystemDataset, column: str, casefold: bool, root: str) -> Held:
    paths = [fragment.path for fragment in dataset.get_fragments()]
    groups = _groups(paths, dataset.filesystem, column, casefold, root)
    return Held(stamps.fingerprint, stamps.files, _surveyed(groups))


def _changed(held: Held, stamps: FileStamps) -> set[str] | None:
    """The files rewritten or added since `held` was read; None when so many that a whole rebuild
    costs about as much, and judges the column afresh (a folder of new files under the old names)."""
    changed = {name for name, stamp in stamps.files.items() if held.files.get(name) != stamp}
    return None if len(changed) > REBUILD_SHARE * len(stamps.files) else changed


def _updated(
    held: Held,
    stamps: FileStamps,
    changed: set[str],
    dataset: ds.FileSystemDataset,
    column: str,
    casefold: bool,
    root: str,
) -> Held:
    """The rows of unchanged files kept as they were, those of rewritten or removed files dropped,
    the rewritten and new files read (their column only). A column judged nearly unique stays
    unindexed until a rebuild surveys it again (a new process, or most files changed): a deletion
    does not make session ids repeat, and its verdict keeps the stamps it was made on, so that the
    changes add up towards that rebuild."""
    if held.table is None:
        return Held(stamps.fingerprint, held.files, None)
    stale = changed | (held.files.keys() - stamps.files.keys())
    paths = [f.path for f in dataset.get_fragments() if f.path.removeprefix(root) in changed]
    fresh = _table(list(_groups(paths, dataset.filesystem, column, casefold, root)))
    return Held(stamps.fingerprint, stamps.files, _merged(_without(held.table, stale), fresh))


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
    array = _array(values)
    rows: list[int] = []
    for value in sorted(set(wanted)):
        start = bisect_left(array, value, key=_text)
        end = bisect_right(array, value, lo=start, key=_text)
        rows.extend(range(start, end))
    return rows


def _text(scalar: pa.Scalar) -> str:
    return str(scalar.as_py())


def _array(values: pa.ChunkedArray) -> pa.Array:
    return values.chunk(0) if values.num_chunks == 1 else values.combine_chunks()


def _prefix(root: PurePath) -> str:
    return str(root).rstrip("/") + "/"


Group = tuple[str, int, pa.Array, int]  # a file (relative), a row group, its distinct values, its rows


def _groups(
    paths: Iterable[str], filesystem: pa_fs.FileSystem, column: str, casefold: bool, root: str
) -> Iterator[Group]:
    """Each row group's distinct values, read from the column alone."""
    for path in paths:
        reader = pq.ParquetFile(path, filesystem=filesystem)
        for group in range(reader.num_row_groups):
            texts = pc.cast(reader.read_row_group(group, columns=[column]).column(0), pa.string())
            distinct = pc.unique(pc.drop_null(pc.utf8_lower(texts) if casefold else texts))
            yield path.removeprefix(root), group, distinct, len(texts)


def _surveyed(groups: Iterable[Group]) -> pa.Table | None:
    """None when the first row groups show the column nearly unique (a session id): such an index
    would hold a row per row of the table (100M session ids: over 4 GB to build, and a string array
    past Arrow's 2 GB offsets)."""
    read: list[Group] = []
    seen = distinct = 0
    for group in groups:
        read.append(group)
        seen += group[3]
        distinct += len(group[2])
        if seen >= SURVEY_ROWS and distinct > UNIQUE_SHARE * seen:
            return None
    return _table(read)


def _table(groups: Sequence[Group]) -> pa.Table:
    values = [group[2] for group in groups]
    files = [pa.array([name] * len(distinct), pa.string()) for name, _, distinct, _ in groups]
    numbers = [pa.array([number] * len(distinct), pa.int32()) for _, number, distinct, _ in groups]
    table = pa.table(
        {
            VALUE: pa.concat_arrays(values) if values else pa.array([], pa.string()),
            FILE: pa.concat_arrays(files) if files else pa.array([], pa.string()),
            GROUP: pa.concat_arrays(numbers) if numbers else pa.array([], pa.int32()),
        }
    )
    return _compact(table.sort_by(VALUE))


def _without(index: pa.Table, files: set[str]) -> pa.Table:
    """`index` without the rows of `files` (found by their codes in the file names' dictionary)."""
    names = _array(index.column(FILE))
    gone = pc.is_in(names.dictionary, value_set=pa.array(sorted(files), pa.string()))
    gone = gone.to_numpy(zero_copy_only=False)
    if not gone.any():
        return index
    return index.filter(pa.array(~gone[names.indices.to_numpy()]))


def _merged(kept: pa.Table, fresh: pa.Table) -> pa.Table:
    """Two indexes sorted by value as one, by merging them (sorting 3.5M values again took ~0.8 s).
    Each fresh value's place among the kept ones is found by one binary search of them all at once:
    Arrow compares the strings, numpy moves the bounds."""
    ordered, added = _array(kept.column(VALUE)), _array(fresh.column(VALUE))
    low = np.zeros(len(added), np.int64)
    high = np.full(len(added), len(ordered), np.int64)
    while (searching := low < high).any():
        middle = (low + high) // 2
        probe = ordered.take(pa.array(np.minimum(middle, len(ordered) - 1)))
        after = pc.less_equal(probe, added).to_numpy(zero_copy_only=False) & searching
        low = np.where(after, middle + 1, low)
        high = np.where(searching & ~after, middle, high)
    # each fresh row after the kept rows of its value (numpy inserts the rows of one place in order)
    order = np.insert(np.arange(len(ordered)), low, np.arange(len(ordered), len(ordered) + len(added)))
    return _compact(pa.concat_tables([kept, fresh]).take(order))


def _read(filesystem: pa_fs.FileSystem, path: str) -> Held | None:
    """None when there is no index, it cannot be read, or it is of an older format (no stamps of
    its files: it is rebuilt whole, once)."""
    try:
        table = pq.read_table(path, filesystem=filesystem)
        metadata = table.schema.metadata or {}
        if STAMP not in metadata or FILES not in metadata:
            return None
        files = json.loads(metadata[FILES])
    except (OSError, ValueError, pa.ArrowException):
        return None
    return Held(metadata[STAMP].decode(), files, _compact(table.replace_schema_metadata(None)))


def _write(
    filesystem: pa_fs.FileSystem, path: str, index: pa.Table, fingerprint: str, files: Mapping[str, str]
) -> None:
    """Best effort: a read-only store keeps its index in memory only. Written under a temp name and
    moved over the old index (a rename on disk, an atomic replace in a bucket)."""
    metadata = {STAMP: fingerprint.encode(), FILES: json.dumps(dict(files)).encode()}
    stamped = index.replace_schema_metadata(metadata)
    folder, _, name = path.rpartition("/")
    tmp = f"{folder}/.{name}.tmp-{os.getpid()}"
    try:
        filesystem.create_dir(folder, recursive=True)
        with filesystem.open_output_stream(tmp) as out:
            # one row group: read back as one array, its file names still dictionary-encoded; it is
            # read whole, so no statistics (their min and max of 3.3M strings took half the write)
            pq.write_table(stamped, out, row_group_size=max(index.num_rows, 1), write_statistics=False)
        filesystem.move(tmp, path)
    except (OSError, pa.ArrowException):
        with contextlib.suppress(OSError, pa.ArrowException):
            filesystem.delete_file(tmp)
