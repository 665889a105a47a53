"""The analyzer factory: offline in every mode, NER when the model is installed, quiet, cached."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from importlib.util import find_spec

import pytest
import spacy.cli
import tldextract

from pipelines.discovery import analyzer
from pipelines.discovery.analyzer import (
    MISSING_MODEL_NOTICE,
    MODEL_PACKAGES,
    NER_OFF_NOTICE,
    AnalyzerSetup,
    build_analyzer,
)

MODEL_INSTALLED = any(find_spec(package) for package in MODEL_PACKAGES)
needs_model = pytest.mark.skipif(not MODEL_INSTALLED, reason="no spaCy English model package installed")
MODES = ["none", pytest.param("spacy", marks=needs_model)]


@pytest.fixture
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse (and record) every DNS lookup and socket connection made while the test runs."""
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[:2]))
        raise ConnectionRefusedError("network is off in this test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    yield attempts


def fresh_analyzer(mode: analyzer.NlpMode) -> AnalyzerSetup:
    """A newly built setup, bypassing (and not disturbing) the per-process cache."""
    return build_analyzer.__wrapped__(mode)


def test_network_guard_sees_the_stock_suffix_list_download(
    network_attempts: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    """Sanity check of the guard: tldextract's default extractor tries to fetch the suffix list."""
    caplog.set_level(logging.CRITICAL)
    tldextract.TLDExtract(cache_dir=None)("jane@example.com")
    assert network_attempts


@pytest.mark.parametrize("mode", MODES)
def test_building_and_analyzing_email_and_url_stays_offline(
    network_attempts: list[str], mode: analyzer.NlpMode
) -> None:
    engine = fresh_analyzer(mode).engine
    email = engine.analyze("write to jane.roe@example.com", language="en", entities=["EMAIL_ADDRESS"])
    url = engine.analyze("see https://console.example.com/sims", language="en", entities=["URL"])
    assert [r.entity_type for r in email] == ["EMAIL_ADDRESS"]
    assert "URL" in {r.entity_type for r in url}
    assert network_attempts == []


def test_none_mode_has_no_ner_and_says_so() -> None:
    setup = build_analyzer("none")
    names = {type(r).__name__ for r in setup.engine.registry.recognizers}
    assert (setup.ner, setup.notice) == (False, NER_OFF_NOTICE)
    assert "SpacyRecognizer" not in names
    assert "PERSON" not in setup.engine.get_supported_entities("en")
    assert setup.engine.analyze("Jane Roe", language="en") == []


@needs_model
@pytest.mark.parametrize("mode", ["spacy", "auto"])
def test_spacy_mode_uses_the_installed_model(mode: analyzer.NlpMode) -> None:
    setup = build_analyzer(mode)
    names = {type(r).__name__ for r in setup.engine.registry.recognizers}
    assert (setup.ner, setup.notice) == (True, None)
    assert "SpacyRecognizer" in names


@pytest.mark.parametrize("mode", ["auto", "spacy"])
def test_missing_model_falls_back_to_patterns_without_download(
    monkeypatch: pytest.MonkeyPatch, mode: analyzer.NlpMode
) -> None:
    def no_download(*args: object, **kwargs: object) -> None:
        raise AssertionError("spacy.cli.download must never be called")

    monkeypatch.setattr(analyzer, "MODEL_PACKAGES", ("no_such_spacy_model_package",))
    monkeypatch.setattr(spacy.cli, "download", no_download)
    setup = fresh_analyzer(mode)
    assert (setup.ner, setup.notice) == (False, MISSING_MODEL_NOTICE)
    assert "\n" not in MISSING_MODEL_NOTICE
    results = setup.engine.analyze("imsi 310260123456789", language="en", entities=["IMSI"])
    assert [r.entity_type for r in results] == ["IMSI"]


@pytest.mark.parametrize("mode", MODES)
def test_registry_has_ours_and_presidio_us_eu_recognizers(mode: analyzer.NlpMode) -> None:
    names = {type(r).__name__ for r in build_analyzer(mode).engine.registry.recognizers}
    ours = {"ImsiRecognizer", "CardNumberRecognizer", "OfflineEmailRecognizer", "UrlPathRecognizer"}
    presidio = {"UsSsnRecognizer", "IbanRecognizer", "PhoneRecognizer", "IpRecognizer"}
    held_to_context = {"NhsNumberRecognizer", "NinoRecognizer"}  # Presidio's UK ones, subclassed
    assert ours | presidio | held_to_context <= names
    assert names.isdisjoint({"CreditCardRecognizer", "EmailRecognizer", "NhsRecognizer", "UkNinoRecognizer"})


@pytest.mark.parametrize("mode", MODES)
def test_normal_use_prints_and_logs_nothing(
    mode: analyzer.NlpMode, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    engine = fresh_analyzer(mode).engine
    for text in ["Jane Roe, +1 415-555-0123", "imsi 310260123456789", "12.50 USD via visa", ""]:
        engine.analyze(text, language="en")
    engine.analyze("card 4111 1111 1111 1111", language="en", entities=["CREDIT_CARD", "NOT_AN_ENTITY"])
    noisy = [r for r in caplog.records if r.levelno >= logging.INFO and r.name.startswith("presidio")]
    assert noisy == []
    assert capfd.readouterr() == ("", "")


def test_engines_are_cached_per_mode() -> None:
    assert build_analyzer("none") is build_analyzer("none")


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="nlp must be one of"):
        build_analyzer("stanza")
