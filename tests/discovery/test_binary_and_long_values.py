"""Binary values are read as bytes and recognised by content; long texts cost a bounded prefix.

Through `ccpa scan` on real stores: a Parquet file, an SQLite BLOB table, PostgreSQL bytea and
MariaDB BLOB/GEOMETRY on the live servers. Photos (PNG, JPEG, GIF, WebP) are sensory data with a
candidate-biometric note; WKB points are coordinates; UTF-8 bytes are text; other bytes are not
decoded. A 1.1 MB text value is classified as free text (spaCy sees only a bounded prefix).
"""

from __future__ import annotations

import json
import random
import struct
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from pipelines.cli import main
from pipelines.discovery.recognizers.media import binary_content, wkb_point
from pipelines.discovery.value_evidence import MAX_TEXT_CHARS, bounded
from tests.conftest import live

RNG = random.Random(7)
EMAILS = [f"person{i}@example.com" for i in range(8)]


def _noise(n: int) -> bytes:
    return bytes(RNG.randrange(256) for _ in range(n))


IMAGES = {
    "png": lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _noise(200),
    "jpeg": lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF" + _noise(200),
    "gif": lambda: b"GIF89a" + _noise(200),
    "webp": lambda: b"RIFF" + struct.pack("<I", 200) + b"WEBPVP8 " + _noise(200),
}


def _point(x: float, y: float, srid_prefix: bool) -> bytes:
    wkb = b"\x01" + struct.pack("<I", 1) + struct.pack("<dd", x, y)
    return (b"\x00\x00\x00\x00" + wkb) if srid_prefix else wkb


def _columns() -> dict[str, list[bytes]]:
    n = len(EMAILS)
    columns = {name: [make() for _ in range(n)] for name, make in IMAGES.items()}
    columns["location"] = [_point(-122.4 + i / 100, 37.7 + i / 100, srid_prefix=i % 2 == 0) for i in range(n)]
    columns["payload"] = [b"\x00\xff\xfe" + _noise(64) for _ in range(n)]
    columns["contact"] = [f"backup.{e}".encode() for e in EMAILS]  # UTF-8 bytes: text
    return columns


def _scan(tmp_path: Path, store: str) -> dict[str, dict[str, Any]]:
    estate = tmp_path / "estate.yaml"
    estate.write_text(store, encoding="utf-8")
    assert main(["scan", "--estate", str(estate), "--out", str(tmp_path / "out")]) == 0
    records = json.loads((tmp_path / "out" / "inventory.json").read_text(encoding="utf-8"))["columns"]
    return {r["column"].lower(): r for r in records}


def _assert_recognised(found: dict[str, dict[str, Any]]) -> None:
    for name in IMAGES:
        assert (found[name]["entity"], found[name]["category"]) == ("PHOTO", "sensory"), found[name]
        assert "candidate biometric" in found[name]["evidence"]
    assert (found["location"]["entity"], found["location"]["category"]) == ("GEO_COORDINATES", "geolocation")
    assert found["payload"]["category"] is None and "not decoded" in found["payload"]["evidence"]
    assert (found["contact"]["entity"], found["contact"]["category"]) == ("EMAIL_ADDRESS", "identifiers")


def test_binary_parquet_columns_are_recognised_by_content(tmp_path: Path) -> None:
    data = {"email": pa.array(EMAILS), **{k: pa.array(v, pa.binary()) for k, v in _columns().items()}}
    (tmp_path / "files").mkdir()
    pq.write_table(pa.table(data), tmp_path / "files" / "people.parquet")
    _assert_recognised(_scan(tmp_path, "stores:\n  files:\n    kind: files\n    path: files\n"))


def _load_sql(url: str, blob: sa.types.TypeEngine[Any]) -> None:
    engine = sa.create_engine(url)
    columns = _columns()
    table = sa.Table(
        "people",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(80)),
        *(sa.Column(name, blob) for name in columns),
    )
    with engine.begin() as conn:
        table.create(conn)
        rows = [
            {"id": i + 1, "email": e, **{k: v[i] for k, v in columns.items()}} for i, e in enumerate(EMAILS)
        ]
        conn.execute(table.insert(), rows)
    engine.dispose()


def test_sqlite_blobs_are_recognised_by_content(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'people.db'}"
    _load_sql(url, sa.LargeBinary())
    _assert_recognised(_scan(tmp_path, f"stores:\n  db:\n    kind: sql\n    url: {url}\n"))


@live("postgresql", "mariadb")
def test_bytea_and_blob_columns_are_recognised_by_content(live_database: str, tmp_path: Path) -> None:
    _load_sql(live_database, sa.LargeBinary())
    _assert_recognised(_scan(tmp_path, f"stores:\n  db:\n    kind: sql\n    url: {live_database}\n"))


@live("mariadb")
def test_a_mariadb_geometry_point_is_read_as_bytes_and_located(live_database: str, tmp_path: Path) -> None:
    engine = sa.create_engine(live_database)
    with engine.begin() as conn:
        conn.execute(
            sa.text("CREATE TABLE address (id INT PRIMARY KEY, phone VARCHAR(20), location GEOMETRY)")
        )
        for i in range(6):
            conn.execute(
                sa.text("INSERT INTO address VALUES (:i, :p, ST_GeomFromText(:w))"),
                {"i": i, "p": f"+1 415 555 01{i:02d}", "w": f"POINT({-122.4 + i / 10} {37.7 + i / 10})"},
            )
    engine.dispose()
    found = _scan(tmp_path, f"stores:\n  db:\n    kind: sql\n    url: {live_database}\n")
    assert (found["location"]["entity"], found["location"]["category"]) == ("GEO_COORDINATES", "geolocation")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n....", "PNG"),
        (b"\xff\xd8\xff\xdb", "JPEG"),
        (b"GIF87a....", "GIF"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8L", "WebP"),
        (_point(1.5, 2.5, srid_prefix=False), "WKB point"),
        (_point(1.5, 2.5, srid_prefix=True), "WKB point"),
        (b"\x00\x01\x02\x03" * 8, None),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", None),  # audio, not an image
    ],
)
def test_binary_content(data: bytes, expected: str | None) -> None:
    found = binary_content(data)
    assert (found.format if found else None) == expected


def test_wkb_point_reads_coordinates_in_either_byte_order() -> None:
    big = b"\x00" + struct.pack(">I", 1) + struct.pack(">dd", -122.5, 37.25)
    assert wkb_point(big) == (-122.5, 37.25) == wkb_point(_point(-122.5, 37.25, srid_prefix=True))


def test_ner_reads_a_bounded_prefix_cut_at_a_space() -> None:
    text = "word " * 220_000  # 1.1 MB
    prefix = bounded(text)
    assert len(prefix) <= MAX_TEXT_CHARS and text.startswith(prefix) and not prefix.endswith("wor")


def test_a_megabyte_text_value_is_free_text(tmp_path: Path) -> None:
    sentence = "Jane Roe wrote to support about her SIM card, which stopped working after the update. "
    long_values = [sentence * 12_800, sentence * 11_500] + [
        sentence * (i + 1) for i in range(8)
    ]  # 1.1 MB, 990 KB
    (tmp_path / "files").mkdir()
    table = pa.table({"email": [*EMAILS, "a@example.com", "b@example.com"], "body": long_values})
    pq.write_table(table, tmp_path / "files" / "tickets.parquet")
    found = _scan(tmp_path, "stores:\n  files:\n    kind: files\n    path: files\n")
    assert found["body"]["entity"] == "FREE_TEXT"
    assert found["body"]["category"] == "identifiers"  # it mentions a person
