"""What a run of `ccpa access` or `ccpa delete` produced, in a form two runs can be compared in: the
packages' rows, a deletion report's effects and every row of every store afterwards.

Shared by the tests that run the same requests on two estates that should answer alike (the demo
estate without its declared links, tests/rights/test_links_removed.py; the metamorphic suite,
tests/metamorphic)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from connectors import load_estate, open_stores

Row = dict[str, Any]


def package_rows(out: Path) -> dict[str, dict[str, list[Row]]]:
    """Per consumer (email), per data file of the package (data/store/table.json), its rows."""
    found = {}
    for path in out.glob("access-*.zip"):
        with zipfile.ZipFile(path) as archive:
            email = json.loads(archive.read("manifest.json"))["identity"]["value"]
            found[email] = {
                name: json.loads(archive.read(name))
                for name in archive.namelist()
                if name.startswith("data/") and name.endswith(".json")
            }
    return found


def packages(out: Path) -> dict[str, dict[str, list[str]]]:
    """Per consumer (email), per data file of the package, its rows (sorted, as JSON)."""
    return {
        email: {name: sorted_json(rows) for name, rows in tables.items()}
        for email, tables in package_rows(out).items()
    }


def table_rows(estate_file: Path) -> Iterator[tuple[str, str, list[Row]]]:
    """Every table of every store of the estate (store, table, rows), as the store's connector reads it."""
    stores = open_stores(load_estate(estate_file))
    try:
        for name, store in sorted(stores.items()):
            for info in store.tables():
                yield name, info.name, [row for batch in store.scan(info.name) for row in batch.to_pylist()]
    finally:
        for store in stores.values():
            store.close()


def contents(estate_file: Path) -> Iterator[tuple[str, list[str]]]:
    """Every table of every store of the estate, its rows sorted (as JSON)."""
    for store, table, rows in table_rows(estate_file):
        yield f"{store}.{table}", sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)


def effects(document: dict[str, Any]) -> dict[str, object]:
    """What a deletion report says was done and found, without its ids and times (the order of
    changes within a store's transaction is free between tables that do not refer to each other)."""
    applied = {store: sorted_json(done) for store, done in document["applied"].items()}
    return {
        "tables": sorted_json(document["tables"]),
        "applied": applied,
        "verification": document["verification"],
    }


def sorted_json(records: list[Row]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True) for r in records)
