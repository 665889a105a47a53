"""The Done-when walk-through of issue 11, through `ccpa request`, on a copy of the demo estate."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipelines.cli import main
from tests.rights.requests.conftest import ccpa, customer, new, with_preferences


@pytest.fixture
def demo_estate(tmp_path: Path) -> Path:
    """Built and scanned as a user does: `ccpa demo-estate --out DIR`, `ccpa scan`."""
    root = tmp_path / "demo"
    assert main(["demo-estate", "--out", str(root), "--consumers", "120", "--days", "2"]) == 0
    assert main(["scan", "--estate", str(root / "estate.yaml"), "--out", str(root / "reports")]) == 0
    return with_preferences(root)


def show(capsys: pytest.CaptureFixture[str], estate_file: Path, request_id: str) -> dict[str, object]:
    return dict(json.loads(ccpa(capsys, "show", "--estate", str(estate_file), request_id)))


def test_the_walk_through(demo_estate: Path, capsys: pytest.CaptureFixture[str]) -> None:
    estate_file = demo_estate
    person, other = customer(estate_file, 0), customer(estate_file, 1)
    estate = str(estate_file)
    know = ["--type", "know", "--email", person.email, "--received", "2026-11-02"]
    first = new(capsys, estate_file, *know)
    shown = show(capsys, estate_file, first)
    assert (shown["confirm_by"], shown["due"], shown["status"]) == ("2026-11-17", "2026-12-17", "received")

    three = ["--point", f"name={person.name.upper()}", "--point", f"phone={person.phone}"]
    three += ["--point", f"date_of_birth={person.date_of_birth}", "--signed-declaration"]
    assert ccpa(capsys, "verify", "--estate", estate, first, *three).startswith("reasonably_high")
    ccpa(capsys, "run", "--estate", estate, first)
    answered = show(capsys, estate_file, first)
    assert (answered["status"], answered["answer"], answered["outcome"]) == (
        "complied",
        "specific_pieces",
        "complied",
    )
    with zipfile.ZipFile(str(answered["package"])) as package:
        assert "manifest.json" in package.namelist()

    second = new(capsys, estate_file, *know)
    two = ["--point", f"postal_code={person.postal_code}", "--point", f"date_of_birth={person.date_of_birth}"]
    assert ccpa(capsys, "verify", "--estate", estate, second, *two).startswith("reasonable ")
    ccpa(capsys, "run", "--estate", estate, second)
    partial = show(capsys, estate_file, second)
    assert (partial["status"], partial["answer"]) == ("complied_in_part", "categories_only")
    document = json.loads(Path(str(partial["package"])).read_text(encoding="utf-8"))
    assert "reasonable degree only" in document["reason"] and "identifiers" in document["categories"]
    assert person.email not in json.dumps(document)

    third = new(capsys, estate_file, *know)
    denied = show(capsys, estate_file, third)
    assert (denied["status"], denied["denial_basis"]) == ("denied", "frequency")

    delete = new(capsys, estate_file, "--type", "delete", "--email", other.email, "--received", "2026-11-16")
    wrong = ["--point", f"name={other.name}", "--point", f"postal_code={other.postal_code}"]
    wrong += ["--point", "phone=+1 415 555 0000"]
    assert ccpa(capsys, "verify", "--estate", estate, delete, *wrong).startswith("failed")
    assert "not ready" in ccpa(capsys, "run", "--estate", estate, delete, status=2)
    assert show(capsys, estate_file, delete)["status"] == "received"
    with sqlite3.connect(estate_file.parent / "billing.db") as billing:
        assert billing.execute("SELECT count(*) FROM customers WHERE id = ?", (other.id,)).fetchone() == (1,)

    opt_out = new(
        capsys, estate_file, "--type", "opt-out", "--email", person.email, "--received", "2026-11-20"
    )
    shown = show(capsys, estate_file, opt_out)
    assert (shown["confirm_by"], shown["due"]) == (None, "2026-12-15")
    ccpa(capsys, "run", "--estate", estate, opt_out)
    assert show(capsys, estate_file, opt_out)["status"] == "complied"
    with sqlite3.connect(estate_file.parent / "crm.db") as crm:
        flags = dict(
            crm.execute(
                "SELECT lower(email) = ?, sum(do_not_sell) FROM contacts GROUP BY 1", (person.email.lower(),)
            ).fetchall()
        )
    assert flags == {1: 1, 0: 0}  # the consumer's contact row, nobody else's
    notices = list((estate_file.parent / "answers" / opt_out).glob("opt-out-*-notices/*.json"))
    recipients = {json.loads(n.read_text())["to"] for n in notices}
    assert "CRM vendor" in recipients and all("opt-out" in n.parent.name for n in notices)

    out = estate_file.parent / "report"
    ccpa(capsys, "report", "--estate", estate, "--year", "2026", "--out", str(out))
    with open(out / "records.csv", encoding="utf-8") as file:
        records = list(csv.DictReader(file))
    assert [r["request_id"] for r in records] == [first, second, third, delete, opt_out]
    assert list(records[0]) == [
        "request_id",
        "received",
        "type",
        "channel",
        "responded",
        "outcome",
        "denial_basis",
    ]
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    today = dt.datetime.now(ZoneInfo("America/Los_Angeles")).date()
    know_days = (today - dt.date(2026, 11, 2)).days
    assert metrics["year"] == 2026
    assert metrics["types"]["know"] == {
        "received": 3,
        "complied": 1,
        "complied_in_part": 1,
        "denied": 1,
        "median_days": know_days,
        "mean_days": float(know_days),
    }
    assert metrics["types"]["delete"] == {
        "received": 1,
        "complied": 0,
        "complied_in_part": 0,
        "denied": 0,
        "median_days": None,
        "mean_days": None,
    }
    assert metrics["types"]["opt-out"]["received"] == metrics["types"]["opt-out"]["complied"] == 1
    assert sum(m["received"] for m in metrics["types"].values()) == 5
    assert "<table>" in (out / "metrics.html").read_text(encoding="utf-8")
