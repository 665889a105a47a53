"""A demo estate dated today (so the 12-month look-back means something) with its inventory."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.demo_estate import DemoEstate, build_demo_estate

CONSUMERS, DAYS, SEED = 150, 3, 21  # the estate below; the live servers get the same one


@pytest.fixture(scope="session")
def estate(tmp_path_factory: pytest.TempPathFactory) -> DemoEstate:
    built = build_demo_estate(
        tmp_path_factory.mktemp("rights") / "estate", consumers=CONSUMERS, days=DAYS, seed=SEED
    )
    assert main(["scan", "--estate", str(built.estate_file), "--out", str(built.root / "reports")]) == 0
    return built


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out"


@pytest.fixture
def crm(live_database: str, tmp_path: Path) -> tuple[str, list[str]]:
    """An estate file whose one store, `crm`, holds the notes table and its views (text_fixtures)."""
    from tests.connectors import text_fixtures

    return text_fixtures.notes_estate(live_database, tmp_path)
