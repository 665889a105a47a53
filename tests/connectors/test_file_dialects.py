"""Files as their writers wrote them: CSV dialects read right, and rewrites that leave other rows alone.

Each CSV dialect (BOM or none, UTF-16, cp1252, CRLF or LF, `,` `;` tab `|`, minimal or full quoting)
is read back value for value; after a deletion and a correction every record that did not hold the
consumer is byte-identical. Parquet rewrites keep the schema (with its metadata), the codecs and the
row groups, each group losing only its own rows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from connectors._csv_dialect import split_fields, split_records
from connectors.base import TableChange
from connectors.estate import FilesStoreConfig
from connectors.files import FileStore

# id, zip (leading zero), email, note (holds the delimiter, a quote and a line break)
ROWS = [
    ("1", "02134", "ann@example.com", 'Zoë said "hi", then\nleft'),
    ("2", "10001", "bob@example.com", "plain"),
    ("3", "00501", "cy@example.com", ""),
    ("4", "94105", None, "Straße; 東京 | tab\there"),
]
HEADER = ("id", "zip", "email", "note")


def render(delimiter: str, ending: str, quote_all: bool) -> list[str]:
    """The records of the file as a careful writer would write them (header first)."""

    def field(value: str | None) -> str:
        if value is None:
            return ""
        special = not value or any(c in value for c in (delimiter, '"', "\n", "\r"))
        return '"' + value.replace('"', '""') + '"' if quote_all or special else value

    return [delimiter.join(field(v) for v in row) + ending for row in [HEADER, *ROWS]]


DIALECTS = {
    "utf8-comma-lf-minimal": ("utf-8", b"", ",", "\n", False),
    "utf8-bom-comma-crlf-minimal": ("utf-8", b"\xef\xbb\xbf", ",", "\r\n", False),
    "utf8-semicolon-crlf-all": ("utf-8", b"", ";", "\r\n", True),
    "utf8-tab-lf-minimal": ("utf-8", b"", "\t", "\n", False),
    "utf8-pipe-lf-all": ("utf-8", b"", "|", "\n", True),
    "utf16le-bom-comma-crlf": ("utf-16-le", b"\xff\xfe", ",", "\r\n", False),
    "cp1252-semicolon-crlf": ("cp1252", b"", ";", "\r\n", False),
}


def write_csv(folder: Path, dialect: str) -> tuple[Path, list[bytes]]:
    encoding, bom, delimiter, ending, quote_all = DIALECTS[dialect]
    if encoding == "cp1252":  # cp1252 cannot hold 東京
        rows = render(delimiter, ending, quote_all)
        rows = [r.replace("東京", "Köln") for r in rows]
    else:
        rows = render(delimiter, ending, quote_all)
    records = [r.encode(encoding) for r in rows]
    path = folder / "contacts.csv"
    path.write_bytes(bom + b"".join(records))
    return path, records


def store_at(root: Path) -> FileStore:
    return FileStore("crm", FilesStoreConfig.model_validate({"kind": "files", "path": root}))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_dialect_reads_back_as_written(tmp_path: Path, dialect: str) -> None:
    write_csv(tmp_path, dialect)
    store = store_at(tmp_path)
    table = pa.Table.from_batches(list(store.scan("contacts")))
    assert table.column_names == list(HEADER)
    expected = [list(r) for r in ROWS]
    if DIALECTS[dialect][0] == "cp1252":
        expected[3][3] = expected[3][3].replace("東京", "Köln")
    assert [list(row.values()) for row in table.to_pylist()] == [
        [int(r[0]), r[1], r[2], r[3]] for r in expected
    ]
    assert table.schema.field("zip").type == pa.string()  # 02134 keeps its zero


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_rewrite_keeps_every_other_record_byte_for_byte(tmp_path: Path, dialect: str) -> None:
    path, records = write_csv(tmp_path, dialect)
    bom = DIALECTS[dialect][1]
    store = store_at(tmp_path)
    change = TableChange(
        "contacts",
        ("id",),
        deletes=pa.table({"id": [1]}),
        updates=pa.table({"id": [3], "email": ['new, "quoted"@example.com']}),
    )
    [result] = store.apply([change])
    assert (result.deleted, result.updated) == (1, 1)
    after = path.read_bytes()
    assert after.startswith(bom)
    encoding, _, delimiter, ending, quote_all = DIALECTS[dialect]
    new_third = delimiter.join(
        [
            '"3"' if quote_all else "3",
            '"00501"' if quote_all else "00501",
            '"new, ""quoted""@example.com"',
            '""',
        ]
    )
    assert after == bom + records[0] + records[2] + (new_third + ending).encode(encoding) + records[4]
    emails = pa.Table.from_batches(list(store_at(tmp_path).scan("contacts")))["email"].to_pylist()
    assert emails == ["bob@example.com", 'new, "quoted"@example.com', None]


def test_a_column_int_like_for_100k_rows_then_a_phone_is_read_as_text(tmp_path: Path) -> None:
    lines = ["account,phone"] + [f"{i},{i + 1}" for i in range(100_000)] + ["100000,864-938-1593"]
    (tmp_path / "accounts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = store_at(tmp_path)
    assert store.table("accounts").schema == pa.schema([("account", pa.int64()), ("phone", pa.string())])
    phones = pa.Table.from_batches(list(store.scan("accounts")))["phone"]
    assert phones[-1].as_py() == "864-938-1593" and len(phones) == 100_001


def test_json_lines_keep_other_lines_byte_for_byte(tmp_path: Path) -> None:
    lines = [
        b'{"id": 1, "email": "ann@example.com",   "note": "spaced  as written"}\r\n',
        b'{"email":"bob@example.com","id":2}\r\n',
        b'{"id": 3, "email": "cy@example.com", "n": 1.10}\r\n',
    ]
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"".join(lines))
    updates = pa.table({"id": [3], "email": ["new@example.com"]})
    store_at(tmp_path).apply([TableChange("events", ("id",), deletes=pa.table({"id": [2]}), updates=updates)])
    after = path.read_bytes().splitlines(keepends=True)
    assert after[0] == lines[0] and len(after) == 2
    assert json.loads(after[1])["email"] == "new@example.com" and after[1].endswith(b"\r\n")


def test_parquet_rewrite_keeps_schema_codecs_and_row_groups(tmp_path: Path) -> None:
    table = pa.table(
        {"id": pa.array(range(12), pa.int32()), "email": [f"u{i}@example.com" for i in range(12)]}
    ).replace_schema_metadata({"owner": "crm export v3"})
    path = tmp_path / "people.parquet"
    pq.write_table(table, path, row_group_size=4, compression={"id": "zstd", "email": "gzip"})
    before = pq.ParquetFile(path).metadata
    store = store_at(tmp_path)
    store.apply([TableChange("people", ("id",), deletes=pa.table({"id": [1, 2, 9]}))])
    after = pq.ParquetFile(path)
    assert after.schema_arrow == table.schema and after.schema_arrow.metadata[b"owner"] == b"crm export v3"
    groups = [after.metadata.row_group(i) for i in range(after.metadata.num_row_groups)]
    assert [g.num_rows for g in groups] == [2, 4, 3]
    assert [g.column(0).compression for g in groups] == ["ZSTD"] * 3
    assert [g.column(1).compression for g in groups] == ["GZIP"] * 3
    assert after.metadata.format_version == before.format_version
    assert after.read()["id"].to_pylist() == [0, 3, 4, 5, 6, 7, 8, 10, 11]


def test_parquet_rewrite_writes_plain_only_the_columns_of_mostly_distinct_values(tmp_path: Path) -> None:
    """A dictionary of a unique id holds every value again: the rewrite drops it (twice as fast to
    write a session file); a column of few values keeps its dictionary, as written."""
    rows = 1_000
    table = pa.table(
        {
            "session_id": pa.array(range(rows), pa.int64()),
            "imsi": [f"31015000000{i % 7:04d}" for i in range(rows)],
        }
    )
    path = tmp_path / "sessions.parquet"
    pq.write_table(table, path, row_group_size=500, compression="zstd")
    store_at(tmp_path).apply(
        [TableChange("sessions", ("session_id",), deletes=pa.table({"session_id": [5]}))]
    )
    after = pq.ParquetFile(path).metadata
    for group in range(after.num_row_groups):
        unique, few = after.row_group(group).column(0), after.row_group(group).column(1)
        assert not unique.has_dictionary_page and few.has_dictionary_page
        assert unique.compression == few.compression == "ZSTD"
    assert pq.read_table(path).num_rows == rows - 1


@pytest.mark.parametrize(
    ("text", "records"),
    [
        ("a,b\n1,2\n", ["a,b\n", "1,2\n"]),
        ('a\r\n"x\r\ny",2\r\n\r\nlast', ["a\r\n", '"x\r\ny",2\r\n', "\r\n", "last"]),
        ('q""z\r1\r', ['q""z\r', "1\r"]),
        ('a\n"open\nstill open', ["a\n", '"open\nstill open']),
        ("", []),
    ],
)
def test_records_end_at_line_endings_outside_quotes(text: str, records: list[str]) -> None:
    assert split_records(text) == records
    assert "".join(split_records(text)) == text


def test_fields_keep_their_quotes_and_delimiters_inside_them() -> None:
    assert split_fields('1;"a;b";"say ""hi""";', ";") == ["1", '"a;b"', '"say ""hi"""', ""]
