"""Small pools of names, streets, companies and job titles, made once per build by a seeded Faker.

Rows then draw from these pools by index (numpy), never by calling Faker once per row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
from faker import Faker

EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "proton.me", "aol.com")
EMAIL_DOMAIN_WEIGHTS = (40, 15, 14, 12, 8, 6, 5)


@dataclass(frozen=True)
class FakerPools:
    first_names: pa.Array
    last_names: pa.Array
    streets: pa.Array
    companies: pa.Array
    company_domains: pa.Array  # aligned with companies
    job_titles: pa.Array
    handles: pa.Array  # user-name stems for SNS handles and login names


def _distinct(draw: Callable[[], str], count: int) -> list[str]:
    seen: dict[str, None] = {}
    for _ in range(count * 3):
        seen.setdefault(draw(), None)
        if len(seen) == count:
            break
    return list(seen)


def _domain(company: str) -> str:
    words = re.findall(r"[a-z]+", company.lower())
    stem = "".join(w for w in words if w not in {"and", "inc", "llc", "ltd", "plc", "group", "sons"})
    return f"{stem[:24] or 'company'}.com"


def build_pools(seed: int) -> FakerPools:
    fake = Faker("en_US")
    fake.seed_instance(seed)
    companies = _distinct(fake.company, 400)
    return FakerPools(
        first_names=pa.array(_distinct(fake.first_name, 600)),
        last_names=pa.array(_distinct(fake.last_name, 900)),
        streets=pa.array(_distinct(fake.street_address, 3000)),
        companies=pa.array(companies),
        company_domains=pa.array([_domain(c) for c in companies]),
        job_titles=pa.array(_distinct(fake.job, 300)),
        handles=pa.array(_distinct(fake.user_name, 2000)),
    )
