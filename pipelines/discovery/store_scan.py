"""One store's scan as Arrow tables and back: how each store's classification reaches the inventory.

`as_tables(scan)` names each table of the scan (the Dagster IO manager stores each as Parquet):
- `tables`: a row per table of the store: its name, kind, Arrow schema (IPC bytes) and the stores'
  own type names, keys, foreign keys, row count, partitions, why it is unreadable (when it is) and
  the name of its sample; the schema's metadata holds the store, how many tables were sampled and
  the analyzer's notice;
- `findings`: a row per column finding, and per leaf of a nested column (`leaf_of` is its column);
- `skipped`: the files of the store that are not read as tables, and why;
- `samples/NNNN`: each table's sample (personal data: whoever stores it keeps it owner-only).
`from_tables(as_tables(scan)) == scan`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import pyarrow as pa

from connectors import ColumnInfo, ForeignKey, SkippedFile, TableInfo
from pipelines.discovery.classify import ColumnFinding
from pipelines.discovery.inventory import StoreScan, TableScan
from pipelines.discovery.nested import PathFinding

_NAMES = pa.list_(pa.string())
_FOREIGN_KEY = pa.struct([("columns", _NAMES), ("ref_table", pa.string()), ("ref_columns", _NAMES)])
TABLES = pa.schema(
    [
        ("table", pa.string()),
        ("kind", pa.string()),
        ("schema", pa.binary()),
        ("native_types", _NAMES),
        ("primary_key", _NAMES),
        ("foreign_keys", pa.list_(_FOREIGN_KEY)),
        ("row_count", pa.int64()),
        ("partitioning", _NAMES),
        ("partitions", _NAMES),
        ("not_readable", pa.string()),  # TableInfo.unreadable: the store said so when listing
        ("unreadable", pa.string()),  # TableScan.unreadable: reading or classifying it failed
        ("sample", pa.string()),
    ]
)
FINDINGS = pa.schema(
    [
        ("table", pa.string()),
        ("leaf_of", pa.string()),  # the stored column of a nested leaf, else null
        ("path", pa.string()),
        ("column", pa.string()),
        ("entity", pa.string()),
        ("confidence", pa.float64()),
        ("prevalence", pa.float64()),
        ("evidence", _NAMES),
        ("other_entities", _NAMES),
        ("mentions", pa.map_(pa.string(), pa.int64())),
        ("non_empty", pa.int64()),
        ("uniqueness", pa.float64()),
    ]
)
SKIPPED = pa.schema([("path", pa.string()), ("reason", pa.string())])


def as_tables(scan: StoreScan) -> dict[str, pa.Table]:
    """The scan as named Arrow tables (see the module's docstring)."""
    samples = {f"samples/{i:04d}": table.sample for i, table in enumerate(scan.tables)}
    rows = [_table_row(table, name) for table, name in zip(scan.tables, samples, strict=True)]
    about = {"store": scan.store, "tables_sampled": str(scan.tables_sampled), "notice": scan.notice or ""}
    findings = [
        *({"table": t.key[1], **asdict(f)} for t in scan.tables for f in t.findings),
        *(
            {"table": t.key[1], "leaf_of": p.column, "path": p.path, **asdict(p.finding)}
            for t in scan.tables
            for p in t.paths
        ),
    ]
    return {
        "tables": pa.Table.from_pylist(rows, schema=TABLES.with_metadata(about)),
        "findings": pa.Table.from_pylist(findings, schema=FINDINGS),
        "skipped": pa.Table.from_pylist([asdict(f) for f in scan.skipped], schema=SKIPPED),
        **samples,
    }


def from_tables(tables: Mapping[str, pa.Table]) -> StoreScan:
    """The scan that `as_tables` turned into `tables`."""
    about = {k.decode(): v.decode() for k, v in (tables["tables"].schema.metadata or {}).items()}
    store = about["store"]
    findings: dict[str, list[ColumnFinding]] = {}
    paths: dict[str, list[PathFinding]] = {}
    for row in tables["findings"].to_pylist():
        table, leaf_of, path = row.pop("table"), row.pop("leaf_of"), row.pop("path")
        finding = _finding(row)
        if leaf_of is None:
            findings.setdefault(table, []).append(finding)
        else:
            paths.setdefault(table, []).append(PathFinding(leaf_of, path, finding))
    scanned = [
        TableScan(
            (store, row["table"]),
            _info(row),
            tables[row["sample"]],
            findings.get(row["table"], []),
            paths.get(row["table"], []),
            unreadable=row["unreadable"],
        )
        for row in tables["tables"].to_pylist()
    ]
    skipped = [SkippedFile(**row) for row in tables["skipped"].to_pylist()]
    return StoreScan(store, scanned, skipped, int(about["tables_sampled"]), about["notice"] or None)


def _table_row(table: TableScan, sample: str) -> dict[str, object]:
    info = table.info
    return {
        "table": info.name,
        "kind": info.kind,
        "schema": info.schema.serialize().to_pybytes(),
        "native_types": [c.native_type for c in info.columns],
        "primary_key": list(info.primary_key),
        "foreign_keys": [asdict(fk) for fk in info.foreign_keys],
        "row_count": info.row_count,
        "partitioning": list(info.partitioning),
        "partitions": list(info.partitions),
        "not_readable": info.unreadable,
        "unreadable": table.unreadable,
        "sample": sample,
    }


def _info(row: dict[str, Any]) -> TableInfo:
    schema = pa.ipc.read_schema(pa.py_buffer(row["schema"]))
    columns = tuple(
        ColumnInfo(f.name, f.type, f.nullable, native)
        for f, native in zip(schema, row["native_types"], strict=True)
    )
    return TableInfo(
        name=row["table"],
        columns=columns,
        primary_key=tuple(row["primary_key"]),
        foreign_keys=tuple(
            ForeignKey(tuple(fk["columns"]), fk["ref_table"], tuple(fk["ref_columns"]))
            for fk in row["foreign_keys"]
        ),
        row_count=row["row_count"],
        partitioning=tuple(row["partitioning"]),
        kind="view" if row["kind"] == "view" else "table",
        partitions=tuple(row["partitions"]),
        unreadable=row["not_readable"],
    )


def _finding(row: dict[str, Any]) -> ColumnFinding:
    return ColumnFinding(
        **{
            **row,
            "evidence": tuple(row["evidence"]),
            "other_entities": tuple(row["other_entities"]),
            "mentions": dict(row["mentions"]),
        }
    )
