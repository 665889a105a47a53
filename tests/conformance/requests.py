"""Access and deletion on schemas written by others (../shared/conformance: Sakila, Chinook), case by case.

Each schema's `cases.json` gives, per consumer (found by email), the exact rows per table a package
holds (`expected_rows`; `accept_rows` for catalogue tables a package may include or not), the
strings no package may hold, and what a deletion removes (`delete.remove`). The truth is the
upstream data and these files, never the code under test: a package is read back from its zip, a
deletion judged on a dump of every row of every table before and after.
"""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from pipelines.cli import main
from tests.conformance.labelled import STORE, load, require
from tests.conftest import server_database
from tests.rights.snapshots import Snapshot, TableRows


@dataclass(frozen=True)
class Estate:
    """A conformance database loaded and scanned once: its estate file and the scan's inventory folder."""

    file: Path
    reports: Path


@dataclass(frozen=True)
class Package:
    counts: dict[str, int]  # table -> rows (tables without rows left out)
    files: dict[str, bytes]


def loaded_estate(
    server: str, loader: Path, folder: Path, *args: str, tools: tuple[str, ...] = ()
) -> Iterator[Estate]:
    """Load a schema with its own loader into a new database on `server`, scan it, drop it after."""
    require(loader, tools=tools)
    with server_database(server) as url:
        load(loader, url.rsplit("/", 1)[1], *args)
        estate = folder / "estate.yaml"
        estate.write_text(f"stores:\n  {STORE}:\n    kind: sql\n    url: {url}\n", encoding="utf-8")
        reports = folder / "reports"
        assert main(["scan", "--estate", str(estate), "--out", str(reports)]) == 0
        yield Estate(estate, reports)


def estate_snapshot(estate_file: Path) -> Snapshot:
    """Every row of every base table of the estate's one database, as the driver returns it.

    Read with `SELECT *` and no reflection of column types (SQLAlchemy cannot reflect Sakila's
    GEOMETRY column); rows are compared as multisets, so no order is needed."""
    return _tables(estate_file)


def _tables(estate_file: Path, only: str | None = None) -> Snapshot:
    url = estate_file.read_text(encoding="utf-8").split("url: ", 1)[1].strip()
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            quote = conn.dialect.identifier_preparer.quote
            return {
                f"{STORE}.{table}": _all_rows(conn, quote(table))
                for table in sa.inspect(conn).get_table_names()
                if only in (None, table)
            }
    finally:
        engine.dispose()


def _all_rows(conn: sa.Connection, table: str) -> TableRows:
    result = conn.exec_driver_sql(f"SELECT * FROM {table}")
    return TableRows(tuple(result.keys()), tuple(tuple(row) for row in result))


def cases(path: Path, key: str = "cases") -> list[dict[str, Any]]:
    if not path.exists():
        return []
    found: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))[key]
    return found


def case_id(case: dict[str, Any]) -> str:
    return str(case["identity"]["email"]).split("@")[0].lower()


def access(estate: Estate, email: str, out: Path) -> Package:
    """`ccpa access --all-time` through the CLI, with the scan's inventory; the package read back."""
    inventory = estate.reports / "inventory.json"
    command = ["access", "--estate", str(estate.file), "--inventory", str(inventory)]
    assert main([*command, "--email", email, "--out", str(out), "--all-time"]) == 0
    (archive,) = out.glob("access-*.zip")
    with zipfile.ZipFile(archive) as package:
        files = {name: package.read(name) for name in package.namelist() if not name.endswith("/")}
    counts = json.loads(files["manifest.json"])["counts"]
    return Package({key.removeprefix(f"{STORE}."): int(n) for key, n in counts.items() if n}, files)


def assert_rows_as_expected(case: dict[str, Any], package: Package) -> None:
    """Every table exact, or within `accept_rows`; every view within its `accept` list."""
    wrong = {}
    for table, rows in case["expected_rows"].items():
        accepted = case.get("accept_rows", {}).get(table, [rows])
        if package.counts.get(table, 0) not in accepted:
            wrong[table] = (package.counts.get(table, 0), accepted)
    for view, expected in case.get("views_rows", {}).items():
        if package.counts.get(view, 0) not in expected["accept"]:
            wrong[view] = (package.counts.get(view, 0), expected["accept"])
    unknown = set(package.counts) - set(case["expected_rows"]) - set(case.get("views_rows", {}))
    assert not wrong and not unknown, f"rows (found, accepted): {wrong}; tables not in the case: {unknown}"


def other_emails(estate: Estate, case: dict[str, Any]) -> list[str]:
    """The email of every customer but the case's consumer, from a dump of the customer table."""
    consumer = case["consumer_key"]
    table = _tables(estate.file, consumer["table"])[f"{STORE}.{consumer['table']}"]
    key = next(k for k in consumer if k not in ("table", "sql"))
    email = next(c for c in table.columns if c.lower() == "email")
    return [
        str(row[email]).lower()
        for row in table.records(key, set(table.column(key)))
        if row[key] != consumer[key]
    ]


def assert_nothing_of_others(case: dict[str, Any], package: Package, others: list[str]) -> None:
    """No `must_not_contain` string and no other customer's email in any file (counts named, never values)."""
    leaks = Counter()
    for name, content in package.files.items():
        text = content.decode("utf-8", "replace").lower()
        leaks[name] += sum(1 for value in case["must_not_contain"] if value.lower() in text)
        leaks[name] += sum(1 for value in others if value in text)
    assert +leaks == Counter(), f"files holding other people's values (how many): {dict(+leaks)}"


def delete(estate: Estate, email: str, out: Path) -> int:
    inventory = estate.reports / "inventory.json"
    command = ["delete", "--estate", str(estate.file), "--inventory", str(inventory)]
    return main([*command, "--email", email, "--out", str(out)])


def assert_removed_exactly(case: dict[str, Any], before: Snapshot, after: Snapshot) -> None:
    """`delete.remove` rows gone per table; every other row of every table byte-identical."""
    removed, changed = {}, {}
    for table in before.keys() | after.keys():
        old = Counter(before[table].rows) if table in before else Counter()
        new = Counter(after[table].rows) if table in after else Counter()
        if (old - new).total():
            removed[table.removeprefix(f"{STORE}.")] = (old - new).total()
        if (new - old).total():
            changed[table] = (new - old).total()
    assert not changed, f"rows changed or added (tables: count): {changed}"
    assert removed == case["delete"]["remove"], f"rows removed: {removed}"


def skip_without_cases(found: list[dict[str, Any]], path: Path) -> None:
    if not found:
        pytest.skip(f"no cases in {path}")
