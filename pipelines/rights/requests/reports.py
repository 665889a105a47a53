"""The records and metrics the regulations require: 7101 (records.csv) and 7102 (metrics.json/.html).

A request counts in the year it was received. Days to answer run from receipt to response, in
calendar dates of the business's time zone; the median and mean are over requests answered.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipelines.output import staged_files
from pipelines.rights.requests.model import TYPES, Case

RECORD_COLUMNS = ("request_id", "received", "type", "channel", "responded", "outcome", "denial_basis")
COUNTED = ("complied", "complied_in_part", "denied")


def records_of(cases: Sequence[Case]) -> list[dict[str, str]]:
    return [
        {
            "request_id": c.id,
            "received": c.received.isoformat(),
            "type": c.type,
            "channel": c.channel,
            "responded": c.responded.isoformat() if c.responded else "",
            "outcome": c.outcome or "",
            "denial_basis": c.denial_basis or "",
        }
        for c in cases
    ]


def metrics_of(year: int, cases: Sequence[Case]) -> dict[str, Any]:
    types: dict[str, Any] = {}
    for kind in TYPES:
        of_type = [c for c in cases if c.type == kind]
        days = [(c.responded - c.received).days for c in of_type if c.responded and c.outcome in COUNTED]
        types[kind] = {
            "received": len(of_type),
            **{outcome: sum(1 for c in of_type if c.outcome == outcome) for outcome in COUNTED},
            "median_days": statistics.median(days) if days else None,
            "mean_days": round(float(statistics.mean(days)), 1) if days else None,
        }
    return {"year": year, "types": types}


def in_year(cases: Sequence[Case], year: int) -> list[Case]:
    return [c for c in cases if c.received.year == year]


def write_reports(year: int, cases: Sequence[Case], out: Path) -> dict[str, Any]:
    chosen = in_year(cases, year)
    metrics = metrics_of(year, chosen)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=RECORD_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records_of(chosen))
    with staged_files(out) as stage:
        stage.path("records.csv").write_text(buffer.getvalue(), encoding="utf-8")
        stage.path("metrics.json").write_text(json.dumps(metrics, indent=1) + "\n", encoding="utf-8")
        stage.path("metrics.html").write_text(_html(metrics), encoding="utf-8")
    return metrics


def _html(metrics: dict[str, Any]) -> str:
    headers = ("type", "received", "complied", "complied in part", "denied", "median days", "mean days")
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(v if v is not None else '-'))}</td>"
            for v in (kind, *(m[k] for k in ("received", *COUNTED, "median_days", "mean_days")))
        )
        + "</tr>"
        for kind, m in metrics["types"].items()
    )
    head = "".join(f"<th>{h}</th>" for h in headers)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Request metrics {metrics['year']}</title>"
        "</head><body>"
        f"<h1>Consumer requests in {metrics['year']} (11 CCR 7102)</h1>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        f"<p>Generated {dt.date.today().isoformat()}. Days are calendar days from receipt to response.</p>"
        "</body></html>\n"
    )
