"""The CRM store's rows: contacts (85% of the consumers plus prospects), segments, products.

Tickets and web visits are in `crm_activity`. CRM emails are lower case, and phone numbers are
written the way people typed them, so they match billing only after normalisation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from pipelines.demo_estate import draws
from pipelines.demo_estate.crm_activity import tickets_table, web_visits_table
from pipelines.demo_estate.identities import EARLIEST, People, Population

CONTACT_SHARE = 0.85
PRODUCTS = (
    ("SIM-IOT-PLAN01S", "IoT SIM plan01s", 5.00),
    ("SIM-IOT-PLANK2", "IoT SIM plan-K2 (LTE-M)", 3.00),
    ("SIM-IOT-PLAND", "IoT SIM plan-D", 4.00),
    ("HW-GPS-MT01", "GPS multi-unit tracker", 89.00),
    ("HW-WATCH-K3", "Family GPS watch", 119.00),
    ("HW-DEVKIT-NRF", "nRF9160 developer kit", 149.00),
    ("SVC-VPG-TYPE-E", "Virtual private gateway", 300.00),
    ("SVC-BEAM-1M", "Beam, 1M requests", 2.50),
)


@dataclass(frozen=True)
class Contacts:
    table: pa.Table
    consumer: NDArray[np.int64]  # consumer row of each contact; -1 for a prospect


def _phone_as_typed(rng: np.random.Generator, e164: pa.Array) -> pa.Array:
    """+12135550123 as '+12135550123', '(213) 555-0123' or '213-555-0123'."""
    area, exchange, line = (pc.utf8_slice_codeunits(e164, a, b) for a, b in ((2, 5), (5, 8), (8, 12)))
    shapes = [
        e164,
        draws.join("(", area, ") ", exchange, "-", line),
        draws.join(area, "-", exchange, "-", line),
    ]
    return pc.choose(pa.array(draws.weighted_index(rng, (50, 30, 20), len(e164))), *shapes)


def _contact_rows(
    rng: np.random.Generator, pop: Population, people: People, company: NDArray[np.int64]
) -> pa.Table:
    n = len(people)
    has_job = pa.array(company >= 0)
    company_names = pop.pools.companies.take(pa.array(np.maximum(company, 0)))
    return pa.table(
        {
            "full_name": draws.join(people.first_name, " ", people.last_name),
            "email": pc.utf8_lower(people.email),
            "phone": _phone_as_typed(rng, people.phone),
            "company": pc.if_else(has_job, company_names, None),
            "job_title": pc.if_else(has_job, draws.pick(rng, pop.pools.job_titles, n), None),
        }
    )


def _contacts(rng: np.random.Generator, pop: Population) -> Contacts:
    known = np.flatnonzero(rng.random(len(pop.consumers)) < CONTACT_SHARE)
    customers = pop.consumers.take(known)
    employer = np.where(
        rng.random(len(known)) < 0.55, rng.integers(0, len(pop.pools.companies), len(known)), -1
    )
    lead_time = rng.integers(0, 90 * 86_400, len(known)).astype("timedelta64[s]")
    floor = np.datetime64(EARLIEST, "s")
    created = np.concatenate([np.maximum(customers.created_at - lead_time, floor), pop.prospects.created_at])
    rows = pa.concat_tables(
        [
            _contact_rows(rng, pop, customers, employer),
            _contact_rows(rng, pop, pop.prospects, pop.prospect_company),
        ]
    )
    handle = draws.make_distinct(draws.join("@", draws.pick(rng, pop.pools.handles, len(rows))))
    rows = rows.append_column("sns_handle", draws.with_mask(handle, rng.random(len(rows)) < 0.4))
    rows = rows.append_column("created_at", pa.array(created))
    order = np.argsort(created, kind="stable")
    table = rows.take(pa.array(order))
    table = table.add_column(0, "id", pa.array(np.arange(1, len(order) + 1, dtype=np.int64)))
    consumer = np.concatenate([known, np.full(len(pop.prospects), -1)])[order]
    return Contacts(table=table, consumer=consumer)


def _segments(rng: np.random.Generator, pop: Population, contacts: Contacts) -> pa.Table:
    """Model outputs per contact: a segment, a churn score and a propensity-to-buy score."""
    n = len(contacts.consumer)
    churn, propensity = np.round(rng.beta(2, 5, n), 4), np.round(rng.beta(2, 3, n), 4)
    customer = contacts.consumer >= 0
    row = np.maximum(contacts.consumer, 0)
    sims = np.bincount(pop.sims.customer_index, minlength=len(pop.consumers))[row]
    segment = np.where(rng.random(n) < 0.5, "standard", "price_sensitive")
    segment = np.where(sims >= 3, "high_value", segment)
    segment = np.where(pop.is_child[row], "family", segment)
    segment = np.where(churn > 0.55, "churn_risk", segment)
    segment = np.where(customer, segment, np.where(propensity > 0.6, "prospect_hot", "prospect_cold"))
    updated = np.datetime64(pop.as_of, "s") - rng.integers(0, 14 * 86_400, n).astype("timedelta64[s]")
    return pa.table(
        {
            "contact_id": contacts.table["id"],
            "segment": segment,
            "churn_score": churn,
            "propensity_score": propensity,
            "updated_at": updated,
        }
    )


def _products() -> pa.Table:
    return pa.table(
        {
            "sku": [p[0] for p in PRODUCTS],
            "name": [p[1] for p in PRODUCTS],
            "list_price": pa.array([p[2] for p in PRODUCTS]).cast(pa.decimal128(12, 2)),
        }
    )


def crm_tables(pop: Population) -> dict[str, pa.Table]:
    """Every CRM table, by name."""
    rng = draws.stream(pop.seed, "crm")
    contacts = _contacts(rng, pop)
    return {
        "contacts": contacts.table,
        "tickets": tickets_table(draws.stream(pop.seed, "tickets"), pop, contacts.table, contacts.consumer),
        "segments": _segments(rng, pop, contacts),
        "web_visits": web_visits_table(
            draws.stream(pop.seed, "web_visits"), pop, contacts.table, contacts.consumer
        ),
        "products": _products(),
    }
