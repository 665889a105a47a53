"""manifest.json: the access package for machines. Keys in a fixed order; report.html is rendered from it.

Per category found in the consumer's rows (a column counts when it holds a value for them): where it is,
the sources, business purposes and recipients of the stores holding it (estate file), and the recipients
the notice discloses for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from connectors.estate import RECIPIENT_KINDS
from mappings import FREE_TEXT, CategoryMap, Notice
from pipelines.rights.model import AccessRequest, ColumnMeaning
from pipelines.rights.packages.data_files import PackageTable

if TYPE_CHECKING:
    from pipelines.rights.packages.package import StoreFacts

Meanings = dict[str, dict[str, ColumnMeaning]]


def manifest_of(
    request: AccessRequest,
    tables: list[PackageTable],
    meanings: Meanings,
    stores: dict[str, StoreFacts],
    notice: Notice,
    categories: CategoryMap,
    generated_at: dt.datetime,
) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for table in sorted(tables, key=lambda t: t.records.key):
        counts[table.records.key] = counts.get(table.records.key, 0) + table.rows.num_rows
    period = request.period
    return {
        "request_id": request.request_id,
        "request_type": "access",
        "identity": {"kind": request.identity.kind, "value": request.identity.value},
        "received": request.received.isoformat(),
        "generated_at": generated_at.isoformat(),
        "period": {"start": period.start and period.start.isoformat(), "end": period.end.isoformat()},
        "counts": counts,
        "tables": [_table(t, meanings) for t in sorted(tables, key=lambda t: (t.records.key, _relation(t)))],
        "categories": _categories(tables, meanings, stores, notice, categories),
        "withheld": [
            asdict(w)
            for w in sorted((w for t in tables for w in t.withheld), key=lambda w: (w.table, w.column))
        ],
        "sold": notice.sale.sells,
        "sold_under_16": notice.sale.sells_under_16,
        "shared_for_cross_context_behavioral_advertising": notice.sharing.shares_for_cross_context_behavioral_advertising,
        "notice": {
            "business": notice.business,
            "title": notice.title,
            "last_updated": str(notice.last_updated),
        },
        "rights": _rights(notice),
        "left_out": list(request.left_out),
        "files": {},  # filled in once every other file is written
    }


def _relation(table: PackageTable) -> str:
    if table.records.mention_only:
        return "mentions_consumer"  # someone else's rows mentioning the consumer in free text
    return "shared" if table.records.reference else "consumer"


def _table(table: PackageTable, meanings: Meanings) -> dict[str, Any]:
    records = table.records
    columns = meanings.get(records.key, {})
    return {
        "table": records.key,
        "relation": _relation(table),
        "rows": table.rows.num_rows,
        "found_by": records.via,
        "why": records.reason,
        "event_time": records.event_time,
        "columns": table.rows.column_names,
        "free_text": [c for c in table.rows.column_names if c in columns and columns[c].entity == FREE_TEXT],
        "files": table.files,
    }


def _categories(
    tables: list[PackageTable],
    meanings: Meanings,
    stores: dict[str, StoreFacts],
    notice: Notice,
    categories: CategoryMap,
) -> dict[str, Any]:
    held: dict[str, dict[str, list[str]]] = {}  # category -> table -> columns holding a value
    store_of = {t.records.key: t.records.store for t in tables}
    for table in tables:
        for name in table.rows.column_names:
            meaning = meanings.get(table.records.key, {}).get(name)
            if meaning and meaning.category and table.rows[name].null_count < table.rows.num_rows:
                columns = held.setdefault(meaning.category, {}).setdefault(table.records.key, [])
                columns.extend([name] if name not in columns else [])
    order = [*notice.categories, *categories.categories, *sorted(held)]
    result = {}
    for key in dict.fromkeys(k for k in order if k in held):
        facts = [stores.get(store) for store in dict.fromkeys(store_of[t] for t in held[key])]
        result[key] = _category(key, held[key], [f for f in facts if f is not None], notice, categories)
    return result


def _category(
    key: str, columns: dict[str, list[str]], facts: list[StoreFacts], notice: Notice, categories: CategoryMap
) -> dict[str, Any]:
    known = categories.categories.get(key)
    row = notice.categories.get(key)
    shared = {
        kind: _unique(name for f in facts for name in f.shared_with.get(kind, []))
        for kind in RECIPIENT_KINDS
        if any(kind in f.shared_with for f in facts)
    }
    return {
        "title": known.title if known else key,
        "in_notice": row is not None,
        "notice_heading": row.heading if row else None,
        "columns": columns,
        "sources": _unique(f.source for f in facts if f.source),
        "purposes": _unique(p for f in facts for p in f.purposes),
        "shared_with": shared,
        "notice_recipients": [kind for kind in RECIPIENT_KINDS if kind in notice.recipients_of(key)],
    }


def _rights(notice: Notice) -> dict[str, Any]:
    know = notice.rights.know
    return {
        "where": f"{notice.title}, section 'Your Rights'",
        "listed": [key for key, right in notice.rights if right is not None],
        "access_requests_per_year": know.requests_per_year if know else None,
        "request_page": notice.requests.other.page,
        "opt_out_page": notice.requests.opt_out.page,
    }


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
