"""The Dagster code location (workspace.yaml loads it): the nightly inventory and its checks."""

import dagster as dg

from pipelines import request_sensors
from pipelines.assets import coverage_report, inferred_links, inventory, store_inventory
from pipelines.checks import inventory_is_fresh, no_undisclosed_category, no_unreviewed_sensitive_pi
from pipelines.jobs import daily_inventory_refresh, inventory_refresh
from pipelines.request_jobs import access_request, delete_request
from pipelines.resources import EstateResource

defs = dg.Definitions.merge(
    request_sensors.defs,
    dg.Definitions(
        assets=[store_inventory, inventory, inferred_links, coverage_report],
        asset_checks=[no_undisclosed_category, no_unreviewed_sensitive_pi, inventory_is_fresh],
        jobs=[inventory_refresh, access_request, delete_request],
        schedules=[daily_inventory_refresh],
        resources={"estate": EstateResource()},
    ),
)
