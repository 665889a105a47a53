"""The `ccpa` command end to end: bad input is one line and exit status 2, with nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True)


def test_demo_estate_builds_and_replaces_only_its_own_folder(tmp_path: Path) -> None:
    out = tmp_path / "estate"
    assert (
        main(["demo-estate", "--out", str(out), "--consumers", "40", "--days", "2", "--as-of", "2026-11-01"])
        == 0
    )
    labels = json.loads((out / "labels.json").read_text())
    assert "billing.customers.email" in labels
    first = (out / "billing.db").read_bytes()
    # a second build replaces the earlier demo whole; no staging folder is left beside it
    assert (
        main(["demo-estate", "--out", str(out), "--consumers", "40", "--days", "2", "--as-of", "2026-11-01"])
        == 0
    )
    assert (out / "billing.db").read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["estate"]


def test_demo_estate_refuses_a_folder_it_did_not_make(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    assert main(["demo-estate", "--out", str(tmp_path), "--consumers", "5"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ccpa: error: ") and "not a folder this command made" in err and "\n" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


@pytest.mark.parametrize(
    ("estate", "expected"),
    [
        (
            "stores:\n  b: {kind: sql, url: 'postgresql+psycopg://nobody:secret@127.0.0.1:1/x'}\n",
            "store 'b': cannot connect to postgresql+psycopg://nobody:***@127.0.0.1:1/x",
        ),
        (
            "stores:\n  b: {kind: sql, url: 'mysql+pymysql://root@127.0.0.1:1/x'}\n",
            "store 'b': cannot connect",
        ),
        ("stores:\n  b: {kind: files, path: nowhere}\n", "stores.b.path: no such directory"),
        (
            "stores:\n  b: {kind: sql, url: 'sqlite:///gone.db'}\n",
            "stores.b.url: sqlite:///gone.db: no such SQLite",
        ),
        ("stores:\n  b: {kind: spreadsheet, path: .}\n", "stores.b: Input tag 'spreadsheet'"),
    ],
)
def test_bad_estate_or_unreachable_store(tmp_path: Path, estate: str, expected: str) -> None:
    (tmp_path / "estate.yaml").write_text(estate)
    before = sorted(tmp_path.iterdir())
    result = run("stores", "--estate", str(tmp_path / "estate.yaml"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert "secret" not in result.stderr and "Traceback" not in result.stderr
    assert sorted(tmp_path.iterdir()) == before


def test_stores_lists_every_table(tmp_path: Path) -> None:
    out = tmp_path / "estate"
    assert main(["demo-estate", "--out", str(out), "--consumers", "30", "--days", "2"]) == 0
    result = run("stores", "--estate", str(out / "estate.yaml"))
    assert result.returncode == 0, result.stderr
    for table in ("customers", "sessions", "contacts", "cell_towers"):
        assert table in result.stdout
