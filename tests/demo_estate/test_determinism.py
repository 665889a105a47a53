"""The same seed gives the same estate, byte for byte where it matters; another seed another one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.demo_estate.conftest import BuiltEstate, build


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuiltEstate, BuiltEstate, BuiltEstate]:
    root = tmp_path_factory.mktemp("determinism")
    return (
        build(root / "a", seed=11, consumers=80, days=2),
        build(root / "b", seed=11, consumers=80, days=2),
        build(root / "c", seed=12, consumers=80, days=2),
    )


@pytest.mark.parametrize(
    ("store", "query"),
    [
        ("billing", "SELECT * FROM customers ORDER BY id"),
        ("billing", "SELECT * FROM payment_methods ORDER BY id"),
        ("billing", "SELECT * FROM invoices ORDER BY id"),
        ("crm", "SELECT * FROM tickets ORDER BY id"),
        ("crm", "SELECT * FROM web_visits ORDER BY id"),
    ],
)
def test_same_seed_same_rows(twins: tuple[BuiltEstate, ...], store: str, query: str) -> None:
    first, second, other = twins
    assert first.sql(store, query) == second.sql(store, query)
    assert first.sql(store, query) != other.sql(store, query)


@pytest.mark.parametrize("table", ["sessions", "sms", "api_events", "cell_towers"])
def test_same_seed_same_device_logs(twins: tuple[BuiltEstate, ...], table: str) -> None:
    first, second, other = twins
    assert first.log(table).equals(second.log(table))
    assert not first.log(table).equals(other.log(table))


def test_same_seed_same_labels_and_counts(twins: tuple[BuiltEstate, ...]) -> None:
    first, second, other = twins
    assert first.estate.labels_file.read_bytes() == second.estate.labels_file.read_bytes()
    assert first.estate.counts == second.estate.counts
    assert first.estate.labels_file.read_bytes() == other.estate.labels_file.read_bytes()  # same columns


def test_other_seed_other_people(twins: tuple[BuiltEstate, ...]) -> None:
    first, _, other = twins
    emails = set(first.column("billing", "customers", "email"))
    assert len(emails & set(other.column("billing", "customers", "email"))) < len(emails) / 10


def test_rebuilding_into_the_same_folder_replaces_it(tmp_path: Path) -> None:
    big = build(tmp_path, seed=3, consumers=40, days=3)
    small = build(tmp_path, seed=3, consumers=20, days=1)
    assert len(small.column("billing", "customers", "id")) == 20
    assert len(list((tmp_path / "device_logs" / "sessions").iterdir())) == 1
    assert small.log("sessions").num_rows == small.estate.counts["device_logs.sessions"]
    assert big.estate.counts["billing.customers"] == 40
