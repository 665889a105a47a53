"""Whether a column's values have the shape its name promises, computed over whole Arrow arrays.

A shape is looser than a recognizer: it does not prove a phone number, it says the values could
be phone numbers (digits and separators of a phone's length), so that a column named `phone`
holding 0/1 flags is not taken for one. Each check runs as vectorised Arrow compute (RE2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from mappings import FREE_TEXT

Kind = str  # "text" | "integer" | "float" | "temporal" | "bool"


@dataclass(frozen=True)
class Shape:
    regex: str | None = None  # full match, on the stripped text form
    kinds: frozenset[Kind] = frozenset({"text"})  # column kinds the entity may be stored as
    low: float | None = None  # numeric range, when the values read as numbers
    high: float | None = None
    max_distinct: int | None = None  # categorical: at most this many distinct values
    exclude: str | None = None  # full match of what the regex admits but the entity never is


def _shape(
    regex: str | None = None,
    kinds: str = "text",
    low: float | None = None,
    high: float | None = None,
    max_distinct: int | None = None,
    exclude: str | None = None,
) -> Shape:
    return Shape(regex, frozenset(kinds.split()), low, high, max_distinct, exclude)


_NUMBER = r"[-+]?\d+(\.\d+)?"
_DATE = (
    r"(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}([ T].*)?"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}(\s.*)?"
    r"|(?i:[a-z]{3,9})\.? \d{1,2},? \d{4}.*"
    r"|\d{1,2} (?i:[a-z]{3,9})\.? \d{4})"
)
_DECIMAL = r"[-+]?\d{1,4}\.\d{3,}"  # 208.4397503: a measurement, not a phone number
_CATEGORY = r"[\p{L}][\p{L}\p{N} /&,.'()_+-]{0,60}"
_CODE = r"\d{1,2}(\.0)?|[A-Za-z]{1,3}"

SHAPES: dict[str, Shape] = {
    "EMAIL_ADDRESS": _shape(r"[^@\s]+[@#][^@\s]+\.[A-Za-z]{2,}"),
    "PHONE_NUMBER": _shape(r"\+?[\d\s().\-/]{7,24}(\.0)?", "text integer float", exclude=_DECIMAL),
    "MSISDN": _shape(r"\+?\d{8,15}", "text integer"),
    "IMSI": _shape(r"\d{14,15}", "text integer"),
    "ICCID": _shape(r"89\d{16,20}[Ff]?", "text"),
    "IMEI": _shape(r"\d{14,16}", "text integer"),
    "MAC_ADDRESS": _shape(r"[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{4}(\.[0-9A-Fa-f]{4}){2}"),
    "DEVICE_SERIAL": _shape(r"[A-Za-z0-9-]{6,24}", "text"),
    "PERSON": _shape(r"[\p{L}][\p{L}'\x{2019}.\- ]{0,60}"),
    "STREET_ADDRESS": _shape(
        r".*[\p{L}\p{N}].*[\p{L}\p{N}].*", exclude=r"\d{1,2}(\.0)?|(?i:true|false|yes|no)|" + _DATE
    ),
    "POSTAL_CODE": _shape(r"[A-Za-z0-9]{3,5}([ -]?[A-Za-z0-9]{2,5})?(\.0)?", "text integer float"),
    "LOCATION": _shape(_CATEGORY),
    "DATE_OF_BIRTH": _shape(_DATE + r"|\d{1,4}(\.0)?", "text temporal integer float", low=1, high=2100),
    "AGE": _shape(r"\d{1,3}(\.0)?", "text integer float", low=0, high=125),
    "GENDER": _shape(
        r"(?i)m|f|male|female|man|woman|boy|girl|[0-2](\.0)?|u|unknown|other|x|non-?binary|nb|diverse",
        "text integer float bool",
        max_distinct=8,
    ),
    "ETHNIC_GROUP": _shape(_CATEGORY + "|" + _CODE, "text integer float", max_distinct=40),
    "MARITAL_STATUS": _shape(_CATEGORY + "|" + _CODE, "text integer float", max_distinct=15),
    "SPOKEN_LANGUAGE": _shape(_CATEGORY, max_distinct=200),
    "NATIONALITY": _shape(_CATEGORY, max_distinct=250),
    "RELIGION": _shape(_CATEGORY + "|" + _CODE, "text integer float", max_distinct=40),
    "JOB_TITLE": _shape(_CATEGORY),
    "ORGANIZATION": _shape(r".*\p{L}.*"),
    "GEO_COORDINATES": _shape(r"\(?" + _NUMBER + r"\s*[,; ]\s*" + _NUMBER + r"\)?"),
    "LATITUDE": _shape(_NUMBER + r"(\s*°?\s*[NSns])?", "text float", low=-90, high=90),
    "LONGITUDE": _shape(_NUMBER + r"(\s*°?\s*[EWew])?", "text float", low=-180, high=180),
    "IP_ADDRESS": _shape(
        r"(\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f:]{2,39}:[0-9A-Fa-f:]*|.*ip.*\d+\.\d+\.\d+\.\d+.*"
    ),
    "CELL_ID": _shape(
        r"\d{3}-\d{2,3}-[0-9A-Fa-f]+(-[0-9A-Fa-f]+)?|\d{3}\d{2,3}-?[0-9A-Fa-f]{4,}|\d{1,12}", "text integer"
    ),
    "APN": _shape(r"[a-z0-9-]+(\.[a-z0-9-]+)*"),
    "URL": _shape(r"(?i)(https?://|www\.)\S+|[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?|[a-z0-9]+(-[a-z0-9]+)+"),
    "URL_WITH_SCHEME": _shape(r"(?i)([a-z][a-z0-9+.-]*://|www\.)\S+"),
    "URL_PATH": _shape(r"/\S*"),
    "USER_AGENT": _shape(r"[A-Za-z][\w.-]*/\S+.*"),
    "COOKIE_ID": _shape(r"[\w.:\-]{8,}"),
    "SNS_HANDLE": _shape(r"@?[\w.]{2,40}"),
    "LOGIN_NAME": _shape(r"[\w.\-@+]{2,64}"),
    "PASSWORD_HASH": _shape(r"\$[\w\-]+\$.{8,}|[\w-]+\$.{8,}|[0-9a-fA-F]{32,128}"),
    "US_SSN": _shape(r"\d{3}-?\d{2}-?\d{4}"),
    "US_DRIVER_LICENSE": _shape(r"[A-Za-z0-9-]{5,20}"),
    "US_PASSPORT": _shape(r"[A-Za-z0-9]{6,12}"),
    "CREDIT_CARD": _shape(r"\d[\d \-]{7,22}", "text integer"),  # named columns: test cards are short
    "MASKED_CARD_NUMBER": _shape(r"[*xX•#\d \-]{0,19}\d{4}", "text integer"),
    "CARD_EXPIRY": _shape(r"\d{1,2}\s*/\s*\d{2,4}|\d{4}-\d{2}(-\d{2})?", "text temporal"),
    "IBAN_CODE": _shape(r"[A-Za-z]{2}\d{2}[A-Za-z0-9 ]{10,32}"),
    "BANK_ACCOUNT": _shape(r"[A-Za-z0-9\- ]{6,34}", "text integer"),
    "MONEY_AMOUNT": _shape(r"[$€£¥]?\s*-?\d[\d,]*(\.\d{1,4})?(\s*[A-Za-z]{3})?", "text integer float"),
    "PAYMENT_METHOD": _shape(_CATEGORY, max_distinct=30),
    "CURRENCY": _shape(r"[A-Za-z]{3}|[$€£¥₹]", max_distinct=60),
    "TRANSACTION_DATE": _shape(_DATE, "text temporal"),
    "EMPLOYMENT_DATE": _shape(_DATE, "text temporal"),
    "SUBSCRIPTION": _shape(r".+", "text integer"),
    "TIMESTAMP": _shape(_DATE + r"|\d{9,13}", "text temporal integer"),
    "DATA_VOLUME": _shape(r"\d+(\.0)?", "text integer float", low=0),
    "SEGMENT": _shape(_CATEGORY, max_distinct=100),
    "SCORE": _shape(_NUMBER, "float integer text"),
    FREE_TEXT: _shape(r"(?s).{20,}"),
}


def column_kind(dtype: pa.DataType) -> Kind:
    if pa.types.is_boolean(dtype):
        return "bool"
    if pa.types.is_integer(dtype):
        return "integer"
    if pa.types.is_floating(dtype) or pa.types.is_decimal(dtype):
        return "float"
    if pa.types.is_temporal(dtype):
        return "temporal"
    return "text"


def fit(entity: str, values: pa.ChunkedArray | pa.Array, texts: pa.Array, distinct: int) -> float:
    """Share of the non-empty values whose shape fits the entity (0 when the column's kind cannot)."""
    shape = SHAPES.get(entity)
    if shape is None or len(texts) == 0:
        return 0.0
    if column_kind(values.type) not in shape.kinds:
        return 0.0
    if shape.max_distinct is not None and distinct > shape.max_distinct:
        return 0.0
    mask = _matches(texts, shape.regex) if shape.regex else pa.array([True] * len(texts))
    if shape.exclude:
        mask = pc.and_(mask, pc.invert(_matches(texts, shape.exclude)))
    if shape.low is not None or shape.high is not None:
        mask = pc.and_(mask, _in_range(texts, shape.low, shape.high))
    return float(pc.sum(pc.cast(mask, pa.int64())).as_py() or 0) / len(texts)


def _matches(texts: pa.Array, regex: str) -> pa.Array:
    return pc.match_substring_regex(texts, f"^(?:{regex})$")


def _in_range(texts: pa.Array, low: float | None, high: float | None) -> pa.Array:
    """True where the text does not read as a number or reads as one inside [low, high]."""
    numeric = pc.extract_regex(texts, r"^(?P<n>[-+]?\d+(?:\.\d+)?)")
    as_text = pc.struct_field(numeric, [0])
    number = pc.cast(as_text, pa.float64())
    ok = pa.array([True] * len(texts))
    checks: list[Callable[[], pa.Array]] = []
    if low is not None:
        checks.append(lambda: pc.greater_equal(number, low))
    if high is not None:
        checks.append(lambda: pc.less_equal(number, high))
    for check in checks:
        ok = pc.and_(ok, check())
    return pc.fill_null(ok, True)
