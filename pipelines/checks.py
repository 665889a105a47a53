"""Asset checks: what makes the nightly inventory go red."""

import json
import time

import dagster as dg

from pipelines.assets import coverage_report, inventory
from pipelines.resources import EstateResource

FRESH_SECONDS = 24 * 3600


def _gaps(estate: EstateResource, kinds: set[str]) -> list[dict[str, object]]:
    document = json.loads((estate.reports_dir() / "coverage.json").read_text(encoding="utf-8"))
    return [g for g in document["gaps"] if g["kind"] in kinds]


@dg.asset_check(
    asset=coverage_report, description="Every category of PI held, and its recipients, is disclosed."
)
def no_undisclosed_category(estate: EstateResource) -> dg.AssetCheckResult:
    gaps = _gaps(estate, {"undisclosed_category", "undisclosed_recipient"})
    return dg.AssetCheckResult(
        passed=not gaps,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"gaps": dg.MetadataValue.json(gaps), "count": len(gaps)},
        description="; ".join(f"{g['kind']}: {g['subject']}" for g in gaps) or "no undisclosed category",
    )


@dg.asset_check(asset=coverage_report, description="Every sensitive kind of PI held is named by the notice.")
def no_unreviewed_sensitive_pi(estate: EstateResource) -> dg.AssetCheckResult:
    gaps = _gaps(estate, {"unnamed_sensitive_kind"})
    return dg.AssetCheckResult(
        passed=not gaps,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"unnamed kinds": dg.MetadataValue.json([g["subject"] for g in gaps])},
    )


@dg.asset_check(asset=inventory, description="The inventory was refreshed within the last day.")
def inventory_is_fresh(estate: EstateResource) -> dg.AssetCheckResult:
    path = estate.reports_dir() / "inventory.json"
    age = time.time() - path.stat().st_mtime if path.exists() else float("inf")
    return dg.AssetCheckResult(
        passed=age <= FRESH_SECONDS,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"age hours": round(age / 3600, 2) if age != float("inf") else -1.0},
    )
