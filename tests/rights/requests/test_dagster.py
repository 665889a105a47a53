"""The same cases through Dagster: the sensor launches each ready request once (run key = request
id), the launched job answers it into the ledger, the metrics asset and its overdue check."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from pipelines.definitions import build_definitions
from pipelines.defs.requests import no_overdue_requests, request_metrics
from pipelines.defs.resources import EstateResource
from pipelines.rights.requests.desk import open_desk
from tests.rights.requests.conftest import Customer, ccpa, customer, new

TODAY = dt.datetime.now(ZoneInfo("America/Los_Angeles")).date()


def resources(estate_file: Path) -> dict[str, object]:
    return {"estate": {"config": {"estate": str(estate_file)}}}


def tick(instance: dg.DagsterInstance, estate_file: Path) -> list[dg.RunRequest]:
    sensor = build_definitions(estate_file).resolve_sensor_def("ready_requests")
    context = dg.build_sensor_context(
        instance=instance, resources={"estate": EstateResource(estate=str(estate_file))}
    )
    return list(sensor.evaluate_tick(context).run_requests or [])


def verified_know(capsys: pytest.CaptureFixture[str], estate_file: Path, person: Customer, *args: str) -> str:
    request = new(capsys, estate_file, "--type", "know", "--email", person.email, *args)
    points = ["--point", f"name={person.name}", "--point", f"phone={person.phone}"]
    ccpa(capsys, "verify", "--estate", str(estate_file), request, *points)
    return request


def test_the_sensor_launches_each_ready_request_once(
    estate_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    person = customer(estate_file)
    know = verified_know(capsys, estate_file, person)
    opt_out = new(capsys, estate_file, "--type", "opt-out", "--email", person.email)
    new(capsys, estate_file, "--type", "delete", "--email", person.email)  # not verified: not ready
    job = build_definitions(estate_file).resolve_job_def("answer_request")
    (tmp_path / "dagster").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "dagster")) as instance:
        requests = tick(instance, estate_file)
        assert sorted(r.run_key or "" for r in requests) == sorted([know, opt_out])
        for request in requests:
            result = job.execute_in_process(
                run_config={**request.run_config, "resources": resources(estate_file)},
                instance=instance,
                tags={**request.tags, "dagster/run_key": request.run_key or ""},
            )
            assert result.success
            (event,) = [e for e in result.all_node_events if e.event_type_value == "STEP_OUTPUT"]
            metadata = event.step_output_data.metadata
            assert metadata["request id"].value == request.run_key
        assert tick(instance, estate_file) == []  # a second tick launches nothing

        later = new(capsys, estate_file, "--type", "opt-out", "--email", person.email)
        (pending,) = tick(instance, estate_file)
        instance.create_run_for_job(job, run_config=pending.run_config, tags={"dagster/run_key": later})
        assert tick(instance, estate_file) == []  # launched, not yet run: not launched again

    desk = open_desk(estate_file)
    try:
        answered = {c.id: c for c in desk.ledger.cases()}
    finally:
        desk.close()
    assert (answered[know].status, answered[know].answer) == ("complied_in_part", "categories_only")
    assert answered[opt_out].status == "complied" and Path(str(answered[opt_out].package)).is_file()
    assert any(e.by == "dagster" for e in answered[know].events)
    stored = b"".join(p.read_bytes() for p in (tmp_path / "dagster").rglob("*") if p.is_file())
    assert stored and person.email.lower().encode() not in stored.lower()
    assert person.phone.lstrip("+").encode() not in stored


def check_result(estate_file: Path) -> dg.AssetCheckEvaluation:
    result = dg.materialize(
        [request_metrics, no_overdue_requests], resources={"estate": EstateResource(estate=str(estate_file))}
    )
    assert result.success
    (evaluation,) = result.get_asset_check_evaluations()
    return evaluation


def test_the_overdue_check_and_the_metrics_asset(
    estate_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    person = customer(estate_file)
    assert check_result(estate_file).passed
    soon = verified_know(capsys, estate_file, person, "--received", str(TODAY - dt.timedelta(days=42)))
    warned = check_result(estate_file)
    assert not warned.passed and warned.severity == dg.AssetCheckSeverity.WARN
    assert warned.metadata["due within 5 days"].value == [soon]
    late = verified_know(capsys, estate_file, person, "--received", str(TODAY - dt.timedelta(days=50)))
    failed = check_result(estate_file)
    assert not failed.passed and failed.severity == dg.AssetCheckSeverity.ERROR
    assert failed.metadata["past due"].value == [late]
    metrics = json.loads((estate_file.parent / "reports" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["year"] == TODAY.year
    received_this_year = sum(1 for d in (42, 50) if (TODAY - dt.timedelta(days=d)).year == TODAY.year)
    assert metrics["types"]["know"]["received"] == received_this_year
    assert (
        build_definitions(estate_file).resolve_schedule_def("daily_request_metrics").cron_schedule
        == "0 6 * * *"
    )
