"""The code location is built from the estate it is given: never from state read at import time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from pipelines.definitions import build_definitions
from pipelines.defs.jobs import all_stores_tags
from pipelines.defs.runs import run_inventory_refresh
from pipelines.demo_estate import DemoEstate
from tests.orchestration.conftest import location_env

ROOT = Path(__file__).resolve().parents[2]
OURS = tuple(str(ROOT / package) for package in ("pipelines", "connectors", "mappings"))
DAGSTER = str(Path(sys.executable).with_name("dagster"))


def materialized_stores(dagster_home: Path, run_id: str) -> set[str]:
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        events = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    materializations = [e.asset_materialization for e in events if e.asset_materialization]
    return {str(m.partition) for m in materializations if m.asset_key == dg.AssetKey("store_inventory")}


def test_two_estates_one_after_another(
    gap_estate: DemoEstate, other_estate: Path, dagster_home: Path, tmp_path: Path
) -> None:
    environment = dict(os.environ)
    first = run_inventory_refresh(gap_estate.estate_file, tmp_path / "first", dagster_home)
    second = run_inventory_refresh(other_estate, tmp_path / "second", dagster_home)  # was KeyError: 'billing'
    assert first.success and second.success
    assert materialized_stores(dagster_home, first.run_id) == {"billing", "device_logs", "crm"}
    assert materialized_stores(dagster_home, second.run_id) == {"support", "network"}
    columns = json.loads((tmp_path / "second" / "inventory.json").read_text())["columns"]
    assert {c["store"] for c in columns} == {"support", "network"}
    assert dict(os.environ) == environment


# Imported with the environment watched: which variables our code reads, which files are opened.
WATCHED_IMPORT = """
import json, os, sys
reads, opened = [], []
def reader():
    frame = sys._getframe(2)
    while frame.f_code.co_filename.startswith("<frozen"):  # os.getenv, Mapping.get
        frame = frame.f_back
    return frame.f_code.co_filename
class Watched(type(os.environ)):
    def __getitem__(self, key):
        reads.append([key, reader()])
        return super().__getitem__(key)
os.environ.__class__ = Watched
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else None)
import pipelines.definitions
print(json.dumps({"reads": reads, "opened": opened}))
"""


def watched_import(ccpa_estate: str) -> dict[str, list[str]]:
    """Variables our own modules read while `pipelines.definitions` is imported, and files opened."""
    done = subprocess.run(
        [sys.executable, "-c", WATCHED_IMPORT],
        cwd=ROOT,
        env={**os.environ, "CCPA_ESTATE": ccpa_estate},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    watched = json.loads(done.stdout.splitlines()[-1])
    ours = [key for key, reader in watched["reads"] if reader.startswith(OURS)]
    return {"reads": ours, "opened": watched["opened"]}


def test_importing_the_definitions_reads_no_variable_and_loads_no_estate(gap_estate: DemoEstate) -> None:
    watched = watched_import(str(gap_estate.estate_file))
    assert watched["reads"] == []
    assert [path for path in watched["opened"] if path.startswith(str(gap_estate.root))] == []
    assert watched_import("/no/such/estate.yaml")["reads"] == []


def test_a_location_on_a_missing_estate_fails_to_load_naming_the_file(
    dagster_home: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "missing" / "estate.yaml"
    done = subprocess.run(
        [DAGSTER, "definitions", "validate", "-w", "workspace.yaml"],
        cwd=ROOT,
        env=location_env(missing, dagster_home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert f"{missing}: estate file not found" in done.stderr + done.stdout


def test_a_run_on_an_estate_without_the_locations_stores_fails_naming_them(
    gap_estate: DemoEstate, other_estate: Path
) -> None:
    job = build_definitions(gap_estate.estate_file).resolve_job_def("inventory_refresh")
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(
            instance=instance,
            run_config={"resources": {"estate": {"config": {"estate": str(other_estate)}}}},
            tags=all_stores_tags(["billing", "device_logs", "crm"]),
            raise_on_error=False,
        )
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
    assert failure.step_key == "store_inventory"
    assert f"estate {other_estate} has no store billing, device_logs, crm" in str(failure.step_failure_data)
