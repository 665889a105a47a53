"""Right to rectify through the CLI, and the Dagster job for deletions (dry run and real)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import dagster as dg
import pytest

from pipelines.cli import main
from pipelines.definitions import build_definitions
from pipelines.demo_estate import DemoEstate
from tests.rights.truth import ids


@pytest.fixture
def copy(estate: DemoEstate, tmp_path: Path) -> Path:
    root = tmp_path / "estate"
    shutil.copytree(estate.root, root)
    return root


def email(root: Path, customer: int) -> str:
    return str(ids(root / "billing.db", "SELECT email FROM customers WHERE id = ?", customer).pop())


def test_a_correction_reaches_every_store(copy: Path, tmp_path: Path) -> None:
    address = email(copy, 12)
    code = main(
        [
            "correct",
            "--estate",
            str(copy / "estate.yaml"),
            "--email",
            address,
            "--set",
            "PHONE_NUMBER=+14155550123",
            "--set",
            "street_address=1 Main St",
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert code == 0
    with sqlite3.connect(copy / "billing.db") as billing:
        assert billing.execute("SELECT phone, street_address FROM customers WHERE id = 12").fetchone() == (
            "+14155550123",
            "1 Main St",
        )
        others = billing.execute("SELECT count(*) FROM customers WHERE phone = '+14155550123'").fetchone()
    assert others == (1,)
    with sqlite3.connect(copy / "crm.db") as crm:
        phones = crm.execute(
            "SELECT phone FROM contacts WHERE lower(email) = ?", (address.lower(),)
        ).fetchall()
    assert phones in ([], [("+14155550123",)])  # a CRM contact, when there is one, is corrected too
    (report,) = (tmp_path / "out").glob("correction-*.json")
    assert {t["table"] for t in json.loads(report.read_text())["tables"]} >= {"customers"}


def test_an_unknown_field_is_refused(copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "correct",
            "--estate",
            str(copy / "estate.yaml"),
            "--email",
            email(copy, 12),
            "--set",
            "shoe_size=44",
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert code == 2 and "shoe_size" in capsys.readouterr().err


def run_delete_job(root: Path, out: Path, customer: int, dry_run: bool) -> dg.ExecuteInProcessResult:
    with dg.instance_for_test() as instance:
        job = build_definitions(root / "estate.yaml").resolve_job_def("delete_request")
        return job.execute_in_process(
            instance=instance,
            run_config={
                "ops": {
                    "delete_consumer": {
                        "config": {"identity": email(root, customer), "dry_run": dry_run, "out": str(out)}
                    }
                },
            },
        )


def test_the_delete_job_plans_then_deletes(copy: Path, tmp_path: Path) -> None:
    before = (copy / "billing.db").read_bytes()
    planned = run_delete_job(copy, tmp_path / "out", 30, dry_run=True)
    assert planned.success and (copy / "billing.db").read_bytes() == before
    done = run_delete_job(copy, tmp_path / "out", 30, dry_run=False)
    assert done.success
    (event,) = [e for e in done.all_node_events if e.event_type_value == "STEP_OUTPUT"]
    metadata = event.step_output_data.metadata
    assert metadata["verification"].value["zero_residue"] is True
    assert "legal_obligation" in metadata["plan"].value
    assert ids(copy / "billing.db", "SELECT count(*) FROM accounts WHERE customer_id = 30") == {0}


@pytest.fixture
def with_generated(tmp_path: Path) -> Path:
    """A shop whose customers carry a column SQLite computes from the email (never written)."""
    root = tmp_path / "shop"
    root.mkdir()
    with sqlite3.connect(root / "shop.db") as shop:
        shop.execute(
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL, full_name TEXT,"
            " email_lower TEXT GENERATED ALWAYS AS (lower(email)) VIRTUAL)"
        )
        shop.executemany(
            "INSERT INTO customers (id, email, full_name) VALUES (?, ?, ?)",
            [(i, f"Person{i}@Example.com", f"Person Number{i}") for i in range(1, 41)],
        )
    (root / "estate.yaml").write_text("stores:\n  shop:\n    kind: sql\n    url: sqlite:///shop.db\n")
    assert main(["scan", "--estate", str(root / "estate.yaml"), "--out", str(root / "out")]) == 0
    return root


def test_a_correction_never_writes_a_generated_column(with_generated: Path) -> None:
    args = ["correct", "--estate", str(with_generated / "estate.yaml"), "--out", str(with_generated / "out")]
    assert main([*args, "--email", "Person3@Example.com", "--set", "EMAIL_ADDRESS=new3@example.org"]) == 0
    with sqlite3.connect(with_generated / "shop.db") as shop:
        rows = shop.execute("SELECT id, email, email_lower FROM customers WHERE id IN (3, 4)").fetchall()
    assert rows == [
        (3, "new3@example.org", "new3@example.org"),
        (4, "Person4@Example.com", "person4@example.com"),
    ]


def test_setting_a_generated_column_is_refused_with_the_reason(
    with_generated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["correct", "--estate", str(with_generated / "estate.yaml"), "--out", str(with_generated / "out")]
    assert main([*args, "--email", "Person4@Example.com", "--set", "email_lower=x@example.org"]) == 2
    assert "the database computes it (a generated column)" in capsys.readouterr().err
    with sqlite3.connect(with_generated / "shop.db") as shop:
        assert shop.execute("SELECT email FROM customers WHERE id = 4").fetchone() == ("Person4@Example.com",)
