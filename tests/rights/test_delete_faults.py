"""A deletion killed (SIGKILL) at each of its kill points, then run again, ends exactly as one that
was never interrupted: same rows in every table, no temp file left, the journal gone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from connectors._faults import FAULT_ENV
from tests.rights.deletion_runs import ScannedEstate, delete, email_of, only_report, scanned_estate
from tests.rights.snapshots import Snapshot, differences, estate_snapshot

CUSTOMER = 10  # rows in billing (some exempt), in the CRM, and in several device-log files
PROJECT = Path(__file__).resolve().parents[2]
TEMP_FILES = ".*.ccpa-tmp-*"
# (kill point, the store it is in): "first", "second" and "last" are the plan's stores in order.
FAULTS = [
    ("before-store:{first}", "first"),
    ("before-store:{second}", "second"),
    ("applied-store:billing", "billing"),
    ("file-staged", "device_logs"),
    ("file-rewrite", "device_logs"),
    ("applied-store:{last}", "last"),
]


@dataclass(frozen=True)
class Uninterrupted:
    """The customer deleted from a fresh copy in one run, and the stores the plan touches, in order."""

    snapshot: Snapshot
    tables: list[dict[str, Any]]
    stores: list[str]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> ScannedEstate:
    return scanned_estate(tmp_path_factory.mktemp("faults"), consumers=120, days=3)


@pytest.fixture(scope="module")
def uninterrupted(pristine: ScannedEstate, tmp_path_factory: pytest.TempPathFactory) -> Uninterrupted:
    folder = tmp_path_factory.mktemp("uninterrupted")
    estate = pristine.copy(folder / "estate")
    email = email_of(estate.parent, CUSTOMER)
    assert delete(estate, email, folder / "plan", pristine.inventory, "--dry-run") == 0
    steps = only_report(folder / "plan", plan=True)["tables"]
    stores = list(dict.fromkeys(s["store"] for s in steps if s["action"] != "retained"))
    assert delete(estate, email, folder / "out", pristine.inventory) == 0
    tables = only_report(folder / "out")["tables"]
    return Uninterrupted(estate_snapshot(estate), tables, stores)


def killed_run(estate: Path, email: str, out: Path, inventory: Path, point: str) -> int:
    command = [sys.executable, "-m", "pipelines.cli", "delete", "--estate", str(estate), "--email", email]
    command += ["--out", str(out), "--inventory", str(inventory)]
    env = {**os.environ, FAULT_ENV: point}
    return subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, check=False).returncode


def journal_done(out: Path) -> list[str]:
    """The stores an interrupted run's journal marks as done."""
    (journal,) = (out / ".deletions").glob("*/journal.json")
    return list(json.loads(journal.read_text(encoding="utf-8"))["done"])


@pytest.mark.parametrize(
    ("fault", "store"), FAULTS, ids=[f.replace("{", "").replace("}", "") for f, _ in FAULTS]
)
def test_a_killed_deletion_resumes_to_the_uninterrupted_result(
    fault: str, store: str, pristine: ScannedEstate, uninterrupted: Uninterrupted, tmp_path: Path
) -> None:
    order = uninterrupted.stores
    assert order[0] == "billing" and set(order) == {"billing", "crm", "device_logs"}
    named = {"first": order[0], "second": order[1], "last": order[-1]}
    point, store = fault.format(**named), named.get(store, store)
    estate, out = pristine.copy(tmp_path / "estate"), tmp_path / "out"
    logs = estate.parent / "device_logs"
    email = email_of(estate.parent, CUSTOMER)

    assert killed_run(estate, email, out, pristine.inventory, point) == -signal.SIGKILL
    assert journal_done(out) == order[: order.index(store)]  # killed in `store`, not marked done
    if point.startswith("file-"):
        assert list(logs.rglob(TEMP_FILES))  # staged files left behind by the kill

    assert delete(estate, email.upper(), out, pristine.inventory) == 0
    assert differences(uninterrupted.snapshot, estate_snapshot(estate)) == {}
    assert list(logs.rglob(TEMP_FILES)) == []
    assert not (out / ".deletions").exists() or list((out / ".deletions").iterdir()) == []
    report = only_report(out)
    assert report["resumed_after_interruption"] is True
    assert report["verification"] == {"zero_residue": True, "residue": [], "retained_under_exemption": []}
    assert report["tables"] == uninterrupted.tables
