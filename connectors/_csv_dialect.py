"""How a CSV file is written: encoding and BOM, delimiter, quoting, line endings, header.

Detected once per file from its first bytes, and used both to read it (Arrow's CSV options) and
to rewrite it (`_file_rewrite`): records are cut from the file's own text, so a rewrite can keep
every record it does not change exactly as it was, and write the ones it changes in the same dialect.
Quoting is RFC 4180's: a field may be wrapped in `"`, and a `"` inside it is doubled.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Generic, TypeVar

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.fs as pa_fs

from connectors._lazy import ds

DELIMITERS = (",", ";", "\t", "|")
QUOTE = '"'
SNIFF_BYTES = 1 << 16
WHOLE_FILE_CHECK = 64 << 20  # files up to this size are decoded whole to choose the encoding
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+\Z")  # a physical line with its ending
T = TypeVar("T")
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class CsvDialect:
    encoding: str  # a Python codec: utf-8, utf-16-le, utf-16-be, cp1252, latin-1
    bom: bytes
    delimiter: str
    line_ending: str  # of the first record: \r\n, \n or \r
    quote_all: bool  # every field of the first records is quoted
    header: bool

    def read_options(self) -> pa_csv.ReadOptions:
        # A UTF-16 file carries its BOM, which Python's "utf-16" codec reads; Arrow skips a UTF-8 BOM.
        encoding = "utf8" if self.encoding == "utf-8" else "utf-16" if self.bom else self.encoding
        return pa_csv.ReadOptions(encoding=encoding, autogenerate_column_names=not self.header)

    def parse_options(self) -> pa_csv.ParseOptions:
        return pa_csv.ParseOptions(delimiter=self.delimiter, quote_char=QUOTE, newlines_in_values=True)

    def file_format(self, column_types: dict[str, pa.DataType] | None = None) -> ds.CsvFileFormat:
        return ds.CsvFileFormat(
            parse_options=self.parse_options(),
            read_options=self.read_options(),
            convert_options=text_convert(column_types),
        )

    def decode(self, data: bytes) -> str:
        return data.removeprefix(self.bom).decode(self.encoding)

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding)

    def fields(self, record: str) -> list[str]:
        """The raw fields of one record (line ending removed), quotes kept."""
        return split_fields(record.rstrip("\r\n"), self.delimiter)

    def field(self, value: object, quoted: bool = False) -> str:
        """`value` as this dialect writes a field: NULL is empty, an empty string is `""`; `quoted`:
        the field it replaces was quoted (a file that quotes its text keeps quoting it)."""
        if value is None:
            return ""
        text = str(value)
        special = not text or any(c in text for c in (self.delimiter, QUOTE, "\r", "\n"))
        if self.quote_all or quoted or special or text != text.strip():
            return QUOTE + text.replace(QUOTE, QUOTE * 2) + QUOTE
        return text


def text_convert(column_types: dict[str, pa.DataType] | None = None) -> pa_csv.ConvertOptions:
    """Only an empty field is NULL; a quoted empty field ("") stays an empty string; `NA` is text."""
    return pa_csv.ConvertOptions(
        column_types=column_types,
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )


def split_records(text: str) -> list[str]:
    """`text` cut into records, each with its own line ending (a quoted line break stays inside).

    A record ends at a line ending outside quotes: where the quotes seen so far are even in number.
    """
    records: list[str] = []
    pending: list[str] = []
    quoted = False
    for line in _LINE.findall(text):
        pending.append(line)
        quoted ^= line.count(QUOTE) % 2 == 1
        if not quoted:
            records.append("".join(pending))
            pending = []
    if pending:
        records.append("".join(pending))
    return records


def split_fields(record: str, delimiter: str) -> list[str]:
    pattern = _field_pattern(delimiter)
    fields, position = [], 0
    while True:
        match = pattern.match(record, position)
        assert match is not None
        fields.append(match.group(0))
        position = match.end()
        if position >= len(record):
            return fields
        position += 1  # the delimiter


def unquoted(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] == QUOTE:
        return raw[1:-1].replace(QUOTE * 2, QUOTE)
    return raw


class FileMemo(Generic[T]):
    """What was learnt from a file, kept while its size and mtime stay the same (bounded)."""

    def __init__(self, learn: Callable[[pa_fs.FileSystem, str, int, int], T], most: int = 4096) -> None:
        self._learn, self._most = learn, most
        self._known: dict[tuple[str, str, int, int], T] = {}

    def __call__(self, filesystem: pa_fs.FileSystem, path: str, size: int, mtime_ns: int) -> T:
        key = (filesystem.type_name, path, size, mtime_ns)
        if key not in self._known:
            if len(self._known) >= self._most:
                self._known.clear()
            self._known[key] = self._learn(filesystem, path, size, mtime_ns)
        return self._known[key]


def _detect(filesystem: pa_fs.FileSystem, path: str, size: int, mtime_ns: int) -> CsvDialect:
    with filesystem.open_input_stream(path) as stream:
        data = stream.read(size if size <= WHOLE_FILE_CHECK else SNIFF_BYTES)
    encoding, bom = _encoding(data, whole=size <= WHOLE_FILE_CHECK)
    head = codecs.getincrementaldecoder(encoding)(errors="replace").decode(data[len(bom) : SNIFF_BYTES])
    records = [r for r in split_records(head)[:200] if r.strip("\r\n")]
    if len(data) > SNIFF_BYTES and len(records) > 1:
        records = records[:-1]  # the last one may be cut short
    delimiter = _delimiter(records)
    rows = [split_fields(r.rstrip("\r\n"), delimiter) for r in records]
    ending = records[0][len(records[0].rstrip("\r\n")) :] if records else ""
    return CsvDialect(
        encoding=encoding,
        bom=bom,
        delimiter=delimiter,
        line_ending=ending or "\n",
        quote_all=bool(rows) and all(f.startswith(QUOTE) for row in rows for f in row if f),
        header=_has_header(rows),
    )


detect = FileMemo(_detect)  # the dialect of one file


def _encoding(data: bytes, whole: bool) -> tuple[str, bytes]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, bom
    # Only a file decoded whole can be called cp1252 (which leaves 5 bytes undefined); latin-1 takes any.
    for encoding in ("utf-8", "cp1252") if whole else ("utf-8",):
        try:
            codecs.getincrementaldecoder(encoding)().decode(data, final=whole)
        except UnicodeDecodeError:
            continue
        return encoding, b""
    return "latin-1", b""


def _delimiter(records: list[str]) -> str:
    """The candidate that splits the first records into the same number (> 1) of fields, most often."""
    best, best_score = ",", (0.0, 0)
    for candidate in DELIMITERS:
        counts = [len(split_fields(r.rstrip("\r\n"), candidate)) for r in records]
        if not counts or counts[0] < 2:
            continue
        score = (sum(c == counts[0] for c in counts) / len(counts), counts[0])
        if score > best_score:
            best, best_score = candidate, score
    return best


def _has_header(rows: list[list[str]]) -> bool:
    """No header only when the first row holds numbers where the rows below hold numbers too."""
    if len(rows) < 2:
        return True
    data_votes = header_votes = 0
    for index, first in enumerate(rows[0]):
        below = [unquoted(row[index]) for row in rows[1:] if index < len(row) and row[index]]
        if not below or not all(_NUMBER.fullmatch(v) for v in below):
            continue
        if _NUMBER.fullmatch(unquoted(first)):
            data_votes += 1
        else:
            header_votes += 1
    return not (data_votes > 0 and header_votes == 0)


@cache
def _field_pattern(delimiter: str) -> re.Pattern[str]:
    d = re.escape(delimiter)
    return re.compile(rf'(?:[^"{d}]+|"[^"]*(?:"|\Z))*')
