"""The billing store's rows: customers, console accounts, plans, SIMs, subscriptions and devices.

Payment methods, invoices and payments are in `ledger`. Tables are Arrow tables whose columns are
exactly those of `billing_schema.BILLING`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from pipelines.demo_estate import draws
from pipelines.demo_estate.identities import Population
from pipelines.demo_estate.ledger import ledger_tables

BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
ARGON2_SHARE = 0.15


@dataclass(frozen=True)
class Plan:
    sku: str  # a decoy: looks like a code, is a catalogue entry
    name: str
    monthly_fee: float
    data_allowance_mb: int | None
    weight: float
    wearable: bool = False


PLANS = (
    Plan("PLN-IOT-100MB", "IoT Basic 100 MB", 2.00, 100, 25),
    Plan("PLN-IOT-500MB", "IoT Standard 500 MB", 5.00, 500, 25),
    Plan("PLN-IOT-1GB", "IoT 1 GB", 8.00, 1024, 18),
    Plan("PLN-IOT-5GB", "IoT 5 GB", 20.00, 5120, 8),
    Plan("PLN-LTEM-10MB", "LTE-M Low Power 10 MB", 1.00, 10, 14),
    Plan("PLN-IOT-PAYG", "Pay as you go", 0.40, None, 10),
    Plan("PLN-WEAR-FAM", "Family Wearable", 4.00, 250, 0, wearable=True),
)


def _customers(pop: Population) -> pa.Table:
    people = pop.consumers
    return pa.table(
        {
            "id": pop.customer_id,
            "first_name": people.first_name,
            "last_name": people.last_name,
            "email": people.email,
            "phone": people.phone,
            "street_address": people.street_address,
            "city": people.city,
            "state": people.state,
            "postal_code": people.postal_code,
            "date_of_birth": pop.date_of_birth,
            "created_at": people.created_at,
        }
    )


def _password_hashes(rng: np.random.Generator, n: int) -> pa.Array:
    """Well-formed fakes: bcrypt ($2b$12$ + 53 chars) for most, argon2id for some."""
    bcrypt = draws.join("$2b$12$", draws.random_strings(rng, n, 53, BCRYPT_ALPHABET))
    salt = draws.random_strings(rng, n, 22, BASE64_ALPHABET)
    digest = draws.random_strings(rng, n, 43, BASE64_ALPHABET)
    argon2 = draws.join("$argon2id$v=19$m=65536,t=3,p=4$", salt, "$", digest)
    return pc.if_else(pa.array(rng.random(n) < ARGON2_SHARE), argon2, bcrypt)


def _accounts(rng: np.random.Generator, pop: Population) -> pa.Table:
    people = pop.consumers
    n = len(people)
    initial_last = pc.utf8_lower(
        draws.join(pc.utf8_slice_codeunits(people.first_name, 0, 1), people.last_name)
    )
    handle = draws.pick(rng, pop.pools.handles, n)
    stem = pc.if_else(pa.array(rng.random(n) < 0.5), initial_last, handle)
    last_login = draws.uniform_times(rng, people.created_at, np.datetime64(pop.as_of, "s"))
    never = rng.random(n) < 0.05
    return pa.table(
        {
            "id": pop.customer_id,
            "customer_id": pop.customer_id,
            "login_name": draws.make_distinct(stem),
            "password_hash": _password_hashes(rng, n),
            "created_at": people.created_at,
            "last_login_at": draws.with_mask(pa.array(last_login), ~never),
        }
    )


def _plans() -> pa.Table:
    return pa.table(
        {
            "id": np.arange(1, len(PLANS) + 1, dtype=np.int64),
            "sku": [p.sku for p in PLANS],
            "name": [p.name for p in PLANS],
            "monthly_fee": pa.array([p.monthly_fee for p in PLANS]).cast(pa.decimal128(12, 2)),
            "data_allowance_mb": pa.array([p.data_allowance_mb for p in PLANS], pa.int64()),
        }
    )


def _sims(pop: Population) -> pa.Table:
    sims = pop.sims
    return pa.table(
        {
            "id": sims.id,
            "customer_id": pop.customer_id[sims.customer_index],
            "iccid": sims.iccid,
            "imsi": sims.imsi,
            "msisdn": sims.msisdn,
            "status": sims.status,
            "activated_at": sims.activated_at,
        }
    )


def _devices(pop: Population) -> pa.Table:
    devices = pop.devices
    return pa.table(
        {
            "id": pop.sims.id,
            "sim_id": pop.sims.id,
            "imei": devices.imei,
            "model": devices.model,
            "firmware_version": devices.firmware_version,
        }
    )


def _plan_per_sim(rng: np.random.Generator, pop: Population) -> NDArray[np.int64]:
    """Plan index of each SIM's current subscription; children's watches are on the family plan."""
    plan = draws.weighted_index(rng, [p.weight for p in PLANS], len(pop.sims))
    plan[pop.is_child[pop.sims.customer_index]] = next(i for i, p in enumerate(PLANS) if p.wearable)
    return plan


def _plan_changes(
    rng: np.random.Generator, activated: NDArray[np.datetime64], today: np.datetime64
) -> tuple[NDArray[np.int64], NDArray[np.datetime64]]:
    """SIMs (rows) that changed plan at least 30 days after activation, and the day they did."""
    changed = np.flatnonzero(
        (rng.random(len(activated)) < 0.2) & (today - activated > np.timedelta64(60, "D"))
    )
    earliest = np.asarray(activated[changed] + np.timedelta64(30, "D"), dtype="datetime64[D]")
    return changed, draws.uniform_times(rng, earliest, today).astype("datetime64[D]")


def _subscriptions(rng: np.random.Generator, pop: Population) -> tuple[pa.Table, NDArray[np.float64]]:
    """Each SIM's current subscription, and an earlier one on another plan for those that changed.

    Also returns each consumer's monthly fee (the sum over their SIMs' current plans)."""
    sims, today = pop.sims, np.datetime64(pop.as_of, "D")
    activated = sims.activated_at.astype("datetime64[D]")
    plan = _plan_per_sim(rng, pop)
    changed, switch = _plan_changes(rng, activated, today)
    others = len(PLANS) - 1  # the family plan is last: nobody changes from it
    earlier_plan = (plan[changed] + rng.integers(1, others, len(changed))) % others
    start = activated.copy()
    start[changed] = switch
    status = sims.status.to_numpy(zero_copy_only=False)
    ended = status == "terminated"
    end = np.where(
        ended, draws.uniform_times(rng, start, today).astype("datetime64[D]"), np.datetime64("NaT")
    )
    sim_row = np.concatenate([changed, np.arange(len(sims))])
    table = pa.table(
        {
            "customer_id": pop.customer_id[sims.customer_index[sim_row]],
            "plan_id": np.concatenate([earlier_plan, plan]) + 1,
            "sim_id": sims.id[sim_row],
            "started_at": np.concatenate([activated[changed], start]),
            "ended_at": pa.array(np.concatenate([switch, end])),
            "status": np.concatenate([np.full(len(changed), "ended"), np.where(ended, "ended", status)]),
        }
    ).sort_by([("sim_id", "ascending"), ("started_at", "ascending")])
    fees = np.array([p.monthly_fee for p in PLANS])
    monthly_fee = np.bincount(sims.customer_index, weights=fees[plan], minlength=len(pop.consumers))
    ids = pa.array(np.arange(1, len(table) + 1, dtype=np.int64))
    return table.add_column(0, "id", ids), np.asarray(monthly_fee, dtype=np.float64)


def billing_tables(pop: Population) -> dict[str, pa.Table]:
    """Every billing table, by name."""
    rng = draws.stream(pop.seed, "billing")
    subscriptions, monthly_fee = _subscriptions(rng, pop)
    tables = {
        "customers": _customers(pop),
        "accounts": _accounts(rng, pop),
        "plans": _plans(),
        "sims": _sims(pop),
        "subscriptions": subscriptions,
        "devices": _devices(pop),
    }
    return tables | ledger_tables(draws.stream(pop.seed, "ledger"), pop, monthly_fee)
