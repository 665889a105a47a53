"""Dagster assets of the inventory: per-store classification, the combined inventory, links, coverage.

Thin wiring: each asset calls the domain function and turns its result into metadata for the UI.
Each store's scan passes to `inventory` as data (`StoreScans`, Parquet); the inventory, its links and the
coverage gaps pass between assets as Arrow tables (`ParquetTables`).
"""

import warnings
from collections import Counter
from collections.abc import Iterator, Sequence

import dagster as dg
import pyarrow as pa
from dagster._utils.warnings import BetaWarning

from connectors import Estate, open_store
from connectors.estate_names import check_names
from mappings import load_categories
from pipelines.coverage.report import coverage_of, gaps_table, write_coverage
from pipelines.defs.io_managers import STORE_SCANS, TABLES
from pipelines.defs.resources import EstateResource
from pipelines.discovery.inventory import Inventory, StoreScan, classify_store, combine_scans, lookup_stores
from pipelines.discovery.report import inventory_table, links_table, write_inventory

GROUP = "inventory"


def store_inventory_asset(stores: dg.StaticPartitionsDefinition) -> dg.AssetsDefinition:
    """`store_inventory`, one partition per store of the estate the code location was built from."""
    with warnings.catch_warnings():
        # One run covers every store (single-run backfill policy): a documented, beta Dagster feature.
        warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=BetaWarning)
        return dg.asset(
            name="store_inventory",
            partitions_def=stores,
            backfill_policy=dg.BackfillPolicy.single_run(),
            io_manager_key=STORE_SCANS,
            group_name=GROUP,
            description="Each store's tables sampled and their columns classified (cached by fingerprint).",
        )(_store_inventory)


def _store_inventory(context: dg.AssetExecutionContext, estate: EstateResource) -> dict[str, StoreScan]:
    loaded = estate.load()
    _check_stores(estate, loaded, context.partition_keys)
    scans = {}
    for name in context.partition_keys:
        with open_store(name, loaded.stores[name]) as store:
            check_names(loaded, {name: store})
            scans[name] = classify_store(name, store, estate.sample, estate.cache())
        summary = scans[name].summary()
        context.add_asset_metadata(
            {
                "tables": summary.tables,
                "columns": summary.columns,
                "tables sampled": summary.tables_sampled,
                "entities": dg.MetadataValue.json(summary.entities),
            },
            partition_key=name,
        )
    return scans


def _check_stores(estate: EstateResource, loaded: Estate, stores: Sequence[str]) -> None:
    unknown = [store for store in stores if store not in loaded.stores]
    if unknown:
        raise dg.Failure(
            f"estate {estate.estate} has no store {', '.join(unknown)}: the code location was built "
            "from another estate (load it with CCPA_ESTATE naming this one)"
        )


@dg.multi_asset(
    outs={
        "inventory": dg.AssetOut(
            io_manager_key=TABLES,
            group_name=GROUP,
            description="Every column (also inventory.json/.csv/.parquet).",
        ),
        "inferred_links": dg.AssetOut(
            io_manager_key=TABLES, group_name=GROUP, description="Links between tables, declared or inferred."
        ),
    },
)
def inventory(
    context: dg.AssetExecutionContext, estate: EstateResource, store_inventory: dict[str, StoreScan]
) -> Iterator[dg.Output[pa.Table]]:
    """The stores' scans combined: no table is sampled again; stores are opened only to look up
    shared values for link inference (one unreachable now shares none, with a warning)."""
    loaded = estate.load()
    _check_stores(estate, loaded, list(store_inventory))
    scans = [store_inventory[name] for name in loaded.stores if name in store_inventory]
    with lookup_stores(
        loaded, lambda _, why: context.log.warning(f"no values looked up for links: {why}")
    ) as stores:
        result = combine_scans(loaded, scans, stores)
    write_inventory(result, estate.reports_dir())
    if result.notice:
        context.log.warning(result.notice)
    yield dg.Output(inventory_table(result), "inventory", metadata=_inventory_metadata(result, estate))
    yield dg.Output(links_table(result), "inferred_links", metadata=_links_metadata(result))


def _inventory_metadata(result: Inventory, estate: EstateResource) -> dict[str, dg.MetadataValue]:
    per_category = Counter(r.category for r in result.columns if r.category)
    pi = [r for r in result.columns if r.category]
    table = "| column | category | entity | sensitive |\n|---|---|---|---|\n" + "\n".join(
        f"| {r.where} | {r.category} | {r.entity} | {r.sensitive_kind or ''} |" for r in pi
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


def _links_metadata(result: Inventory) -> dict[str, dg.MetadataValue]:
    table = "| link | basis | confidence |\n|---|---|---|\n" + "\n".join(
        f"| {x.link} | {x.basis} | {x.confidence:.3f} |" for x in result.links
    )
    return {
        "links": dg.MetadataValue.int(len(result.links)),
        "by basis": dg.MetadataValue.json(dict(Counter(x.basis for x in result.links))),
        "table": dg.MetadataValue.md(table),
    }


@dg.asset(
    io_manager_key=TABLES,
    group_name=GROUP,
    description="The notice against what is held: its gaps (also coverage.json/.html).",
)
def coverage_report(estate: EstateResource, inventory: pa.Table) -> dg.Output[pa.Table]:
    reports = estate.reports_dir()
    document = coverage_of(estate.load(), inventory.to_pylist(), estate.load_notice(), load_categories())
    write_coverage(document, reports)
    gaps = gaps_table(document)
    table = "| gap | what | columns |\n|---|---|---|\n" + "\n".join(
        f"| {g['kind']} | {g['subject']} | {', '.join(g['columns'])} |" for g in gaps.to_pylist()
    )
    return dg.Output(
        gaps,
        metadata={
            "status": str(document["status"]),
            "gaps": gaps.num_rows,
            "gap list": dg.MetadataValue.md(table if gaps.num_rows else "none"),
            "consumers under 16": document["minors"]["under_16"],  # type: ignore[index]
            "report": dg.MetadataValue.path(str(reports / "coverage.html")),
        },
    )
