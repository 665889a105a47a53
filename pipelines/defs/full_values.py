"""The weekly full-value read (off the nightly path): every value of the estate, on a dask cluster.

The cluster is a resource (`DaskClusterResource`: `tcp://HOST:PORT`, `none`, or empty for a local
cluster of one worker per core); progress goes to the run's log, the figures to the metadata.
"""

import dagster as dg
import pyarrow as pa

from pipelines.defs.io_managers import TABLES
from pipelines.defs.resources import DaskClusterResource, EstateResource
from pipelines.discovery.full_values import FullValueRead
from pipelines.discovery.inventory import scan_estate
from pipelines.discovery.report import inventory_table, write_inventory
from pipelines.engine import cluster_for

GROUP = "full_values"


@dg.asset(
    io_manager_key=TABLES,
    group_name=GROUP,
    description="Every column, with every value of the PI-capable ones read (rows_scanned, matched_rows).",
)
def full_value_inventory(
    context: dg.AssetExecutionContext, estate: EstateResource, dask_cluster: DaskClusterResource
) -> dg.Output[pa.Table]:
    loaded = estate.load()
    address = cluster_for(dask_cluster.address, loaded.compute.cluster, default=None)

    def progress(done: int, total: int) -> None:
        if done == total or done % max(1, total // 10) == 0:
            context.log.info(f"full read: {done}/{total} tasks done")

    read = FullValueRead(loaded, address, dask_cluster.workers or loaded.compute.workers, progress)
    result = scan_estate(loaded, sample_size=estate.sample, cache=estate.cache(), full_read=read)
    write_inventory(result, estate.reports_dir() / "full_values")
    summary = read.summary
    assert summary is not None  # set by the read
    for failure in summary.failures:
        context.log.warning(f"not read in full: {failure}")
    return dg.Output(
        inventory_table(result),
        metadata={
            "rows scanned": summary.rows,
            "values scanned": summary.values,
            "values/s": dg.MetadataValue.float(round(summary.values_per_second, 1)),
            "tasks": summary.tasks,
            "columns reclassified": dg.MetadataValue.json([".".join(k) for k in summary.reclassified]),
            "cluster": address or "local",
        },
    )


full_value_refresh = dg.define_asset_job(
    "full_value_refresh",
    selection=dg.AssetSelection.assets(full_value_inventory),
    executor_def=dg.in_process_executor,  # the read itself runs on the dask cluster
    description="Read every value of every column that can hold PI (weekly; off the nightly path).",
)

weekly_full_value_refresh = dg.ScheduleDefinition(
    name="weekly_full_value_refresh",
    job=full_value_refresh,
    cron_schedule="0 3 * * 0",  # Sundays 03:00 UTC, after the nightly refresh
    execution_timezone="UTC",
)
