"""After a deletion, a later scan recognises the consumer's identifiers if they come back."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from pipelines.cli import main
from pipelines.demo_estate import DemoEstate
from pipelines.rights.changes.suppression import LIST, is_suppressed
from tests.dask_servers import task_stream, worker_names
from tests.rights.truth import ids


def test_reimported_identifiers_are_flagged(estate: DemoEstate, dask_cluster: str, tmp_path: Path) -> None:
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
    scan = ["scan", "--estate", str(root / "estate.yaml"), "--suppression", str(requests)]
    assert main([*scan, "--out", str(tmp_path / "scan")]) == 0
    found = json.loads((tmp_path / "scan" / "reimported.json").read_text())["reimported"]
    assert {(f["table"], f["column"], f["identifiers"]) for f in found} == {("contacts", "email", 1)}

    task_stream(dask_cluster)  # the same check, every identifier column read on a dask cluster
    assert main([*scan, "--out", str(tmp_path / "on-dask"), "--cluster", dask_cluster]) == 0
    assert json.loads((tmp_path / "on-dask" / "reimported.json").read_text())["reimported"] == found
    names = worker_names(dask_cluster)
    ran = {
        names[str(t["worker"])] for t in task_stream(dask_cluster) if "suppressed_in_split" in str(t["key"])
    }
    assert ran and ran <= {"w0", "w1"}
