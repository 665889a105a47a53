"""The issue's estate: no declared links, other naming conventions (`acct.acct_no` the key,
`charges.acct_no` as text, `sims.fk_acct`, `tickets.acctNo`, sessions by `sim_no` against a text
key, a table and column with a space and a dot), no primary or foreign keys anywhere. `ccpa scan`
infers every link with its evidence; `ccpa access` gives the account row and all that refers to it.
A usage log's `plan_no` fits two plan catalogues equally (billing.plan, crm.plans): reported, not chosen.
"""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.cli import main

ACCOUNTS = 12
ASKED = (1003, 1008)  # the accounts whose holders ask (1008 has two SIMs)


@dataclass(frozen=True)
class IssueEstate:
    estate_file: Path
    inventory: Path
    links: dict[str, dict[str, object]]
    document: dict[str, Any]
    printed: str  # what the scan printed


def _charges(acct_no: int) -> list[tuple[int, str, str, str]]:
    return [
        (acct_no * 10 + i, str(acct_no), f"{5 + i}.50", f"2026-10-0{i + 1}") for i in range(acct_no % 3 + 1)
    ]


def _sims(acct_no: int) -> list[tuple[str, str, str, int]]:
    count = 2 if acct_no % 4 == 0 else 1
    return [
        (str(acct_no * 10 + i), f"8901260{acct_no:08d}{i:04d}", f"310260{acct_no:05d}{i:04d}", acct_no)
        for i in range(count)
    ]


def _build(root: Path) -> Path:
    root.mkdir(parents=True)
    accounts = range(1001, 1001 + ACCOUNTS)
    with sqlite3.connect(root / "billing.db") as db:
        db.execute("CREATE TABLE acct (acct_no INTEGER, holder TEXT, email TEXT, phone TEXT, zip TEXT)")
        db.execute("CREATE TABLE charges (charge_no INTEGER, acct_no TEXT, amount TEXT, charged_on TEXT)")
        db.execute("CREATE TABLE sims (sim_no TEXT, iccid TEXT, imsi TEXT, fk_acct INTEGER)")
        db.executemany(
            "INSERT INTO acct VALUES (?, ?, ?, ?, ?)",
            [
                (
                    n,
                    f"Holder {chr(65 + n % 26)}. Person",
                    f"holder{n}@example.com",
                    f"+1 415 555 {n:04d}",
                    "02134",
                )
                for n in accounts
            ],
        )
        db.executemany("INSERT INTO charges VALUES (?, ?, ?, ?)", [c for n in accounts for c in _charges(n)])
        db.executemany("INSERT INTO sims VALUES (?, ?, ?, ?)", [s for n in accounts for s in _sims(n)])
        db.execute("CREATE TABLE plan (plan_no INTEGER, title TEXT)")
        db.executemany("INSERT INTO plan VALUES (?, ?)", [(p, f"Plan {p}") for p in range(1, 6)])
    with sqlite3.connect(root / "crm.db") as db:
        db.execute("CREATE TABLE tickets (ticket_no INTEGER, acctNo INTEGER, subject TEXT, opened_at TEXT)")
        db.execute('CREATE TABLE "support notes" (note_no INTEGER, "acct.no" TEXT, note TEXT)')
        db.executemany(
            "INSERT INTO tickets VALUES (?, ?, ?, ?)",
            [(n * 100 + i, n, "roaming question", "2026-10-03") for n in accounts for i in range(n % 2 + 1)],
        )
        db.executemany(
            'INSERT INTO "support notes" VALUES (?, ?, ?)', [(n * 7, str(n), "called back") for n in accounts]
        )
        db.execute(
            "CREATE TABLE ticket_lines (ticket_no INTEGER, line_no INTEGER, said TEXT,"
            " PRIMARY KEY (ticket_no, line_no))"
        )
        db.executemany(
            "INSERT INTO ticket_lines VALUES (?, ?, ?)",
            [(n * 100, line, "asked") for n in accounts for line in (1, 2)],
        )
        db.execute("CREATE TABLE plans (plan_no INTEGER, offer TEXT)")
        db.executemany("INSERT INTO plans VALUES (?, ?)", [(p, f"Offer {p}") for p in range(1, 6)])
    (root / "logs").mkdir()
    lines = ["session_id,sim_no,started_at,bytes_up"]
    lines += [
        f"{sim_no}{d},{sim_no},2026-10-0{d}T10:00:00,{1000 * d}"
        for n in accounts
        for sim_no, *_ in _sims(n)
        for d in (1, 2)
    ]
    (root / "logs" / "sessions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    events = ["ticketNo,line_no,event", *(f"{n * 100},{line},read" for n in accounts for line in (1, 2))]
    (root / "logs" / "ticket_events.csv").write_text("\n".join(events) + "\n", encoding="utf-8")
    usage = ["day,plan_no,sessions_count", *(f"2026-10-0{d},{p},{d * p}" for d in (1, 2) for p in (1, 2, 3))]
    (root / "logs" / "usage.csv").write_text("\n".join(usage) + "\n", encoding="utf-8")
    estate = {
        "stores": {
            "billing": {"kind": "sql", "url": "sqlite:///billing.db"},
            "crm": {"kind": "sql", "url": "sqlite:///crm.db"},
            "logs": {"kind": "files", "path": "logs", "format": "csv"},
        }
    }
    path = root / "estate.yaml"
    path.write_text(yaml.safe_dump(estate), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def issue_estate(tmp_path_factory: pytest.TempPathFactory) -> IssueEstate:
    root = tmp_path_factory.mktemp("issue10-links")
    estate_file = _build(root / "estate")
    inventory = root / "inventory"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["scan", "--estate", str(estate_file), "--out", str(inventory)]) == 0
    document = json.loads((inventory / "inventory.json").read_text(encoding="utf-8"))
    links = {str(x["link"]): x for x in document["links"]}
    return IssueEstate(estate_file, inventory, links, document, printed.getvalue())


INFERRED = {
    "billing.charges.acct_no -> billing.acct.acct_no",  # text '1003' -> the integer key 1003
    "billing.sims.fk_acct -> billing.acct.acct_no",
    "crm.tickets.acctNo -> billing.acct.acct_no",
    'crm."support notes"."acct.no" -> billing.acct.acct_no',
    "logs.sessions.sim_no -> billing.sims.sim_no",  # integers in the CSV -> a text key
}


def test_every_link_is_inferred_with_its_evidence(issue_estate: IssueEstate) -> None:
    assert set(issue_estate.links) >= INFERRED
    for text in INFERRED:
        found = issue_estate.links[text]
        assert found["basis"] == "naming" and float(found["confidence"]) >= 0.9  # type: ignore[arg-type]
        assert "100% of sampled values found" in str(found["evidence"])


def test_a_composite_key_is_inferred_with_its_evidence(issue_estate: IssueEstate) -> None:
    (composite,) = issue_estate.document["composite_links"]
    assert (
        composite["link"] == "logs.ticket_events.(ticketNo, line_no) -> crm.ticket_lines.(ticket_no, line_no)"
    )
    assert composite["source"] == ["logs.ticket_events.ticketNo", "logs.ticket_events.line_no"]
    assert composite["confidence"] == 1.0 and composite["followed_by_requests"] is True
    assert "100% of sampled value tuples found" in composite["evidence"]
    # its first part names the ticket, whose own key it is: the events are reached through it
    assert "logs.ticket_events.ticketNo -> crm.tickets.ticket_no" in issue_estate.links


def test_a_column_two_keys_fit_equally_is_reported_not_linked(issue_estate: IssueEstate) -> None:
    (ambiguous,) = issue_estate.document["ambiguous_links"]
    assert ambiguous["column"] == "logs.usage.plan_no"
    targets = {c["target"] for c in ambiguous["candidates"]}
    assert targets == {"billing.plan.plan_no", "crm.plans.plan_no"}
    assert all("100% of sampled values found" in c["evidence"] for c in ambiguous["candidates"])
    assert not [x for x in issue_estate.links.values() if x["source"] == "logs.usage.plan_no"]
    links_file = json.loads((issue_estate.inventory / "links.json").read_text(encoding="utf-8"))
    assert links_file["ambiguous"] == [ambiguous]
    said = " ".join(issue_estate.printed.split())
    assert (
        "ambiguous link logs.usage.plan_no may refer to billing.plan.plan_no or crm.plans.plan_no" in said
        or "ambiguous link logs.usage.plan_no may refer to crm.plans.plan_no or billing.plan.plan_no" in said
    )


def test_no_link_from_a_postal_code_date_or_amount(issue_estate: IssueEstate) -> None:
    ends = {str(x["source"]) for x in issue_estate.links.values()} | {
        str(x["target"]) for x in issue_estate.links.values()
    }
    never = {"zip", "amount", "charged_on", "opened_at", "day", "sessions_count"}
    assert not {e for e in ends if e.rsplit(".", 1)[-1] in never}


def _package(out: Path) -> dict[str, list[dict[str, object]]]:
    (path,) = out.glob("access-*.zip")
    with zipfile.ZipFile(path) as archive:
        return {
            name.removeprefix("data/").removesuffix(".json"): json.loads(archive.read(name))
            for name in archive.namelist()
            if name.startswith("data/") and name.endswith(".json")
        }


@pytest.mark.parametrize("acct_no", ASKED)
def test_access_gives_the_account_and_everything_that_refers_to_it(
    issue_estate: IssueEstate, tmp_path: Path, acct_no: int
) -> None:
    out = tmp_path / "out"
    email = f"holder{acct_no}@example.com"
    arguments = ["--estate", str(issue_estate.estate_file), "--email", email, "--out", str(out)]
    assert main(["access", *arguments, "--inventory", str(issue_estate.inventory), "--all-time"]) == 0
    package = _package(out)
    sims = [s[0] for s in _sims(acct_no)]
    expected = {
        "billing/acct": [acct_no],
        "billing/charges": sorted(c[0] for c in _charges(acct_no)),
        "billing/sims": sims,
        "crm/tickets": [acct_no * 100 + i for i in range(acct_no % 2 + 1)],
        "crm/support_notes": [acct_no * 7],
        "logs/sessions": sorted(int(f"{s}{d}") for s in sims for d in (1, 2)),
        "logs/ticket_events": [acct_no * 100, acct_no * 100],  # its first ticket's two lines
        "crm/ticket_lines": [acct_no * 100, acct_no * 100],  # ticket_lines.ticket_no -> tickets
    }
    keys = {
        "billing/acct": "acct_no",
        "billing/charges": "charge_no",
        "billing/sims": "sim_no",
        "crm/tickets": "ticket_no",
        "crm/support_notes": "note_no",
        "logs/sessions": "session_id",
        "logs/ticket_events": "ticketNo",
        "crm/ticket_lines": "ticket_no",
    }
    found = {table: sorted(row[keys[table]] for row in package.get(table, [])) for table in keys}  # type: ignore[type-var]
    assert found == expected
    assert set(package) <= set(keys), "nothing of any other table"


def test_a_declared_link_with_unquoted_odd_names_is_one_line(
    issue_estate: IssueEstate, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = yaml.safe_load(issue_estate.estate_file.read_text(encoding="utf-8"))
    raw["links"] = ["crm.support notes.acct.no -> billing.acct.acct_no"]
    bad = issue_estate.estate_file.with_name("bad-link.yaml")
    bad.write_text(yaml.safe_dump(raw), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["scan", "--estate", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ccpa: error: ") and "\n" not in err and "Traceback" not in err
    assert "links: 'crm.support notes.acct.no -> billing.acct.acct_no'" in err and "double quotes" in err
    assert not out.exists()


def test_a_declared_link_with_quoted_odd_names_is_read(issue_estate: IssueEstate, tmp_path: Path) -> None:
    raw = yaml.safe_load(issue_estate.estate_file.read_text(encoding="utf-8"))
    raw["links"] = ['crm."support notes"."acct.no" -> billing.acct.acct_no']
    good = issue_estate.estate_file.with_name("quoted-link.yaml")
    good.write_text(yaml.safe_dump(raw), encoding="utf-8")
    out = tmp_path / "out"
    arguments = ["--estate", str(good), "--email", "holder1005@example.com", "--out", str(out)]
    assert main(["access", *arguments, "--inventory", str(issue_estate.inventory), "--all-time"]) == 0
    assert [row["note_no"] for row in _package(out)["crm/support_notes"]] == [1005 * 7]
