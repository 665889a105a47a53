"""Reading a CSV table so that it cannot fail on a value further down: text first, typed only when safe.

Every column is read as text. A column becomes int64 only when every value of every file of the
table is a canonical whole number (no sign but `-`, no leading zero, at most 18 digits), so
`02134` and `864-938-1593` stay text and no later block can contradict the type. Anything else,
and any table too large to check whole, stays text. Only an empty field is NULL.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.fs as pa_fs

from connectors._csv_dialect import CsvDialect, FileMemo, detect, text_convert
from connectors._lazy import ds, pc
from connectors.base import StoreError

MAX_TYPED_BYTES = 256 << 20  # a larger table is read as text, unchecked
_CANONICAL_INT = r"^(0|-?[1-9][0-9]{0,17})$"


def csv_format(filesystem: pa_fs.FileSystem, files: Sequence[tuple[str, int, int]]) -> ds.CsvFileFormat:
    """The Arrow format that reads every file of a table (path, size, mtime_ns) in its dialect."""
    dialect = table_dialect(filesystem, files)
    if sum(size for _, size, _ in files) > MAX_TYPED_BYTES:
        return dialect.file_format(None if not files else _as_text(filesystem, files[0], dialect))
    types: dict[str, pa.DataType] = {}
    for file in files:
        for name, type_ in _safe_types(filesystem, *file).items():
            types[name] = type_ if types.get(name, type_) == type_ else pa.string()
    return dialect.file_format(types)


def table_dialect(filesystem: pa_fs.FileSystem, files: Sequence[tuple[str, int, int]]) -> CsvDialect:
    """The one dialect of a table's files; files written in different ones are refused."""
    dialects = {path: detect(filesystem, path, size, mtime) for path, size, mtime in files if size}
    if not dialects:
        return CsvDialect("utf-8", b"", ",", "\n", quote_all=False, header=True)
    first_path, first = next(iter(dialects.items()))
    for path, dialect in dialects.items():
        if _reading(dialect) != _reading(first):
            raise StoreError(
                f"{path} and {first_path} are written differently (encoding, delimiter or header): "
                "keep one CSV dialect per table"
            )
    return first


def _reading(dialect: CsvDialect) -> tuple[object, ...]:
    return (dialect.encoding, dialect.delimiter, dialect.header)


def _as_text(
    filesystem: pa_fs.FileSystem, file: tuple[str, int, int], dialect: CsvDialect
) -> dict[str, pa.DataType]:
    with filesystem.open_input_stream(file[0]) as stream:
        names = pa_csv.open_csv(
            stream, dialect.read_options(), dialect.parse_options(), text_convert()
        ).schema.names
    return dict.fromkeys(names, pa.string())


def _learn_types(filesystem: pa_fs.FileSystem, path: str, size: int, mtime_ns: int) -> dict[str, pa.DataType]:
    if not size:
        return {}
    dialect = detect(filesystem, path, size, mtime_ns)
    text = _as_text(filesystem, (path, size, mtime_ns), dialect)
    with filesystem.open_input_stream(path) as stream:
        table = pa_csv.read_csv(stream, dialect.read_options(), dialect.parse_options(), text_convert(text))
    twice = sorted({name for name in table.column_names if table.column_names.count(name) > 1})
    if twice:
        raise StoreError(f"{path}: header names column(s) {', '.join(map(repr, twice))} more than once")
    return {name: _safe_type(column) for name, column in zip(table.column_names, table.columns, strict=True)}


_safe_types = FileMemo(_learn_types)  # per file: column -> int64 or string


def _safe_type(values: pa.ChunkedArray) -> pa.DataType:
    present = values.drop_null()
    if not len(present) or not pc.all(pc.match_substring_regex(present, _CANONICAL_INT)).as_py():
        return pa.string()
    return pa.int64()
