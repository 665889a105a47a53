"""The estate the code location works on, as a Dagster resource (defaults: the demo estate)."""

import os
from pathlib import Path

import dagster as dg

from connectors import Estate, EstateError, load_estate
from mappings import Notice, load_notice
from pipelines.discovery.scan_cache import ScanCache

DEFAULT_ESTATE = os.environ.get("CCPA_ESTATE", "demo/estate.yaml")
DEMO_STORES = ("billing", "device_logs", "crm")
CACHE_FOLDER = ".ccpa-cache"


class EstateResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """Where the estate file, the notice and the reports are."""

    estate: str = DEFAULT_ESTATE
    notice: str | None = None  # default: the packaged mappings/notice.yaml
    reports: str | None = None  # default: <estate folder>/reports
    sample: int = 1_000

    def load(self) -> Estate:
        return load_estate(self.estate)

    def load_notice(self) -> Notice:
        return load_notice(self.notice)

    def reports_dir(self) -> Path:
        return Path(self.reports) if self.reports else Path(self.estate).parent / "reports"

    def cache(self) -> ScanCache:
        return ScanCache(self.reports_dir() / CACHE_FOLDER)


def store_names(estate_file: str = DEFAULT_ESTATE) -> list[str]:
    """The partitions of the per-store inventory: the stores of the default estate when it exists."""
    try:
        return list(load_estate(estate_file).stores)
    except EstateError:
        return list(DEMO_STORES)
