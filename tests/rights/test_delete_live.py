"""`ccpa delete` on the demo estate with billing and the CRM on the live servers (foreign keys
enforced, real transactions): the consumer gone, every other row as it was, a dry run and a second
run changing nothing. Whose rows are whose comes from the same estate generated into SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.demo_estate import DemoEstate, build_demo_estate
from tests.conftest import server_database
from tests.rights.deletion_runs import (
    AS_OF,
    SEED,
    ScannedEstate,
    customer_identifiers,
    delete,
    only_report,
    reports,
    scanned_estate,
)
from tests.rights.snapshots import differences, estate_snapshot, file_states, occurrences, without_rows
from tests.rights.truth import KEYS, consumer_rows

CONSUMERS, DAYS = 60, 2
# Mixed case in billing, lower case in the CRM (PostgreSQL compares case-sensitively); a ticket,
# a card and an IBAN, invoices kept under legal_obligation.
CUSTOMER = 14
# (billing's server, the CRM's server)
PLACEMENTS = [("postgresql", "mariadb"), ("mariadb", "postgresql")]


@dataclass(frozen=True)
class LiveEstate:
    scanned: ScannedEstate
    reference: DemoEstate  # the same estate in SQLite: the generator's truth of whose rows are whose


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> DemoEstate:
    root = tmp_path_factory.mktemp("reference")
    return build_demo_estate(root, consumers=CONSUMERS, days=DAYS, seed=SEED, as_of=AS_OF)


@pytest.fixture(scope="module", params=PLACEMENTS, ids=lambda p: f"billing-{p[0]}-crm-{p[1]}")
def live_estate(
    request: pytest.FixtureRequest, reference: DemoEstate, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveEstate]:
    billing_server, crm_server = request.param
    with server_database(billing_server) as billing_url, server_database(crm_server) as crm_url:
        folder = tmp_path_factory.mktemp("live")
        scanned = scanned_estate(folder, CONSUMERS, DAYS, billing_url=billing_url, crm_url=crm_url)
        assert scanned.estate.counts == reference.counts
        yield LiveEstate(scanned, reference)


@pytest.mark.live
def test_a_dry_run_changes_nothing_on_the_servers(live_estate: LiveEstate, tmp_path: Path) -> None:
    scanned, estate = live_estate.scanned, live_estate.scanned.estate
    email = customer_identifiers(live_estate.reference.root, CUSTOMER)["email"][0]
    before, files = estate_snapshot(estate.estate_file), file_states(estate.root)
    assert delete(estate.estate_file, email, tmp_path / "out", scanned.inventory, "--dry-run") == 0
    assert differences(before, estate_snapshot(estate.estate_file)) == {}
    assert file_states(estate.root) == files
    assert reports(tmp_path / "out") == [] and only_report(tmp_path / "out", plan=True)["dry_run"] is True


@pytest.mark.live
def test_delete_leaves_no_residue_and_every_other_row_as_it_was(
    live_estate: LiveEstate, tmp_path: Path
) -> None:
    scanned, estate = live_estate.scanned, live_estate.scanned.estate
    identifiers = customer_identifiers(live_estate.reference.root, CUSTOMER)
    truth = consumer_rows(live_estate.reference.root, CUSTOMER)
    before = estate_snapshot(estate.estate_file)
    found = {kind for kinds in occurrences(before, identifiers).values() for kind in kinds}
    assert found == set(identifiers)

    out = tmp_path / "out"
    assert delete(estate.estate_file, identifiers["email"][0].upper(), out, scanned.inventory) == 0
    after = estate_snapshot(estate.estate_file)
    assert occurrences(after, identifiers) == {}
    assert only_report(out)["verification"] == {
        "zero_residue": True,
        "residue": [],
        "retained_under_exemption": [],
    }
    assert differences(without_rows(before, truth, KEYS), without_rows(after, truth, KEYS)) == {}
    kept = after["billing.invoices"].records("id", truth["billing.invoices"])
    assert len(kept) == len(truth["billing.invoices"])  # legal_obligation: invoices stay
    assert {r["customer_id"] for r in kept} == {CUSTOMER}
    assert after["billing.customers"].records("id", {CUSTOMER})  # the row they refer to, masked

    files = file_states(estate.root)
    assert delete(estate.estate_file, identifiers["email"][0], out, scanned.inventory) == 0
    assert differences(after, estate_snapshot(estate.estate_file)) == {}  # a second run: no change
    assert file_states(estate.root) == files
    assert reports(out)[-1]["verification"] == {
        "zero_residue": True,
        "residue": [],
        "retained_under_exemption": [],
    }
