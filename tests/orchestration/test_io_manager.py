"""The inventory passes between assets as an Arrow table, stored by the IO manager as Parquet."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.definitions import build_definitions
from pipelines.defs.runs import run_inventory_refresh
from pipelines.demo_estate import DemoEstate


def test_the_inventory_is_parquet_in_storage_and_an_arrow_table_downstream(
    gap_estate: DemoEstate, dagster_home: Path, tmp_path: Path
) -> None:
    result = run_inventory_refresh(gap_estate.estate_file, tmp_path / "reports", dagster_home)
    assert result.success
    stored = dagster_home / "storage" / "inventory.parquet"
    written = pq.read_table(tmp_path / "reports" / "inventory.parquet")  # the contract's file
    assert pq.read_table(stored).equals(written)
    assert pq.read_table(dagster_home / "storage" / "coverage_report.parquet").column("kind").to_pylist() == [
        "undisclosed_category"
    ]
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        events = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.STEP_INPUT)
        defs = build_definitions(gap_estate.estate_file)
        loaded = defs.load_asset_value("inventory", instance=instance)
    (received,) = [e.dagster_event for e in events if e.step_key == "coverage_report"]
    assert received is not None and received.step_input_data.input_name == "inventory"
    assert received.step_input_data.type_check_data.success  # the input's type: pa.Table, checked
    (declared,) = defs.get_assets_def("coverage_report").op.input_defs
    assert declared.dagster_type.typing_type is pa.Table
    assert isinstance(loaded, pa.Table) and loaded.equals(written)
