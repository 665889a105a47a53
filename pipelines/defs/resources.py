"""The estate the code location works on (`build_definitions` names the file), and the dask cluster
its whole-store reads run on, as Dagster resources."""

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


class DaskClusterResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """Where whole-store reads run: a dask scheduler's address, `none` (the run's process), or
    unset: the estate's `compute.cluster`, else the read's default (a local cluster for the full
    read, the run's process for a request's reads; `pipelines.engine.cluster_for`)."""

    address: str | None = None
    workers: int | None = None  # a local cluster's worker processes (default: one per core)
