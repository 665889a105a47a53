"""Values as text, so that a value reads the same whichever store kind holds it.

A date-time is one ISO text whether a driver hands back a datetime, a CSV holds
`2025-09-03 01:53:38` or SQLite `2025-09-03 01:53:38.000000`; a number is its digits (an integer
key stored as text reads as the integer did); everything else is str(). NULL stays None.

A deletion's pseudonym (`deleted-` and 12 hex digits, pipelines/rights/changes/deletion_plan.py)
is a hash of the table's and column's names and the row's key, so a mutation that renames them or
makes the key text changes it: every pseudonym reads as one text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

_PSEUDONYM = re.compile(r"^deleted-[0-9a-f]{12}$")
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d:?\d\d)?$")


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, str) and _PSEUDONYM.match(value):
        return "deleted-(pseudonym)"
    if isinstance(value, str) and _DATETIME.match(value):
        return dt.datetime.fromisoformat(value).isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def key_text(values: Iterable[Any]) -> str:
    """A row's key (its key columns' values, in order) as one text."""
    return json.dumps([as_text(v) for v in values])
