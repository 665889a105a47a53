"""Where a consumer or device is: coordinates, street addresses, postal codes.

Accepted forms
- LATITUDE / LONGITUDE: a decimal number with at least 3 decimals in [-90, 90] / [-180, 180]
  (bare integers and 1-2 decimal amounts never match). Every latitude is also a valid longitude,
  so a value in [-90, 90] yields both; the column name decides (``lat`` vs ``lon``).
- GEO_COORDINATES: a ``lat,lon`` pair with at least 2 decimals each (``37.77,-122.41``), or WKT
  ``POINT(lon lat)``.
- STREET_ADDRESS: number + capitalised street name + suffix (``221 Baker St``, ``1600 Pennsylvania
  Avenue NW``), German ``Hauptstraße 5`` / ``Berliner Str. 12``.
- POSTAL_CODE: ZIP+4, a ZIP after a state code (``CA 94103``), UK and Canadian postcodes; a bare
  five-digit number only with a very low score (context such as ``zip`` lifts it).
"""

from __future__ import annotations

import regex as re
from presidio_analyzer import Pattern

from pipelines.discovery.recognizers.base import ValueRecognizer

_NUMBER_BEFORE = r"(?<![\w.])"
_NUMBER_AFTER = r"(?![\w]|\.\d)"
_DECIMAL = r"[-+]?\d{1,3}\.\d{%s,10}"
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def _within(pattern_text: str, limit: float) -> bool:
    return all(abs(float(number)) <= limit for number in _NUMBER.findall(pattern_text))


class LatitudeRecognizer(ValueRecognizer):
    """A latitude in decimal degrees."""

    ENTITY = "LATITUDE"
    PATTERNS = (Pattern("Latitude (>= 3 decimals)", _NUMBER_BEFORE + _DECIMAL % 3 + _NUMBER_AFTER, 0.3),)
    CONTEXT = ("lat", "latitude", "location", "position", "gps")

    def invalidate_result(self, pattern_text: str) -> bool:
        return not _within(pattern_text, 90)


class LongitudeRecognizer(ValueRecognizer):
    """A longitude in decimal degrees."""

    ENTITY = "LONGITUDE"
    PATTERNS = (Pattern("Longitude (>= 3 decimals)", _NUMBER_BEFORE + _DECIMAL % 3 + _NUMBER_AFTER, 0.3),)
    CONTEXT = ("lon", "lng", "long", "longitude", "location", "position", "gps")

    def invalidate_result(self, pattern_text: str) -> bool:
        return not _within(pattern_text, 180)


class GeoCoordinatesRecognizer(ValueRecognizer):
    """A latitude/longitude pair held in one value."""

    ENTITY = "GEO_COORDINATES"
    PATTERNS = (
        Pattern(
            "lat,lon pair",
            _NUMBER_BEFORE + _DECIMAL % 2 + r"\s*[,;]\s*" + _DECIMAL % 2 + _NUMBER_AFTER,
            0.6,
        ),
        Pattern("WKT point", r"\bPOINT\s*\(\s*" + _DECIMAL % 1 + r"\s+" + _DECIMAL % 1 + r"\s*\)", 0.85),
    )
    CONTEXT = ("coordinates", "coords", "location", "position", "gps", "latlon", "latlng", "geo")

    def invalidate_result(self, pattern_text: str) -> bool:
        numbers = [float(number) for number in _NUMBER.findall(pattern_text)]
        latitude, longitude = (numbers[1], numbers[0]) if "(" in pattern_text else numbers[:2]
        return abs(latitude) > 90 or abs(longitude) > 180


_STREET_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Terrace|Ter"
    r"|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Square|Sq|Trail|Trl|Loop|Alley|Plaza|Straße|Strasse)"
)
_CAPITALISED_WORD = r"(?-i:[A-Z0-9][\w'.-]*)"
_UNIT = r"(?:,?\s+(?:Apt|Suite|Ste|Unit|#)\.?\s*[\w-]+)?"
_GERMAN_STREET = r"(?:straße|strasse|str\.|weg|gasse|allee|platz)"
_US_STATE = (
    r"(?-i:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|P[AR]|RI|S[CD]|T[NX]|UT"
    r"|V[AT]|W[AIVY])"
)


class StreetAddressRecognizer(ValueRecognizer):
    """A street line of a postal address."""

    ENTITY = "STREET_ADDRESS"
    PATTERNS = (
        Pattern(
            "number + street + suffix",
            r"(?<![\w.-])\d{1,6}(?-i:[A-Z])?\s+(?:[NSEW]\.?\s+)?"
            + rf"(?:{_CAPITALISED_WORD}\s+){{1,4}}{_STREET_SUFFIX}\b\.?(?:\s+(?-i:[NS][EW])\b)?{_UNIT}",
            0.5,
        ),
        Pattern(
            "German street + number",
            r"\b(?-i:[A-ZÄÖÜ][\wäöüß-]*)" + rf"(?:{_GERMAN_STREET}|\s+{_GERMAN_STREET})\s*\d{{1,4}}[a-z]?\b",
            0.5,
        ),
    )
    CONTEXT = ("address", "street", "addr", "residence", "shipping", "billing")


class PostalCodeRecognizer(ValueRecognizer):
    """US ZIP / ZIP+4, UK and Canadian postcodes."""

    ENTITY = "POSTAL_CODE"
    PATTERNS = (
        Pattern("ZIP+4", r"(?<![\w-])\d{5}-\d{4}(?![\w-])", 0.4),
        Pattern("ZIP after a state code", r"(?<=\b" + _US_STATE + r",?\s)\d{5}(?![\w-])", 0.4),
        Pattern(
            "UK postcode",
            r"\b(?-i:(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2})\b",
            0.4,
        ),
        Pattern("Canadian postal code", r"\b(?-i:[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[A-Z]\d)\b", 0.4),
        Pattern("ZIP (5 digits)", r"(?<![\w.-])\d{5}(?![\w-]|\.\d)", 0.05),
    )
    CONTEXT = ("zip", "postal", "postcode", "post_code", "plz")
