"""Nested data through `ccpa scan`: every leaf path of JSON lines, Parquet struct/list/map, PostgreSQL
jsonb/json/arrays, MariaDB JSON and JSON held in text is classified and reported under its column."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from pipelines.cli import main
from pipelines.discovery.nested import MAX_DEPTH, MAX_PATHS
from tests.conftest import live

EMAILS = ["ann.lee@example.com", "bob.ray@example.org", "cy.tan@example.net", "di.moss@example.com"]
PHONES = ["+1 415 555 0101", "+1 212 555 0199", "+1 646 555 0123", "+1 303 555 0147"]
SKUS = ["AB-100", "CD-220", "EF-310", "GH-404"]


def scan(tmp_path: Path, stores: str) -> dict[tuple[str, str, str | None], dict[str, object]]:
    """`ccpa scan` of an estate file holding `stores`; the records by (table, column, path)."""
    (tmp_path / "estate.yaml").write_text(f"stores:\n{stores}")
    out = tmp_path / "out"
    assert main(["scan", "--estate", str(tmp_path / "estate.yaml"), "--out", str(out)]) == 0
    columns = json.loads((out / "inventory.json").read_text())["columns"]
    records = {(str(c["table"]), str(c["column"]), c["path"]): c for c in columns}
    assert len(records) == len(columns), "one record per column or path"
    return records


def assert_pi(record: dict[str, object], entity: str) -> None:
    assert (record["category"], record["entity"]) == ("identifiers", entity), record["evidence"]


def assert_not_pi(record: dict[str, object]) -> None:
    assert record["category"] is None, record["evidence"]


def people(n: int = 40) -> list[dict[str, object]]:
    return [
        {
            "id": i,
            "data": {"profile": {"email": EMAILS[i % 4], "plan": ["gold", "basic"][i % 2]}, "tags": ["vip"]},
            "contact": {"phone": PHONES[i % 4], "emails": [EMAILS[(i + 1) % 4]]},
            "items": [{"sku": SKUS[i % 4], "qty": i % 3 + 1}],
        }
        for i in range(n)
    ]


def test_json_lines_objects_and_lists(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    lines = "\n".join(json.dumps(p) for p in people())
    (tmp_path / "docs" / "people.jsonl").write_text(lines)
    found = scan(tmp_path, "  docs:\n    kind: files\n    path: docs\n    format: jsonl\n")
    assert_pi(found[("people", "data", "profile.email")], "EMAIL_ADDRESS")
    assert_pi(found[("people", "contact", "phone")], "PHONE_NUMBER")
    assert_pi(found[("people", "contact", "emails[]")], "EMAIL_ADDRESS")
    for path in [("data", "profile.plan"), ("data", "tags[]"), ("items", "[].sku"), ("items", "[].qty")]:
        assert_not_pi(found[("people", *path)])
    assert "path data.profile.email of a struct column" in str(
        found[("people", "data", "profile.email")]["evidence"]
    )
    assert ("people", "data", None) not in found  # the container: its paths stand for it
    assert found[("people", "id", None)]["path"] is None
    out = tmp_path / "out"
    with (out / "inventory.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["column"], r["path"]) for r in rows if r["category"]} >= {("data", "profile.email")}
    parquet = pq.read_table(out / "inventory.parquet").to_pylist()
    assert {(r["column"], r["path"]) for r in parquet if r["entity"] == "PHONE_NUMBER"} == {
        ("contact", "phone")
    }


def test_parquet_struct_list_and_map(tmp_path: Path) -> None:
    n = 40
    table = pa.table(
        {
            "id": pa.array(range(n)),
            "profile": pa.array(
                [{"email": EMAILS[i % 4], "plan": ["gold", "basic"][i % 2]} for i in range(n)],
                pa.struct([("email", pa.string()), ("plan", pa.string())]),
            ),
            "phones": pa.array(
                [[PHONES[i % 4], PHONES[(i + 1) % 4]] for i in range(n)], pa.list_(pa.string())
            ),
            "attributes": pa.array(
                [[("email", EMAILS[(i + 2) % 4]), ("colour", "red")] for i in range(n)],
                pa.map_(pa.string(), pa.string()),
            ),
            "orders": pa.array(
                [[{"sku": SKUS[i % 4], "contact_phone": PHONES[i % 4]}] for i in range(n)],
                pa.list_(pa.struct([("sku", pa.string()), ("contact_phone", pa.string())])),
            ),
        }
    )
    (tmp_path / "logs").mkdir()
    pq.write_table(table, tmp_path / "logs" / "accounts.parquet")
    found = scan(tmp_path, "  logs:\n    kind: files\n    path: logs\n")
    assert_pi(found[("accounts", "profile", "email")], "EMAIL_ADDRESS")
    assert_pi(found[("accounts", "phones", "[]")], "PHONE_NUMBER")
    assert_pi(found[("accounts", "attributes", "email")], "EMAIL_ADDRESS")
    assert_pi(found[("accounts", "orders", "[].contact_phone")], "PHONE_NUMBER")
    for path in [("profile", "plan"), ("attributes", "colour"), ("orders", "[].sku")]:
        assert_not_pi(found[("accounts", *path)])


def _rows(n: int) -> list[dict[str, object]]:
    return [
        {
            "id": i,
            "doc": json.dumps(
                {"contact": {"email": EMAILS[i % 4], "phone": PHONES[i % 4]}, "plan": SKUS[i % 4]}
            ),
            "prefs": json.dumps({"colour": ["red", "blue"][i % 2], "sms": PHONES[(i + 1) % 4]}),
            "note": json.dumps([{"email": EMAILS[(i + 3) % 4], "sku": SKUS[i % 4]}]),
        }
        for i in range(n)
    ]


@live("postgresql")
def test_postgresql_jsonb_json_arrays_and_json_text(live_database: str, tmp_path: Path) -> None:
    engine = sa.create_engine(live_database)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE people (id int PRIMARY KEY, doc jsonb, prefs json, note text, "
                "emails text[], skus text[], scores int[])"
            )
        )
        for row in _rows(30):
            conn.execute(
                sa.text(
                    "INSERT INTO people VALUES (:id, CAST(:doc AS jsonb), CAST(:prefs AS json), :note, "
                    ":emails, :skus, :scores)"
                ),
                {**row, "emails": [EMAILS[row["id"] % 4]], "skus": SKUS[:2], "scores": [1, 2]},  # type: ignore[operator]
            )
    engine.dispose()
    found = scan(tmp_path, f"  crm:\n    kind: sql\n    url: {live_database}\n")
    assert_pi(found[("people", "doc", "contact.email")], "EMAIL_ADDRESS")
    assert_pi(found[("people", "doc", "contact.phone")], "PHONE_NUMBER")
    assert_pi(found[("people", "prefs", "sms")], "PHONE_NUMBER")
    assert_pi(found[("people", "note", "[].email")], "EMAIL_ADDRESS")  # JSON held in a text column
    assert_pi(found[("people", "emails", "[]")], "EMAIL_ADDRESS")
    for path in [("doc", "plan"), ("prefs", "colour"), ("note", "[].sku"), ("skus", "[]")]:
        assert_not_pi(found[("people", *path)])
    assert found[("people", "scores", "[]")]["entity"] != "PHONE_NUMBER"


@live("mariadb")
def test_mariadb_json_and_json_text(live_database: str, tmp_path: Path) -> None:
    engine = sa.create_engine(live_database)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE people (id int PRIMARY KEY, doc JSON, prefs JSON, note TEXT)"))
        conn.execute(sa.text("INSERT INTO people VALUES (:id, :doc, :prefs, :note)"), _rows(30))
    engine.dispose()
    found = scan(tmp_path, f"  crm:\n    kind: sql\n    url: {live_database}\n")
    assert_pi(found[("people", "doc", "contact.email")], "EMAIL_ADDRESS")
    assert_pi(found[("people", "doc", "contact.phone")], "PHONE_NUMBER")
    assert_pi(found[("people", "prefs", "sms")], "PHONE_NUMBER")
    assert_pi(found[("people", "note", "[].email")], "EMAIL_ADDRESS")
    for path in [("doc", "plan"), ("prefs", "colour"), ("note", "[].sku")]:
        assert_not_pi(found[("people", *path)])


def _deep(levels: int, leaf: object) -> object:
    value = leaf
    for level in range(levels):
        value = {f"level{level}": value}
    return value


def test_deep_and_wide_documents_are_capped_and_reported(tmp_path: Path) -> None:
    rows = []
    for i in range(20):
        wide = {f"field_{k}": f"value {k}" for k in range(MAX_PATHS + 100)}
        rows.append(
            {
                "id": i,
                "contact": {"email": EMAILS[i % 4], "phone": PHONES[i % 4]},
                "deep": _deep(MAX_DEPTH + 20, {"sku": SKUS[i % 4]}),
                "wide": wide,
                "hostile": "[" * 30_000 + "]" * 30_000,  # no recursion error, no crash
            }
        )
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "events.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    found = scan(tmp_path, "  docs:\n    kind: files\n    path: docs\n")
    assert_pi(found[("events", "contact", "email")], "EMAIL_ADDRESS")
    assert_pi(found[("events", "contact", "phone")], "PHONE_NUMBER")
    wide = [r for (t, c, _), r in found.items() if c == "wide"]
    assert len(wide) == MAX_PATHS
    assert f"100 path(s) beyond the first {MAX_PATHS} not classified" in str(wide[0]["evidence"])
    assert all(r["category"] is None for r in wide)
    deep = [r for (t, c, _), r in found.items() if c == "deep"]
    assert len(deep) == 1 and str(deep[0]["path"]).count(".") == MAX_DEPTH - 1
    assert f"below depth {MAX_DEPTH} read as text" in str(deep[0]["evidence"])
    assert deep[0]["category"] is None
    assert ("events", "hostile", None) in found  # long, unparseable text: a plain column
