"""A consumer's rows as the package's data files: `data/<store>/<table>.csv` and `.json`, with equal content.

JSON is a list of objects, one per row. Dates, times and timestamps are ISO 8601, durations ISO 8601
durations, decimals strings (no rounding), bytes base64; NaN and infinities are null. The CSV cell is the
same value: the string itself, JSON for numbers, booleans, lists and objects, empty for null.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.rights.model import TableRecords
from pipelines.rights.packages.cell_text import column_texts, joined
from pipelines.rights.packages.plain import csv_cell, plain_values
from pipelines.rights.packages.redaction import Withheld

BY_COLUMNS_FROM = 100  # rows: below, the kernels' cost per call outweighs Python's per row


@dataclass
class PackageTable:
    """One table as it goes into the package: the period's rows, hidden values already hidden."""

    records: TableRecords
    rows: pa.Table
    withheld: list[Withheld]
    hidden: set[str]  # the raw values hidden, searched for in every file before the zip is written

    @property
    def files(self) -> list[str]:
        if self.rows.num_rows == 0:
            return []
        stem = f"data/{_file_name(self.records.store)}/{_file_name(self.records.table)}"
        stem += ".mentions" if self.records.mention_only else ""  # beside the consumer's own rows
        return [f"{stem}.csv", f"{stem}.json"]

    def contents(self) -> dict[str, bytes]:
        """The data files by name (none for a table without rows)."""
        write = files_by_columns if self.rows.num_rows >= BY_COLUMNS_FROM else files_by_rows
        return dict(zip(self.files, write(self.rows), strict=False))


def files_by_rows(rows: pa.Table) -> tuple[bytes, bytes]:
    """The CSV and the JSON of `rows`, written one row at a time: the rule itself."""
    columns = {name: plain_values(rows[name]) for name in rows.column_names}
    records = [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(columns))
    writer.writerows([csv_cell(record[name]) for name in columns] for record in records)
    lines = ",\n".join(json.dumps(r, ensure_ascii=False, allow_nan=False) for r in records)
    return buffer.getvalue().encode("utf-8"), (f"[\n{lines}\n]\n".encode() if records else b"[]\n")


def files_by_columns(rows: pa.Table) -> tuple[bytes, bytes]:
    """The same files, each column's text made by Arrow kernels (`cell_text`), then joined."""
    names = rows.column_names
    texts = [column_texts(rows[name], plain_values) for name in names]
    return _csv(names, [cells for _, cells in texts]), _json(names, [values for values, _ in texts])


def _file_name(name: str) -> str:
    """A store or table name as one file name inside the zip: no folders, no hidden files."""
    return re.sub(r"[^\w.\-]", "_", name).lstrip(".") or "_"


def _csv(header: list[str], cells: list[pa.Array]) -> bytes:
    """The csv module's dialect: CRLF lines, fields quoted where they hold `,`, `"` or a line end,
    and a line of one empty field written `""` (not an empty line)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(header)
    if not cells:
        return buffer.getvalue().encode("utf-8")
    if len(cells) == 1:
        cells = [pc.if_else(pc.equal(cells[0], ""), '""', cells[0])]
    lines = pc.binary_join_element_wise(pc.binary_join_element_wise(*cells, ","), "\r\n", "")
    return buffer.getvalue().encode("utf-8") + joined(lines)


def _json(names: list[str], values: list[pa.Array]) -> bytes:
    """A list of objects, one row per line, as `json.dumps` writes each row."""
    if not values or len(values[0]) == 0:
        return b"[]\n"
    keys = [json.dumps(str(name), ensure_ascii=False) for name in names]
    parts: list[pa.Array | str] = []
    for index, (key, value) in enumerate(zip(keys, values, strict=True)):
        parts += [("{" if index == 0 else ", ") + key + ": ", value]
    rows = pc.binary_join_element_wise(*parts, "},\n", "")
    return b"[\n" + joined(rows)[:-2] + b"\n]\n"
