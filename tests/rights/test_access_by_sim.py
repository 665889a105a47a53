"""Asked by the IMSI of one of a consumer's SIMs, the package is the person's: their customer row and
everything of theirs, the sessions of their other SIMs too (not judged someone else's because they
name another SIM than the one asked for). The truth is computed from the demo's own tables."""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.demo_estate import DemoEstate
from tests.rights.test_access import KEYS, ask, package, rows
from tests.rights.truth import consumer_rows, ids


def test_a_sims_imsi_finds_the_person_and_all_their_sims(estate: DemoEstate, out: Path) -> None:
    billing = estate.root / "billing.db"
    customer = min(
        ids(
            billing,
            "SELECT customer_id FROM sims GROUP BY customer_id HAVING COUNT(*) > 1 ORDER BY customer_id",
        )
    )
    imsi = min(ids(billing, "SELECT imsi FROM sims WHERE customer_id = ?", customer))
    ask(estate, out, "--imsi", str(imsi), "--all-time")
    truth = consumer_rows(estate.root, customer)
    assert len(truth["billing.sims"]) > 1
    with package(out) as archive:
        counts = json.loads(archive.read("manifest.json"))["counts"]
        for table, keys in truth.items():
            assert {row[KEYS.get(table, "id")] for row in rows(archive, table)} == keys, table
    assert {
        t for t, n in counts.items() if n and t not in {"billing.plans", "device_logs.cell_towers"}
    } == set(truth)
