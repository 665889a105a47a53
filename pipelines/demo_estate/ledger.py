"""What consumers pay with and what they paid: payment methods, monthly invoices, payments.

Invoices are issued on the first of each month for up to 24 months before `as_of` (never before the
consumer signed up); their order numbers are a decoy: 16 digits that FAIL the Luhn check.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from pipelines.demo_estate import draws
from pipelines.demo_estate.checksums import without_luhn
from pipelines.demo_estate.financial_accounts import draw_cards, draw_ibans
from pipelines.demo_estate.identities import Population

INVOICE_MONTHS = 24
CARD_SHARE = 0.75
CURRENCY = "USD"


def _payment_methods(rng: np.random.Generator, pop: Population) -> tuple[pa.Table, NDArray[np.int64]]:
    """One or two methods per consumer (card or bank transfer); also each consumer's default method row."""
    people = pop.consumers
    count = 1 + (rng.random(len(people)) < 0.2)
    owner = np.repeat(np.arange(len(people), dtype=np.int64), count)
    n = len(owner)
    card = pa.array(rng.random(n) < CARD_SHARE)
    cards = draw_cards(rng, n, pop.as_of)
    iban = draw_ibans(rng, n)
    take = pa.array(owner)
    full_name = draws.join(people.first_name.take(take), " ", people.last_name.take(take))
    table = pa.table(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "customer_id": pop.customer_id[owner],
            "method": pc.if_else(card, "card", "bank_transfer"),
            "card_number": pc.if_else(card, cards.number, None),
            "card_expiry": pc.if_else(card, cards.expiry, None),
            "card_last4": pc.if_else(card, cards.last4, None),
            "iban": pc.if_else(card, None, iban),
            "holder_name": pc.if_else(card, pc.utf8_upper(full_name), full_name),
        }
    )
    first_row = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    return table, first_row


def _invoice_months(pop: Population) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(consumer row, month number since 1970-01) of every invoice."""
    this_month = np.datetime64(pop.as_of, "M").astype(np.int64)
    signed_up = pop.consumers.created_at.astype("datetime64[M]").astype(np.int64)
    first = np.maximum(signed_up + 1, this_month - INVOICE_MONTHS + 1)
    count = np.maximum(this_month - first + 1, 0)
    owner = np.repeat(np.arange(len(count), dtype=np.int64), count)
    offset = np.arange(len(owner)) - np.repeat(np.cumsum(count) - count, count)
    return owner, first[owner] + offset


def _invoice_status(rng: np.random.Generator, latest: NDArray[np.bool_]) -> NDArray[np.str_]:
    older = np.array(["paid", "overdue", "void"])[draws.weighted_index(rng, (97, 2, 1), len(latest))]
    return np.where(latest & (rng.random(len(latest)) < 0.6), "open", older)


def _order_numbers(rng: np.random.Generator, n: int) -> pa.Array:
    serial = draws.unique_integers(rng, 9 * 10**14, n) + 10**14
    return draws.digits_to_strings(without_luhn(draws.to_digits(serial, 15), rng))


def _invoices(
    rng: np.random.Generator, pop: Population, monthly_fee: NDArray[np.float64]
) -> tuple[pa.Table, NDArray[np.int64]]:
    owner, month = _invoice_months(pop)
    n = len(owner)
    issued = month.astype("datetime64[M]").astype("datetime64[s]") + rng.integers(3 * 3600, 6 * 3600, n)
    order = np.argsort(issued, kind="stable")
    owner, month, issued = owner[order], month[order], issued[order]
    cents = np.maximum(np.round(monthly_fee[owner] * rng.lognormal(0.0, 0.15, n) * 100), 50)
    this_month = np.datetime64(pop.as_of, "M").astype(np.int64)
    table = pa.table(
        {
            "id": np.arange(1, n + 1, dtype=np.int64),
            "customer_id": pop.customer_id[owner],
            "order_number": _order_numbers(rng, n),
            "issued_at": issued,
            "amount": pa.array(cents / 100).cast(pa.decimal128(12, 2)),
            "currency": pa.array(np.full(n, CURRENCY)),
            "status": _invoice_status(rng, month == this_month),
        }
    )
    return table, owner


def _payments(
    rng: np.random.Generator,
    pop: Population,
    invoices: pa.Table,
    owner: NDArray[np.int64],
    default_method: pa.Table,
) -> pa.Table:
    """One payment per paid invoice, a few days later, with the consumer's default payment method
    (`default_method` holds one payment_methods row per consumer)."""
    paid = np.flatnonzero(invoices["status"].to_numpy(zero_copy_only=False) == "paid")
    issued = invoices["issued_at"].to_numpy()[paid].astype("datetime64[s]")
    delay = (3600 + rng.exponential(4 * 86_400, len(paid))).astype("timedelta64[s]")
    last_second = np.datetime64(pop.as_of, "s") + np.timedelta64(86_399, "s")
    paid_at = np.minimum(issued + delay, last_second)
    order = np.argsort(paid_at, kind="stable")
    paid, paid_at = paid[order], paid_at[order]
    consumer = pa.array(owner[paid])
    return pa.table(
        {
            "id": np.arange(1, len(paid) + 1, dtype=np.int64),
            "invoice_id": invoices["id"].take(pa.array(paid)),
            "payment_method_id": default_method["id"].take(consumer),
            "paid_at": paid_at,
            "amount": invoices["amount"].take(pa.array(paid)),
            "currency": invoices["currency"].take(pa.array(paid)),
            "method": default_method["method"].take(consumer),
        }
    )


def ledger_tables(
    rng: np.random.Generator, pop: Population, monthly_fee: NDArray[np.float64]
) -> dict[str, pa.Table]:
    methods, default_method = _payment_methods(rng, pop)
    invoices, owner = _invoices(rng, pop, monthly_fee)
    return {
        "payment_methods": methods,
        "invoices": invoices,
        "payments": _payments(rng, pop, invoices, owner, methods.take(pa.array(default_method))),
    }
