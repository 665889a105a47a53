"""report.html: the access package for the consumer, in plain words, rendered from the manifest.

Categories come in the notice's order, each with what we hold, where it came from, why we use it and
who it was shared with; then shared records, mentions, what we hold but do not show, the data files,
selling and sharing, and the consumer's rights. Every value is escaped.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape
from typing import Any

from mappings import Notice
from pipelines.coverage.html import STYLE as COVERAGE_STYLE

STYLE = (
    COVERAGE_STYLE
    + """
body{max-width:46rem}h3{font-size:1rem;margin:1rem 0 .3rem}section{border-top:1px solid #d5d9e2;margin-top:1.5rem}
ul{margin:.2rem 0;padding-left:1.3rem}.status.none{background:#f2f4f8}footer{margin-top:2.5rem;font-size:.85em}
"""
)
# The categories in everyday words (categories.yaml and the notice keep the statute's titles).
PLAIN_TITLES = {
    "identifiers": "Details that identify you",
    "customer_records": "Your payment card and bank account details",
    "network_activity": "How you use our network, website and services",
    "commercial": "Your bills, payments and purchases",
    "geolocation": "Where your devices were: IP addresses and locations",
    "inferences": "What we concluded about your preferences",
    "protected_classifications": "Personal characteristics, such as age, gender or language",
    "professional": "Your job and employer",
    "biometric": "Biometric data, such as fingerprints or face scans",
    "sensory": "Recordings and photos of you",
    "education": "Your education records",
}
RECIPIENTS = {
    "group_entities": "companies in our group",
    "contractors": "contractors working for us under a written contract",
    "service_providers": "service providers processing data for us under a written contract",
    "third_parties": "other companies (third parties)",
}
IDENTITY = {
    "email": "email address",
    "phone": "phone number",
    "customer_id": "customer number",
    "login_name": "login name",
}
# Column-name words spelled out (src_ip -> "source IP").
WORDS = {
    "src": "source",
    "dst": "destination",
    "dt": "day",
    "lat": "latitude",
    "lon": "longitude",
    "addr": "address",
    "num": "number",
    "no": "number",
    "last4": "last four digits",
    "dob": "date of birth",
}
ACRONYMS = {
    "ip",
    "imsi",
    "imei",
    "iccid",
    "msisdn",
    "apn",
    "sns",
    "sms",
    "api",
    "id",
    "url",
    "iban",
    "mac",
    "sim",
}
# Third-person words of the estate file and the notice, said to the consumer.
YOURS = [
    (r"\bthe consumer's\b", "your"),
    (r"\bthe consumer\b", "you"),
    (r"\btheir\b", "your"),
    (r"\bthem\b", "you"),
]
TIMES = {1: "once", 2: "twice"}
NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def render_report(manifest: dict[str, Any], notice: Notice) -> str:
    business = escape(manifest["notice"]["business"])
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Your personal information held by "
        f"{business}</title><style>{STYLE}</style></head><body>",
        f"<h1>Your personal information held by {business}</h1>",
        _introduction(manifest),
        *(_category(key, row, manifest) for key, row in manifest["categories"].items()),
        _shared_records(manifest["tables"]),
        _free_text(manifest["tables"]),
        _withheld(manifest["withheld"]),
        _files(manifest["tables"]),
        _selling(manifest, notice),
        _rights(manifest, notice),
        f"<footer class='muted'>Prepared on {_day(manifest['generated_at'])} at {manifest['generated_at'][11:16]} UTC for request "
        f"{escape(manifest['request_id'])}.</footer></body></html>",
    ]
    return "\n".join(part for part in parts if part)


def _introduction(manifest: dict[str, Any]) -> str:
    identity = manifest["identity"]
    period = manifest["period"]
    end = _day(period["end"])
    covers = (
        f"everything we hold about you, up to {end}"
        if period["start"] is None
        else f"the personal information we collected from {_day(period['start'])} to {end}"
    )
    kind = IDENTITY.get(identity["kind"], identity["kind"].upper())
    text = (
        f"<p>This is our answer to your request to know what personal information we hold about you "
        f"(request {escape(manifest['request_id'])}, received {_day(manifest['received'][:10])}). "
        f"You asked with your {escape(kind)} <b>{escape(identity['value'])}</b>. "
        f"It covers {covers}.</p>"
    )
    records = sum(manifest["counts"].values())
    if records == 0:
        return (
            text
            + "<p class='status none' id='summary'>We hold no personal information about you for this period.</p>"
        )
    tables = sum(1 for n in manifest["counts"].values() if n)
    summary = (
        f"We hold {_records(records)} about you in {_count(tables, 'table')}, in "
        f"{_count(len(manifest['categories']), 'kind')} of personal information. For each kind below: what "
        "we hold, where it came from, why we use it and who we shared it with."
    )
    return text + f"<p class='status ok' id='summary'>{summary}</p>"


def _category(key: str, row: dict[str, Any], manifest: dict[str, Any]) -> str:
    counts = manifest["counts"]
    withheld = {(w["table"], w["column"]): w for w in manifest["withheld"]}
    held = "".join(
        f"<li>{_table_name(table)}, {_records(counts[table])}: "
        + ", ".join(_column(table, c, withheld) for c in columns)
        + "</li>"
        for table, columns in row["columns"].items()
    )
    legal = row["notice_heading"] or row["title"]
    where = "In our notice" if row["in_notice"] else "By law"
    return (
        f"<section id='category-{escape(key)}'><h2>{escape(PLAIN_TITLES.get(key, row['title']))}</h2>"
        f"<p class='muted'>{where}: {escape(legal)}</p>"
        f"<h3>What we hold</h3><ul>{held}</ul>"
        f"<h3>Where it came from</h3>{_list([_yours(s) for s in row['sources']], 'We have no record of where it came from.')}"
        f"<h3>Why we use it</h3>{_list([_yours(p) for p in row['purposes']], 'We have no record of the purposes.')}"
        f"<h3>Who we shared it with</h3>{_recipients(row)}</section>"
    )


def _recipients(row: dict[str, Any]) -> str:
    shared = row["shared_with"]
    if shared:
        return _list(
            [RECIPIENTS[k] + (f": {', '.join(names)}" if names else "") for k, names in shared.items()], ""
        )
    if row["notice_recipients"]:
        kinds = [RECIPIENTS[k] for k in row["notice_recipients"]]
        return "<p>Our notice says we share this kind of information with " + escape(_and(kinds)) + ".</p>"
    return "<p>We have no record of sharing it.</p>"


def _shared_records(tables: list[dict[str, Any]]) -> str:
    shared = [t for t in tables if t["relation"] == "shared" and t["rows"]]
    if not shared:
        return ""
    items = "".join(f"<li>{_table_name(t['table'])}, {_records(t['rows'])}</li>" for t in shared)
    return (
        "<section id='shared'><h2>Records shared with others</h2><p>Some records are not yours alone but "
        f"shared with others, such as your plan. They are included too:</p><ul>{items}</ul></section>"
    )


def _free_text(tables: list[dict[str, Any]]) -> str:
    own = [t for t in tables if t["relation"] != "mentions_consumer" and t["free_text"] and t["rows"]]
    others = [t for t in tables if t["relation"] == "mentions_consumer" and t["rows"]]
    lines = [
        f"<li>Your notes and messages in {_table_name(t['table'])} ({_records(t['rows'])}) are included as "
        "written, except any card, social security or bank account numbers in them.</li>"
        for t in own
    ] + [
        f"<li>Other people's records in {_table_name(t['table'])} that mention you: {_records(t['rows'])}. "
        "We include only the text and its date; other people's personal details in it are blacked out.</li>"
        for t in others
    ]
    if not lines:
        return ""
    return f"<section id='free-text'><h2>Notes and messages</h2><ul>{''.join(lines)}</ul></section>"


def _withheld(withheld: list[dict[str, Any]]) -> str:
    if not withheld:
        return ""
    said = {
        "last4": "In {table} we hold your {held}. For your security we show only its last four digits.",
        "withhold": "In {table} we hold your {held}. For your security we do not show it: the data files say "
        "“held” in its place.",
        "mask_in_text": "Notes in {table} contained {values} we must not show ({held}). For your security we "
        "replaced them in the text, showing at most the last four digits of a card.",
    }
    lines = "".join(
        "<li>"
        + said[w["treatment"]].format(
            held=escape(w["held"]),
            table=_table_name(w["table"]),
            values=escape(_count(w["values"], "number")),
        )
        + "</li>"
        for w in withheld
    )
    return f"<section id='withheld'><h2>What we hold but do not show</h2><ul>{lines}</ul></section>"


def _files(tables: list[dict[str, Any]]) -> str:
    names = [name for t in tables for name in t["files"]]
    listed = (
        "".join(f"<li><code>{escape(n)}</code></li>" for n in names) or "<li>none: there are no records</li>"
    )
    return (
        "<section id='files'><h2>Your data files</h2><p>This zip file holds every record listed above in the "
        "folder <code>data</code>, one file per table, twice: as CSV, which opens in a spreadsheet, and as "
        "JSON, to move your data to another service. <code>manifest.json</code> holds all of this report in a "
        f"form computers can read.</p><ul>{listed}</ul></section>"
    )


def _selling(manifest: dict[str, Any], notice: Notice) -> str:
    sold = "We sell" if manifest["sold"] else "We do not sell"
    advertising = {
        True: "We share personal information for cross-context behavioural advertising. ",
        False: "We do not share it for cross-context behavioural advertising. ",
        None: "",
    }[manifest["shared_for_cross_context_behavioral_advertising"]]
    page = escape(notice.requests.opt_out.page)
    return (
        f"<section id='selling'><h2>Selling and sharing</h2><p>{sold} your personal information. "
        f"{advertising}To opt out of the sale or sharing of your personal information for advertising, use "
        f"our “{page}” page.</p></section>"
    )


def _rights(manifest: dict[str, Any], notice: Notice) -> str:
    summaries = dict.fromkeys(_yours(right.summary) for _, right in notice.rights if right)  # two share one
    rights = [escape(summary[0].upper() + summary[1:]) for summary in summaries]
    know = notice.rights.know
    often = (
        f" You may ask for this {TIMES.get(know.requests_per_year, f'{know.requests_per_year} times')} a year"
        + (", free of charge." if know.free_of_charge else ".")
        if know
        else ""
    )
    return (
        "<section id='rights'><h2>Your rights</h2><ul>" + "".join(f"<li>{r}</li>" for r in rights) + "</ul>"
        f"<p>Our {escape(notice.title)} (last updated {_day(str(notice.last_updated))}) explains them under "
        f"“Your Rights”. To make another request, use our “{escape(notice.requests.other.page)}” page."
        f"{often}</p></section>"
    )


def _column(table: str, column: str, withheld: dict[tuple[str, str], dict[str, Any]]) -> str:
    name = escape(human_name(column))
    hidden = withheld.get((table, column))
    if hidden is None or hidden["treatment"] == "mask_in_text":
        return name
    return f"{name} <span class='muted'>({'last four digits shown' if hidden['treatment'] == 'last4' else 'not shown'})</span>"


def human_name(column: str) -> str:
    """`date_of_birth` -> 'date of birth', `src_ip` -> 'source IP'."""
    words = re.split(r"[_\s.]+|(?<=[a-z])(?=[A-Z])", column.strip("_"))
    return " ".join(
        w.upper() if w.lower() in ACRONYMS else WORDS.get(w.lower(), w.lower()) for w in words if w
    )


def _table_name(key: str) -> str:
    store, _, table = key.partition(".")
    return f"{escape(human_name(table))} <span class='muted'>({escape(human_name(store))})</span>"


def _yours(text: str) -> str:
    """Words about 'the consumer' (estate) or 'them' (the notice's list of rights), said to them."""
    for third, second in YOURS:
        text = re.sub(third, second, text)
    return text


def _list(items: list[str], empty: str) -> str:
    if not items:
        return f"<p>{escape(empty)}</p>"
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def _count(n: int, noun: str) -> str:
    return f"{NUMBERS[n] if n < len(NUMBERS) else f'{n:,}'} {noun}{'' if n == 1 else 's'}"


def _records(n: int) -> str:
    return _count(n, "record")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _day(iso: str) -> str:
    day = dt.date.fromisoformat(iso[:10])
    return f"{day.day} {day:%B %Y}"
