"""coverage.html: what a privacy lead reads. Gaps first, then the category x store matrix."""

from __future__ import annotations

from html import escape
from typing import Any

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;color:#1d2330;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #d5d9e2;padding:.35rem .55rem;text-align:left;vertical-align:top}
th{background:#f2f4f8}.ok{color:#17663a}.gap{color:#a31515;font-weight:600}.muted{color:#667}
.status{padding:.6rem 1rem;border-radius:.4rem;margin:1rem 0}.status.gaps{background:#fdecec}
.status.ok{background:#e9f7ef}code{font-size:.9em}td.n{text-align:right}
"""


def render_html(doc: dict[str, Any]) -> str:
    notice = doc["notice"]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Notice coverage: {escape(notice['business'])}</title><style>{STYLE}</style></head><body>",
        f"<h1>Does the notice cover what we hold?</h1><p class='muted'>{escape(notice['title'])} "
        f"(last updated {escape(notice['last_updated'])}) against estate <code>{escape(doc['estate'])}</code>, "
        f"{escape(doc['generated_at'])}</p>",
        _status(doc),
        _gaps(doc["gaps"]),
        _matrix(doc),
        _sensitive(doc["sensitive"]),
        _minors(doc["minors"]),
        _over(doc["over_disclosed"]),
        "</body></html>",
    ]
    return "\n".join(parts)


def _status(doc: dict[str, Any]) -> str:
    gaps = doc["gaps"]
    if not gaps:
        return "<div class='status ok' id='status'>No gaps: every category held is disclosed.</div>"
    return f"<div class='status gaps' id='status'>{len(gaps)} gap(s): the notice does not cover all we hold.</div>"


def _gaps(gaps: list[dict[str, Any]]) -> str:
    if not gaps:
        return ""
    rows = "".join(
        f"<tr><td class='gap'>{escape(g['kind'].replace('_', ' '))}</td><td>{escape(g['subject'])}</td>"
        f"<td>{_columns(g['columns'])}</td><td>{escape(g['suggestion'])}</td></tr>"
        for g in gaps
    )
    return (
        "<h2>Gaps</h2><table id='gaps'><tr><th>gap</th><th>what</th><th>columns that cause it</th>"
        f"<th>suggested notice change</th></tr>{rows}</table>"
    )


def _matrix(doc: dict[str, Any]) -> str:
    stores = doc["stores"]
    head = "".join(f"<th>{escape(s)}</th>" for s in stores)
    rows = []
    for row in sorted(
        doc["categories"], key=lambda r: (not (r["found"] and not r["disclosed"]), not r["found"])
    ):
        cells = "".join(f"<td class='n'>{row['by_store'].get(s, '') or ''}</td>" for s in stores)
        if row["found"] and not row["disclosed"]:
            status = "<span class='gap'>held, not disclosed</span>"
        elif row["found"]:
            status = "<span class='ok'>disclosed</span>"
        else:
            status = (
                "<span class='muted'>"
                + ("disclosed, not found" if row["disclosed"] else "not held")
                + "</span>"
            )
        recipients = escape(", ".join(row["recipients_found"]) or "-")
        disclosed = escape(", ".join(row["recipients_disclosed"]) or "-")
        rows.append(
            f"<tr><td>{escape(row['title'])}<br><code class='muted'>{escape(row['key'])}</code></td>{cells}"
            f"<td>{status}</td><td>{recipients}</td><td>{disclosed}</td></tr>"
        )
    return (
        "<h2>Categories by store (columns holding each)</h2><table id='matrix'>"
        f"<tr><th>category</th>{head}<th>notice</th><th>shared with (estate)</th><th>recipients (notice)</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _sensitive(sensitive: list[dict[str, Any]]) -> str:
    if not sensitive:
        return "<h2>Sensitive personal information</h2><p>None found.</p>"
    rows = "".join(
        f"<tr><td>{escape(s['kind'].replace('_', ' '))}</td><td>{_columns(s['columns'])}</td>"
        f"<td>{'<span class=ok>named</span>' if s['named_by_notice'] else '<span class=gap>not named</span>'}</td></tr>"
        for s in sensitive
    )
    return (
        "<h2>Sensitive personal information</h2><table id='sensitive'><tr><th>kind</th><th>columns</th>"
        f"<th>in the notice</th></tr>{rows}</table>"
    )


def _minors(minors: dict[str, Any]) -> str:
    return f"<h2>Consumers under 16</h2><p id='minors'>{escape(minors['note'])}.</p>"


def _over(over: list[str]) -> str:
    if not over:
        return ""
    return (
        "<h2>Disclosed but not found</h2><p>The notice discloses these categories; no column holds them: "
        + escape(", ".join(over))
        + ".</p>"
    )


def _columns(columns: list[str]) -> str:
    return "<br>".join(f"<code>{escape(c)}</code>" for c in columns)
