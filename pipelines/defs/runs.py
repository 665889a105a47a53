"""Run the Dagster job from the command line, into a persistent instance the UI then shows."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from connectors import load_estate
from pipelines.defs.jobs import all_stores_tags

DAGSTER_YAML = "telemetry:\n  enabled: false\n"


@dataclass(frozen=True)
class RefreshResult:
    success: bool
    run_id: str
    dagster_home: Path
    failed_checks: list[str]


def inventory_refresh_job(estate_file: str) -> dg.JobDefinition:
    """The job, rebuilt from the estate file wherever Dagster reconstructs it."""
    from pipelines.definitions import build_definitions

    return build_definitions(estate_file).resolve_job_def("inventory_refresh")


def run_inventory_refresh(
    estate_file: Path, reports: Path | None = None, dagster_home: Path | None = None
) -> RefreshResult:
    """Run `inventory_refresh` over every store of `estate_file`.

    Runs are kept in `dagster_home` (default $DAGSTER_HOME, else ./.dagster); the environment is not changed.
    """
    home = dagster_home or Path(os.environ.get("DAGSTER_HOME") or ".dagster").resolve()
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        (home / "dagster.yaml").write_text(DAGSTER_YAML)
    job = dg.build_reconstructable_job(
        "pipelines.defs.runs", "inventory_refresh_job", reconstructable_args=(str(estate_file),)
    )
    stores = list(load_estate(estate_file).stores)
    config = {"estate": str(estate_file), **({"reports": str(reports)} if reports else {})}
    with dg.DagsterInstance.from_config(str(home)) as instance:
        result = dg.execute_job(
            job,
            instance=instance,
            run_config={
                "resources": {"estate": {"config": config}},
                "loggers": {"console": {"config": {"log_level": "WARNING"}}},
            },
            tags=all_stores_tags(stores),
        )
        evaluations = [
            e.asset_check_evaluation_data
            for e in result.all_events
            if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
        ]
        failed = [check.check_name for check in evaluations if not check.passed]
        return RefreshResult(result.success, result.run_id, home, failed)
