"""The value recognizers, checked through a real Presidio AnalyzerEngine (patterns only, and NER).

A value is *found* as an entity when a result of that entity covers exactly the expected span.
Entities a value alone cannot decide are found with a low score that context words lift: a
score at or above CONFIDENT is what the column classifier treats as a confident match.
"""

from __future__ import annotations

import pytest
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NoOpNlpEngine

from pipelines.discovery.analyzer import MODEL_PACKAGES, build_analyzer
from pipelines.discovery.recognizers import REPLACED_PRESIDIO_RECOGNIZERS, iot_recognizers

CONFIDENT = 0.3
OUR_ENTITIES = frozenset(entity for r in iot_recognizers() for entity in r.supported_entities) - {
    "CREDIT_CARD",
    "EMAIL_ADDRESS",
}
BCRYPT = "$2b$12$KIXQJz3gUq9d1a1e5o7Nf.8mG8xg3y8oXp2l4oVdNQ0eQ1xS2y3Gu"
ARGON2 = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"
SHA512_CRYPT = "$6$rounds=5000$saltsalt$" + "a" * 40 + "B./" + "c" * 43
PBKDF2_DJANGO = "pbkdf2_sha256$600000$Xy7salt$9yY1bQ4o0kq3nM2v1Z0s8w7X6c5V4b3N2m1L0k9J8h7="
SHA256_HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
REQUEST_UUID = "3f2b8c1e-9a4d-4e7b-8c2f-1d5e6a7b8c9d"


@pytest.fixture(scope="module")
def engine() -> AnalyzerEngine:
    return build_analyzer("none").engine


def analyze(engine: AnalyzerEngine, text: str, context: list[str] | None = None) -> list[RecognizerResult]:
    return engine.analyze(text, language="en", context=context)


def score_of(results: list[RecognizerResult], text: str, entity: str, span: str | None = None) -> float:
    """Best score of ``entity`` over results covering exactly ``span`` (the whole text by default)."""
    wanted = text if span is None else span
    scores = [r.score for r in results if r.entity_type == entity and text[r.start : r.end] == wanted]
    return max(scores, default=0.0)


FOUND = [
    ("IMSI", "310260123456789"),
    ("IMSI", "901405123456783"),
    ("IMSI", "234150999999991"),
    ("ICCID", "89014103211118510720"),
    ("ICCID", "8944500102198304826"),
    ("ICCID", "890141032111185107"),
    ("IMEI", "490154203237518"),
    ("IMEI", "35-209900-176148-1"),
    ("IMEI", "860912041234563"),
    ("IMEI", "3520990017614823"),
    ("MSISDN", "+14155550123"),
    ("MSISDN", "+447911123456"),
    ("MSISDN", "447911123456"),
    ("CELL_ID", "310-260-12345-67890123"),
    ("CELL_ID", "310260-0001A2B3"),
    ("CELL_ID", "262-01-1234567"),
    ("APN", "internet.mnc260.mcc310.gprs"),
    ("APN", "iot.1nce.net"),
    ("APN", "m2m.com.attz"),
    ("APN", "internet"),
    ("LATITUDE", "37.7749"),
    ("LATITUDE", "-33.868820"),
    ("LONGITUDE", "-122.4194"),
    ("LONGITUDE", "151.209296"),
    ("LONGITUDE", "37.7749"),
    ("GEO_COORDINATES", "37.77,-122.41"),
    ("GEO_COORDINATES", "51.5074, -0.1278"),
    ("GEO_COORDINATES", "POINT(-122.4194 37.7749)"),
    ("STREET_ADDRESS", "221 Baker Street"),
    ("STREET_ADDRESS", "1600 Pennsylvania Avenue NW"),
    ("STREET_ADDRESS", "42 Elm St Apt 5"),
    ("STREET_ADDRESS", "Hauptstraße 5"),
    ("STREET_ADDRESS", "Berliner Str. 12"),
    ("POSTAL_CODE", "94103-1234"),
    ("POSTAL_CODE", "SW1A 1AA"),
    ("POSTAL_CODE", "K1A 0B1"),
    ("DATE_OF_BIRTH", "1985-03-14"),
    ("DATE_OF_BIRTH", "03/14/1985"),
    ("DATE_OF_BIRTH", "14/03/1985"),
    ("DATE_OF_BIRTH", "14.03.1985"),
    ("SNS_HANDLE", "@jane_roe"),
    ("LOGIN_NAME", "jroe42"),
    ("LOGIN_NAME", "jane.roe"),
    ("PASSWORD_HASH", BCRYPT),
    ("PASSWORD_HASH", ARGON2),
    ("PASSWORD_HASH", SHA512_CRYPT),
    ("PASSWORD_HASH", PBKDF2_DJANGO),
    ("PASSWORD_HASH", SHA256_HEX),
    ("CREDIT_CARD", "4111 1111 1111 1111"),
    ("CREDIT_CARD", "5555-5555-5555-4444"),
    ("CREDIT_CARD", "378282246310005"),
    ("CREDIT_CARD", "2223003122003222"),
    ("MASKED_CARD_NUMBER", "**** **** **** 4242"),
    ("MASKED_CARD_NUMBER", "XXXX-XXXX-XXXX-4242"),
    ("MASKED_CARD_NUMBER", "424242******4242"),
    ("MASKED_CARD_NUMBER", "4242"),
    ("IBAN_CODE", "DE89370400440532013000"),
    ("IBAN_CODE", "GB82WEST12345698765432"),
    ("BANK_ACCOUNT", "12-34-56 12345678"),
    ("BANK_ACCOUNT", "000123456789"),
    ("MONEY_AMOUNT", "$12.50"),
    ("MONEY_AMOUNT", "12.50 USD"),
    ("MONEY_AMOUNT", "EUR 9,99"),
    ("MONEY_AMOUNT", "€1.234,56"),
    ("PAYMENT_METHOD", "visa"),
    ("PAYMENT_METHOD", "credit_card"),
    ("PAYMENT_METHOD", "bank_transfer"),
    ("PAYMENT_METHOD", "PayPal"),
    ("PAYMENT_METHOD", "Apple Pay"),
    ("TIMESTAMP", "2024-05-01T12:34:56Z"),
    ("TIMESTAMP", "2024-05-01 12:34:56.123+02:00"),
    ("TIMESTAMP", "Wed, 01 May 2024 12:34:56 GMT"),
    ("TIMESTAMP", "1714567890"),
    ("TIMESTAMP", "1714567890123"),
    ("DATA_VOLUME", "100MB"),
    ("DATA_VOLUME", "1.5 GB"),
    ("DATA_VOLUME", "512 KiB"),
    ("DATA_VOLUME", "1048576"),
    ("USER_AGENT", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"),
    ("USER_AGENT", "okhttp/4.9.0"),
    ("USER_AGENT", "Dalvik/2.1.0 (Linux; U; Android 11; Pixel 5 Build/RQ3A.210805.001.A1)"),
    ("USER_AGENT", "MyIoTApp/2.3.1 (iPhone; iOS 17.0; Scale/3.00)"),
    ("COOKIE_ID", "GA1.2.123.456"),
    ("COOKIE_ID", "_ga=GA1.2.1234567890.1600000000"),
    ("COOKIE_ID", "fb.1.1596403881668.1116446470"),
    ("COOKIE_ID", REQUEST_UUID),
    ("URL_PATH", "/console/sims/123"),
    ("URL_PATH", "/api/v1/devices/abc?tab=usage"),
    ("EMAIL_ADDRESS", "jane.roe@example.com"),
    ("PHONE_NUMBER", "+1 415-555-0123"),
    ("IP_ADDRESS", "192.168.10.24"),
    ("URL", "https://example.com/console"),
    ("US_SSN", "536-90-4399"),
]


@pytest.mark.parametrize(("entity", "value"), FOUND)
def test_value_is_found_as_entity(engine: AnalyzerEngine, entity: str, value: str) -> None:
    assert score_of(analyze(engine, value), value, entity) > 0


FOUND_IN_TEXT = [
    ("POSTAL_CODE", "San Francisco, CA 94103", "94103"),
    ("SNS_HANDLE", "follow @iot.fan for updates", "@iot.fan"),
    ("STREET_ADDRESS", "ship to 1 Infinite Loop, Cupertino", "1 Infinite Loop"),
    ("MONEY_AMOUNT", "total due: $1,234.50 by Friday", "$1,234.50"),
    ("IMSI", "attach failed for imsi 310260123456789.", "310260123456789"),
    ("USER_AGENT", 'ua="curl/8.4.0"', "curl/8.4.0"),
]


@pytest.mark.parametrize(("entity", "text", "span"), FOUND_IN_TEXT)
def test_entity_is_found_inside_text(engine: AnalyzerEngine, entity: str, text: str, span: str) -> None:
    assert score_of(analyze(engine, text), text, entity, span) > 0


CONTEXT_DECIDES = [
    ("DATE_OF_BIRTH", "1985-03-14", "date_of_birth"),
    ("LOGIN_NAME", "jroe42", "username"),
    ("PASSWORD_HASH", SHA256_HEX, "password_hash"),
    ("COOKIE_ID", REQUEST_UUID, "cookie_id"),
    ("MASKED_CARD_NUMBER", "4242", "card_last4"),
    ("BANK_ACCOUNT", "000123456789", "account_number"),
    ("POSTAL_CODE", "94103", "zip"),
    ("MSISDN", "447911123456", "msisdn"),
    ("TIMESTAMP", "1714567890", "session_start"),
    ("TIMESTAMP", "2024-05-01T12:34:56Z", "session_started_at"),
    ("DATA_VOLUME", "1048576", "bytes_up"),
]


@pytest.mark.parametrize(("entity", "value", "column"), CONTEXT_DECIDES)
def test_context_decides_weak_entities(engine: AnalyzerEngine, entity: str, value: str, column: str) -> None:
    alone = score_of(analyze(engine, value), value, entity)
    with_column = score_of(analyze(engine, value, context=[column]), value, entity)
    assert 0 < alone < CONFIDENT <= with_column


@pytest.mark.parametrize(
    ("text", "span"),
    [("DOB: 1985-03-14", "1985-03-14"), ("born on 14.03.1985 in Ohio", "14.03.1985")],
)
def test_context_words_in_the_text_count_without_ner(engine: AnalyzerEngine, text: str, span: str) -> None:
    assert score_of(analyze(engine, text), text, "DATE_OF_BIRTH", span) >= CONFIDENT


NOT_FOUND = [
    ("CREDIT_CARD", "1234567812345678"),
    ("CREDIT_CARD", "4111111111111112"),
    ("CREDIT_CARD", "490154203237518"),
    ("CREDIT_CARD", "352099001761481"),
    ("IMSI", "001010123456789"),
    ("IMSI", "999990123456789"),
    ("IMSI", "310000000000000"),
    ("IMEI", "490154203237519"),
    ("IMEI", "000000001234567"),
    ("IMEI", "1234567812345678"),
    ("ICCID", "89014103211118510721"),
    ("ICCID", "12345678901234567890"),
    ("MSISDN", "+999123456789"),
    ("MSISDN", "+1415"),
    ("CELL_ID", "TWR-310-260-0042"),
    ("CELL_ID", "310-260-1234"),
    ("CELL_ID", "999-01-12345-678"),
    ("APN", "PLN-IOT-100MB"),
    ("APN", "internet access"),
    ("LATITUDE", "12"),
    ("LATITUDE", "12.50"),
    ("LATITUDE", "95.1234"),
    ("LONGITUDE", "-190.1234"),
    ("GEO_COORDINATES", "95.12,10.55"),
    ("STREET_ADDRESS", "3 units via the usual way"),
    ("STREET_ADDRESS", "Spring 2024"),
    ("DATE_OF_BIRTH", "2099-01-01"),
    ("DATE_OF_BIRTH", "02/30/1990"),
    ("DATE_OF_BIRTH", "2024-05-01T12:34:56Z"),
    ("SNS_HANDLE", "jane.roe@example.com"),
    ("PASSWORD_HASH", "$2b$12$tooShort"),
    ("PASSWORD_HASH", "a3f9c2e1b7d4e8f0a1b2c3d4"),
    ("MASKED_CARD_NUMBER", "renewed in 2024"),
    ("MONEY_AMOUNT", "12.50"),
    ("PAYMENT_METHOD", "visually"),
    ("TIMESTAMP", "2024-13-45T25:00:00Z"),
    ("TIMESTAMP", "123"),
    ("DATA_VOLUME", "100 Mbps"),
    ("URL_PATH", "12/05/2020"),
    ("URL_PATH", "https://example.com/console/sims"),
    ("URL_PATH", "and/or"),
    ("EMAIL_ADDRESS", "jane@example.notatld"),
]


@pytest.mark.parametrize(("entity", "value"), NOT_FOUND)
def test_value_is_not_found_as_entity(engine: AnalyzerEngine, entity: str, value: str) -> None:
    assert [r for r in analyze(engine, value) if r.entity_type == entity] == []


DECOYS = [
    "1.2.3.4",
    "10.4.22.1031",
    "PLN-IOT-100MB",
    "PLN-IOT-1GB-EU",
    "TWR-310-260-0042",
    "CAT-2024-00417",
    "1234567812345678",
    REQUEST_UUID,
    "a3f9c2e1b7d4",
    "5f1d7a9e3c2b4a6d8e0f1a2b",
    "Order 7731-2284-1190",
]


@pytest.mark.parametrize("value", DECOYS)
def test_decoys_are_no_confident_match(engine: AnalyzerEngine, value: str) -> None:
    confident = {r.entity_type for r in analyze(engine, value) if r.score >= CONFIDENT}
    assert confident & OUR_ENTITIES == set()


def test_firmware_version_is_an_ip_address_to_presidio(engine: AnalyzerEngine) -> None:
    """Presidio's IpRecognizer takes '1.2.3.4'; the column classifier weighs a version column's name."""
    results = analyze(engine, "1.2.3.4")
    assert score_of(results, "1.2.3.4", "IP_ADDRESS") >= CONFIDENT
    assert {r.entity_type for r in results} == {"IP_ADDRESS"}


@pytest.mark.parametrize(
    ("value", "entities"),
    [("37.7749", {"LATITUDE", "LONGITUDE"}), ("-122.4194", {"LONGITUDE"})],
)
def test_latitude_range_values_are_both_coordinates(
    engine: AnalyzerEngine, value: str, entities: set[str]
) -> None:
    found = {r.entity_type for r in analyze(engine, value)} & {"LATITUDE", "LONGITUDE"}
    assert found == entities


@pytest.mark.parametrize("value", ["490154203237518", "352099001761481", "310260123456789"])
def test_telecom_numbers_are_not_bank_cards(engine: AnalyzerEngine, value: str) -> None:
    assert "CREDIT_CARD" not in {r.entity_type for r in analyze(engine, value)}


def test_certain_checks_score_full_confidence(engine: AnalyzerEngine) -> None:
    for entity, value in [("ICCID", "89014103211118510720"), ("CREDIT_CARD", "4111 1111 1111 1111")]:
        assert score_of(analyze(engine, value), value, entity) == 1.0


def test_recognizers_register_in_a_plain_presidio_registry() -> None:
    """The recipe of the package docstring, on Presidio's own registry and no-op NLP engine."""
    nlp_engine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "no_op"}])
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp_engine)
    for name in REPLACED_PRESIDIO_RECOGNIZERS:
        registry.remove_recognizer(name)
    for recognizer in iot_recognizers():
        registry.add_recognizer(recognizer)
    engine = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine)
    text = "sim 89014103211118510720 in device 490154203237518 near 37.77,-122.41"
    found = {r.entity_type: text[r.start : r.end] for r in engine.analyze(text, language="en")}
    assert found["ICCID"] == "89014103211118510720"
    assert found["IMEI"] == "490154203237518"
    assert found["GEO_COORDINATES"] == "37.77,-122.41"
    assert "CREDIT_CARD" not in found


def _model_installed() -> bool:
    from importlib.util import find_spec

    return any(find_spec(package) for package in MODEL_PACKAGES)


@pytest.mark.skipif(not _model_installed(), reason="no spaCy English model package installed")
@pytest.mark.parametrize(
    ("text", "entity", "span"),
    [
        ("Jane Roe", "PERSON", "Jane Roe"),
        ("Jane Roe lives in London", "LOCATION", "London"),
        ("imsi 310260123456789 for Jane Roe", "IMSI", "310260123456789"),
    ],
)
def test_ner_engine_finds_names_places_and_patterns(text: str, entity: str, span: str) -> None:
    setup = build_analyzer("spacy")
    assert setup.ner
    assert score_of(analyze(setup.engine, text), text, entity, span) >= CONFIDENT
