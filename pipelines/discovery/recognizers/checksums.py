"""Digit checks shared by identifier recognizers: Luhn and filler detection."""

from __future__ import annotations


def digits_of(text: str) -> str:
    """The decimal digits of a matched value, separators and padding dropped."""
    return "".join(char for char in text if char.isdigit())


def luhn_valid(digits: str) -> bool:
    """True when a digit string passes the Luhn (mod 10) check, its last digit being the check."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return bool(digits) and total % 10 == 0


def is_repeated(digits: str) -> bool:
    """True for a filler value made of a single repeated digit (000000, 999999)."""
    return len(set(digits)) <= 1
