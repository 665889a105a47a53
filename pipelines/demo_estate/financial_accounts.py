"""Card numbers (real IIN ranges, Luhn-valid) and IBANs (DE/GB/FR, mod-97-valid) of payment methods."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from pipelines.demo_estate import draws
from pipelines.demo_estate.checksums import french_rib_key, iban_check_digits, luhn_numbers


@dataclass(frozen=True)
class CardRange:
    iin: str
    width: int  # 16 digits; American Express numbers have 15
    weight: float


CARD_RANGES = (
    CardRange("4", 16, 55),  # Visa
    *(CardRange(str(p), 16, 6.6) for p in range(51, 56)),  # Mastercard 51-55
    CardRange("34", 15, 4),  # American Express
    CardRange("37", 15, 8),
)
DE_BANKS = ("37040044", "10070000", "20041133", "50010517", "70020270", "12030000")
GB_BANKS = ("NWBK", "BARC", "HBUK", "LOYD", "MIDL")
FR_BANKS = ("30004", "30002", "20041", "10278", "30003")
IBAN_COUNTRIES = ("DE", "GB", "FR")
IBAN_WEIGHTS = (40, 35, 25)


@dataclass(frozen=True)
class Cards:
    number: pa.Array
    expiry: pa.Array  # MM/YY
    last4: pa.Array


def draw_cards(rng: np.random.Generator, n: int, as_of: dt.date) -> Cards:
    card_range = draws.weighted_index(rng, [r.weight for r in CARD_RANGES], n)
    groups = []
    for r, spec in enumerate(CARD_RANGES):
        rows = np.flatnonzero(card_range == r)
        serial = draws.unique_integers(rng, 10 ** (spec.width - len(spec.iin) - 1), len(rows))
        groups.append((rows, draws.digits_to_strings(luhn_numbers(spec.iin, serial, spec.width))))
    number = draws.scatter(groups, n)
    month = draws.digits_to_strings(draws.to_digits(rng.integers(1, 13, n), 2))
    year = draws.digits_to_strings(draws.to_digits(as_of.year % 100 + rng.integers(0, 6, n), 2))
    last4 = pc.utf8_slice_codeunits(number, -4)
    return Cards(number=number, expiry=draws.join(month, "/", year), last4=last4)


def _ascii(values: NDArray[np.int64], width: int) -> NDArray[np.uint8]:
    return draws.to_digits(values, width) + np.uint8(ord("0"))


def _bban(rng: np.random.Generator, country: str, n: int) -> NDArray[np.uint8]:
    """Basic bank account numbers of `country`, as (rows, width) ASCII matrices."""
    if country == "DE":
        bank = np.frombuffer("".join(DE_BANKS).encode(), np.uint8).reshape(len(DE_BANKS), 8)
        return np.hstack([bank[rng.integers(0, len(DE_BANKS), n)], _ascii(rng.integers(0, 10**10, n), 10)])
    if country == "GB":
        bank = np.frombuffer("".join(GB_BANKS).encode(), np.uint8).reshape(len(GB_BANKS), 4)
        sort_code, account = rng.integers(0, 10**6, n), rng.integers(0, 10**8, n)
        return np.hstack([bank[rng.integers(0, len(GB_BANKS), n)], _ascii(sort_code, 6), _ascii(account, 8)])
    bank_codes = np.array([int(b) for b in FR_BANKS], dtype=np.int64)[rng.integers(0, len(FR_BANKS), n)]
    branch, account = rng.integers(0, 10**5, n), rng.integers(0, 10**11, n)
    key = french_rib_key(bank_codes, branch, account) + np.uint8(ord("0"))
    return np.hstack([_ascii(bank_codes, 5), _ascii(branch, 5), _ascii(account, 11), key])


def draw_ibans(rng: np.random.Generator, n: int) -> pa.Array:
    country = draws.weighted_index(rng, IBAN_WEIGHTS, n)
    groups = []
    for c, code in enumerate(IBAN_COUNTRIES):
        rows = np.flatnonzero(country == c)
        bban = _bban(rng, code, len(rows))
        check = iban_check_digits(code, bban) + np.uint8(ord("0"))
        prefix = np.broadcast_to(np.frombuffer(code.encode(), np.uint8), (len(rows), 2))
        groups.append((rows, draws.chars_to_strings(np.hstack([prefix, check, bban]))))
    return draws.scatter(groups, n)
