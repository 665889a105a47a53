"""A Dagster instance per test, and the environment of a `dagster` process serving an estate."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipelines.demo_estate import DemoEstate


@pytest.fixture
def dagster_home(tmp_path: Path) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return home


def location_env(estate_file: Path, dagster_home: Path) -> dict[str, str]:
    """The environment of a `dagster` process serving the code location for `estate_file`."""
    return {**os.environ, "CCPA_ESTATE": str(estate_file), "DAGSTER_HOME": str(dagster_home)}


OTHER_ESTATE = """stores:
  support:
    kind: sql
    url: sqlite:///crm.db
  network:
    kind: files
    path: device_logs
    format: parquet
"""


@pytest.fixture(scope="session")
def other_estate(gap_estate: DemoEstate, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another estate, whose stores have other names than the demo's: the CRM and the device logs."""
    root = tmp_path_factory.mktemp("other-estate")
    shutil.copy(gap_estate.root / "crm.db", root / "crm.db")
    shutil.copytree(gap_estate.root / "device_logs", root / "device_logs")
    (root / "estate.yaml").write_text(OTHER_ESTATE)
    return root / "estate.yaml"
