"""Telecom identifiers of SIMs, devices and the radio network: IMSI, ICCID, IMEI, MSISDN, cell id, APN.

Accepted forms
- IMSI: 15 digits; the first three a real MCC (``mobile_codes``), the rest not one repeated digit.
- ICCID: 18-20 digits starting ``89`` (an ``F`` pad allowed); 19/20-digit forms must pass Luhn over
  all digits (certain: score 1.0); the 18-digit form carries no check digit (low score).
- IMEI: 15 digits, optionally ``AA-BBBBBB-CCCCCC-D``, Luhn-valid, the TAC (first 8) opening with an
  allocating reporting body (35, 86, 01, ...) and not a filler; IMEISV: 16 digits, no check digit
  (low score).
- MSISDN: E.164 ``+`` and 8-15 digits with a country code ``phonenumbers`` knows and a possible
  length; a whole value of 10-15 bare digits only when it is a valid number (low score).
- CELL_ID, all starting with a real MCC:
  ``MCC-MNC-LAC-CI`` (CGI, e.g. ``310-260-12345-67890123``; LAC/TAC <= 24 bits, CI <= 36 bits),
  ``MCC-MNC-ECI`` (ECGI/NCGI, ECI of 5-11 digits so ``310-260-1234`` phone numbers stay out),
  ``MCCMNC-HEXCI`` (e.g. ``310260-0001A2B3``).
- APN: the operator-identifier form ``name.mncNNN.mccNNN.gprs`` (strong), or a whole value of DNS
  labels, one of them naming a data service (``iot.vendor.net``, ``m2m.operator``, ``internet``:
  weak; lower case, as APNs are written, so ``PLN-IOT-100MB`` product codes stay out).
"""

from __future__ import annotations

import phonenumbers
from presidio_analyzer import Pattern

from pipelines.discovery.recognizers.base import ValueRecognizer
from pipelines.discovery.recognizers.checksums import digits_of, is_repeated, luhn_valid
from pipelines.discovery.recognizers.mobile_codes import IMEI_REPORTING_BODIES, MOBILE_COUNTRY_CODES

_ALONE_BEFORE = r"(?<![\w+.-])"
_ALONE_AFTER = r"(?![\w-]|\.\d)"
_MAX_AREA_CODE = 2**24 - 1
_MAX_CELL_IDENTITY = 2**36 - 1


class ImsiRecognizer(ValueRecognizer):
    """International Mobile Subscriber Identity: MCC + MNC + MSIN, 15 digits."""

    ENTITY = "IMSI"
    PATTERNS = (Pattern("IMSI (15 digits)", _ALONE_BEFORE + r"\d{15}" + _ALONE_AFTER, 0.4),)
    CONTEXT = ("imsi", "subscriber", "sim")

    def invalidate_result(self, pattern_text: str) -> bool:
        return pattern_text[:3] not in MOBILE_COUNTRY_CODES or is_repeated(pattern_text[3:])


class IccidRecognizer(ValueRecognizer):
    """SIM card serial number (ITU-T E.118): ``89`` + country + issuer + account + Luhn digit."""

    ENTITY = "ICCID"
    PATTERNS = (Pattern("ICCID (89, 18-20 digits)", _ALONE_BEFORE + r"89\d{16,18}F?" + _ALONE_AFTER, 0.3),)
    CONTEXT = ("iccid", "sim", "card")

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = digits_of(pattern_text)
        if len(digits) == 18:
            return None
        return luhn_valid(digits) and not is_repeated(digits[2:])


class ImeiRecognizer(ValueRecognizer):
    """Device identity: IMEI (15 digits, Luhn) or IMEISV (16 digits, software version, no check)."""

    ENTITY = "IMEI"
    PATTERNS = (
        Pattern("IMEI", _ALONE_BEFORE + r"\d{2}([- ]?)\d{6}\1\d{6}\1\d" + _ALONE_AFTER, 0.5),
        Pattern("IMEISV", _ALONE_BEFORE + r"\d{2}([- ]?)\d{6}\1\d{6}\1\d{2}" + _ALONE_AFTER, 0.2),
    )
    CONTEXT = ("imei", "device", "handset", "equipment", "terminal")

    def invalidate_result(self, pattern_text: str) -> bool:
        digits = digits_of(pattern_text)
        if digits[:2] not in IMEI_REPORTING_BODIES or is_repeated(digits[2:8]):
            return True
        return len(digits) == 15 and not luhn_valid(digits)


def _parsed_number(e164: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return None


class MsisdnRecognizer(ValueRecognizer):
    """Subscriber phone number in E.164 form, as telecom systems store it."""

    ENTITY = "MSISDN"
    PATTERNS = (
        Pattern("MSISDN (E.164)", r"(?<![\w+])\+[1-9]\d{7,14}(?!\w)", 0.5),
        Pattern("MSISDN (bare digits, whole value)", r"^[1-9]\d{9,14}$", 0.1),
    )
    CONTEXT = ("msisdn", "e164", "mobile", "phone")

    def invalidate_result(self, pattern_text: str) -> bool:
        number = _parsed_number("+" + pattern_text.lstrip("+"))
        if number is None:
            return True
        if pattern_text.startswith("+"):
            return not phonenumbers.is_possible_number(number)
        return not phonenumbers.is_valid_number(number)


class CellIdRecognizer(ValueRecognizer):
    """Global cell identity: CGI ``MCC-MNC-LAC-CI``, ECGI ``MCC-MNC-ECI``, or ``MCCMNC-HEXCI``."""

    ENTITY = "CELL_ID"
    PATTERNS = (
        Pattern("CGI", _ALONE_BEFORE + r"\d{3}-\d{2,3}-\d{1,8}-\d{1,11}" + _ALONE_AFTER, 0.6),
        Pattern("ECGI", _ALONE_BEFORE + r"\d{3}-\d{2,3}-\d{5,11}" + _ALONE_AFTER, 0.5),
        Pattern("ECGI (hex cell)", _ALONE_BEFORE + r"\d{5,6}-[0-9a-f]{6,9}" + _ALONE_AFTER, 0.5),
    )
    CONTEXT = ("cell", "cgi", "ecgi", "tower", "enb", "gnb", "sector")

    def invalidate_result(self, pattern_text: str) -> bool:
        if pattern_text[:3] not in MOBILE_COUNTRY_CODES:
            return True
        parts = pattern_text.split("-")
        area = int(parts[2]) if len(parts) == 4 else 0
        cell = int(parts[-1], 16 if len(parts) == 2 else 10)
        return area > _MAX_AREA_CODE or not 0 < cell <= _MAX_CELL_IDENTITY


_APN_SERVICE_WORDS = r"(?:m2m|iot|nbiot|catm|ltem|internet|apn|gprs|wap|mms|lte|broadband|data)"


class ApnRecognizer(ValueRecognizer):
    """Access Point Name a device attaches through (3GPP TS 23.003 section 9)."""

    ENTITY = "APN"
    PATTERNS = (
        Pattern(
            "APN with operator identifier",
            r"(?<![\w.-])(?:[a-z0-9-]+\.)*[a-z0-9-]+\.mnc\d{3}\.mcc\d{3}\.gprs(?![\w.-])",
            0.85,
        ),
        Pattern(
            "APN naming a data service (whole value)",
            rf"(?-i:^(?:[a-z0-9-]+\.)*{_APN_SERVICE_WORDS}\d*(?:\.[a-z0-9-]+)*$)",
            0.3,
        ),
    )
    CONTEXT = ("apn", "access point")
