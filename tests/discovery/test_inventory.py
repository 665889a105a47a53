"""`ccpa scan` on the demo estate: every column right, files as the contract says, incremental."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from connectors import TableChange, load_estate, open_store
from pipelines.cli import main
from pipelines.demo_estate import DemoEstate
from pipelines.discovery.inventory import scan_estate
from pipelines.discovery.scan_cache import ScanCache

FIELDS = {
    "store",
    "table",
    "column",
    "category",
    "entity",
    "sensitive",
    "sensitive_kind",
    "confidence",
    "prevalence",
    "evidence",
    "other_entities",
}


def scanned(estate_file: Path, out: Path) -> dict[str, dict[str, object]]:
    assert main(["scan", "--estate", str(estate_file), "--out", str(out)]) == 0
    inventory = json.loads((out / "inventory.json").read_text())
    return {f"{c['store']}.{c['table']}.{c['column']}": c for c in inventory["columns"]}


@pytest.mark.parametrize("declared_links", [True, False], ids=["declared-links", "inferred-links"])
def test_every_demo_column_as_labelled(
    demo: DemoEstate, demo_without_links: Path, tmp_path: Path, declared_links: bool
) -> None:
    estate_file = demo.estate_file if declared_links else demo_without_links
    found = scanned(estate_file, tmp_path)
    labels = json.loads(demo.labels_file.read_text())
    assert set(found) == set(labels), "one record for every column of every table"
    wrong = {
        key: (
            label["category"],
            label["sensitive_kind"],
            found[key]["category"],
            found[key]["sensitive_kind"],
        )
        for key, label in labels.items()
        if (found[key]["category"], found[key]["sensitive_kind"])
        != (label["category"], label["sensitive_kind"])
        or found[key]["sensitive"] != label["sensitive"]
    }
    assert wrong == {}


def test_files_follow_the_contract(demo: DemoEstate, tmp_path: Path) -> None:
    found = scanned(demo.estate_file, tmp_path)
    for record in found.values():
        assert set(record) >= FIELDS
        assert 0.0 <= float(record["prevalence"]) <= 1.0  # type: ignore[arg-type]
        assert record["evidence"]
    with (tmp_path / "inventory.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    parquet = pq.read_table(tmp_path / "inventory.parquet").to_pylist()
    assert len(rows) == len(parquet) == len(found)
    assert {(r["store"], r["table"], r["column"], r["category"] or None) for r in rows} == {
        (r["store"], r["table"], r["column"], r["category"]) for r in parquet
    }
    links = json.loads((tmp_path / "links.json").read_text())["links"]
    assert {"link", "kind", "basis", "confidence", "evidence"} <= set(links[0])


def test_free_text_reports_what_it_mentions(demo: DemoEstate, tmp_path: Path) -> None:
    body = scanned(demo.estate_file, tmp_path)["crm.tickets.body"]
    assert body["entity"] == "FREE_TEXT"
    assert {"EMAIL_ADDRESS", "PERSON"} <= set(body["mentions"])  # type: ignore[arg-type]


def test_no_raw_identifier_in_the_inventory(demo: DemoEstate, tmp_path: Path) -> None:
    scanned(demo.estate_file, tmp_path)
    text = "".join(
        p.read_text(errors="ignore") for p in tmp_path.glob("inventory.*") if p.suffix != ".parquet"
    )
    with open_store("billing", load_estate(demo.estate_file).stores["billing"]) as billing:
        customers = billing.sample("customers", 50, columns=["email", "phone", "last_name"])
        cards = billing.sample("payment_methods", 50, columns=["card_number", "iban"])
    values = [
        v for t in (customers, cards) for c in t.columns for v in c.to_pylist() if v and len(str(v)) > 5
    ]
    assert values
    assert [v for v in values if str(v) in text] == []


def test_unchanged_tables_are_not_sampled_again(demo: DemoEstate, tmp_path: Path) -> None:
    estate = load_estate(demo.estate_file)
    first = scan_estate(estate, cache=ScanCache(tmp_path))
    assert (
        first.tables_sampled == len({(r.store, r.table) for r in first.columns}) and first.tables_reused == 0
    )
    second = scan_estate(estate, cache=ScanCache(tmp_path))
    assert second.tables_sampled == 0
    assert [r.as_dict() for r in second.columns] == [r.as_dict() for r in first.columns]


def test_a_changed_table_is_sampled_again(demo: DemoEstate, tmp_path: Path) -> None:
    copy = tmp_path / "estate"
    import shutil

    shutil.copytree(demo.root, copy)
    estate = load_estate(copy / "estate.yaml")
    scan_estate(estate, cache=ScanCache(tmp_path / "cache"))
    with open_store("crm", estate.stores["crm"]) as crm:
        ids = crm.sample("web_visits", 5, columns=["id"])
        crm.apply([TableChange("web_visits", ("id",), deletes=ids)])
    again = scan_estate(estate, cache=ScanCache(tmp_path / "cache"))
    assert again.tables_sampled == 1
