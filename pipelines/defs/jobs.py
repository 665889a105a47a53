"""The inventory_refresh job and its daily schedule: every store's partition in one run."""

from collections.abc import Sequence

import dagster as dg

from pipelines.defs.assets import GROUP

inventory_refresh = dg.define_asset_job(
    "inventory_refresh",
    selection=dg.AssetSelection.groups(GROUP),
    executor_def=dg.in_process_executor,  # one process: the analyzer is loaded once, not per step
    description="Sample and classify every store, combine, infer links, check the notice's coverage.",
)


def all_stores_tags(stores: Sequence[str]) -> dict[str, str]:
    """Run tags that make one run cover every store partition (a single-run backfill)."""
    return {"dagster/asset_partition_range_start": stores[0], "dagster/asset_partition_range_end": stores[-1]}


def daily_inventory_refresh(stores: dg.StaticPartitionsDefinition) -> dg.ScheduleDefinition:
    """The nightly run of `inventory_refresh` over the stores the code location was built from."""

    @dg.schedule(
        name="daily_inventory_refresh",
        job=inventory_refresh,
        cron_schedule="0 2 * * *",
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
    def schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        return dg.RunRequest(run_key=None, tags=all_stores_tags(stores.get_partition_keys()))

    return schedule
