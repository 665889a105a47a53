"""A deletion in a files store (no primary keys: a CSV export of the demo's billing database) does
what it does in the database: the consumer's customer row, kept and deidentified for the invoices
the law keeps, gets no second step; an invoice with nothing to mask counts no row updated."""

from __future__ import annotations

from pathlib import Path

from pipelines.cli import main
from pipelines.demo_estate import build_demo_estate
from tests.metamorphic.mutations import mutate
from tests.rights.deletion_runs import AS_OF, SEED, delete, email_of, only_report


def test_a_deidentified_row_of_a_keyless_table_gets_no_second_step(tmp_path: Path) -> None:
    built = build_demo_estate(tmp_path / "estate", consumers=40, days=1, seed=SEED, as_of=AS_OF)
    moved = mutate(built, tmp_path / "csv", ("to_csv",), seed=2)
    assert moved.moved == {"billing": "csv"}
    assert main(["scan", "--estate", str(moved.estate_file), "--out", str(tmp_path / "inventory")]) == 0
    out = tmp_path / "out"
    assert delete(moved.estate_file, email_of(built.root, 11), out, tmp_path / "inventory") == 0
    report = only_report(out)
    customers = [s for s in report["tables"] if (s["store"], s["table"]) == ("billing", "customers")]
    assert [s["action"] for s in customers] == ["deidentified"]  # not also "redacted" (a mixed column)
    applied = {done["table"]: done for done in report["applied"]["billing"]}
    invoices = next(s for s in report["tables"] if s["table"] == "invoices")
    assert (invoices["action"], invoices["columns"]) == ("deidentified", [])
    assert applied["invoices"]["updated"] == 0, "nothing to mask: no row updated, as in SQLite"
