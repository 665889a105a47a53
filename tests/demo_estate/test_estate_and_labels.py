"""estate.yaml loads with the product's loader and names real columns; labels.json covers every
column actually written, exactly once, with keys and kinds the product knows."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from connectors import load_estate
from connectors.estate import RECIPIENT_KINDS, FilesStoreConfig, SqlStoreConfig
from tests.demo_estate.conftest import BuiltEstate, build

CATEGORIES = {
    "identifiers",
    "customer_records",
    "network_activity",
    "commercial",
    "geolocation",
    "inferences",
    "protected_classifications",
    "professional",
    "biometric",
    "sensory",
    "education",
}
SENSITIVE_KINDS = {"account_login", "financial_account", "precise_geolocation"}


def written_columns(root: Path) -> set[str]:
    """Every column as found on disk: SQLite tables, Parquet files and hive datasets (with dt)."""
    columns = set()
    for store in ("billing", "crm"):
        with sqlite3.connect(root / f"{store}.db") as conn:
            tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                columns |= {
                    f"{store}.{table}.{row[1]}" for row in conn.execute(f"PRAGMA table_info('{table}')")
                }
    for entry in (root / "device_logs").iterdir():
        dataset = ds.dataset(entry, format="parquet", partitioning="hive" if entry.is_dir() else None)
        columns |= {f"device_logs.{entry.stem}.{name}" for name in dataset.schema.names}
    return columns


def labels(built: BuiltEstate) -> dict[str, dict[str, object]]:
    return dict(json.loads(built.estate.labels_file.read_text()))


def test_labels_cover_exactly_the_written_columns(built: BuiltEstate) -> None:
    assert set(labels(built)) == written_columns(built.estate.root)


def test_labels_are_well_formed(built: BuiltEstate) -> None:
    for key, label in labels(built).items():
        assert set(label) == {"category", "entity", "sensitive", "sensitive_kind"}, key
        assert label["category"] in CATEGORIES | {None}, key
        assert (label["category"] is None) == (label["entity"] is None), key
        assert label["sensitive"] is (label["sensitive_kind"] is not None), key
        assert label["sensitive_kind"] in SENSITIVE_KINDS | {None}, key


@pytest.mark.parametrize(
    ("column", "category", "kind"),
    [
        ("billing.customers.date_of_birth", "identifiers", None),
        ("billing.accounts.password_hash", "network_activity", "account_login"),
        ("billing.customers.city", None, None),
        ("crm.web_visits.cookie_id", "network_activity", None),
        ("billing.payment_methods.card_number", "customer_records", "financial_account"),
        ("billing.payment_methods.iban", "customer_records", "financial_account"),
        ("billing.invoices.order_number", None, None),
        ("billing.devices.firmware_version", None, None),
        ("device_logs.sessions.lat", "geolocation", "precise_geolocation"),
        ("device_logs.sessions.src_ip", "geolocation", None),
        ("device_logs.api_events.payload_sha256", "network_activity", None),
        ("device_logs.cell_towers.lat", None, None),
        ("crm.contacts.job_title", "professional", None),
        ("crm.segments.churn_score", "inferences", None),
        ("crm.web_visits.user_agent", "network_activity", None),
    ],
)
def test_debatable_columns_are_labelled_as_decided(
    built: BuiltEstate, column: str, category: str | None, kind: str | None
) -> None:
    label = labels(built)[column]
    assert (label["category"], label["sensitive_kind"]) == (category, kind)


def test_estate_file_loads_and_names_real_columns(built: BuiltEstate) -> None:
    estate = load_estate(built.estate.estate_file)
    assert list(estate.stores) == ["billing", "device_logs", "crm"]
    assert set(estate.identity) == {"email", "phone", "customer_id", "imsi", "iccid"}
    columns = set(labels(built))
    for link in estate.links:
        assert {str(link.source), str(link.target)} <= columns, str(link)
    for name, store in estate.stores.items():
        assert store.source and store.purposes and "third_parties" not in store.shared_with
        assert set(store.shared_with) <= set(RECIPIENT_KINDS)
        for table, column in store.event_time.items():
            assert f"{name}.{table}.{column}" in columns
        for rule in store.exemptions:
            assert {f"{name}.{rule.table}.{c}" for c in rule.columns} <= columns


def test_estate_declares_the_cross_store_links(built: BuiltEstate) -> None:
    links = {str(link) for link in load_estate(built.estate.estate_file).links}
    assert "device_logs.sessions.imsi -> billing.sims.imsi" in links
    assert "crm.contacts.email = billing.customers.email" in links
    assert "crm.tickets.contact_id -> crm.contacts.id" in links


def test_estate_folder_can_move(built: BuiltEstate, tmp_path: Path) -> None:
    moved = shutil.copytree(built.estate.root, tmp_path / "moved")
    estate = load_estate(moved / "estate.yaml")
    billing, logs = estate.stores["billing"], estate.stores["device_logs"]
    assert isinstance(billing, SqlStoreConfig) and str(moved / "billing.db") in billing.url
    assert isinstance(logs, FilesStoreConfig) and logs.path == (moved / "device_logs").resolve()


def test_given_urls_are_written_verbatim(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    built = build(tmp_path / "estate", consumers=20, days=1, billing_url=url, crm_url=url)
    estate = load_estate(built.estate.estate_file)
    assert [s.url for s in estate.stores.values() if isinstance(s, SqlStoreConfig)] == [url, url]
    assert not (tmp_path / "estate" / "billing.db").exists()


def test_counts_and_progress_match_the_rows_written(built: BuiltEstate) -> None:
    counts = built.estate.counts
    assert counts["billing.customers"] == len(built.column("billing", "customers", "id"))
    assert counts["crm.web_visits"] == len(built.column("crm", "web_visits", "id"))
    assert counts["device_logs.sessions"] == built.log("sessions").num_rows
    sims = counts["billing.sims"]
    assert counts["device_logs.sessions"] == sims * 3 * 3  # default: 3 sessions per SIM per day, 3 days
    last = dict(built.progress)
    assert last == counts
    steps = [step for step, _ in built.progress]
    assert steps.count("device_logs.sessions") == 3  # once per day partition


@pytest.mark.parametrize(("consumers", "days", "sessions"), [(0, 1, None), (5, 0, None), (5, 1, -1)])
def test_rejects_empty_sizes(tmp_path: Path, consumers: int, days: int, sessions: int | None) -> None:
    with pytest.raises(ValueError, match="at least"):
        build(tmp_path, consumers=consumers, days=days, sessions=sessions)
