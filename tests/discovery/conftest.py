"""A small demo estate, built once for the discovery tests, with and without declared links."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from pipelines.demo_estate import DemoEstate, build_demo_estate


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoEstate:
    root = tmp_path_factory.mktemp("discovery") / "estate"
    return build_demo_estate(root, consumers=300, days=3, seed=11, as_of=dt.date(2026, 11, 1))


@pytest.fixture(scope="session")
def demo_without_links(demo: DemoEstate) -> Path:
    """The same estate file with its links removed: everything must then be inferred."""
    raw = yaml.safe_load(demo.estate_file.read_text())
    raw.pop("links", None)
    path = demo.root / "estate-without-links.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path
