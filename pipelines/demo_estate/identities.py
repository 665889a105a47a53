"""The shared population behind every store: consumers, CRM-only prospects, and their SIMs and devices.

Billing, device logs and the CRM all draw from one `Population`, so the same person has the same
name, email, phone, IMSI and ICCID everywhere. Deterministic for (seed, as_of): identifiers and
values depend on the seed only; dates are offsets from `as_of`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from pipelines.demo_estate import draws
from pipelines.demo_estate.devices import Devices, draw_devices
from pipelines.demo_estate.places import CITIES, city_column, city_weights
from pipelines.demo_estate.pools import EMAIL_DOMAIN_WEIGHTS, EMAIL_DOMAINS, FakerPools, build_pools
from pipelines.demo_estate.sims import Sims, draw_sims

EARLIEST = dt.date(2022, 1, 1)  # nothing in the estate is older: the law's look-back floor
CHILD_SHARE = 0.005  # consumers under 16: family wearables
SIMS_PER_CONSUMER = 1.3
PROSPECT_SHARE = 0.10


@dataclass(frozen=True)
class People:
    """Consumers (billing customers) or prospects (known to the CRM only); one row per person."""

    first_name: pa.Array
    last_name: pa.Array
    email: pa.Array
    phone: pa.Array  # E.164, +1...
    street_address: pa.Array
    city_index: NDArray[np.int64]
    postal_code: pa.Array
    created_at: NDArray[np.datetime64]

    def __len__(self) -> int:
        return len(self.first_name)

    def take(self, rows: NDArray[np.int64]) -> People:
        """The people at `rows`, in that order."""
        index = pa.array(rows)
        return People(
            first_name=self.first_name.take(index),
            last_name=self.last_name.take(index),
            email=self.email.take(index),
            phone=self.phone.take(index),
            street_address=self.street_address.take(index),
            city_index=self.city_index[rows],
            postal_code=self.postal_code.take(index),
            created_at=self.created_at[rows],
        )

    @property
    def city(self) -> pa.Array:
        return city_column("name", self.city_index)

    @property
    def state(self) -> pa.Array:
        return city_column("state", self.city_index)


@dataclass(frozen=True)
class Population:
    seed: int
    as_of: dt.date
    pools: FakerPools
    consumers: People
    date_of_birth: NDArray[np.datetime64]  # per consumer
    operator_id: pa.Array  # per consumer: the console account that calls the API
    prospects: People
    prospect_company: NDArray[np.int64]  # index into pools.companies: where each prospect works
    sims: Sims
    devices: Devices  # one per SIM, same order

    @property
    def is_child(self) -> NDArray[np.bool_]:
        """Consumers under 16 on `as_of`."""
        return under_16(self.date_of_birth, self.as_of)

    @property
    def customer_id(self) -> NDArray[np.int64]:
        return np.arange(1, len(self.consumers) + 1, dtype=np.int64)


def under_16(date_of_birth: NDArray[np.datetime64], as_of: dt.date) -> NDArray[np.bool_]:
    """Born less than 16 years before `as_of` (a 29 February birthday counts on 28 February)."""
    try:
        cutoff = as_of.replace(year=as_of.year - 16)
    except ValueError:
        cutoff = dt.date(as_of.year - 16, 2, 28)
    return np.asarray(date_of_birth > np.datetime64(cutoff, "D"))


def earliest_day(as_of: dt.date, years: int) -> dt.date:
    return max(EARLIEST, as_of - dt.timedelta(days=365 * years))


def _emails(rng: np.random.Generator, first: pa.Array, last: pa.Array, domain: pa.Array) -> pa.Array:
    """Addresses like jane.roe / janeroe / jroe / jane_roe (+ digits), some written in mixed case."""
    n = len(first)
    initial = pc.utf8_slice_codeunits(first, 0, 1)
    shapes = [draws.join(first, ".", last), draws.join(first, last), draws.join(initial, last)]
    shapes.append(draws.join(first, "_", last))
    local = pc.choose(pa.array(rng.integers(0, len(shapes), n)), *shapes)
    digits = draws.numbers_as_strings(rng.integers(1, 2000, n))
    local = draws.join(local, pc.fill_null(draws.with_mask(digits, rng.random(n) < 0.4), ""))
    mixed = rng.random(n) < 0.12
    local = pc.if_else(pa.array(mixed), local, pc.utf8_lower(local))
    return draws.make_distinct(local, draws.join("@", domain))


def _phones(area_code: pa.Array, local: NDArray[np.int64]) -> pa.Array:
    return draws.join("+1", area_code, draws.numbers_as_strings(local))


def _people(
    rng: np.random.Generator,
    pools: FakerPools,
    local_numbers: NDArray[np.int64],
    email_domains: pa.Array,
    since: dt.date,
    as_of: dt.date,
) -> People:
    """One person per local phone number, signed up between `since` and `as_of`."""
    n = len(local_numbers)
    city_index = rng.choice(len(CITIES), size=n, p=city_weights()).astype(np.int64)
    zip_tail = draws.digits_to_strings(draws.to_digits(rng.integers(0, 100, n), 2))
    first_name, last_name = draws.pick(rng, pools.first_names, n), draws.pick(rng, pools.last_names, n)
    return People(
        first_name=first_name,
        last_name=last_name,
        email=_emails(rng, first_name, last_name, email_domains),
        phone=_phones(city_column("area_code", city_index), local_numbers),
        street_address=draws.pick(rng, pools.streets, n),
        city_index=city_index,
        postal_code=draws.join(city_column("zip3", city_index), zip_tail),
        created_at=draws.uniform_times(rng, np.full(n, np.datetime64(since, "s")), np.datetime64(as_of, "s")),
    )


def _dates_of_birth(rng: np.random.Generator, n: int, as_of: dt.date) -> NDArray[np.datetime64]:
    """Adults of 18 to 85, and a few children of 6 to 15 (at least one) wearing family watches."""
    age_days = rng.integers(18 * 365 + 5, 85 * 365, n)
    children = rng.choice(n, size=min(n, max(1, round(n * CHILD_SHARE))), replace=False)
    age_days[children] = rng.integers(6 * 365 + 5, 16 * 365 - 5, len(children))
    return draws.days(as_of, -age_days)


def build_population(seed: int, consumers: int, as_of: dt.date) -> Population:
    """`consumers` billing customers (with SIMs and devices) and about 10% more CRM-only prospects."""
    if as_of < EARLIEST + dt.timedelta(days=31):
        raise ValueError(f"as_of must be on or after {EARLIEST + dt.timedelta(days=31)}")
    rng = draws.stream(seed, "population")
    pools = build_pools(seed)
    n_prospects = round(consumers * PROSPECT_SHARE)
    # One draw of distinct 7-digit local numbers: no two phones or MSISDNs of the estate collide.
    local = draws.unique_integers(rng, 8_000_000, consumers * 5 + n_prospects + 8) + 2_000_000
    free_mail = pa.array(EMAIL_DOMAINS).take(draws.weighted_index(rng, EMAIL_DOMAIN_WEIGHTS, consumers))
    people = _people(rng, pools, local[:consumers], free_mail, earliest_day(as_of, 3), as_of)
    company = rng.integers(0, len(pools.companies), n_prospects)
    work_mail = pools.company_domains.take(pa.array(company))
    prospect_numbers = local[consumers : consumers + n_prospects]
    prospects = _people(rng, pools, prospect_numbers, work_mail, earliest_day(as_of, 2), as_of)
    date_of_birth = _dates_of_birth(rng, consumers, as_of)
    operator = draws.digits_to_strings(draws.to_digits(draws.unique_integers(rng, 10**10, consumers), 10))
    sim_numbers = local[consumers + n_prospects :]
    sims = draw_sims(draws.stream(seed, "sims"), people, SIMS_PER_CONSUMER - 1, sim_numbers, as_of)
    child = under_16(date_of_birth, as_of)
    return Population(
        seed=seed,
        as_of=as_of,
        pools=pools,
        consumers=people,
        date_of_birth=date_of_birth,
        operator_id=draws.join("OP", operator),
        prospects=prospects,
        prospect_company=company,
        sims=sims,
        devices=draw_devices(draws.stream(seed, "devices"), child[sims.customer_index]),
    )
