"""What contacts did: support tickets (free text naming the person and often their SIM) and web visits
(cookies, pages including console pages that carry an IMSI, browsers)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from pipelines.demo_estate import draws
from pipelines.demo_estate.identities import Population

TICKETS_PER_CUSTOMER = 0.6
VISITS_PER_CONTACT = 4
# (subject, what the SIM does): the body says "<SIM or IMSI ...> <what it does>"
PROBLEMS = (
    ("SIM not attaching", "stopped attaching since Monday."),
    ("No data", "shows no data sessions since the firmware update."),
    ("Slow connection", "keeps dropping to 2G in the afternoon."),
    ("SIM suspended", "was suspended without any notice."),
    ("Roaming issue", "is roaming on the wrong network."),
    ("Unexpected usage", "used far more data than expected this month."),
    ("SMS not delivered", "does not receive SMS from our server."),
)
# (subject, question): tickets that mention nothing personal
QUESTIONS = (
    ("API question", "is there an API to change the speed class of many SIMs at once?"),
    ("Invoice copy", "how do I download last month's invoice as a PDF?"),
    ("Coverage", "does the LTE-M plan work in Canada and Mexico?"),
    ("Pricing", "can you explain how SMS are priced on the IoT plans?"),
    ("Latency", "what latency should we expect to the us-west region?"),
)
PAGES = (
    *("/", "/pricing", "/products/iot-sim", "/products/lte-m", "/docs/getting-started"),
    *(
        "/blog/lte-m-vs-nb-iot",
        "/contact",
        "/console/login",
        "/console/billing",
        "/console/sims",
        "/support/faq",
    ),
)
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.6367.82 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
)


def _sim_of(rng: np.random.Generator, pop: Population, consumer: NDArray[np.int64]) -> pa.Array:
    """One of each consumer's SIM rows."""
    owners = pop.sims.customer_index
    first = np.searchsorted(owners, consumer, side="left")
    count = np.searchsorted(owners, consumer, side="right") - first
    return pa.array(first + (rng.random(len(consumer)) * count).astype(np.int64))


def _end_of_day(pop: Population) -> np.datetime64:
    return np.datetime64(pop.as_of, "s") + np.timedelta64(86_399, "s")


def _numbered(table: pa.Table, time_column: str) -> pa.Table:
    table = table.sort_by(time_column)
    return table.add_column(0, "id", pa.array(np.arange(1, len(table) + 1, dtype=np.int64)))


def tickets_table(
    rng: np.random.Generator, pop: Population, contacts: pa.Table, consumer: NDArray[np.int64]
) -> pa.Table:
    """Tickets of customers; most bodies name the person, their email and their SIM's ICCID or IMSI."""
    customers = np.flatnonzero(consumer >= 0)
    n = round(len(customers) * TICKETS_PER_CUSTOMER)
    who = customers[rng.integers(0, max(len(customers), 1), n)] if len(customers) else np.empty(0, np.int64)
    name, email = contacts["full_name"].take(pa.array(who)), contacts["email"].take(pa.array(who))
    sim = _sim_of(rng, pop, consumer[who])
    sim_ref = pc.if_else(
        pa.array(rng.random(n) < 0.5),
        draws.join("SIM ", pop.sims.iccid.take(sim)),
        draws.join("IMSI ", pop.sims.imsi.take(sim)),
    )
    problem, question = rng.integers(0, len(PROBLEMS), n), rng.integers(0, len(QUESTIONS), n)
    sentence = pa.array([p[1] for p in PROBLEMS]).take(pa.array(problem))
    bodies = [
        draws.join("Hi, this is ", name, " (", email, "). ", sim_ref, " ", sentence, " Can you check?"),
        draws.join("Hello, my ", sim_ref, " ", sentence, " Thanks, ", name),
        draws.join(name, " here, account ", email, ". Please look at ", sim_ref, ": it ", sentence),
        draws.join("Hi team, ", pa.array([q[1] for q in QUESTIONS]).take(pa.array(question))),
    ]
    template = pa.array(draws.weighted_index(rng, (40, 25, 15, 20), n))
    subjects = [pa.array([p[0] for p in PROBLEMS]).take(pa.array(problem))] * 3
    subjects.append(pa.array([q[0] for q in QUESTIONS]).take(pa.array(question)))
    opened = draws.uniform_times(rng, contacts["created_at"].to_numpy()[who], _end_of_day(pop))
    rows = pa.table(
        {
            "contact_id": contacts["id"].take(pa.array(who)),
            "opened_at": opened,
            "subject": pc.choose(template, *subjects),
            "body": pc.choose(template, *bodies),
        }
    )
    return _numbered(rows, "opened_at")


def _cookies(rng: np.random.Generator, contacts: pa.Table) -> pa.Array:
    """One cookie per contact: a v4 UUID or a Google Analytics client id (GA1.2.<random>.<epoch>)."""
    n = len(contacts)
    chars = draws.random_chars(rng, n, 36, draws.HEX)
    chars[:, [8, 13, 18, 23]] = ord("-")
    chars[:, 14] = ord("4")
    chars[:, 19] = np.frombuffer(b"89ab", np.uint8)[rng.integers(0, 4, n)]
    epoch = contacts["created_at"].to_numpy().astype("datetime64[s]").astype(np.int64)
    ga = draws.join("GA1.2.", draws.numbers_as_strings(rng.integers(10**8, 2**31, n)), ".")
    ga = draws.join(ga, draws.numbers_as_strings(epoch))
    return pc.if_else(pa.array(rng.random(n) < 0.6), draws.chars_to_strings(chars), ga)


def web_visits_table(
    rng: np.random.Generator, pop: Population, contacts: pa.Table, consumer: NDArray[np.int64]
) -> pa.Table:
    """A few visits per contact, each with the contact's cookie and browser; customers also open
    console pages of their own SIMs (/console/sims/<IMSI>)."""
    who = np.repeat(np.arange(len(contacts), dtype=np.int64), rng.poisson(VISITS_PER_CONTACT, len(contacts)))
    n, take = len(who), pa.array(who)
    sim_page = (consumer[who] >= 0) & (rng.random(n) < 0.25)
    sim = _sim_of(rng, pop, np.maximum(consumer[who], 0))
    path = pc.if_else(
        pa.array(sim_page), draws.join("/console/sims/", pop.sims.imsi.take(sim)), draws.pick(rng, PAGES, n)
    )
    visited = draws.uniform_times(rng, contacts["created_at"].to_numpy()[who], _end_of_day(pop))
    rows = pa.table(
        {
            "contact_id": contacts["id"].take(take),
            "cookie_id": _cookies(rng, contacts).take(take),
            "url_path": path,
            "user_agent": draws.pick(rng, USER_AGENTS, len(contacts)).take(take),
            "visited_at": visited,
        }
    )
    return _numbered(rows, "visited_at")
