"""Files a files store cannot read as tables are listed as skipped, with the reason, and never stop
`ccpa stores` or `ccpa scan` (exit 0: every table was read)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.cli import main

CUSTOMERS = pa.table(
    {"customer_id": [1, 2, 3], "email": ["ann@example.com", "bo@example.org", "cy@example.net"]}
)


def _parquet_folder(root: Path) -> Path:
    """A `format: parquet` store: two good tables among files that are not tables."""
    folder = root / "exports"
    (folder / "sessions" / "dt=2026-11-01").mkdir(parents=True)
    (folder / "sessions" / "dt=2026-11-02").mkdir(parents=True)
    pq.write_table(CUSTOMERS, folder / "customers.parquet")
    sessions = pa.table({"imsi": ["310150123456789", "310150123456780"], "bytes_up": [10, 20]})
    pq.write_table(sessions, folder / "sessions" / "dt=2026-11-01" / "part-0.parquet")
    (folder / "sessions" / "dt=2026-11-02" / "part-0.parquet").write_bytes(b"PAR1 not really parquet")
    (folder / "README.md").write_text("# exports\nNightly dumps of the CRM.\n", encoding="utf-8")
    (folder / "empty.parquet").write_bytes(b"")
    (folder / "customers.parquet.bak").write_bytes((folder / "customers.parquet").read_bytes())
    (folder / "broken.parquet").write_bytes(b"\x00" * 64)
    return folder


def _csv_folder(root: Path) -> Path:
    folder = root / "csv"
    folder.mkdir()
    (folder / "contacts.csv").write_text("id,email\n1,ann@example.com\n2,bo@example.org\n", encoding="utf-8")
    (folder / "empty.csv").write_bytes(b"")
    (folder / "notes.txt.bak").write_text("old", encoding="utf-8")
    # tables whose rows cannot be read: a ragged export, and JSON lines whose field changes type
    (folder / "ragged.csv").write_text("id,email\n1,ann@example.com\n2,bo@example.org,x\n", encoding="utf-8")
    (folder / "mixed.jsonl").write_text(
        '{"a": {"email": "cy@example.net"}}\n{"a": "plain"}\n', encoding="utf-8"
    )
    return folder


def _estate(root: Path) -> Path:
    _parquet_folder(root)
    _csv_folder(root)
    estate = root / "estate.yaml"
    estate.write_text(
        "stores:\n"
        "  exports: {kind: files, path: exports, format: parquet}\n"
        "  csv: {kind: files, path: csv}\n",
        encoding="utf-8",
    )
    return estate


EXPECTED = {
    ("exports", "README.md"): "not a parquet file (.md)",
    ("exports", "empty.parquet"): "empty file (0 bytes)",
    ("exports", "customers.parquet.bak"): "not a parquet file (.bak)",
    ("csv", "empty.csv"): "empty file (0 bytes)",
    ("csv", "notes.txt.bak"): "not a table file (.bak)",
}
CORRUPT = {("exports", "broken.parquet"), ("exports", "sessions/dt=2026-11-02/part-0.parquet")}
UNPARSED = {("csv", "ragged.csv"), ("csv", "mixed.jsonl")}
UNREADABLE = ["csv.mixed", "csv.ragged", "exports.broken"]  # tables none of whose rows can be read


def test_scan_lists_skipped_files_and_reads_every_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["scan", "--estate", str(_estate(tmp_path)), "--out", str(out)]) == 1  # incomplete
    document = json.loads((out / "inventory.json").read_text(encoding="utf-8"))
    skipped = {(s["store"], s["file"]): s["reason"] for s in document["skipped"]}
    assert {k: v for k, v in skipped.items() if k in EXPECTED} == EXPECTED
    assert set(skipped) == set(EXPECTED) | CORRUPT | UNPARSED
    assert all("parquet" in skipped[k].lower() or "magic" in skipped[k].lower() for k in CORRUPT)
    assert skipped[("csv", "ragged.csv")] == "CSV parse error: Expected 2 columns, got 3"  # no row quoted
    tables = {(t["store"], t["table"]): t["status"] for t in document["tables"]}
    assert tables == {
        ("exports", "customers"): "ok",
        ("exports", "sessions"): "ok",
        ("exports", "broken"): "unreadable",
        ("csv", "contacts"): "ok",
        ("csv", "ragged"): "unreadable",
        ("csv", "mixed"): "unreadable",
    }
    emails = {(c["store"], c["table"]) for c in document["columns"] if c["entity"] == "EMAIL_ADDRESS"}
    assert emails == {("exports", "customers"), ("csv", "contacts")}
    assert sorted(document["unreadable"]) == UNREADABLE
    captured = capsys.readouterr()
    assert "bo@example.org" not in captured.out + captured.err
    assert "inventory incomplete: 3 tables unreadable" in captured.err
    printed = captured.out
    assert "skipped exports/README.md: not a parquet file (.md)" in printed
    assert "skipped csv/empty.csv: empty file (0 bytes)" in printed


def test_stores_lists_skipped_files_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelines import console

    monkeypatch.setattr(console.out, "width", 250)
    assert main(["stores", "--estate", str(_estate(tmp_path))]) == 0
    printed = capsys.readouterr().out
    for (store, path), reason in EXPECTED.items():
        assert any(
            path in line and f"skipped: {reason}" in line and store in line for line in printed.splitlines()
        )
    assert any("broken.parquet" in line and "skipped:" in line for line in printed.splitlines())
