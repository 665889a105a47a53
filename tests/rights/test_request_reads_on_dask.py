"""A request's whole-store reads on the engine: the same answer in this process and on a separately
started dask scheduler with two workers, whose task stream shows the reads ran there.

- `ccpa delete`: free text searched for the consumer, and the residue search after the deletion
  (every text-like column), here with a residue the deletion cannot reach (a file table imported
  after the inventory was made);
- `ccpa access --emails FILE`: the batch's free-text search, the packages built on the client.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.cli import main
from pipelines.demo_estate import DemoEstate
from tests.dask_servers import task_stream, worker_names
from tests.rights.truth import ids

CUSTOMERS = [3, 17, 42]


def email_of(root: Path, customer: int) -> str:
    return str(ids(root / "billing.db", "SELECT email FROM customers WHERE id = ?", customer).pop())


def ran_on(address: str, function: str) -> list[str]:
    """The workers (by name) the scheduler saw run tasks of `function`."""
    names = worker_names(address)
    return [names[str(t["worker"])] for t in task_stream(address) if function in str(t["key"])]


def _copy_with_an_import(estate: DemoEstate, root: Path, email: str) -> Path:
    """The estate and its inventory, plus a table the inventory never saw that mentions the email."""
    shutil.copytree(estate.root, root)
    notes = ["called about roaming", f"imported from the old CRM: {email.upper()}", None]
    table = pa.table({"id": [1, 2, 3], "note": notes})
    pq.write_table(table, root / "device_logs" / "imported_notes.parquet")
    return root / "estate.yaml"


def _deletion(estate_file: Path, email: str, out: Path, cluster: str) -> tuple[int, dict[str, object]]:
    code = main(
        ["delete", "--estate", str(estate_file), "--email", email, "--out", str(out), "--cluster", cluster]
    )
    (report,) = out.glob("deletion-*.json")
    document = json.loads(report.read_text())
    return code, {"tables": document["tables"], "verification": document["verification"]}


def test_deletion_reads_give_the_same_residue_in_process_and_on_dask(
    estate: DemoEstate, dask_cluster: str, tmp_path: Path
) -> None:
    email = email_of(estate.root, CUSTOMERS[2])
    task_stream(dask_cluster)  # installs the scheduler's task-stream plugin before the deletion
    answers = {
        where: _deletion(
            _copy_with_an_import(estate, tmp_path / name, email), email, tmp_path / f"{name}-out", where
        )
        for name, where in (("here", "none"), ("dask", dask_cluster))
    }
    assert answers["none"] == answers[dask_cluster]
    code, document = answers["none"]
    verification = document["verification"]
    assert isinstance(verification, dict)
    assert code == 1 and not verification["zero_residue"]  # the import holds the consumer still
    assert [(r["table"], r["column"], r["rows"]) for r in verification["residue"]] == [
        ("imported_notes", "note", 1)
    ]
    for function in ("residue_in_split", "rows_mentioning"):
        ran = ran_on(dask_cluster, function)
        assert ran and set(ran) <= {"w0", "w1"}, function


def _packages(out: Path) -> dict[str, dict[str, list[str]]]:
    """Per consumer (email), per data file of the package, its rows as sorted JSON texts."""
    found = {}
    for path in out.glob("access-*.zip"):
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            data = {
                name: sorted(json.dumps(row, sort_keys=True) for row in json.loads(archive.read(name)))
                for name in archive.namelist()
                if name.startswith("data/") and name.endswith(".json")
            }
            found[str(manifest["identity"]["value"])] = data
    return found


def test_a_batch_of_access_requests_reads_the_same_on_dask(
    estate: DemoEstate, dask_cluster: str, tmp_path: Path
) -> None:
    listing = tmp_path / "emails.txt"
    ticketed = sorted(
        str(e)
        for e in ids(
            estate.root / "crm.db",
            "SELECT lower(c.email) FROM contacts c JOIN tickets t ON t.contact_id = c.id",
        )
    )[0]  # a consumer whose CRM contact opened a support ticket
    batch = [email_of(estate.root, c) for c in CUSTOMERS[:2]] + [ticketed]
    listing.write_text("\n".join(batch) + "\n")
    task_stream(dask_cluster)
    packages = {}
    for name, where in (("here", "none"), ("dask", dask_cluster)):
        args = ["access", "--estate", str(estate.estate_file), "--emails", str(listing), "--all-time"]
        assert main([*args, "--out", str(tmp_path / name), "--cluster", where]) == 0
        packages[where] = _packages(tmp_path / name)
    assert packages["none"] == packages[dask_cluster] and len(packages["none"]) == len(batch)
    mentioned = packages["none"][ticketed]
    assert any(rows for name, rows in mentioned.items() if "tickets" in name), sorted(mentioned)
    ran = ran_on(dask_cluster, "rows_mentioning")
    assert ran and set(ran) <= {"w0", "w1"}


@pytest.mark.parametrize("command", ["access", "delete"])
def test_a_cluster_that_is_no_address_is_refused_before_any_work(
    estate: DemoEstate, tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = [
        command,
        "--estate",
        str(estate.estate_file),
        "--email",
        email_of(estate.root, 3),
        "--out",
        str(out),
    ]
    assert main([*args, "--cluster", "localhost:8786"]) == 2
    err = capsys.readouterr().err.strip()
    assert "expected tcp://HOST:PORT" in err and "\n" not in err
    assert not out.exists()
