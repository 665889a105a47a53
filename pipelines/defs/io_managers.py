"""What passes between assets, stored under the instance's storage folder as Parquet.

`ParquetTables`: an asset's pyarrow Table as `<asset key>.parquet`. `StoreScans`: each partition of
`store_inventory` (one store's classified tables, a `StoreScan`) as a folder of Parquet files.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import PrivateAttr

from pipelines.discovery.inventory import StoreScan
from pipelines.discovery.store_scan import as_tables, from_tables

TABLES = "tables"  # the resource key assets name as their io_manager_key
STORE_SCANS = "store_scans"


class _InstanceStorage(dg.ConfigurableIOManager):
    """The folder is `base_dir`, else the storage folder of the run's instance ($DAGSTER_HOME/storage),
    where Dagster's own filesystem IO manager keeps outputs."""

    base_dir: str | None = None
    _folder: Path = PrivateAttr()

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        storage = self.base_dir or (context.instance.storage_directory() if context.instance else None)
        if storage is None:
            raise dg.DagsterInvariantViolationError(
                f"{type(self).__name__} needs base_dir or a Dagster instance"
            )
        self._folder = Path(storage)


class ParquetTables(_InstanceStorage):
    """Writes an asset's pyarrow Table to `<folder>/<asset key>.parquet`; reads it back as a Table."""

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


class StoreScans(_InstanceStorage):
    """Each store's scan (`{store: StoreScan}`, one entry per partition of the run) as the folder
    `<folder>/<asset key>/<store>/` of Parquet files (`store_scan.as_tables`), owner-only: the
    samples are personal data. A downstream asset gets `{store: StoreScan}` for its partitions."""

    def handle_output(self, context: dg.OutputContext, obj: Mapping[str, StoreScan]) -> None:
        stores = list(context.asset_partition_keys)
        if not isinstance(obj, Mapping) or sorted(obj) != sorted(stores):
            raise dg.DagsterInvariantViolationError(
                f"{context.asset_key.to_user_string()}: expected a StoreScan for each of {', '.join(stores)}"
            )
        for store in stores:
            _write_folder(self._store_folder(context, store), as_tables(obj[store]))
        context.add_output_metadata({"folder": dg.MetadataValue.path(str(self._store_folder(context, "")))})

    def load_input(self, context: dg.InputContext) -> dict[str, StoreScan]:
        scans = {}
        for store in context.asset_partition_keys:
            folder = self._store_folder(context, store)
            if not (folder / "tables.parquet").exists():
                raise dg.Failure(
                    f"{context.asset_key.to_user_string()} of store {store} is not stored in {folder}"
                )
            files = sorted(folder.rglob("*.parquet"))
            scans[store] = from_tables(
                {f.relative_to(folder).with_suffix("").as_posix(): pq.read_table(f) for f in files}
            )
        return scans

    def _store_folder(self, context: dg.OutputContext | dg.InputContext, store: str) -> Path:
        return self._folder.joinpath(*context.asset_key.path, store)


def _write_folder(folder: Path, tables: Mapping[str, pa.Table]) -> None:
    """Write the tables into a staged owner-only folder, then put it in the place of the old one."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staged = folder.with_name(f".{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(mode=0o700)
    for name, table in tables.items():
        path = staged / f"{name}.parquet"
        path.parent.mkdir(mode=0o700, exist_ok=True)
        pq.write_table(table, path)
    old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
    if folder.exists():
        os.replace(folder, old)
    os.replace(staged, folder)
    shutil.rmtree(old, ignore_errors=True)
