"""Deadlines: business days (Monday-Friday, California's holidays), month and year ends, extension."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from pipelines.rights.requests import deadlines

D = dt.date


@pytest.mark.parametrize(
    ("request_type", "received", "confirm_by", "due"),
    [
        ("know", D(2026, 11, 2), D(2026, 11, 17), D(2026, 12, 17)),  # Veterans Day inside
        ("delete", D(2026, 12, 18), D(2027, 1, 5), D(2027, 2, 1)),  # Christmas, New Year; year end
        ("correct", D(2026, 1, 30), D(2026, 2, 13), D(2026, 3, 16)),  # month end, short February
        ("know-categories", D(2026, 12, 31), D(2027, 1, 15), D(2027, 2, 14)),  # received on year end
        ("know", D(2028, 2, 28), D(2028, 3, 13), D(2028, 4, 13)),  # leap day counts
        ("know", D(2026, 11, 21), D(2026, 12, 8), D(2027, 1, 5)),  # a Saturday; Thanksgiving
    ],
)
def test_confirm_and_answer_dates(request_type: str, received: D, confirm_by: D, due: D) -> None:
    assert deadlines.confirm_by(received, request_type) == confirm_by
    assert deadlines.due(received, request_type) == due


@pytest.mark.parametrize(
    ("request_type", "received", "due"),
    [
        ("opt-out", D(2026, 11, 20), D(2026, 12, 15)),  # Thanksgiving and the day after
        ("limit", D(2026, 12, 15), D(2027, 1, 7)),  # Christmas and New Year's Day
        ("opt-out", D(2026, 3, 20), D(2026, 4, 13)),  # Cesar Chavez Day (California)
    ],
)
def test_preference_requests_are_due_in_15_business_days(request_type: str, received: D, due: D) -> None:
    assert deadlines.due(received, request_type) == due
    assert deadlines.confirm_by(received, request_type) is None


@pytest.mark.parametrize(
    ("day", "business"),
    [(D(2026, 11, 11), False), (D(2026, 11, 27), False), (D(2026, 3, 31), False), (D(2026, 11, 30), True)],
)
def test_business_days(day: D, business: bool) -> None:
    assert deadlines.is_business_day(day) is business


def test_the_extension_adds_45_days_across_the_year_end() -> None:
    assert deadlines.extended(D(2026, 12, 17)) == D(2027, 1, 31)


def test_today_is_the_business_s_date() -> None:
    for zone in ("America/Los_Angeles", "Pacific/Kiritimati", "Pacific/Pago_Pago"):
        before = dt.datetime.now(ZoneInfo(zone)).date()
        assert deadlines.today(zone) in (before, before + dt.timedelta(days=1))
    # 14 + 11 hours apart: on one side of the date line it is always a different date than the other
    assert deadlines.today("Pacific/Kiritimati") != deadlines.today("Pacific/Pago_Pago")
    assert deadlines.days_left(D(2026, 12, 17), D(2026, 12, 1)) == 16
