"""The Dagster code location, built from the estate it is given (workspace.yaml loads `defs`).

Importing this module reads no environment variable and loads no estate: `build_definitions(estate)`
builds everything from the estate file it is handed, and `defs` (lazy, `@dg.definitions`) calls it
with $CCPA_ESTATE (default demo/estate.yaml) only when Dagster loads the code location.

To register more: add the object to ASSETS, CHECKS, JOBS, SENSORS or SCHEDULES below (one line each).
"""

import os
from pathlib import Path

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from connectors import load_estate
from pipelines.defs.assets import coverage_report, inventory, store_inventory_asset
from pipelines.defs.checks import inventory_is_fresh, no_undisclosed_category, no_unreviewed_sensitive_pi
from pipelines.defs.full_values import full_value_inventory, full_value_refresh, weekly_full_value_refresh
from pipelines.defs.io_managers import STORE_SCANS, TABLES, ParquetTables, StoreScans
from pipelines.defs.jobs import daily_inventory_refresh, inventory_refresh
from pipelines.defs.request_jobs import access_request, delete_request
from pipelines.defs.requests import (
    answer_request,
    daily_request_metrics,
    no_overdue_requests,
    ready_requests,
    request_metrics,
    request_metrics_refresh,
)
from pipelines.defs.resources import DaskClusterResource, EstateResource

ESTATE_VARIABLE = "CCPA_ESTATE"
DEFAULT_ESTATE = "demo/estate.yaml"

ASSETS: list[dg.AssetsDefinition] = [
    inventory,
    coverage_report,
    request_metrics,
    full_value_inventory,
]
CHECKS: list[dg.AssetChecksDefinition] = [
    no_undisclosed_category,
    no_unreviewed_sensitive_pi,
    inventory_is_fresh,
    no_overdue_requests,
]
JOBS: list[dg.JobDefinition | UnresolvedAssetJobDefinition] = [
    inventory_refresh,
    access_request,
    delete_request,
    answer_request,
    request_metrics_refresh,
    full_value_refresh,
]
SENSORS: list[dg.SensorDefinition] = [ready_requests]
SCHEDULES: list[dg.ScheduleDefinition] = [weekly_full_value_refresh]


def build_definitions(estate_file: str | Path) -> dg.Definitions:
    """Everything the code location serves, for the estate in `estate_file` (raises EstateError)."""
    estate = load_estate(estate_file)
    stores = dg.StaticPartitionsDefinition(list(estate.stores))
    return dg.Definitions(
        assets=[store_inventory_asset(stores), *ASSETS],
        asset_checks=CHECKS,
        jobs=JOBS,
        schedules=[daily_inventory_refresh(stores), daily_request_metrics(estate.timezone), *SCHEDULES],
        sensors=SENSORS,
        resources={
            "estate": EstateResource(estate=str(estate_file)),
            TABLES: ParquetTables(),
            "dask_cluster": DaskClusterResource(),
            STORE_SCANS: StoreScans(),
        },
    )


@dg.definitions
def defs() -> dg.Definitions:
    """What `dagster` loads: the estate named by $CCPA_ESTATE, read now, when the location loads."""
    return build_definitions(os.environ.get(ESTATE_VARIABLE, DEFAULT_ESTATE))
