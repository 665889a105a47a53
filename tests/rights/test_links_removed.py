"""The demo estate with its links removed from the estate file gives the same access packages and
the same deletions as with them: every link it declares is found by inference (issue 10, Done-when).

Packages are compared table by table (every row of every data file), deletions by their reports'
tables, what they applied and verified, and every row of every store afterwards.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from connectors import load_estate, open_stores
from pipelines.cli import main
from pipelines.demo_estate import build_demo_estate
from tests.rights.deletion_runs import AS_OF, SEED, delete, email_of, reports

ASKING = [3, 11, 27, 38]  # consumers asking to know
DELETING = [11, 27]  # consumers asking to delete, one after the other
WITH, WITHOUT = "estate.yaml", "estate-without-links.yaml"


@dataclass(frozen=True)
class TwoEstates:
    root: Path  # the demo estate, with both estate files
    inventories: dict[str, Path]  # estate file name -> its inventory


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> TwoEstates:
    folder = tmp_path_factory.mktemp("links-removed")
    built = build_demo_estate(folder / "estate", consumers=40, days=1, seed=SEED, as_of=AS_OF)
    raw = yaml.safe_load(built.estate_file.read_text(encoding="utf-8"))
    assert raw.pop("links")
    (built.root / WITHOUT).write_text(yaml.safe_dump(raw), encoding="utf-8")
    inventories = {name: folder / f"inventory-{name}" for name in (WITH, WITHOUT)}
    assert main(["scan", "--estate", str(built.root / WITH), "--out", str(inventories[WITH])]) == 0
    # The second scan reuses the first one's samples (its cache: the tables are unchanged), and
    # infers every link anew from them.
    shutil.copytree(inventories[WITH] / ".ccpa-cache", inventories[WITHOUT] / ".ccpa-cache")
    assert main(["scan", "--estate", str(built.root / WITHOUT), "--out", str(inventories[WITHOUT])]) == 0
    document = json.loads((inventories[WITHOUT] / "inventory.json").read_text(encoding="utf-8"))
    assert {x["basis"] for x in document["links"]} >= {"naming", "values"}
    assert "declared" not in {x["basis"] for x in document["links"]}
    return TwoEstates(built.root, inventories)


def _packages(out: Path) -> dict[str, dict[str, list[str]]]:
    """Per consumer (email), per data file of the package, its rows (sorted, as JSON)."""
    found = {}
    for path in out.glob("access-*.zip"):
        with zipfile.ZipFile(path) as archive:
            email = json.loads(archive.read("manifest.json"))["identity"]["value"]
            found[email] = {
                name: sorted(json.dumps(row, sort_keys=True) for row in json.loads(archive.read(name)))
                for name in archive.namelist()
                if name.startswith("data/") and name.endswith(".json")
            }
    return found


def test_the_same_packages_without_declared_links(two: TwoEstates, tmp_path: Path) -> None:
    emails = tmp_path / "emails.txt"
    emails.write_text("\n".join(email_of(two.root, c) for c in ASKING) + "\n", encoding="utf-8")
    packages = {}
    for name in (WITH, WITHOUT):
        out = tmp_path / name
        arguments = ["--estate", str(two.root / name), "--emails", str(emails), "--out", str(out)]
        assert main(["access", *arguments, "--inventory", str(two.inventories[name]), "--all-time"]) == 0
        packages[name] = _packages(out)
    assert len(packages[WITH]) == len(ASKING)
    for email, tables in packages[WITH].items():
        assert len(tables) > 5, "the consumer's records from many tables"
        assert packages[WITHOUT][email] == tables, email


def _contents(estate_file: Path) -> Iterator[tuple[str, list[str]]]:
    """Every table of every store of the estate, its rows sorted (as JSON)."""
    stores = open_stores(load_estate(estate_file))
    try:
        for name, store in sorted(stores.items()):
            for info in store.tables():
                rows = [row for batch in store.scan(info.name) for row in batch.to_pylist()]
                yield f"{name}.{info.name}", sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)
    finally:
        for store in stores.values():
            store.close()


def _effects(document: dict[str, Any]) -> dict[str, object]:
    """What a deletion report says was done and found, without its ids and times (the order of
    changes within a store's transaction is free between tables that do not refer to each other)."""
    applied = {store: _sorted(done) for store, done in document["applied"].items()}
    return {
        "tables": _sorted(document["tables"]),
        "applied": applied,
        "verification": document["verification"],
    }


def _sorted(records: list[dict[str, object]]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True) for r in records)


def test_the_same_deletions_without_declared_links(two: TwoEstates, tmp_path: Path) -> None:
    effects: dict[str, list[object]] = {}
    contents = {}
    for name in (WITH, WITHOUT):
        copy = tmp_path / f"estate-{name}"
        shutil.copytree(two.root, copy)
        out = tmp_path / f"out-{name}"
        statuses = [delete(copy / name, email_of(two.root, c), out, two.inventories[name]) for c in DELETING]
        effects[name] = [statuses, *(_effects(d) for d in reports(out))]
        contents[name] = dict(_contents(copy / name))
    assert len(effects[WITH]) == 1 + len(DELETING)
    assert any(d["applied"] for d in effects[WITH][1:]), "rows were deleted"  # type: ignore[index]
    assert effects[WITHOUT] == effects[WITH]
    assert contents[WITHOUT] == contents[WITH]
