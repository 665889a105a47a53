"""`ccpa correct` on a mix of stores: billing in SQLite, the CRM as files (contacts in a
CSV with CRLF line ends and every text quoted, tickets in JSON lines, segments in Parquet), asked by the
IMSI of one of the consumer's SIMs.

It sets the values in every store, keeps each file's dialect and every other line byte for byte,
logs the request once (a hash of the identity, never the identity), and, killed (SIGKILL) at each
of its kill points then run again, ends exactly as a run that was never interrupted.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from connectors._faults import FAULT_ENV
from pipelines.cli import main
from pipelines.demo_estate import DemoEstate
from tests.rights.kinds import identifiers
from tests.rights.snapshots import Snapshot, differences, estate_snapshot

PROJECT = Path(__file__).resolve().parents[2]
PHONE, SUBJECT, SEGMENT = "+14155550123", 'Corrected; "subject"', "corrected"
SETS = [f"PHONE_NUMBER={PHONE}", f"subject={SUBJECT}", f"segment={SEGMENT}"]
FILES = {"contacts": "contacts.csv", "tickets": "tickets.jsonl", "segments": "segments.parquet"}
TICKETS = "{n} rows only before, {n} rows only after"
FAULTS = ["file-rewrite", "logged:correct"]  # files half renamed (billing done); the log written


@dataclass(frozen=True)
class Mixed:
    """The demo estate with its CRM as files, and the consumer asked for (their IMSI, contact id)."""

    root: Path
    inventory: Path
    imsi: str
    contact: int

    def copy(self, folder: Path) -> Path:
        shutil.copytree(self.root, folder)
        return folder / "estate.yaml"


@pytest.fixture(scope="module")
def mixed(estate: DemoEstate, tmp_path_factory: pytest.TempPathFactory) -> Mixed:
    root = tmp_path_factory.mktemp("mixed") / "estate"
    shutil.copytree(estate.root, root, ignore=shutil.ignore_patterns("reports", "crm.db"))
    crm = root / "crm"
    crm.mkdir()
    with sqlite3.connect(estate.root / "crm.db") as db:
        _csv(db, "contacts", crm / FILES["contacts"])
        _csv(db, "products", crm / "products.csv")
        _jsonl(db, "tickets", crm / FILES["tickets"])
        for table in ("segments", "web_visits"):
            pq.write_table(_rows(db, table), crm / f"{table}.parquet")
        contact, email = db.execute(
            "SELECT id, lower(email) FROM contacts WHERE id IN (SELECT contact_id FROM tickets) "
            "AND id IN (SELECT contact_id FROM segments) AND email IS NOT NULL ORDER BY id"
        ).fetchone()
    document = yaml.safe_load((root / "estate.yaml").read_text(encoding="utf-8"))
    document["stores"]["crm"] = {**document["stores"]["crm"], "kind": "files", "path": "crm"}
    del document["stores"]["crm"]["url"]
    (root / "estate.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    with sqlite3.connect(root / "billing.db") as billing:
        (customer,) = billing.execute("SELECT id FROM customers WHERE lower(email) = ?", (email,)).fetchone()
    return Mixed(root, estate.root / "reports", identifiers(root, customer)["imsi"], contact)


def _rows(db: sqlite3.Connection, table: str) -> pa.Table:
    cursor = db.execute(f"SELECT * FROM {table} ORDER BY 1")
    names = [c[0] for c in cursor.description]
    return pa.table(dict(zip(names, map(list, zip(*cursor.fetchall(), strict=True)), strict=True)))


def _csv(db: sqlite3.Connection, table: str, path: Path) -> None:
    cursor = db.execute(f"SELECT * FROM {table} ORDER BY 1")
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
        writer.writerow([c[0] for c in cursor.description])
        writer.writerows(cursor.fetchall())


def _jsonl(db: sqlite3.Connection, table: str, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for record in _rows(db, table).to_pylist():
            handle.write(json.dumps(record) + "\n")


def correct(estate_file: Path, imsi: str, out: Path, inventory: Path) -> list[str]:
    arguments = ["correct", "--estate", str(estate_file), "--imsi", imsi, "--out", str(out)]
    return [*arguments, *(a for s in SETS for a in ("--set", s)), "--inventory", str(inventory)]


@dataclass(frozen=True)
class Uninterrupted:
    snapshot: Snapshot
    report_tables: list[dict[str, object]]


@pytest.fixture(scope="module")
def uninterrupted(mixed: Mixed, tmp_path_factory: pytest.TempPathFactory) -> Uninterrupted:
    folder = tmp_path_factory.mktemp("uninterrupted")
    estate_file = mixed.copy(folder / "estate")
    assert main(correct(estate_file, mixed.imsi, folder / "out", mixed.inventory)) == 0
    (report,) = (folder / "out").glob("correction-*.json")
    tables = json.loads(report.read_text(encoding="utf-8"))["tables"]
    return Uninterrupted(estate_snapshot(estate_file), tables)


def changed_lines(before: Path, after: Path) -> list[int]:
    """The line numbers that differ (the files keep their number of lines, as bytes)."""
    old, new = before.read_bytes().splitlines(keepends=True), after.read_bytes().splitlines(keepends=True)
    assert len(old) == len(new)
    return [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]


def test_a_correction_sets_every_store_keeps_each_file_and_logs_once(mixed: Mixed, tmp_path: Path) -> None:
    estate_file, out = mixed.copy(tmp_path / "estate"), tmp_path / "out"
    assert main(correct(estate_file, mixed.imsi, out, mixed.inventory)) == 0
    crm, before = tmp_path / "estate" / "crm", mixed.root / "crm"
    contacts = changed_lines(before / FILES["contacts"], crm / FILES["contacts"])
    with open(crm / FILES["contacts"], encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    assert [int(records[i][0]) for i in contacts] == [mixed.contact]  # the consumer's line only
    (line,) = [(crm / FILES["contacts"]).read_bytes().splitlines(keepends=True)[i] for i in contacts]
    assert line.endswith(b"\r\n") and f',"{PHONE}",'.encode() in line  # quoted, as the file quotes
    tickets = [json.loads(x) for x in (crm / FILES["tickets"]).read_text(encoding="utf-8").splitlines()]
    lines = changed_lines(before / FILES["tickets"], crm / FILES["tickets"])
    assert lines and {tickets[i]["contact_id"] for i in lines} == {mixed.contact}
    assert {t["subject"] for t in tickets if t["contact_id"] == mixed.contact} == {SUBJECT}
    segments = pq.read_table(crm / FILES["segments"]).to_pylist()
    assert [s["contact_id"] for s in segments if s["segment"] == SEGMENT] == [mixed.contact]
    changed = differences(estate_snapshot(mixed.root / "estate.yaml"), estate_snapshot(estate_file))
    one = "1 rows only before, 1 rows only after"
    assert changed == {
        "billing.customers": one,
        "crm.contacts": one,
        "crm.segments": one,
        "crm.tickets": TICKETS.format(n=len(lines)),
    }
    (entry,) = [json.loads(x) for x in (out / "requests.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (entry["type"], entry["identity_kind"], entry["outcome"]) == ("correct", "imsi", "complied")
    assert mixed.imsi not in (out / "requests.jsonl").read_text(encoding="utf-8")


def killed_run(arguments: list[str], point: str) -> int:
    env = {**os.environ, FAULT_ENV: point}
    command = [sys.executable, "-m", "pipelines.cli", *arguments]
    return subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, check=False).returncode


@pytest.mark.parametrize("point", FAULTS)
def test_a_killed_correction_resumes_to_the_uninterrupted_result(
    point: str, mixed: Mixed, uninterrupted: Uninterrupted, tmp_path: Path
) -> None:
    estate_file, out = mixed.copy(tmp_path / "estate"), tmp_path / "out"
    arguments = correct(estate_file, mixed.imsi, out, mixed.inventory)
    assert killed_run(arguments, point) == -signal.SIGKILL
    assert list((out / ".deletions").glob("*/journal.json"))  # the journal of the unfinished correction
    assert main(arguments) == 0
    assert differences(uninterrupted.snapshot, estate_snapshot(estate_file)) == {}
    assert list((tmp_path / "estate").rglob(".*.ccpa-tmp-*")) == []
    assert list((out / ".deletions").iterdir()) == []
    (report,) = out.glob("correction-*.json")
    assert json.loads(report.read_text(encoding="utf-8"))["tables"] == uninterrupted.report_tables
    entries = [json.loads(x) for x in (out / "requests.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(e["type"], e["request_id"]) for e in entries] == [
        ("correct", report.stem.removeprefix("correction-"))
    ]
