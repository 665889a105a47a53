"""A file table cut into parts one task each can read: a file, or a range of a Parquet file's row groups."""

from __future__ import annotations

import pyarrow as pa

from connectors._file_layout import TableLayout
from connectors._lazy import ds
from connectors.base import Split, StoreError


def file_splits(layout: TableLayout, dataset: ds.FileSystemDataset, rows: int) -> list[Split]:
    """Per file; a Parquet file of more than `rows` rows in ranges of whole row groups (footers only)."""
    relative = {f.path: f.relative for f in layout.files}
    splits = []
    for fragment in dataset.get_fragments():
        name = relative[fragment.path]
        if not isinstance(fragment, ds.ParquetFileFragment):
            splits.append(Split(layout.name, (name, None, None)))
            continue
        sizes = [group.num_rows for group in fragment.row_groups]
        first, held = 0, 0
        for index, size in enumerate(sizes):
            held += size
            if held >= rows or index == len(sizes) - 1:
                splits.append(Split(layout.name, (name, first, index + 1 - first), held))
                first, held = index + 1, 0
        if not sizes:
            splits.append(Split(layout.name, (name, 0, 0), 0))
    return splits


def split_dataset(layout: TableLayout, dataset: ds.FileSystemDataset, split: Split) -> ds.FileSystemDataset:
    """The dataset of the split's file (or row groups) alone, partition columns kept."""
    name, first, count = split.part
    path = {f.relative: f.path for f in layout.files}.get(str(name))
    fragments = [fragment for fragment in dataset.get_fragments() if fragment.path == path]
    if not fragments:
        raise StoreError(f"file {name} of table {layout.name!r} is gone (changed since the read was planned)")
    [fragment] = fragments
    if isinstance(fragment, ds.ParquetFileFragment) and isinstance(first, int) and isinstance(count, int):
        fragment = fragment.subset(row_group_ids=list(range(first, first + count)))
    return ds.FileSystemDataset([fragment], dataset.schema, dataset.format, dataset.filesystem)


def dictionary_encoded(
    layout: TableLayout, dataset: ds.FileSystemDataset, columns: list[str]
) -> ds.FileSystemDataset:
    """The same rows with the text columns among `columns` read as Parquet stores them, dictionary
    encoded (each row group's distinct values once, and an index per row); other formats as they are."""
    if not isinstance(dataset.format, ds.ParquetFileFormat):
        return dataset
    stored = [c for c in columns if c not in layout.partitioning]
    text = [c for c in stored if pa.types.is_string(dataset.schema.field(c).type)]
    if not text:
        return dataset
    encoded = ds.ParquetFileFormat(read_options=ds.ParquetReadOptions(dictionary_columns=text))
    fragments = [
        encoded.make_fragment(
            f.path,
            dataset.filesystem,
            f.partition_expression,
            row_groups=[g.id for g in f.row_groups] if isinstance(f, ds.ParquetFileFragment) else None,
        )
        for f in dataset.get_fragments()
    ]
    schema = pa.schema(
        [
            pa.field(f.name, pa.dictionary(pa.int32(), f.type), f.nullable) if f.name in text else f
            for f in dataset.schema
        ]
    )
    return ds.FileSystemDataset(fragments, schema, encoded, dataset.filesystem)
