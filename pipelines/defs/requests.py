"""Dagster runs the cases: a sensor launches one run per ready request (run key = request id), the
run answers it and writes the outcome back to the ledger; the request metrics are an asset refreshed
daily, checked for requests past due (error) or due within 5 days (warning).

Wiring only: every rule lives in `pipelines.rights.requests`.
"""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from pipelines.defs.resources import EstateResource
from pipelines.rights.requests import deadlines, lifecycle
from pipelines.rights.requests.answers import ready_cases, run_case
from pipelines.rights.requests.desk import Desk, open_desk
from pipelines.rights.requests.reports import write_reports

RUN_KEY_TAG = "dagster/run_key"
WARN_DAYS = 5


class RequestConfig(dg.Config):
    request_id: str  # the ledger's id: never an identity


def _desk(estate: EstateResource) -> Desk:
    return open_desk(Path(estate.estate))


@dg.op(description="Answer one ready request through the access, deletion and correction code.")
def answer_ready_request(
    context: dg.OpExecutionContext, config: RequestConfig, estate: EstateResource
) -> str:
    desk = _desk(estate)
    try:
        case = run_case(desk, desk.ledger.get(config.request_id), by="dagster")
    finally:
        desk.close()
    context.add_output_metadata(
        {
            "request id": case.id,
            "type": case.type,
            "outcome": str(case.outcome),
            "answer": str(case.answer),
            "package": dg.MetadataValue.path(case.package or ""),
        }
    )
    return str(case.outcome)


@dg.job(description="Answer one consumer request from the ledger (launched by the ready_requests sensor).")
def answer_request() -> None:
    answer_ready_request()


@dg.sensor(job=answer_request, minimum_interval_seconds=60)
def ready_requests(context: dg.SensorEvaluationContext, estate: EstateResource) -> Iterator[dg.RunRequest]:
    """One run per ready request; a request whose run was launched is never launched again."""
    desk = _desk(estate)
    try:
        lifecycle.deny_unverifiable(desk, by="dagster")
        cases = [c for c in ready_cases(desk) if c.status != "processing"]
    finally:
        desk.close()
    for case in cases:
        launched = context.instance.get_run_ids(filters=dg.RunsFilter(tags={RUN_KEY_TAG: case.id}), limit=1)
        if launched:
            continue
        yield dg.RunRequest(
            run_key=case.id,
            run_config={"ops": {"answer_ready_request": {"config": {"request_id": case.id}}}},
            tags={"ccpa/request_type": case.type},
        )


@dg.asset(description="records.csv (11 CCR 7101) and metrics.json/.html (7102) of this year's requests.")
def request_metrics(estate: EstateResource) -> dg.MaterializeResult:  # type: ignore[type-arg]
    desk = _desk(estate)
    try:
        year = desk.today().year
        out = desk.home / "reports"
        metrics = write_reports(year, desk.ledger.cases(), out)
    finally:
        desk.close()
    return dg.MaterializeResult(
        metadata={
            "year": year,
            "received": sum(m["received"] for m in metrics["types"].values()),
            "metrics": dg.MetadataValue.json(metrics),
            "records": dg.MetadataValue.path(str(out / "records.csv")),
        }
    )


@dg.asset_check(
    asset=request_metrics, description="No open request past due; warn when one is due within 5 days."
)
def no_overdue_requests(estate: EstateResource) -> dg.AssetCheckResult:
    desk = _desk(estate)
    try:
        today = desk.today()
        days = {c.id: deadlines.days_left(c.due, today) for c in lifecycle.open_cases(desk)}
    finally:
        desk.close()
    overdue = sorted(i for i, d in days.items() if d < 0)
    soon = sorted(i for i, d in days.items() if 0 <= d <= WARN_DAYS)
    severity = dg.AssetCheckSeverity.ERROR if overdue else dg.AssetCheckSeverity.WARN
    return dg.AssetCheckResult(
        passed=not overdue and not soon,
        severity=severity,
        metadata={
            "past due": dg.MetadataValue.json(overdue),
            f"due within {WARN_DAYS} days": dg.MetadataValue.json(soon),
        },
    )


request_metrics_refresh = dg.define_asset_job("request_metrics_refresh", selection=[request_metrics])


def daily_request_metrics(timezone: str) -> dg.ScheduleDefinition:
    """The metrics refreshed every morning at 06:00 in the business's time zone (the estate's)."""
    return dg.ScheduleDefinition(
        name="daily_request_metrics",
        job=request_metrics_refresh,
        cron_schedule="0 6 * * *",
        execution_timezone=timezone,
    )
