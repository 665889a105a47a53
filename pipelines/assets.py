"""Dagster assets of the inventory: per-store classification, the combined inventory, links, coverage.

Thin wiring: each asset calls the domain function and turns its result into metadata for the UI.
"""

import json
import warnings
from collections import Counter

import dagster as dg
from dagster._utils.warnings import BetaWarning

from mappings import load_categories
from pipelines.coverage.report import coverage_of, write_coverage
from pipelines.discovery.inventory import Inventory, classify_store, scan_estate
from pipelines.discovery.report import write_inventory
from pipelines.resources import EstateResource, store_names

STORES = dg.StaticPartitionsDefinition(store_names())
# One run covers every store (single-run backfill policy): a documented, beta Dagster feature.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=BetaWarning)
GROUP = "inventory"


@dg.asset(
    partitions_def=STORES,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=GROUP,
    description="Each store's tables sampled and their columns classified (cached by table fingerprint).",
)
def store_inventory(context: dg.AssetExecutionContext, estate: EstateResource) -> None:
    loaded = estate.load()
    for store in context.partition_keys:
        summary = classify_store(loaded, store, estate.sample, estate.cache())
        context.add_asset_metadata(
            {
                "tables": summary.tables,
                "columns": summary.columns,
                "tables sampled": summary.tables_sampled,
                "entities": dg.MetadataValue.json(summary.entities),
            },
            partition_key=store,
        )


@dg.asset(deps=[store_inventory], group_name=GROUP, description="inventory.json/.csv/.parquet: every column.")
def inventory(context: dg.AssetExecutionContext, estate: EstateResource) -> dg.MaterializeResult:  # type: ignore[type-arg]
    result = scan_estate(estate.load(), sample_size=estate.sample, cache=estate.cache())
    write_inventory(result, estate.reports_dir())
    if result.notice:
        context.log.warning(result.notice)
    return dg.MaterializeResult(metadata=_inventory_metadata(result, estate))


def _inventory_metadata(result: Inventory, estate: EstateResource) -> dict[str, dg.MetadataValue]:
    per_category = Counter(r.category for r in result.columns if r.category)
    pi = [r for r in result.columns if r.category]
    table = "| column | category | entity | sensitive |\n|---|---|---|---|\n" + "\n".join(
        f"| {r.store}.{r.table}.{r.column} | {r.category} | {r.entity} | {r.sensitive_kind or ''} |"
        for r in pi
    )
    return {
        "columns": dg.MetadataValue.int(len(result.columns)),
        "columns with PI": dg.MetadataValue.int(len(pi)),
        "sensitive columns": dg.MetadataValue.int(sum(1 for r in result.columns if r.sensitive)),
        "per category": dg.MetadataValue.json(dict(sorted(per_category.items()))),
        "PI columns": dg.MetadataValue.md(table),
        "unreadable tables": dg.MetadataValue.json({t.qualified: t.reason for t in result.unreadable}),
        "skipped files": dg.MetadataValue.json({f"{s}/{f.path}": f.reason for s, f in result.skipped}),
        "path": dg.MetadataValue.path(str(estate.reports_dir() / "inventory.json")),
    }


@dg.asset(deps=[inventory], group_name=GROUP, description="Links between tables, declared or inferred.")
def inferred_links(estate: EstateResource) -> dg.MaterializeResult:  # type: ignore[type-arg]
    links = json.loads((estate.reports_dir() / "links.json").read_text(encoding="utf-8"))["links"]
    table = "| link | basis | confidence |\n|---|---|---|\n" + "\n".join(
        f"| {x['link']} | {x['basis']} | {x['confidence']} |" for x in links
    )
    by_basis = Counter(x["basis"] for x in links)
    return dg.MaterializeResult(
        metadata={
            "links": len(links),
            "by basis": dg.MetadataValue.json(dict(by_basis)),
            "table": dg.MetadataValue.md(table),
        }
    )


@dg.asset(
    deps=[inventory], group_name=GROUP, description="coverage.json/.html: the notice against what is held."
)
def coverage_report(estate: EstateResource) -> dg.MaterializeResult:  # type: ignore[type-arg]
    reports = estate.reports_dir()
    columns = json.loads((reports / "inventory.json").read_text(encoding="utf-8"))["columns"]
    document = coverage_of(estate.load(), columns, estate.load_notice(), load_categories())
    write_coverage(document, reports)
    gaps = document["gaps"]
    assert isinstance(gaps, list)
    table = "| gap | what | columns |\n|---|---|---|\n" + "\n".join(
        f"| {g['kind']} | {g['subject']} | {', '.join(g['columns'])} |" for g in gaps
    )
    return dg.MaterializeResult(
        metadata={
            "status": str(document["status"]),
            "gaps": len(gaps),
            "gap list": dg.MetadataValue.md(table if gaps else "none"),
            "consumers under 16": document["minors"]["under_16"],  # type: ignore[index]
            "report": dg.MetadataValue.path(str(reports / "coverage.html")),
        }
    )
