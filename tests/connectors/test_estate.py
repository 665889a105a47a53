"""The estate file: the minimal form works, every mistake is one line naming file and key."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from connectors import (
    EstateError,
    FilesStoreConfig,
    SqlStoreConfig,
    keeping_stores,
    load_estate,
    open_estate_store,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "estate.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    (tmp_path / "demo").mkdir()
    sqlite3.connect(tmp_path / "demo" / "billing.db").close()
    (tmp_path / "demo" / "device_logs").mkdir()
    return write(
        tmp_path,
        """
stores:
  billing:
    kind: sql                          # any SQLAlchemy URL
    url: sqlite:///demo/billing.db
  device_logs:
    kind: files
    path: demo/device_logs
    format: parquet
""",
    )


def test_minimal_form_from_product_contract(minimal: Path) -> None:
    estate = load_estate(minimal)
    billing, logs = estate.stores["billing"], estate.stores["device_logs"]
    assert isinstance(billing, SqlStoreConfig) and isinstance(logs, FilesStoreConfig)
    # relative paths resolve against the estate file's folder, not the working directory
    assert billing.url == f"sqlite:///{minimal.parent / 'demo' / 'billing.db'}"
    assert logs.path == minimal.parent / "demo" / "device_logs"
    assert logs.format == "parquet"


def test_optional_keys(minimal: Path) -> None:
    text = (
        minimal.read_text()
        + """
    source: the consumer's devices
    purposes: [provide the service]
    shared_with: [service_providers, contractors]
links:
  - device_logs.sessions.imsi -> billing.sims.imsi
  - billing.backup_schema.customer.email = billing.customers.email
identity: [email, imsi]
"""
    )
    estate = load_estate(write(minimal.parent, text))
    assert estate.stores["device_logs"].shared_with == {"service_providers": [], "contractors": []}
    first, second = estate.links
    assert (str(first.source), first.kind, str(first.target)) == (
        "device_logs.sessions.imsi",
        "reference",
        "billing.sims.imsi",
    )
    assert second.source.table == "backup_schema.customer" and second.kind == "same_identity"
    assert set(estate.identity) == {"email", "imsi"}


BAD = [
    ("stores: [", "not valid YAML at line 1"),
    ("- a\n- b\n", "expected a mapping with a 'stores' key"),
    ("stores: {}\n", "stores: at least one store is required"),
    ("stores:\n  b: {kind: sql, url: 'not a url'}\n", "stores.b.url: not a SQLAlchemy URL"),
    (
        "stores:\n  b: {kind: sql, url: 'sqlite:///nothere.db'}\n",
        "stores.b.url: sqlite:///nothere.db: no such SQLite",
    ),
    ("stores:\n  b: {kind: files, path: missing}\n", "stores.b.path: no such directory"),
    ("stores:\n  b: {kind: files}\n", "stores.b.path: required key is missing"),
    ("stores:\n  b: {kind: nosql, url: x}\n", "stores.b: Input tag 'nosql'"),
    ("stores:\n  b: {kind: files, path: ., colour: red}\n", "stores.b.colour: unknown key"),
    ("stores:\n  b: {kind: files, path: ., format: xlsx}\n", "stores.b.format: Input should be 'parquet'"),
    (
        "stores:\n  b: {kind: files, path: .}\nlinks: ['b.t.c => b.u.d']\n",
        "links: 'b.t.c => b.u.d': expected 'store.table.column -> ",
    ),
    (
        "stores:\n  b: {kind: files, path: .}\nlinks: ['x.t.c -> b.u.d']\n",
        "link 'x.t.c -> b.u.d' names unknown store 'x'",
    ),
    ("stores:\n  b: {kind: files, path: .}\nidentity: [email, shoe_size]\n", "identity.shoe_size"),
    (
        "stores:\n  b: {kind: files, path: .}\nlinks: ['b.order items.id -> b.orders.id']\n",
        "links: 'b.order items.id -> b.orders.id': expected store.table.column, found 2 names;"
        " names with spaces, dots or other signs in double quotes",
    ),
    (
        "stores:\n  b: {kind: files, path: .}\nidentity: {email: [b.contacts]}\n",
        "identity: 'b.contacts': expected store.table.column, found 2 names",
    ),
    (
        "stores:\n  b: {kind: files, path: .}\npreferences: {opt_out: ['b.\"t.x\"']}\n",
        "preferences.opt_out: 'b.\"t.x\"': expected store.table.column, found 2",
    ),
    ("stores:\n  b: {kind: files, path: ., shared_with: [friends]}\n", "stores.b.shared_with.friends"),
    (
        "stores:\n  b: {kind: files, path: 's3://My_Bucket/x'}\n",
        "stores.b.path: 's3://My_Bucket/x': expected s3://",
    ),
    (
        "stores:\n  b: {kind: files, path: ., region: us-east-1}\n",
        "stores.b: region: only for a path on object",
    ),
    (
        "stores:\n  b: {kind: files, path: 's3://logs/x', access_key: AKIA1}\n",
        "stores.b: access_key and secret_key_env go together",
    ),
    (
        "stores:\n  b: {kind: files, path: 's3://logs/x', endpoint: 'ftp://h:1'}\n",
        "stores.b.endpoint: expected http://HOST:PORT",
    ),
]


def test_a_files_store_in_a_bucket(tmp_path: Path) -> None:
    text = (
        "stores:\n  b: {kind: files, path: 's3://usage-logs/device/', endpoint: 'http://127.0.0.1:9000',"
        " region: eu-west-1, access_key: AKIAEXAMPLE, secret_key_env: LOGS_SECRET}\n"
    )
    store = load_estate(write(tmp_path, text)).stores["b"]
    assert isinstance(store, FilesStoreConfig) and store.remote
    assert (store.path, store.endpoint, store.secret_key_env) == (
        "s3://usage-logs/device",
        "http://127.0.0.1:9000",
        "LOGS_SECRET",
    )


@pytest.mark.parametrize(("text", "expected"), BAD)
def test_bad_estate_is_one_line_naming_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(EstateError) as raised:
        load_estate(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(EstateError, match="estate file not found"):
        load_estate(tmp_path / "nope.yaml")


def test_loading_writes_nothing(tmp_path: Path) -> None:
    """SQLAlchemy would create a missing SQLite file on connect; validation must refuse first."""
    path = write(tmp_path, "stores:\n  b: {kind: sql, url: 'sqlite:///new.db'}\n")
    with pytest.raises(EstateError):
        load_estate(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["estate.yaml"]


def test_tasks_run_in_one_process_share_their_stores(minimal: Path) -> None:
    """Within `keeping_stores`, each store is opened (and its folder listed) once for every task,
    a task's `with` leaves it open, and the block closes it; outside, each task opens its own."""
    logs = minimal.parent / "demo" / "device_logs"
    pq.write_table(pa.table({"a": [1]}), logs / "t.parquet")
    with keeping_stores():
        with open_estate_store(str(minimal), "device_logs") as first:
            assert [t.name for t in first.tables()] == ["t"]
        pq.write_table(pa.table({"a": [2]}), logs / "u.parquet")
        with open_estate_store(str(minimal), "device_logs") as second:
            assert second is first and [t.name for t in second.tables()] == ["t"]  # listed once
        assert open_estate_store(str(minimal), "billing") is not first
    with open_estate_store(str(minimal), "device_logs") as third:
        assert third is not first and [t.name for t in third.tables()] == ["t", "u"]


def test_tasks_use_the_stores_a_request_lends_and_leave_them_open(minimal: Path) -> None:
    logs = minimal.parent / "demo" / "device_logs"
    pq.write_table(pa.table({"a": [1]}), logs / "t.parquet")
    with open_estate_store(str(minimal), "device_logs") as mine:
        with keeping_stores(str(minimal), {"device_logs": mine}):
            with open_estate_store(str(minimal), "device_logs") as lent:
                assert lent is mine
            assert open_estate_store(str(minimal), "billing") is not mine
        assert not mine.kept and [t.name for t in mine.tables()] == ["t"]  # still the caller's, open
