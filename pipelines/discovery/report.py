"""The inventory's files (PRODUCT.md contract): inventory.json / .csv / .parquet and links.json.

`inventory_table` and `links_table` are the same inventory as Arrow tables, for the stages after a scan.
inventory.json adds to the contract's `columns` (each with `kind`, `status`, `reason`): `tables`
(every table: kind, status, reason, partitions), `unreadable` (the tables not read, as
`store.table`: the inventory is incomplete while it is not empty) and `skipped` (files not read).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.discovery.inventory import Inventory
from pipelines.output import staged_files

FIELDS = (
    "store",
    "table",
    "column",
    "path",
    "category",
    "entity",
    "sensitive",
    "sensitive_kind",
    "confidence",
    "prevalence",
    "evidence",
    "other_entities",
    "data_type",
    "mentions",
    "kind",
    "status",
    "reason",
    "rows_scanned",
    "matched_rows",
    "found_by",
)


def write_inventory(inventory: Inventory, out: Path) -> list[Path]:
    """Write every file of the inventory, all together or none (staged, then renamed into place)."""
    rows = [record.as_dict() for record in inventory.columns]
    links = [link.as_record() for link in inventory.links]
    document = {
        "columns": rows,
        "links": links,
        "ambiguous_links": [x.as_record() for x in inventory.ambiguous_links],
        "composite_links": [x.as_record() for x in inventory.composite_links],
        "tables": [table.as_dict() for table in inventory.tables],
        "unreadable": [table.qualified for table in inventory.unreadable],
        "skipped": [{"store": store, "file": f.path, "reason": f.reason} for store, f in inventory.skipped],
    }
    with staged_files(out) as stage:
        stage.path("inventory.json").write_text(
            json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8"
        )
        stage.path("links.json").write_text(
            json.dumps(
                {
                    "links": links,
                    "ambiguous": document["ambiguous_links"],
                    "composite": document["composite_links"],
                },
                indent=1,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        with stage.path("inventory.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=FIELDS)
            writer.writeheader()
            for row in rows:
                writer.writerow(
                    {
                        **row,
                        "other_entities": ";".join(row["other_entities"]),  # type: ignore[arg-type]
                        "mentions": json.dumps(row["mentions"]),
                    }
                )
        pq.write_table(_columns_table(rows), stage.path("inventory.parquet"))
    return [out / name for name in ("inventory.json", "inventory.csv", "inventory.parquet", "links.json")]


INVENTORY_SCHEMA = pa.schema(
    [
        ("store", pa.string()),
        ("table", pa.string()),
        ("column", pa.string()),
        ("path", pa.string()),
        ("category", pa.string()),
        ("entity", pa.string()),
        ("sensitive", pa.bool_()),
        ("sensitive_kind", pa.string()),
        ("confidence", pa.float64()),
        ("prevalence", pa.float64()),
        ("evidence", pa.string()),
        ("other_entities", pa.list_(pa.string())),
        ("data_type", pa.string()),
        ("mentions", pa.map_(pa.string(), pa.int64())),
        ("kind", pa.string()),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("rows_scanned", pa.int64()),
        ("matched_rows", pa.int64()),
        ("found_by", pa.string()),
    ]
)
LINKS_SCHEMA = pa.schema(
    [
        ("link", pa.string()),
        ("source", pa.string()),
        ("target", pa.string()),
        ("kind", pa.string()),
        ("basis", pa.string()),
        ("confidence", pa.float64()),
        ("evidence", pa.string()),
    ]
)


def inventory_table(inventory: Inventory) -> pa.Table:
    """Every column of the inventory, one row each (the schema of inventory.parquet)."""
    return _columns_table([record.as_dict() for record in inventory.columns])


def links_table(inventory: Inventory) -> pa.Table:
    """Every link between tables, declared or inferred, one row each (the records of links.json)."""
    return pa.Table.from_pylist([link.as_record() for link in inventory.links], schema=LINKS_SCHEMA)


def _columns_table(rows: list[dict[str, object]]) -> pa.Table:
    return pa.Table.from_pylist(
        [{**r, "mentions": list(r["mentions"].items())} for r in rows],  # type: ignore[attr-defined]
        schema=INVENTORY_SCHEMA,
    )
