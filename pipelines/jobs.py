"""The inventory_refresh job and its daily schedule: every store's partition in one run."""

import dagster as dg

from pipelines.assets import GROUP, STORES

inventory_refresh = dg.define_asset_job(
    "inventory_refresh",
    selection=dg.AssetSelection.groups(GROUP),
    executor_def=dg.in_process_executor,  # one process: the analyzer is loaded once, not per step
    description="Sample and classify every store, combine, infer links, check the notice's coverage.",
)


def all_stores_tags() -> dict[str, str]:
    """Run tags that make one run cover every store partition (a single-run backfill)."""
    keys = STORES.get_partition_keys()
    return {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}


@dg.schedule(
    job=inventory_refresh,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def daily_inventory_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    return dg.RunRequest(run_key=None, tags=all_stores_tags())
