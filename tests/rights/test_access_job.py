"""The Dagster job `access_request`: typed run config in, the package and its counts as run metadata."""

from __future__ import annotations

import zipfile
from pathlib import Path

import dagster as dg

from pipelines.definitions import build_definitions
from pipelines.demo_estate import DemoEstate
from tests.rights.truth import consumer_rows, ids


def test_access_request_job(estate: DemoEstate, tmp_path: Path) -> None:
    email = str(ids(estate.root / "billing.db", "SELECT email FROM customers WHERE id = 9").pop())
    job = build_definitions(estate.estate_file).resolve_job_def("access_request")
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(
            instance=instance,
            run_config={
                "ops": {
                    "build_access_package": {
                        "config": {
                            "identity_kind": "email",
                            "identity": email,
                            "all_time": True,
                            "out": str(tmp_path),
                        }
                    }
                },
            },
        )
    assert result.success
    package = Path(result.output_for_node("build_access_package"))
    assert zipfile.is_zipfile(package)
    (event,) = [e for e in result.all_node_events if e.event_type_value == "STEP_OUTPUT"]
    metadata = event.step_output_data.metadata
    truth = consumer_rows(estate.root, 9)
    per_table = metadata["rows per table"].value
    assert {t: per_table[t] for t in truth} == {t: len(k) for t, k in truth.items()}
    assert "identifiers" in metadata["tables per category"].value
    assert str(metadata["package"].value) == str(package)
