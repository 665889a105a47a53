"""Check digits against published examples, and the generators that rely on them."""

from __future__ import annotations

import numpy as np
import pytest

from pipelines.demo_estate import draws
from pipelines.demo_estate.checksums import (
    french_rib_key,
    iban_check_digits,
    iban_valid,
    luhn_numbers,
    luhn_valid,
    without_luhn,
)


def _digits(text: str) -> np.ndarray:
    return (np.frombuffer(text.encode(), dtype=np.uint8) - ord("0"))[None, :]


def _ascii(text: str) -> np.ndarray:
    return np.frombuffer(text.encode(), dtype=np.uint8)[None, :]


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("4111111111111111", True),  # Visa test card
        ("5555555555554444", True),  # Mastercard test card
        ("378282246310005", True),  # American Express test card
        ("490154203237518", True),  # IMEI example from 3GPP TS 23.003
        ("89014103211118510720", True),  # a published AT&T ICCID
        ("4111111111111112", False),
        ("490154203237517", False),
    ],
)
def test_luhn_valid_on_published_numbers(number: str, valid: bool) -> None:
    assert bool(luhn_valid(_digits(number))[0]) is valid


@pytest.mark.parametrize(
    ("iban", "valid"),
    [
        ("DE89370400440532013000", True),
        ("GB82WEST12345698765432", True),
        ("FR1420041010050500013M02606", True),
        ("DE89370400440532013001", False),
        ("GB83WEST12345698765432", False),
    ],
)
def test_iban_valid_on_published_numbers(iban: str, valid: bool) -> None:
    assert bool(iban_valid(_ascii(iban))[0]) is valid


@pytest.mark.parametrize(
    ("country", "bban", "check"),
    [("DE", "370400440532013000", "89"), ("GB", "WEST12345698765432", "82")],
)
def test_iban_check_digits(country: str, bban: str, check: str) -> None:
    digits = iban_check_digits(country, _ascii(bban))[0]
    assert "".join(str(d) for d in digits) == check


def test_french_rib_key_matches_the_published_iban() -> None:
    # FR14 20041 01005 0500013M026 06: the account's letter M counts as 4 in the RIB key
    key = french_rib_key(np.array([20041]), np.array([1005]), np.array([5000134026]))[0]
    assert "".join(str(d) for d in key) == "06"


@pytest.mark.parametrize(("prefix", "width"), [("89", 19), ("8901260", 20), ("35290611", 15), ("4", 16)])
def test_luhn_numbers_have_prefix_width_and_pass(prefix: str, width: int) -> None:
    serials = np.arange(0, 500, dtype=np.int64) * 7919
    numbers = luhn_numbers(prefix, serials, width)
    text = draws.digits_to_strings(numbers).to_pylist()
    assert all(len(t) == width and t.startswith(prefix) for t in text)
    assert luhn_valid(numbers).all()


def test_without_luhn_always_fails() -> None:
    rng = np.random.default_rng(1)
    payload = draws.to_digits(rng.integers(0, 10**15, 2000), 15)
    assert not luhn_valid(without_luhn(payload, rng)).any()
