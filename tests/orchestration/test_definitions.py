"""The Dagster code location: the job materializes the assets, the checks judge, the UI serves it all."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg

from pipelines.defs.runs import run_inventory_refresh
from pipelines.demo_estate import DemoEstate
from tests.orchestration.conftest import location_env

ROOT = Path(__file__).resolve().parents[2]
DAGSTER = str(Path(sys.executable).with_name("dagster"))
WEBSERVER = str(Path(sys.executable).with_name("dagster-webserver"))


def test_inventory_refresh_materializes_every_asset(gap_estate: DemoEstate, dagster_home: Path) -> None:
    result = run_inventory_refresh(gap_estate.estate_file, gap_estate.root / "reports", dagster_home)
    assert result.success
    assert result.failed_checks == ["no_undisclosed_category"]  # the CRM's job titles
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        for key in ("store_inventory", "inventory", "inferred_links", "coverage_report"):
            event = instance.get_latest_materialization_event(dg.AssetKey(key))
            assert event is not None, key
        partitions = instance.get_materialized_partitions(dg.AssetKey("store_inventory"))
        assert partitions == {"billing", "device_logs", "crm"}
        metadata = instance.get_latest_materialization_event(
            dg.AssetKey("inventory")
        ).asset_materialization.metadata  # type: ignore[union-attr]
        assert metadata["per category"].value["professional"] == 2  # type: ignore[index]
        assert "crm.contacts.job_title" in metadata["PI columns"].value  # type: ignore[operator]
    assert (gap_estate.root / "reports" / "coverage.html").exists()


def test_checks_pass_without_the_job_titles(covered_estate: Path, dagster_home: Path) -> None:
    result = run_inventory_refresh(covered_estate, covered_estate.parent / "reports", dagster_home)
    assert result.success and result.failed_checks == []


def test_definitions_validate_from_the_workspace(gap_estate: DemoEstate, dagster_home: Path) -> None:
    done = subprocess.run(
        [DAGSTER, "definitions", "validate", "-w", "workspace.yaml"],
        cwd=ROOT,
        env=location_env(gap_estate.estate_file, dagster_home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Validation successful" in done.stderr + done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


QUERY = """{ repositoriesOrError { ... on RepositoryConnection { nodes {
  jobs { name } schedules { name cronSchedule }
  assetNodes { assetKey { path } assetChecksOrError { ... on AssetChecks { checks { name } } } } } } } }"""


def test_the_webserver_serves_assets_checks_job_and_schedule(
    gap_estate: DemoEstate, dagster_home: Path
) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [WEBSERVER, "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        env=location_env(gap_estate.estate_file, dagster_home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        answer = _graphql(port, QUERY)
    finally:
        server.terminate()
        server.wait(timeout=30)
    (repository,) = answer["data"]["repositoriesOrError"]["nodes"]
    assert "inventory_refresh" in {j["name"] for j in repository["jobs"]}
    assert {"name": "daily_inventory_refresh", "cronSchedule": "0 2 * * *"} in repository["schedules"]
    nodes = {n["assetKey"]["path"][-1]: n for n in repository["assetNodes"]}
    assert {"store_inventory", "inventory", "inferred_links", "coverage_report"} <= set(nodes)
    checks = {c["name"] for n in nodes.values() for c in n["assetChecksOrError"].get("checks", [])}
    assert checks == {
        "no_undisclosed_category",
        "no_unreviewed_sensitive_pi",
        "inventory_is_fresh",
        "no_overdue_requests",
    }


def _graphql(port: int, query: str) -> dict:  # type: ignore[type-arg]
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                answer: dict = json.loads(response.read())  # type: ignore[type-arg]
            if answer.get("data", {}).get("repositoriesOrError", {}).get("nodes"):
                return answer
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("dagster-webserver did not answer within 120 s")
        time.sleep(1)
