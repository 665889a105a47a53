"""After a deletion, a later scan recognises the consumer's identifiers if they come back."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from pipelines.cli import main
from pipelines.demo_estate import DemoEstate
from pipelines.rights.suppression import LIST, is_suppressed
from tests.rights.truth import ids


def test_reimported_identifiers_are_flagged(estate: DemoEstate, tmp_path: Path) -> None:
    root = tmp_path / "estate"
    shutil.copytree(estate.root, root)
    email = str(ids(root / "billing.db", "SELECT email FROM customers WHERE id = 44").pop())
    requests = tmp_path / "requests"
    assert (
        main(["delete", "--estate", str(root / "estate.yaml"), "--email", email, "--out", str(requests)]) == 0
    )
    assert is_suppressed(requests, email) and not is_suppressed(requests, "someone.else@example.com")
    assert email.lower() not in (requests / LIST).read_text().lower()

    with sqlite3.connect(root / "crm.db") as crm:  # an import brings the deleted consumer back
        crm.execute(
            "UPDATE contacts SET email = ? WHERE id = (SELECT min(id) FROM contacts)", (email.lower(),)
        )
    out = tmp_path / "scan"
    assert (
        main(
            ["scan", "--estate", str(root / "estate.yaml"), "--out", str(out), "--suppression", str(requests)]
        )
        == 0
    )
    found = json.loads((out / "reimported.json").read_text())["reimported"]
    assert {(f["table"], f["column"]) for f in found} == {("contacts", "email")}
