"""Asset checks: what makes the nightly inventory go red. They judge the assets' values, not files."""

import time

import dagster as dg
import pyarrow as pa
import pyarrow.compute as pc

FRESH_SECONDS = 24 * 3600


def _gaps(coverage_report: pa.Table, kinds: set[str]) -> list[dict[str, object]]:
    found = coverage_report.filter(pc.is_in(coverage_report["kind"], pa.array(sorted(kinds))))
    gaps: list[dict[str, object]] = found.to_pylist()
    return gaps


@dg.asset_check(
    asset="coverage_report", description="Every category of PI held, and its recipients, is disclosed."
)
def no_undisclosed_category(coverage_report: pa.Table) -> dg.AssetCheckResult:
    gaps = _gaps(coverage_report, {"undisclosed_category", "undisclosed_recipient"})
    return dg.AssetCheckResult(
        passed=not gaps,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"gaps": dg.MetadataValue.json(gaps), "count": len(gaps)},
        description="; ".join(f"{g['kind']}: {g['subject']}" for g in gaps) or "no undisclosed category",
    )


@dg.asset_check(
    asset="coverage_report", description="Every sensitive kind of PI held is named by the notice."
)
def no_unreviewed_sensitive_pi(coverage_report: pa.Table) -> dg.AssetCheckResult:
    gaps = _gaps(coverage_report, {"unnamed_sensitive_kind"})
    return dg.AssetCheckResult(
        passed=not gaps,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"unnamed kinds": dg.MetadataValue.json([g["subject"] for g in gaps])},
    )


@dg.asset_check(asset="inventory", description="The inventory was materialized within the last day.")
def inventory_is_fresh(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    event = context.instance.get_latest_materialization_event(dg.AssetKey("inventory"))
    age = time.time() - event.timestamp if event else float("inf")
    return dg.AssetCheckResult(
        passed=age <= FRESH_SECONDS,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"age hours": round(age / 3600, 2) if event else -1.0},
    )
