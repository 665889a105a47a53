"""The estate the code location works on, as a Dagster resource (`build_definitions` names the file)."""

from pathlib import Path

import dagster as dg

from connectors import Estate, load_estate
from mappings import Notice, load_notice
from pipelines.discovery.scan_cache import ScanCache

CACHE_FOLDER = ".ccpa-cache"


class EstateResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """Where the estate file, the notice and the reports are."""

    estate: str
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
