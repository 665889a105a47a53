"""Check digits of the numbers the estate holds: Luhn (ICCID, IMEI, card numbers) and IBAN mod-97.

All vectorised over a (rows, width) matrix of digits or ASCII codes. The estate's decoys use the
same functions the other way round: order numbers are made to FAIL Luhn.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from pipelines.demo_estate.draws import Digits, constant_digits, to_digits


def _luhn_sum(digits: Digits, doubled_from_right: int) -> NDArray[np.int64]:
    width = digits.shape[1]
    from_right = np.arange(width - 1, -1, -1)
    values = digits.astype(np.int64)
    doubled = np.where(from_right % 2 == doubled_from_right, values * 2, values)
    return np.asarray(np.where(doubled > 9, doubled - 9, doubled).sum(axis=1), dtype=np.int64)


def luhn_check_digit(payload: Digits) -> Digits:
    """The digit that, appended to each row of `payload`, makes the number pass Luhn."""
    return ((10 - _luhn_sum(payload, 0) % 10) % 10).astype(np.uint8)


def luhn_valid(number: Digits) -> NDArray[np.bool_]:
    return np.asarray(_luhn_sum(number, 1) % 10 == 0)


def with_luhn(payload: Digits) -> Digits:
    return np.hstack([payload, luhn_check_digit(payload)[:, None]])


def without_luhn(payload: Digits, rng: np.random.Generator) -> Digits:
    """`payload` plus a last digit that is deliberately NOT the Luhn check digit."""
    wrong = (luhn_check_digit(payload) + rng.integers(1, 10, len(payload))) % 10
    return np.hstack([payload, wrong.astype(np.uint8)[:, None]])


def luhn_numbers(prefix: str, serials: NDArray[np.int64], width: int) -> Digits:
    """`prefix` + zero-padded serial + Luhn check digit, `width` digits in all."""
    body = to_digits(serials, width - len(prefix) - 1)
    return with_luhn(np.hstack([constant_digits(prefix, len(serials)), body]))


def _mod97(chars: NDArray[np.uint8]) -> NDArray[np.int64]:
    """ISO 7064 mod 97-10 of rows of ASCII digits and upper-case letters (A=10 ... Z=35)."""
    remainder = np.zeros(len(chars), dtype=np.int64)
    for column in chars.T:
        letter = column >= ord("A")
        value = np.where(letter, column.astype(np.int64) - ord("A") + 10, column.astype(np.int64) - ord("0"))
        remainder = (remainder * np.where(letter, 100, 10) + value) % 97
    return remainder


def iban_check_digits(country: str, bban: NDArray[np.uint8]) -> Digits:
    """The two IBAN check digits of each row of `bban` (ASCII codes) for `country`."""
    tail = np.frombuffer(f"{country}00".encode(), dtype=np.uint8)
    rearranged = np.hstack([bban, np.broadcast_to(tail, (len(bban), 4))])
    return to_digits(98 - _mod97(rearranged), 2)


def iban_valid(iban: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """Rows of ASCII IBANs (one country, no spaces) whose check digits are right."""
    rearranged = np.hstack([iban[:, 4:], iban[:, :4]])
    return np.asarray(_mod97(rearranged) == 1)


def french_rib_key(bank: NDArray[np.int64], branch: NDArray[np.int64], account: NDArray[np.int64]) -> Digits:
    """The 2-digit 'clé RIB' closing a French BBAN (all-digit account numbers)."""
    return to_digits(97 - (89 * bank + 15 * branch + 3 * account) % 97, 2)
