"""Each store's scan reaches `inventory` as data (Parquet under the IO manager's folder), not through
the scan cache: the inventory builds from it alone, identical to `ccpa scan`'s."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
import pytest

from connectors import load_estate
from pipelines.cli import main
from pipelines.definitions import build_definitions
from pipelines.defs.jobs import all_stores_tags
from pipelines.defs.resources import CACHE_FOLDER
from pipelines.demo_estate import DemoEstate

STORES = ["billing", "device_logs", "crm"]
INVENTORY = [dg.AssetKey("inventory"), dg.AssetKey("inferred_links")]


def materialize(estate_file: Path, reports: Path, dagster_home: Path, assets: list[dg.AssetKey]) -> None:
    """Run `inventory_refresh` for `assets` only, over every store, into the instance at `dagster_home`."""
    job = build_definitions(estate_file).resolve_job_def("inventory_refresh")
    config = {"estate": str(estate_file), "reports": str(reports)}
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        result = job.execute_in_process(
            instance=instance,
            run_config={"resources": {"estate": {"config": config}}},
            tags=all_stores_tags(STORES),
            asset_selection=assets,
        )
    assert result.success


def inventory_json(reports: Path) -> dict[str, object]:
    document = json.loads((reports / "inventory.json").read_text())
    return {key: document[key] for key in ("columns", "links", "tables", "skipped")}


@pytest.fixture(scope="module")
def scanned(gap_estate: DemoEstate, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """What `ccpa scan` writes for the estate: the truth the Dagster inventory must equal."""
    out = tmp_path_factory.mktemp("scan")
    assert main(["scan", "--estate", str(gap_estate.estate_file), "--out", str(out)]) in (0, 1)
    return inventory_json(out)


@pytest.fixture
def stored(gap_estate: DemoEstate, dagster_home: Path, tmp_path: Path) -> Path:
    """A copy of the estate whose stores' scans `store_inventory` has stored; the reports folder."""
    root = tmp_path / "estate"
    shutil.copytree(gap_estate.root, root, ignore=shutil.ignore_patterns("reports"))
    materialize(root / "estate.yaml", root / "reports", dagster_home, [dg.AssetKey("store_inventory")])
    assert (root / "reports" / CACHE_FOLDER).is_dir()  # store_inventory still keeps the cache
    return root / "reports"


def test_the_inventory_equals_ccpa_scans(
    gap_estate: DemoEstate, scanned: dict[str, object], dagster_home: Path, tmp_path: Path
) -> None:
    materialize(gap_estate.estate_file, tmp_path, dagster_home, [dg.AssetKey("store_inventory"), *INVENTORY])
    found = inventory_json(tmp_path)
    assert {c["store"] for c in found["columns"]} == set(STORES)  # type: ignore[attr-defined, index]
    assert found == scanned


def test_the_inventory_builds_from_the_stored_scans_without_the_cache(
    stored: Path, scanned: dict[str, object], dagster_home: Path
) -> None:
    shutil.rmtree(stored / CACHE_FOLDER)
    estate_file = stored.parent / "estate.yaml"
    materialize(estate_file, stored, dagster_home, INVENTORY)
    assert inventory_json(stored) == scanned
    assert not (stored / CACHE_FOLDER).exists()  # nothing was sampled: nothing was cached


def test_the_inventory_builds_when_a_store_is_unreachable_since_its_scan(
    stored: Path, scanned: dict[str, object], dagster_home: Path
) -> None:
    estate_file = stored.parent / "estate.yaml"
    (stored.parent / "crm.db").write_bytes(b"not a database any more\n" * 100)
    materialize(estate_file, stored, dagster_home, INVENTORY)
    found = inventory_json(stored)
    crm = [c for c in found["columns"] if c["store"] == "crm"]  # type: ignore[attr-defined, index]
    assert crm == [c for c in scanned["columns"] if c["store"] == "crm"]  # type: ignore[attr-defined, index]
    assert found["tables"] == scanned["tables"]
    links = [link["link"] for link in found["links"]]  # type: ignore[attr-defined]
    assert links == [link["link"] for link in scanned["links"]]  # type: ignore[attr-defined]


def test_each_stores_scan_is_parquet_under_the_io_managers_folder(
    stored: Path, gap_estate: DemoEstate, dagster_home: Path
) -> None:
    estate = load_estate(gap_estate.estate_file)
    folder = dagster_home / "storage" / "store_inventory"
    assert sorted(p.name for p in folder.iterdir()) == sorted(STORES)
    for store in STORES:
        tables = pq.read_table(folder / store / "tables.parquet")
        assert tables.schema.metadata[b"store"] == store.encode()
        names = tables.column("table").to_pylist()
        assert names, store
        samples = [
            pq.read_table(folder / store / f"{name}.parquet") for name in tables.column("sample").to_pylist()
        ]
        assert all(sample.num_rows > 0 for sample in samples), store
        findings = pq.read_table(folder / store / "findings.parquet")
        assert set(findings.column("table").to_pylist()) == set(names)
        assert stat.S_IMODE((folder / store).stat().st_mode) == 0o700  # samples are personal data
    assert set(estate.stores) == set(STORES)
