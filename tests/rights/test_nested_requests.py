"""`ccpa access` and `ccpa delete --dry-run` on an estate with nested columns (JSON lines and a
PostgreSQL jsonb table): they find the consumer's rows by their plain columns and by the identity
held inside documents (the consumer's login events, whose only identifier is `who.email`)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import sqlalchemy as sa

from connectors import load_estate
from pipelines.cli import main
from pipelines.rights.records.graph import Catalog
from tests.conftest import live

EMAIL = "ann.lee@example.com"


def nested_estate(url: str, root: Path) -> Path:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE customers (id int PRIMARY KEY, email text NOT NULL, name text)"))
        conn.execute(
            sa.text(
                "CREATE TABLE profiles (id int PRIMARY KEY, customer_id int REFERENCES customers(id), "
                "doc jsonb, tags text[])"
            )
        )
        for i, (email, name) in enumerate([(EMAIL, "Ann Lee"), ("bob.ray@example.org", "Bob Ray")], 1):
            doc = {"contact": {"email": email, "phone": f"+1 415 555 01{i:02d}"}, "plan": "gold"}
            conn.execute(
                sa.text("INSERT INTO customers VALUES (:i, :email, :name)"),
                {"i": i, "email": email, "name": name},
            )
            conn.execute(
                sa.text("INSERT INTO profiles VALUES (:i, :i, CAST(:doc AS jsonb), :tags)"),
                {"i": i, "doc": json.dumps(doc), "tags": ["vip", "new"]},
            )
    engine.dispose()
    (root / "docs").mkdir()
    events = [{"event": "login", "who": {"email": EMAIL, "phone": "+1 415 555 0101"}}] * 3
    events += [{"event": "logout", "who": {"email": "bob.ray@example.org", "phone": "+1 415 555 0102"}}] * 3
    (root / "docs" / "events.jsonl").write_text("\n".join(json.dumps(e) for e in events))
    estate = root / "estate.yaml"
    estate.write_text(
        f"stores:\n  crm:\n    kind: sql\n    url: {url}\n"
        "  docs:\n    kind: files\n    path: docs\n    format: jsonl\n"
    )
    assert main(["scan", "--estate", str(estate), "--out", str(root / "reports")]) == 0
    return estate


@live("postgresql")
def test_access_with_nested_columns(live_database: str, tmp_path: Path) -> None:
    estate = nested_estate(live_database, tmp_path)
    out = tmp_path / "requests"
    assert main(["access", "--estate", str(estate), "--email", EMAIL, "--out", str(out)]) == 0
    (path,) = out.glob("access-*.zip")
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        profiles = json.loads(archive.read("data/crm/profiles.json"))
        events = json.loads(archive.read("data/docs/events.json"))
    assert manifest["counts"]["crm.customers"] == 1 and manifest["counts"]["crm.profiles"] == 1
    assert json.loads(profiles[0]["doc"])["contact"]["email"] == EMAIL  # the document, whole
    assert manifest["counts"]["docs.events"] == 1  # found by the email inside `who`: 3 identical lines
    assert [e["who"]["email"] for e in events] == [EMAIL] and "not_searched" not in manifest
    why = {t["table"]: t["why"] for t in manifest["tables"]}
    assert "email inside the who document" in why["docs.events"]
    catalog = Catalog.read(tmp_path / "reports" / "inventory.json", load_estate(estate))
    assert ("docs", "events") in catalog.owned  # an email inside its documents makes it someone's
    assert catalog.meanings[("crm", "profiles")]["doc"].held == {"EMAIL_ADDRESS", "PHONE_NUMBER"}


@live("postgresql")
def test_delete_dry_run_with_nested_columns(live_database: str, tmp_path: Path) -> None:
    estate = nested_estate(live_database, tmp_path)
    out = tmp_path / "deletions"
    assert main(["delete", "--estate", str(estate), "--email", EMAIL, "--out", str(out), "--dry-run"]) == 0
    (path,) = out.glob("deletion-*-plan.json")
    plan = json.loads(path.read_text())
    planned = {(t["table"], t["action"]): t["rows"] for t in plan["tables"]}
    assert planned.get(("profiles", "delete")) == 1 and planned.get(("customers", "delete")) == 1
    assert planned.get(("events", "delete")) == 3  # the consumer's three identical login events
    engine = sa.create_engine(live_database)
    with engine.connect() as conn:  # a dry run changes nothing
        assert conn.execute(sa.text("SELECT count(*) FROM profiles")).scalar() == 2
    engine.dispose()
