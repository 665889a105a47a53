"""The demo estate with its links removed from the estate file gives the same access packages and
the same deletions as with them: every link it declares is found by inference (issue 10, Done-when).

Packages are compared table by table (every row of every data file), deletions by their reports'
tables, what they applied and verified, and every row of every store afterwards.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from pipelines.cli import main
from pipelines.demo_estate import build_demo_estate
from tests.rights import outcomes
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


def test_the_same_packages_without_declared_links(two: TwoEstates, tmp_path: Path) -> None:
    emails = tmp_path / "emails.txt"
    emails.write_text("\n".join(email_of(two.root, c) for c in ASKING) + "\n", encoding="utf-8")
    packages = {}
    for name in (WITH, WITHOUT):
        out = tmp_path / name
        arguments = ["--estate", str(two.root / name), "--emails", str(emails), "--out", str(out)]
        assert main(["access", *arguments, "--inventory", str(two.inventories[name]), "--all-time"]) == 0
        packages[name] = outcomes.packages(out)
    assert len(packages[WITH]) == len(ASKING)
    for email, tables in packages[WITH].items():
        assert len(tables) > 5, "the consumer's records from many tables"
        assert packages[WITHOUT][email] == tables, email


def test_the_same_deletions_without_declared_links(two: TwoEstates, tmp_path: Path) -> None:
    effects: dict[str, list[object]] = {}
    contents = {}
    for name in (WITH, WITHOUT):
        copy = tmp_path / f"estate-{name}"
        shutil.copytree(two.root, copy)
        out = tmp_path / f"out-{name}"
        statuses = [delete(copy / name, email_of(two.root, c), out, two.inventories[name]) for c in DELETING]
        effects[name] = [statuses, *(outcomes.effects(d) for d in reports(out))]
        contents[name] = dict(outcomes.contents(copy / name))
    assert len(effects[WITH]) == 1 + len(DELETING)
    assert any(d["applied"] for d in effects[WITH][1:]), "rows were deleted"  # type: ignore[index]
    assert effects[WITHOUT] == effects[WITH]
    assert contents[WITHOUT] == contents[WITH]
