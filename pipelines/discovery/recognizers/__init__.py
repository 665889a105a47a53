"""Presidio recognizers for the values an IoT connectivity provider holds about consumers.

Each is a plain ``presidio_analyzer`` ``PatternRecognizer`` subclass, usable by any Presidio user::

    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp_engine)
    for name in REPLACED_PRESIDIO_RECOGNIZERS:
        registry.remove_recognizer(name)
    for recognizer in iot_recognizers():
        registry.add_recognizer(recognizer)
    engine = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine)

``pipelines.discovery.analyzer.build_analyzer`` does this (offline, with or without spaCy NER).
"""

from __future__ import annotations

from collections.abc import Callable

from presidio_analyzer import EntityRecognizer

from pipelines.discovery.recognizers.activity import DataVolumeRecognizer, TimestampRecognizer
from pipelines.discovery.recognizers.financial import (
    BankAccountRecognizer,
    CardNumberRecognizer,
    MaskedCardRecognizer,
    MoneyAmountRecognizer,
    PaymentMethodRecognizer,
)
from pipelines.discovery.recognizers.identity import (
    DateOfBirthRecognizer,
    LoginNameRecognizer,
    PasswordHashRecognizer,
    SnsHandleRecognizer,
)
from pipelines.discovery.recognizers.location import (
    GeoCoordinatesRecognizer,
    LatitudeRecognizer,
    LongitudeRecognizer,
    PostalCodeRecognizer,
    StreetAddressRecognizer,
)
from pipelines.discovery.recognizers.professional import JobTitleRecognizer
from pipelines.discovery.recognizers.telecom import (
    ApnRecognizer,
    CellIdRecognizer,
    IccidRecognizer,
    ImeiRecognizer,
    ImsiRecognizer,
    MsisdnRecognizer,
)
from pipelines.discovery.recognizers.web import (
    CookieIdRecognizer,
    OfflineEmailRecognizer,
    UrlPathRecognizer,
    UserAgentRecognizer,
)

# Presidio recognizers ours stand in for (same entity, fixed behaviour): remove them when registering.
REPLACED_PRESIDIO_RECOGNIZERS: tuple[str, ...] = ("CreditCardRecognizer", "EmailRecognizer")

_RECOGNIZER_CLASSES: tuple[Callable[..., EntityRecognizer], ...] = (
    ImsiRecognizer,
    IccidRecognizer,
    ImeiRecognizer,
    MsisdnRecognizer,
    CellIdRecognizer,
    ApnRecognizer,
    LatitudeRecognizer,
    LongitudeRecognizer,
    GeoCoordinatesRecognizer,
    StreetAddressRecognizer,
    PostalCodeRecognizer,
    DateOfBirthRecognizer,
    SnsHandleRecognizer,
    LoginNameRecognizer,
    PasswordHashRecognizer,
    CardNumberRecognizer,
    MaskedCardRecognizer,
    BankAccountRecognizer,
    MoneyAmountRecognizer,
    PaymentMethodRecognizer,
    TimestampRecognizer,
    DataVolumeRecognizer,
    UserAgentRecognizer,
    CookieIdRecognizer,
    UrlPathRecognizer,
    OfflineEmailRecognizer,
    JobTitleRecognizer,
)


def iot_recognizers(language: str = "en") -> list[EntityRecognizer]:
    """New instances of every recognizer of this package, for one language."""
    return [recognizer(supported_language=language) for recognizer in _RECOGNIZER_CLASSES]


__all__ = [
    "REPLACED_PRESIDIO_RECOGNIZERS",
    "ApnRecognizer",
    "BankAccountRecognizer",
    "CardNumberRecognizer",
    "CellIdRecognizer",
    "CookieIdRecognizer",
    "DataVolumeRecognizer",
    "DateOfBirthRecognizer",
    "GeoCoordinatesRecognizer",
    "IccidRecognizer",
    "ImeiRecognizer",
    "ImsiRecognizer",
    "JobTitleRecognizer",
    "LatitudeRecognizer",
    "LoginNameRecognizer",
    "LongitudeRecognizer",
    "MaskedCardRecognizer",
    "MoneyAmountRecognizer",
    "MsisdnRecognizer",
    "OfflineEmailRecognizer",
    "PasswordHashRecognizer",
    "PaymentMethodRecognizer",
    "PostalCodeRecognizer",
    "SnsHandleRecognizer",
    "StreetAddressRecognizer",
    "TimestampRecognizer",
    "UrlPathRecognizer",
    "UserAgentRecognizer",
    "iot_recognizers",
]
