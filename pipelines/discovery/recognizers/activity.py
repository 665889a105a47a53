"""Service usage: session timestamps and data volumes (network activity).

Neither can be decided from a value alone: ``2024-05-01T12:00:00Z`` may be a session start or an
invoice date, ``1048576`` a byte counter or a price in cents. Both recognizers give a low base
score and context words; the column classifier weighs them with the column's name and type.

Accepted forms
- TIMESTAMP: ISO 8601 date-time (``T`` or space, optional seconds, fraction and offset), RFC 1123
  (``Wed, 01 May 2024 12:34:56 GMT``), or a whole value of epoch seconds / milliseconds /
  microseconds between 2000 and 2100.
- DATA_VOLUME: a quantity with a byte unit (``512 KiB``, ``1.5 GB``, ``100MB``, ``2048 bytes``), or
  a whole value of digits (a counter column) as a bare candidate.
"""

from __future__ import annotations

from datetime import datetime

from presidio_analyzer import Pattern

from pipelines.discovery.recognizers.base import ValueRecognizer

_EPOCH_2000 = 946_684_800
_EPOCH_2100 = 4_102_444_800
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_CLOCK = r"\d{2}:\d{2}:\d{2}"


def _epoch_seconds(pattern_text: str) -> float:
    whole = pattern_text.split(".")[0]
    return float(pattern_text) / 10.0 ** (len(whole) - 10)


class TimestampRecognizer(ValueRecognizer):
    """A point in time, such as a data session's start or end."""

    ENTITY = "TIMESTAMP"
    PATTERNS = (
        Pattern(
            "ISO 8601 date-time",
            r"(?<![\w.-])\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?"
            r"(?:Z|[+-]\d{2}:?\d{2})?(?![\w:])",
            0.2,
        ),
        Pattern("RFC 1123", rf"\b{_DAY},\s\d{{2}}\s{_MONTH}\s\d{{4}}\s{_CLOCK}\s(?:GMT|UTC)\b", 0.2),
        Pattern("epoch (whole value)", r"^\d{10}(?:\d{3}|\d{6})?(?:\.\d{1,6})?$", 0.05),
    )
    CONTEXT = (
        *("session", "timestamp", "time", "started", "start", "ended"),
        *("login", "logout", "seen", "event"),
    )

    def invalidate_result(self, pattern_text: str) -> bool:
        if pattern_text[:1].isalpha():
            return False
        if ":" not in pattern_text:
            return not _EPOCH_2000 <= _epoch_seconds(pattern_text) < _EPOCH_2100
        try:
            datetime.fromisoformat(pattern_text.replace(",", "."))
        except ValueError:
            return True
        return False


class DataVolumeRecognizer(ValueRecognizer):
    """An amount of data transferred (a session's bytes up or down, a plan's allowance)."""

    ENTITY = "DATA_VOLUME"
    PATTERNS = (
        Pattern(
            "quantity + byte unit",
            r"(?<![\w.-])\d+(?:[.,]\d+)?\s?(?:[kmgtp]i?b|bytes?|octets?)(?![\w])",
            0.3,
        ),
        Pattern("counter (whole value)", r"^\d{1,15}$", 0.05),
    )
    CONTEXT = ("bytes", "octets", "volume", "usage", "uplink", "downlink", "traffic", "upload", "download")
