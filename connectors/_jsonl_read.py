"""JSON lines read as stored: text that looks like a date or a time stays text.

Arrow's JSON reader infers a timestamp for every string in ISO form, so a stored `"1989-01-29"`
would come back as `1989-01-29T00:00:00` in packages and in rewritten lines. The table's schema is
inferred once as Arrow sees it, every date and time field in it (inside structs and lists too)
is made text, and the files are read with that schema.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.fs as pa_fs
import pyarrow.json as pa_json

from connectors._lazy import ds


def jsonl_dataset(
    paths: list[str], filesystem: pa_fs.FileSystem, partitioning: str | None, base: str
) -> ds.FileSystemDataset:
    inferred = ds.dataset(
        paths, format=ds.JsonFileFormat(), filesystem=filesystem, partitioning=partitioning,
        partition_base_dir=base,
    )  # fmt: skip
    schema = pa.schema([field.with_type(as_stored(field.type)) for field in inferred.schema])
    changed = [field for field, was in zip(schema, inferred.schema, strict=True) if field.type != was.type]
    if not changed:
        return inferred
    parse = pa_json.ParseOptions(explicit_schema=pa.schema(changed))
    return ds.dataset(
        paths, schema=schema, format=ds.JsonFileFormat(parse_options=parse), filesystem=filesystem,
        partitioning=partitioning, partition_base_dir=base,
    )  # fmt: skip


def as_stored(type_: pa.DataType) -> pa.DataType:
    """The type with every date and time in it as text."""
    if pa.types.is_timestamp(type_) or pa.types.is_date(type_) or pa.types.is_time(type_):
        return pa.string()
    if pa.types.is_struct(type_):
        return pa.struct([f.with_type(as_stored(f.type)) for f in type_])
    if pa.types.is_list(type_) or pa.types.is_large_list(type_):
        item = type_.value_field
        wrap = pa.large_list if pa.types.is_large_list(type_) else pa.list_
        return wrap(item.with_type(as_stored(item.type)))
    return type_
