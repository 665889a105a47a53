"""Arrow tables between assets: each output a Parquet file under the instance's storage folder."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import PrivateAttr

TABLES = "tables"  # the resource key assets name as their io_manager_key


class ParquetTables(dg.ConfigurableIOManager):
    """Writes an asset's pyarrow Table to `<folder>/<asset key>.parquet`; reads it back as a Table.

    The folder is `base_dir`, else the storage folder of the run's instance ($DAGSTER_HOME/storage),
    where Dagster's own filesystem IO manager keeps outputs.
    """

    base_dir: str | None = None
    _folder: Path = PrivateAttr()

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        storage = self.base_dir or (context.instance.storage_directory() if context.instance else None)
        if storage is None:
            raise dg.DagsterInvariantViolationError("ParquetTables needs base_dir or a Dagster instance")
        self._folder = Path(storage)

    def handle_output(self, context: dg.OutputContext, obj: pa.Table) -> None:
        if not isinstance(obj, pa.Table):
            raise dg.DagsterInvariantViolationError(
                f"{context.asset_key.to_user_string()}: expected a pyarrow Table, got {type(obj).__name__}"
            )
        path = self._path(context)
        path.parent.mkdir(parents=True, exist_ok=True)
        staged = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        pq.write_table(obj, staged)
        os.replace(staged, path)  # a reader never sees half a file
        context.add_output_metadata({"parquet": dg.MetadataValue.path(str(path)), "rows": obj.num_rows})

    def load_input(self, context: dg.InputContext) -> pa.Table:
        return pq.read_table(self._path(context))

    def _path(self, context: dg.OutputContext | dg.InputContext) -> Path:
        parts = context.asset_key.path
        if context.has_asset_partitions:
            parts = [*parts, context.asset_partition_key]
        *folders, name = parts
        return self._folder.joinpath(*folders, f"{name}.parquet")
