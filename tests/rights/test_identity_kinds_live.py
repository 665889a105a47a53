"""Every identity kind on the live servers: the demo estate with billing on PostgreSQL and the CRM
on MariaDB (the same seed as the SQLite one, so the same people), asked by a SIM's identifiers, a
phone as the consumer writes it and a customer number (text asked of an integer key).

Access gives the package asked by email; a deletion by customer number changes the same rows as a
deletion by email of the SQLite copy; a correction by IMSI reaches both servers and is logged.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipelines.cli import main
from pipelines.demo_estate import DemoEstate, build_demo_estate
from tests.conftest import server_database
from tests.rights.conftest import CONSUMERS, DAYS, SEED
from tests.rights.kinds import differing, identifiers, option, package_tables, with_several_sims
from tests.rights.snapshots import differences, estate_snapshot

ASKED = ["phone", "imsi", "iccid", "msisdn", "customer_id"]
PHONE = "+14155550199"


@dataclass(frozen=True)
class Live:
    estate: DemoEstate  # billing on PostgreSQL, the CRM on MariaDB
    urls: dict[str, str]  # store -> its server's URL
    sqlite: DemoEstate  # the same estate in SQLite, scanned: its inventory serves both
    customers: list[int]

    @property
    def inventory(self) -> str:
        return str(self.sqlite.root / "reports")


@pytest.fixture(scope="module")
def live(estate: DemoEstate, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with server_database("postgresql") as billing_url, server_database("mariadb") as crm_url:
        built = build_demo_estate(
            tmp_path_factory.mktemp("live-kinds") / "estate",
            consumers=CONSUMERS,
            days=DAYS,
            seed=SEED,
            billing_url=billing_url,
            crm_url=crm_url,
        )
        assert built.counts == estate.counts
        urls = {"billing": billing_url, "crm": crm_url}
        yield Live(built, urls, estate, with_several_sims(estate.root, 3))


def run(
    command: str, estate_file: Path, kind: str, value: str, out: Path, inventory: str, *rest: str
) -> None:
    arguments = [command, "--estate", str(estate_file), option(kind), value, "--out", str(out), *rest]
    assert main([*arguments, "--inventory", inventory]) == 0


@pytest.mark.live
def test_the_package_by_every_kind_is_the_package_by_email_on_the_servers(live: Live, tmp_path: Path) -> None:
    held = identifiers(live.sqlite.root, live.customers[0])  # the same people on the servers
    run(
        "access",
        live.estate.estate_file,
        "email",
        held["email"],
        tmp_path / "email",
        live.inventory,
        "--all-time",
    )
    by_email = package_tables(tmp_path / "email")
    assert {"billing.sims", "crm.contacts", "device_logs.sessions"} <= set(by_email)
    for kind in ASKED:
        run(
            "access", live.estate.estate_file, kind, held[kind], tmp_path / kind, live.inventory, "--all-time"
        )
        assert differing(package_tables(tmp_path / kind), by_email) == {}, kind


@pytest.mark.live
def test_deleting_by_customer_number_on_the_servers_deletes_what_email_does(
    live: Live, tmp_path: Path
) -> None:
    customer = live.customers[1]
    held = identifiers(live.sqlite.root, customer)
    shutil.copytree(live.sqlite.root, tmp_path / "sqlite")
    sqlite_file = tmp_path / "sqlite" / live.sqlite.estate_file.name
    before = estate_snapshot(sqlite_file)
    run("delete", sqlite_file, "email", held["email"], tmp_path / "by-email", live.inventory)
    by_email = differences(before, estate_snapshot(sqlite_file))
    before = estate_snapshot(live.estate.estate_file)
    run("delete", live.estate.estate_file, "customer_id", str(customer), tmp_path / "by-id", live.inventory)
    assert by_email and differences(before, estate_snapshot(live.estate.estate_file)) == by_email


@pytest.mark.live
def test_a_correction_by_imsi_reaches_both_servers_and_is_logged(live: Live, tmp_path: Path) -> None:
    customer = live.customers[2]
    held = identifiers(live.sqlite.root, customer)
    out = tmp_path / "out"
    run(
        "correct",
        live.estate.estate_file,
        "imsi",
        held["imsi"],
        out,
        live.inventory,
        "--set",
        f"PHONE_NUMBER={PHONE}",
    )
    billing, crm = sa.create_engine(live.urls["billing"]), sa.create_engine(live.urls["crm"])
    try:
        with billing.connect() as conn:
            phones = conn.execute(sa.text("SELECT id FROM customers WHERE phone = :p"), {"p": PHONE}).all()
        with crm.connect() as conn:
            contacts = conn.execute(
                sa.text("SELECT lower(email) FROM contacts WHERE phone = :p"), {"p": PHONE}
            ).all()
    finally:
        billing.dispose()
        crm.dispose()
    assert phones == [(customer,)]
    assert {email for (email,) in contacts} <= {held["email"].lower()}
    (entry,) = [json.loads(x) for x in (out / "requests.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (entry["type"], entry["identity_kind"]) == ("correct", "imsi")
