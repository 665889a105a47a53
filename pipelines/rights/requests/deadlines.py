"""The legal dates of a request (11 CCR 7021, 7026): confirm, answer, extend; days left.

Business days are Monday to Friday except the holidays of `holidays.US(subdiv="CA")`. Every date is
a calendar date of the business's time zone, so "days left" does not drift with the hour of a run.
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

import holidays

CONFIRM_BUSINESS_DAYS = 10
ANSWER_DAYS = 45
EXTENSION_DAYS = 45
PREFERENCE_BUSINESS_DAYS = 15  # opt-out of sale/sharing, limit the use of sensitive PI
PREFERENCE_TYPES = ("opt-out", "limit")


@functools.cache
def _holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("US", subdiv="CA", years=year))


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_business_days(start: dt.date, days: int) -> dt.date:
    day = start
    while days:
        day += dt.timedelta(days=1)
        days -= is_business_day(day)
    return day


def confirm_by(received: dt.date, request_type: str) -> dt.date | None:
    """10 business days to confirm receipt; opt-out and limit are answered, not confirmed."""
    if request_type in PREFERENCE_TYPES:
        return None
    return add_business_days(received, CONFIRM_BUSINESS_DAYS)


def due(received: dt.date, request_type: str) -> dt.date:
    if request_type in PREFERENCE_TYPES:
        return add_business_days(received, PREFERENCE_BUSINESS_DAYS)
    return received + dt.timedelta(days=ANSWER_DAYS)


def extended(current_due: dt.date) -> dt.date:
    return current_due + dt.timedelta(days=EXTENSION_DAYS)


def today(timezone: str) -> dt.date:
    """Today's date where the business is (the estate's `timezone:`)."""
    return dt.datetime.now(ZoneInfo(timezone)).date()


def days_left(due_date: dt.date, on: dt.date) -> int:
    return (due_date - on).days
