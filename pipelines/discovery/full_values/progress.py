"""What `ccpa scan --full-values` shows: tasks done out of the total while reading, a summary after.

Counts only, never a value: the evidence's examples are masked and stay in the inventory.
"""

from __future__ import annotations

from connectors import Estate
from pipelines import console
from pipelines.discovery.full_values import FullValueRead, ReadSummary
from pipelines.engine import IN_PROCESS, cluster_for

STEPS = 10  # progress lines over a read


def full_value_read(estate: Estate, cluster: str | None) -> FullValueRead:
    """The read on the cluster named by `--cluster`, else the estate's `compute:`, else a local one."""
    chosen = cluster_for(cluster, estate.compute.cluster, default=None)
    return FullValueRead(estate, cluster=chosen, workers=estate.compute.workers, progress=_progress)


def where(cluster: str | None) -> str:
    if cluster == IN_PROCESS:
        return "in this process"
    return f"on {cluster}" if cluster else "on a local cluster"


def _progress(done: int, total: int) -> None:
    step = max(1, total // STEPS)
    if done == total or done % step == 0:
        console.err.print(f"full read: {done}/{total} tasks done")


def report_full_read(summary: ReadSummary) -> None:
    for failure in summary.failures:
        console.err.print(f"[red]not read in full[/red]: {failure}")
    console.out.print(
        f"full read: {summary.values:,} values ({summary.rows:,} rows) in {summary.seconds:.1f} s, "
        f"{summary.values_per_second:,.0f} values/s, {summary.tasks} tasks; "
        f"{len(summary.reclassified)} columns found only by the full read"
        + "".join(f"\n  {'.'.join(key)}" for key in summary.reclassified)
    )
