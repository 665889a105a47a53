"""CSV exports through `ccpa scan` and `ccpa delete`: read whatever their first rows look like,
and rewritten so that every other consumer's line stays byte-identical."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.cli import main


def estate_of(tmp_path: Path) -> Path:
    estate = tmp_path / "estate.yaml"
    estate.write_text("stores:\n  crm: {kind: files, path: exports}\n")
    return estate


def test_scan_reads_a_column_int_like_for_100k_rows_then_a_phone(tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    rows = [f"{i},{4155550000 + i},c{i}@example.com" for i in range(100_000)]
    text = "\n".join(["id,phone,email", *rows, "100000,864-938-1593,last@example.com"]) + "\n"
    (tmp_path / "exports" / "callers.csv").write_text(text, encoding="utf-8")
    out = tmp_path / "reports"
    assert main(["scan", "--estate", str(estate_of(tmp_path)), "--out", str(out)]) == 0
    columns = {c["column"]: c for c in json.loads((out / "inventory.json").read_text())["columns"]}
    assert set(columns) == {"id", "phone", "email"}
    assert columns["email"]["entity"] == "EMAIL_ADDRESS"
    assert columns["phone"]["data_type"] == "string"


@pytest.mark.parametrize(
    ("bom", "delimiter", "ending", "quoted"),
    [(b"\xef\xbb\xbf", ",", "\r\n", False), (b"", ";", "\n", True), (b"", "\t", "\r\n", False)],
)
def test_delete_keeps_every_other_line_of_a_csv_byte_for_byte(
    tmp_path: Path, bom: bytes, delimiter: str, ending: str, quoted: bool
) -> None:
    def line(*fields: str) -> bytes:
        shown = [f'"{f}"' if quoted else f for f in fields]
        return (delimiter.join(shown) + ending).encode()

    lines = [line("id", "name", "email", "zip")]
    lines += [line(str(i), f"Person {i}", f"p{i}@example.com", f"0{i:04d}") for i in range(1, 30)]
    (tmp_path / "exports").mkdir()
    path = tmp_path / "exports" / "contacts.csv"
    path.write_bytes(bom + b"".join(lines))
    argv = ["delete", "--estate", str(estate_of(tmp_path)), "--email", "p7@example.com"]
    assert main([*argv, "--out", str(tmp_path / "requests")]) == 0
    assert path.read_bytes() == bom + b"".join(lines[:7] + lines[8:])
