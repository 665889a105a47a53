"""Run the Dagster job from the command line, into a persistent instance the UI then shows."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

DAGSTER_YAML = "telemetry:\n  enabled: false\n"


@dataclass(frozen=True)
class RefreshResult:
    success: bool
    run_id: str
    dagster_home: Path
    failed_checks: list[str]


def inventory_refresh_job() -> dg.JobDefinition:
    from pipelines.definitions import defs

    return defs.resolve_job_def("inventory_refresh")


def run_inventory_refresh(estate_file: Path, reports: Path | None = None) -> RefreshResult:
    """Run `inventory_refresh` over every store of `estate_file`; runs are kept in DAGSTER_HOME."""
    os.environ["CCPA_ESTATE"] = str(estate_file)  # the store partitions come from this estate
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(Path(".dagster").resolve())))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        (home / "dagster.yaml").write_text(DAGSTER_YAML)
    from pipelines.jobs import all_stores_tags

    config = {"estate": str(estate_file), **({"reports": str(reports)} if reports else {})}
    with dg.DagsterInstance.get() as instance:
        result = dg.execute_job(
            dg.reconstructable(inventory_refresh_job),
            instance=instance,
            run_config={
                "resources": {"estate": {"config": config}},
                "loggers": {"console": {"config": {"log_level": "WARNING"}}},
            },
            tags=all_stores_tags(),
        )
        evaluations = [
            e.asset_check_evaluation_data
            for e in result.all_events
            if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
        ]
        failed = [check.check_name for check in evaluations if not check.passed]
        return RefreshResult(result.success, result.run_id, home, failed)
