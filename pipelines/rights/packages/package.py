"""The access package (Right to Know): one zip holding the consumer's records, a manifest and a report.

    path = write_package(request, meanings, facts_of(estate), load_notice(), load_categories(), out)

`out/access-<request id>.zip` appears whole or not at all. It holds `data/<store>/<table>.csv` and
`.json` for every table with rows in the period, `manifest.json` (machine-readable) and `report.html`
(for the consumer). Never-disclose values are hidden first (redaction.py); a value hidden in one place
is then searched for in every file, and a package that would still show one is not written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyzipper

from connectors.estate import Estate
from mappings import FREE_TEXT, CategoryMap, Notice
from pipelines.output import staged_files
from pipelines.rights.model import AccessRequest, ColumnMeaning, TableRecords
from pipelines.rights.packages.data_files import PackageTable
from pipelines.rights.packages.manifest import manifest_of
from pipelines.rights.packages.redaction import conceal, first_leak, scrub
from pipelines.rights.packages.report_html import render_report
from pipelines.rights.records.lookback import within
from pipelines.rights.records.ownership import OTHER_PERSON

LEVEL = 1  # deflate level: twice as fast as the default 6 for ~15% more bytes (a batch writes thousands)


class PackageError(Exception):
    """The package cannot be written safely. One line, never holding a consumer's value."""


@dataclass(frozen=True)
class StoreFacts:
    """What the estate file says about a store: where its data comes from, why, and who receives it."""

    source: str = ""
    purposes: list[str] = field(default_factory=list)
    shared_with: dict[str, list[str]] = field(default_factory=dict)  # recipient kind -> names


def facts_of(estate: Estate) -> dict[str, StoreFacts]:
    """The StoreFacts of every store of `estate`."""
    return {
        name: StoreFacts(
            store.source, list(store.purposes), {k: list(v) for k, v in store.shared_with.items()}
        )
        for name, store in estate.stores.items()
    }


def write_package(
    request: AccessRequest,
    meanings: dict[str, dict[str, ColumnMeaning]],
    stores: dict[str, StoreFacts],
    notice: Notice,
    categories: CategoryMap,
    out: Path,
    passphrase: str | None = None,
) -> Path:
    """Write `out/access-<request id>.zip` for `request` and return its path (AES-encrypted with a passphrase)."""
    if passphrase == "":
        raise PackageError("the passphrase is empty: give one, or none for an unencrypted package")
    generated_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    tables = _prepare(request, meanings, categories)
    data = _data_files(tables)
    manifest = manifest_of(request, tables, meanings, stores, notice, categories, generated_at)
    report = render_report(manifest, notice).encode("utf-8")
    manifest["files"] = {
        name: {"sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
        for name, content in sorted({**data, "report.html": report}.items())
    }
    members = {"manifest.json": _json_document(manifest), "report.html": report, **data}
    leak = first_leak(members, {value for table in tables for value in table.hidden})
    if leak is not None:
        raise PackageError(
            f"request {request.request_id}: a withheld value would appear in {leak}; not written"
        )
    name = f"access-{request.request_id}.zip"
    with staged_files(out) as stage:
        _write_zip(stage.path(name), members, passphrase, generated_at)
    return out / name


def categories_of(
    request: AccessRequest,
    meanings: dict[str, dict[str, ColumnMeaning]],
    stores: dict[str, StoreFacts],
    notice: Notice,
    categories: CategoryMap,
) -> dict[str, Any]:
    """The manifest's categories alone (where held, sources, purposes, recipients): no specific pieces."""
    tables = _prepare(request, meanings, categories)
    now = dt.datetime.now(dt.UTC)
    return dict(manifest_of(request, tables, meanings, stores, notice, categories, now)["categories"])


def _prepare(
    request: AccessRequest, meanings: dict[str, dict[str, ColumnMeaning]], categories: CategoryMap
) -> list[PackageTable]:
    """Each table's rows in the period, with never-disclose values hidden everywhere."""
    tables = []
    for records in _merged(request.tables):
        records = within(records, request.period)  # idempotent: callers may have applied it already
        table_meanings = meanings.get(records.key, {})
        rows = _mentions(records, table_meanings) if records.mention_only else _noted(records)
        concealed = conceal(records.key, rows, table_meanings, categories)
        tables.append(PackageTable(records, concealed.rows, concealed.withheld, concealed.hidden))
    hidden = {value for table in tables for value in table.hidden}
    for table in tables:
        table.rows = scrub(table.rows, hidden)
    return tables


def _merged(found: list[TableRecords]) -> list[TableRecords]:
    """One TableRecords per table (and mentions apart): the consumer's rows and shared rows together,
    the reason of each kind of row kept (`3 rows: ...; 1 row: ...`)."""
    groups: dict[tuple[str, bool], list[TableRecords]] = {}
    for records in found:
        groups.setdefault((records.key, records.mention_only), []).append(records)
    merged = []
    for group in groups.values():
        first = group[0]
        if len(group) == 1:
            merged.append(first)
            continue
        notes: dict[str, set[str]] = {}
        for records in group:
            for column, values in records.other_keys.items():
                notes.setdefault(column, set()).update(values)
        merged.append(
            replace(
                first,
                rows=pa.concat_tables([r.rows for r in group], promote_options="permissive"),
                via=", ".join(dict.fromkeys(r.via for r in group)),
                reference=all(r.reference for r in group),
                reason="; ".join(f"{r.rows.num_rows} row(s): {r.reason}" for r in group),
                other_keys=notes,
            )
        )
    return merged


def _noted(records: TableRecords) -> pa.Table:
    """The rows with each key of another person's record replaced by a note saying so."""
    rows = records.rows
    for column, values in records.other_keys.items():
        if column not in rows.column_names or not values:
            continue
        text = pc.cast(rows.column(column), pa.string())
        other = pc.is_in(text, value_set=pa.array(sorted(values), pa.string()))
        noted = pc.if_else(pc.fill_null(other, False), OTHER_PERSON, text)
        rows = rows.set_column(rows.column_names.index(column), column, noted)
    return rows


def _mentions(records: TableRecords, meanings: dict[str, ColumnMeaning]) -> pa.Table:
    """Of rows owned by someone else, only the free text that mentions the consumer (and its date)."""
    keep = [
        name
        for name in records.rows.column_names
        if name == records.event_time or (meanings.get(name) and meanings[name].entity == FREE_TEXT)
    ]
    return records.rows.select(keep)


def _data_files(tables: list[PackageTable]) -> dict[str, bytes]:
    data: dict[str, bytes] = {}
    for table in tables:
        files = table.contents()
        if not data.keys().isdisjoint(files):
            raise PackageError(f"{table.records.key}: two tables would be written to the same data file")
        data.update(files)
    return data


def _json_document(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _write_zip(path: Path, members: dict[str, bytes], passphrase: str | None, when: dt.datetime) -> None:
    if passphrase:
        archive = pyzipper.AESZipFile(
            path, "w", compression=pyzipper.ZIP_DEFLATED, compresslevel=LEVEL, encryption=pyzipper.WZ_AES
        )
        archive.setpassword(passphrase.encode("utf-8"))
    else:
        archive = pyzipper.ZipFile(path, "w", compression=pyzipper.ZIP_DEFLATED, compresslevel=LEVEL)
    with archive:
        for name, content in members.items():
            info = archive.zipinfo_cls(name, date_time=when.timetuple()[:6])
            info.compress_type = pyzipper.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
