"""`ccpa scan --full-values` on a demo estate with a planted sparse case, in-process and on dask."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from benchmarks.sparse_case import PLANTED, ROWS, TABLE, plant_sparse_emails
from pipelines.cli import main
from pipelines.demo_estate import DemoEstate, build_demo_estate
from tests.dask_servers import task_stream, worker_names

MESSAGE = ("device_logs", TABLE, "message")


@pytest.fixture(scope="module")
def sparse_estate(tmp_path_factory: pytest.TempPathFactory) -> DemoEstate:
    root = tmp_path_factory.mktemp("full-values") / "estate"
    built = build_demo_estate(root, consumers=150, days=2, seed=5, as_of=dt.date(2026, 11, 1))
    plant_sparse_emails(built.estate_file)
    return built


def _scan(estate: Path, out: Path, *extra: str) -> dict[tuple[str, str, str], dict[str, object]]:
    assert main(["scan", "--estate", str(estate), "--out", str(out), "--full", *extra]) == 0
    columns = json.loads((out / "inventory.json").read_text())["columns"]
    return {(c["store"], c["table"], c["column"]): c for c in columns}


@pytest.fixture(scope="module")
def in_process(
    sparse_estate: DemoEstate, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str, str], dict[str, object]]:
    return _scan(
        sparse_estate.estate_file, tmp_path_factory.mktemp("none"), "--full-values", "--cluster", "none"
    )


def test_the_sample_alone_misses_the_planted_emails(sparse_estate: DemoEstate, tmp_path: Path) -> None:
    sampled = _scan(sparse_estate.estate_file, tmp_path)[MESSAGE]
    assert "EMAIL_ADDRESS" not in sampled["mentions"]  # type: ignore[operator]
    assert sampled["rows_scanned"] is None and sampled["found_by"] == "sample"


def test_full_read_finds_and_classifies_them(
    in_process: dict[tuple[str, str, str], dict[str, object]],
) -> None:
    message = in_process[MESSAGE]
    assert message["rows_scanned"] == ROWS
    assert message["mentions"]["EMAIL_ADDRESS"] == PLANTED  # type: ignore[index]
    assert message["category"] == "identifiers" and message["found_by"] == "full_values"
    assert f"full read: {PLANTED} of {ROWS:,} values are EMAIL_ADDRESS" in str(message["evidence"])
    assert "@example.org" not in json.dumps(list(in_process.values()))  # masked, never raw
    imsi = in_process[("device_logs", TABLE, "imsi")]
    assert imsi["entity"] == "IMSI" and imsi["matched_rows"] == ROWS and imsi["found_by"] == "sample"
    sessions = in_process[("device_logs", "sessions", "imsi")]
    assert sessions["rows_scanned"] == sessions["matched_rows"] > 0


def test_a_match_inside_a_digest_is_nobodys(
    in_process: dict[tuple[str, str, str], dict[str, object]],
) -> None:
    """A DEA-number pattern matches inside ~4% of hex digests: outside free text a match counts
    only where it covers the value, so the full read leaves hashes and operator ids as they were."""
    for column in ("payload_sha256", "operator_id"):
        found = in_process[("device_logs", "api_events", column)]
        assert found["found_by"] == "sample" and found["entity"] != "MEDICAL_LICENSE", found["evidence"]
        assert found["rows_scanned"] and found["matched_rows"] == 0


def test_sqlite_tables_are_read_by_key_ranges(
    in_process: dict[tuple[str, str, str], dict[str, object]],
) -> None:
    email = in_process[("billing", "customers", "email")]
    assert email["rows_scanned"] == email["matched_rows"] == 150
    assert in_process[("billing", "invoices", "amount")]["rows_scanned"] is None  # a float: not read


def test_local_cluster_of_two_workers_gives_the_same_inventory(
    sparse_estate: DemoEstate, in_process: dict[tuple[str, str, str], dict[str, object]], tmp_path: Path
) -> None:
    estate = tmp_path / "estate.yaml"
    estate.write_text(sparse_estate.estate_file.read_text() + "compute:\n  workers: 2\n")
    for name in ("billing.db", "crm.db", "device_logs"):
        (tmp_path / name).symlink_to(sparse_estate.root / name)
    with _dask_default_port_taken():  # the local cluster listens on free local ports only
        assert _scan(estate, tmp_path / "out", "--full-values") == in_process


@contextmanager
def _dask_default_port_taken() -> Iterator[None]:
    """Port 8787 (dask's default HTTP port) held, unless something else already holds it."""
    holder = socket.socket()
    try:
        holder.bind(("127.0.0.1", 8787))
        holder.listen()
    except OSError:
        pass  # taken already: the same condition
    try:
        yield
    finally:
        holder.close()


def test_a_separate_dask_scheduler_and_workers_give_the_same_inventory(
    sparse_estate: DemoEstate,
    in_process: dict[tuple[str, str, str], dict[str, object]],
    dask_cluster: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    task_stream(dask_cluster)  # installs the scheduler's task-stream plugin before the scan
    assert (
        _scan(sparse_estate.estate_file, tmp_path, "--full-values", "--cluster", dask_cluster) == in_process
    )
    printed = capsys.readouterr()
    tasks = int(re.findall(r"([0-9]+) tasks;", " ".join((printed.out + printed.err).split()))[-1])
    names = worker_names(dask_cluster)
    ran = [names[str(t["worker"])] for t in task_stream(dask_cluster) if "read_split" in str(t["key"])]
    assert len(ran) == tasks > 1 and set(ran) == {"w0", "w1"}  # every read task, on those two workers


def test_dagster_asset_reads_every_value_on_the_resource_cluster(
    sparse_estate: DemoEstate, in_process: dict[tuple[str, str, str], dict[str, object]], tmp_path: Path
) -> None:
    import dagster as dg

    from pipelines.definitions import build_definitions
    from pipelines.defs.full_values import DaskClusterResource, full_value_inventory
    from pipelines.defs.io_managers import TABLES, ParquetTables
    from pipelines.defs.resources import EstateResource

    defs = build_definitions(sparse_estate.estate_file)
    [weekly] = [s for s in defs.schedules or [] if s.name == "weekly_full_value_refresh"]
    assert weekly.cron_schedule == "0 3 * * 0"  # type: ignore[union-attr]
    nightly = defs.resolve_job_def("inventory_refresh").asset_layer.selected_asset_keys
    assert dg.AssetKey("full_value_inventory") not in nightly
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(
        [full_value_inventory],
        instance=instance,
        resources={
            "estate": EstateResource(estate=str(sparse_estate.estate_file), reports=str(tmp_path)),
            "dask_cluster": DaskClusterResource(address="none"),
            TABLES: ParquetTables(base_dir=str(tmp_path / "storage")),
        },
    )
    assert result.success
    table = result.output_for_node("full_value_inventory")
    rows = {(r["store"], r["table"], r["column"]): r for r in table.to_pylist()}
    assert rows[MESSAGE]["found_by"] == "full_values" and rows[MESSAGE]["matched_rows"] == PLANTED
    metadata = result.asset_materializations_for_node("full_value_inventory")[0].metadata
    assert metadata["rows scanned"].value >= ROWS
    assert metadata["columns reclassified"].value == [".".join(MESSAGE)]
    logs = [entry.user_message for entry in instance.all_logs(result.run_id)]
    assert any("full read: " in m and " tasks done" in m for m in logs)


@pytest.mark.parametrize("layout", ["row groups of 997 rows, dictionary-encoded", "one row group, plain"])
def test_the_counts_do_not_depend_on_the_parquet_layout(
    sparse_estate: DemoEstate,
    in_process: dict[tuple[str, str, str], dict[str, object]],
    tmp_path: Path,
    layout: str,
) -> None:
    """The read joins a file's row groups into batches and counts a dictionary-encoded column from
    its dictionary: the same rows, values and matches whatever the file's row groups and encoding
    (nulls included), as in the file the demo estate wrote."""
    root = tmp_path / "estate"
    shutil.copytree(sparse_estate.root, root)
    path = root / "device_logs" / f"{TABLE}.parquet"
    table = pq.read_table(path)
    small = layout.startswith("row groups")
    pq.write_table(
        table, path, row_group_size=997 if small else len(table), use_dictionary=small, compression="zstd"
    )
    assert (pq.ParquetFile(path).metadata.num_row_groups > 100) == small
    found = _scan(root / "estate.yaml", tmp_path / "out", "--full-values", "--cluster", "none")
    for column in table.column_names:  # what the sample alone says may differ: other rows sampled
        key = ("device_logs", TABLE, column)
        for field in ("rows_scanned", "matched_rows", "entity", "found_by"):
            assert found[key][field] == in_process[key][field], (column, field)
    emails = [f[MESSAGE]["mentions"]["EMAIL_ADDRESS"] for f in (found, in_process)]  # type: ignore[index]
    assert emails == [PLANTED, PLANTED]
