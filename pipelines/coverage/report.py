"""coverage.json for machines and coverage.html for people, from an inventory, an estate and a notice."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path

import pyarrow as pa

from connectors import Estate
from mappings import CategoryMap, Notice
from pipelines.coverage.check import Coverage, FoundColumn, check_coverage
from pipelines.coverage.html import render_html
from pipelines.coverage.minors import MinorsCount, count_minors
from pipelines.engine import cluster_for
from pipelines.output import staged_files


def found_columns(inventory: Iterable[Mapping[str, object]]) -> list[FoundColumn]:
    return [
        FoundColumn(
            store=str(r["store"]),
            table=str(r["table"]),
            column=str(r["column"]),
            category=r.get("category") or None,  # type: ignore[arg-type]
            entity=r.get("entity") or None,  # type: ignore[arg-type]
            sensitive_kind=r.get("sensitive_kind") or None,  # type: ignore[arg-type]
            path=r.get("path") or None,  # type: ignore[arg-type]
        )
        for r in inventory
    ]


GAPS_SCHEMA = pa.schema(
    [
        ("kind", pa.string()),
        ("subject", pa.string()),
        ("columns", pa.list_(pa.string())),
        ("suggestion", pa.string()),
        ("category", pa.string()),
    ]
)


def gaps_table(document: Mapping[str, object]) -> pa.Table:
    """The gaps of a coverage document (from `coverage_of`), one row each."""
    return pa.Table.from_pylist(list(document["gaps"]), schema=GAPS_SCHEMA)  # type: ignore[call-overload]


def coverage_of(
    estate: Estate,
    inventory: Iterable[Mapping[str, object]],
    notice: Notice,
    categories: CategoryMap,
    today: dt.date | None = None,
    cluster: str | None = None,
) -> dict[str, object]:
    """The coverage document; dates of birth are counted on `cluster` (default: the estate's
    `compute.cluster`, else in this process: see `pipelines.engine`)."""
    columns = found_columns(inventory)
    shared = {name: sorted(store.shared_with) for name, store in estate.stores.items()}
    coverage = check_coverage(columns, shared, notice, categories)
    birth_dates = [
        (c.store, c.table, c.column)
        for c in columns
        if c.entity == "DATE_OF_BIRTH" and c.category and not c.path
    ]  # a date of birth inside a document is not read in full (yet)
    where = cluster_for(cluster, estate.compute.cluster)
    minors = count_minors(estate, birth_dates, today or dt.date.today(), where, estate.compute.workers)
    return _document(estate, notice, coverage, minors)


def _document(
    estate: Estate, notice: Notice, coverage: Coverage, minors: list[MinorsCount]
) -> dict[str, object]:
    under_16 = sum(m.under_16 for m in minors)
    return {
        "status": "ok" if coverage.ok else "gaps",
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "estate": str(estate.path),
        "notice": {
            "business": notice.business,
            "title": notice.title,
            "last_updated": str(notice.last_updated),
        },
        "stores": coverage.stores,
        "gaps": [asdict(g) for g in coverage.gaps],
        "categories": [{**asdict(row), "found": row.found} for row in coverage.categories],
        "sensitive": [
            {"kind": kind, "columns": cols, "named_by_notice": notice.names_sensitive_kind(kind)}
            for kind, cols in sorted(coverage.sensitive.items())
        ],
        "over_disclosed": coverage.over_disclosed,
        "minors": {
            "under_16": under_16,
            "columns": [asdict(m) for m in minors],
            "notice_sells_under_16": notice.sale.sells_under_16,
            "note": f"{under_16} consumers under 16 held; the notice says it "
            + ("sells" if notice.sale.sells_under_16 else "does not sell")
            + " the personal information of anyone under sixteen",
        },
    }


def write_coverage(document: dict[str, object], out: Path) -> list[Path]:
    with staged_files(out) as stage:
        stage.path("coverage.json").write_text(
            json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8"
        )
        stage.path("coverage.html").write_text(render_html(document), encoding="utf-8")
    return [out / "coverage.json", out / "coverage.html"]
