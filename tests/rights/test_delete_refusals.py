"""`ccpa delete` refuses what it could not verify: an inventory that classified nothing (as a scan
of a store holding no personal information gives) never leads to "zero residue"."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from pipelines.cli import main


def test_a_deletion_on_an_inventory_that_classified_nothing_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with closing(sqlite3.connect(tmp_path / "plain.db")) as db, db:
        db.execute("CREATE TABLE readings (id INTEGER PRIMARY KEY, level REAL, note TEXT)")
        db.executemany(
            "INSERT INTO readings VALUES (?, ?, ?)", [(i, i / 3, f"batch {i % 4}") for i in range(40)]
        )
    estate = tmp_path / "estate.yaml"
    estate.write_text("stores:\n  plain:\n    kind: sql\n    url: sqlite:///plain.db\n", encoding="utf-8")
    assert main(["scan", "--estate", str(estate), "--out", str(tmp_path / "inventory")]) == 0
    capsys.readouterr()
    out = tmp_path / "out"
    arguments = ["--estate", str(estate), "--email", "jane@example.com", "--out", str(out)]
    code = main(["delete", *arguments, "--inventory", str(tmp_path / "inventory")])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and "classified no column" in err
    assert not list(out.glob("deletion-*.json")) and "zero residue" not in err
